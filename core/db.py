"""Small query helpers shared by the apps."""

from __future__ import annotations


def unique_or_none(queryset):
    """The row of a lookup by a unique key (an id, a code, an email), or None.

    `first()` orders (by the model's ordering, else the primary key), which costs the ORM a
    compiled ORDER BY and the database a sort for a question with at most one answer; this asks
    for one row as it is."""
    return next(iter(queryset.order_by()[:1]), None)
