"""Small template helpers for the donation pages."""

from django import template

from donations import money

register = template.Library()


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def field(form, name: str):
    """A bound field by name, or None when the form has no such field (e.g. signed-in donors)."""
    return form[name] if name in form.fields else None


@register.simple_tag
def amount(value: int, currency: str) -> str:
    return money.format_amount(value, currency)


@register.filter
def status_label(value: str) -> str:
    from donations.models import Device

    return Device.Status(value).label if value in Device.Status.values else value
