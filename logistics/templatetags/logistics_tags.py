"""Template questions the pages ask the device's table (donations.lifecycle), never a copy of it:
`{% if device.status|may_become:"delivered" %}`."""

from django import template

from donations.lifecycle import may_move

register = template.Library()


@register.filter
def may_become(status: str, to: str) -> bool:
    """True when the device's table allows `status → to`."""
    return may_move(status, to)
