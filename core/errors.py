"""The one error type that services raise. Pages show its message on the field it names;
the API turns it into the error shape of API.md (see core.api.exception_handler)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS


class ApplicationError(Exception):
    """A rule was broken. `code` is stable snake_case for clients; `message` is for people.

    status: 400 for bad input, 403 for a forbidden act, 404 for a thing out of reach, 409 for a
    state conflict (a move the life cycle does not allow, a thing already taken).
    """

    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        fields: dict[str, list[str]] | None = None,
        status: int | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.fields = {key: [str(m) for m in msgs] for key, msgs in (fields or {}).items()}
        self.extra = dict(extra or {})  # more keys of the API's error object (e.g. "kept")
        if status is not None:
            self.status = status


class Conflict(ApplicationError):
    status = 409


class Forbidden(ApplicationError):
    status = 403


class NotFound(ApplicationError):
    status = 404

    def __init__(self, message: str, *, code: str = "not_found", **kwargs) -> None:
        super().__init__(message, code=code, **kwargs)


def apply_to_form(form, error: ApplicationError) -> None:
    """Put a service's error on the form fields it names (or on the form as a whole)."""
    placed = False
    for field, messages in error.fields.items():
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
                placed = True
    if not placed:
        form.add_error(None, error.message)


def refuse_form(form, message: str):
    """Give a form (bound or not) `message` as its only error without validating it: a refused
    attempt (a rate limit) must not check a password or send an email."""
    from django.forms.utils import ErrorDict

    form._errors = ErrorDict(
        {NON_FIELD_ERRORS: form.error_class([message], error_class="nonfield")}
    )
    return form
