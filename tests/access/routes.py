"""Enumerates the project's URL patterns for the access matrix, and the helpers that request them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Patterns the matrix does not request one by one, each with its reason.
SKIPPED_PREFIXES = (
    "admin/",  # Django's admin: one row for its index ("admin:index") stands for it
    "static/",
    "media/",
)
ADMIN_INDEX = "admin:index"

PERSONAS = (
    "anonymous",
    "donor",
    "other_donor",
    "officer_a",
    "officer_b",
    "verifier",
    "coordinator_h",
    "coordinator_k",
    "admin",
    # Province admin of Quảng Trị, the world's province (issue 17).
    "province_admin",
    # The staff of a second province, Huế (tests/conftest.py make_second_province): nothing of
    # the world, all of it in Quảng Trị, may be reached by them.
    "province_admin_hue",
    "coordinator_hue",
    "officer_hue",
)
SECOND_PROVINCE = ("province_admin_hue", "coordinator_hue", "officer_hue")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str
    methods: tuple[str, ...]  # the methods a DRF view answers; () for plain Django views
    is_api: bool


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:
        # (DRF adds "head" to a viewset's actions at its first request: HEAD answers as GET)
        return tuple(sorted(m.upper() for m in actions if m not in ("head", "options")))
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None and hasattr(cls, "permission_classes"):  # DRF
        verbs = ("get", "post", "put", "patch", "delete")
        return tuple(m.upper() for m in verbs if hasattr(cls, m))
    return ()


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry.callback


def all_routes() -> list[Route]:
    """Every URL pattern of the project, except Django admin internals, static and media files,
    and DRF's format-suffix twins (`communes.json`), which answer as their plain pattern does."""
    routes = {}
    for pattern, name, callback in _walk(get_resolver().url_patterns):
        if pattern.startswith(SKIPPED_PREFIXES) or "(?P<format>" in pattern:
            continue
        key = name or pattern
        routes[key] = Route(
            name=key,
            pattern=pattern,
            methods=_methods(callback),
            is_api=pattern.startswith("api/v1/"),
        )
    routes[ADMIN_INDEX] = Route(name=ADMIN_INDEX, pattern="admin/", methods=(), is_api=False)
    return sorted(routes.values(), key=lambda r: r.name)


def strip_tokens(body: str) -> str:
    """Removes the random CSRF token so a personal-data digit search cannot match by chance."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def contains(body: str, secret: str) -> bool:
    if secret.isdigit():
        return re.search(rf"(?<![0-9A-Za-z]){secret}(?![0-9A-Za-z])", body) is not None
    return secret in body
