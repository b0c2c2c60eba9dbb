"""API plumbing shared by every app: the error shape of API.md and pagination."""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError

BIGINT_MAX = 2**63 - 1


class IdField(serializers.IntegerField):
    """A row id: a positive integer the database can hold (past 2^63 the driver overflows)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


# Per use, DRF gives a serializer its own fields by deep-copying the declared ones, and a field's
# deep copy runs its __init__ again on deep copies of its arguments (choice lists included): on the
# pledge path that was the largest share of the CPU a request spent in DRF. Until it is bound, a
# field holds nothing of its use, and binding sets attributes on the copy it is given, so a
# shallow copy serves. A field holding a child (a list, a dict, `many=True`) binds that child to
# itself and is deep-copied as DRF does.
_PER_USE = ("fields", "_validated_data", "_errors", "_data", "initial_data")


def _field_for_use(field):
    if hasattr(field, "child") or hasattr(field, "child_relation"):
        return copy.deepcopy(field)
    clone = object.__new__(type(field))  # copy.copy, without its pickling protocol's detour
    state = dict(field.__dict__)
    for name in _PER_USE:
        state.pop(name, None)
    clone.__dict__ = state
    return clone


class Serializer(serializers.Serializer):
    """DRF's Serializer, with fields copied for each use rather than rebuilt (see above)."""

    def get_fields(self):
        return {name: _field_for_use(field) for name, field in self._declared_fields.items()}


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def paginated(request, view, rows, serializer_class) -> Response:
    """One page of `rows` by the view's `pagination_class` (core.api.Pagination), rendered by
    `serializer_class`. A view that declares `pagination_class` and answers
    `serializer_class(many=True)` in its schema gets the paginated schema from drf-spectacular."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def validated(serializer_class, request) -> dict:
    """The request body as `serializer_class` checks it (400 naming the fields otherwise)."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def error_response(code: str, message: str, status_code: int, fields=None) -> Response:
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    return Response(body, status=status_code)


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail → {"field": ["message", ...]}, nested fields dotted."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list):
            if all(not isinstance(v, (dict, list)) for v in value):
                out.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
            else:
                for index, sub in enumerate(value):
                    walk(f"{prefix}.{index}" if prefix else str(index), sub)
        else:
            out.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", detail)
    return out


_CODES = {
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        response = error_response(exc.code, exc.message, exc.status, exc.fields)
        response.data["error"].update(exc.extra)  # more facts a client may act on (documented)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "; ".join(exc.messages)
        return error_response("invalid", message, 400, {k: list(v) for k, v in fields.items()})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()), [_("Invalid input.")])[0]
        response.data = {
            "error": {
                "code": "invalid",
                "message": _("Please correct the highlighted fields: %(first)s") % {"first": first},
                "fields": fields,
            }
        }
        return response
    detail = getattr(exc, "detail", "")
    code = _CODES.get(response.status_code, "error")
    if isinstance(detail, (dict, list)):
        message = "; ".join(m for msgs in _flatten(detail).values() for m in msgs)
    else:
        message = str(detail)
    response.data = {"error": {"code": code, "message": message, "fields": {}}}
    return response
