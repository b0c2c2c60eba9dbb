"""The one way every form shows its fields and errors (templates/partials/field.html and
form_errors.html): the input names its help and its error (aria-describedby, aria-invalid)."""

from __future__ import annotations

from django import forms, template
from django.forms.widgets import ChoiceWidget

register = template.Library()


@register.filter
def field_kind(bound_field) -> str:
    """ "check" (one checkbox), "choices" (radios or checkboxes: a fieldset), "file" or "input"."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, ChoiceWidget) and widget.input_type in ("radio", "checkbox"):
        return "choices"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.filter
def described_by(bound_field) -> str:
    """The ids of the field's help and error paragraphs, for aria-describedby."""
    ids = []
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_help")
    return " ".join(ids)


@register.filter
def with_aria(bound_field):
    """The field's widget, pointing at its error and help; marked invalid when it has an error."""
    attrs = {}
    described = described_by(bound_field)
    if described:
        attrs["aria-describedby"] = described
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def box_id(bound_field) -> str:
    """The id of the field's box: "field-<name>", unique per form even where one page shows the
    same form several times with their own auto_id (the batch forms, one per commune)."""
    auto_id = bound_field.auto_id or bound_field.html_name
    return "field-" + (auto_id[3:] if auto_id.startswith("id_") else auto_id)


@register.filter
def error_target(bound_field) -> str:
    """Where the error summary's link for this field goes: its input, or its group's box."""
    return bound_field.id_for_label or box_id(bound_field)
