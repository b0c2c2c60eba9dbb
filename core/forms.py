"""Form fields shared by the apps' pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.api import BIGINT_MAX


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id past the database's integer range as an invalid choice (Django
    filters `pk__in` with it as given, which overflows the database driver: a 500)."""

    def _check_values(self, value):
        for pk in value or ():
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > BIGINT_MAX:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
