"""Small template helpers for the donation pages."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

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


@register.filter
def when(value) -> str:
    """A moment in the site's time zone (Asia/Ho_Chi_Minh), written the way the reader's
    language writes a date and a time ("Ngày 01 tháng 12 năm 2026, 21:08"; "Dec. 1, 2026,
    9:08 p.m.")."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local, 'DATE_FORMAT')}, {time_format(local, 'TIME_FORMAT')}"


@register.simple_tag
def utc_offset() -> str:
    """The site's offset from UTC now, as "UTC+7"."""
    minutes = int(timezone.localtime().utcoffset().total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@register.simple_tag
def zone_note() -> str:
    return _("Times are Vietnam time (%(offset)s).") % {"offset": utc_offset()}
