"""Request parsers (settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]). Kept apart from core.api:
DRF reads that setting while rest_framework.views is imported, so this module imports no view."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# How deep a JSON body may nest. API.md's deepest body (a pledge's devices with their details) is
# four levels; anything past this is refused before a serializer sees it.
MAX_JSON_DEPTH = 32


def json_depth_exceeds(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when `value` nests deeper than `limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, with a bound on nesting: a body nested thousands deep is a 400 in the
    error shape (Python's decoder would raise RecursionError, a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON body is nested too deeply.")) from None
        if json_depth_exceeds(data):
            raise exceptions.ParseError(_("The JSON body is nested too deeply."))
        return data
