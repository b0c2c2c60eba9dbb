"""The error a donations service raises for bad input, placed on the field it names."""

from __future__ import annotations

from core.errors import ApplicationError


def field_error(message: str, code: str, field: str | None = None) -> ApplicationError:
    """A 400 whose message is shown on `field` (a form field, or a dotted API field)."""
    return ApplicationError(message, code=code, fields={field: [message]} if field else None)
