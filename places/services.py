"""Writes to places: hubs (admins). A commune's flags change through
households/services/communes.py, which re-scores the commune's households."""

from __future__ import annotations

import phonenumbers
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Forbidden
from core.pdf import require_printable
from core.text import nfc
from places.models import Commune, Hub


def _communes(codes, field: str) -> list[Commune]:
    codes = [str(c).strip() for c in codes]
    found = list(Commune.objects.filter(code__in=codes, province__active=True))
    unknown = sorted(set(codes) - {c.code for c in found})
    if unknown:
        message = _(
            "These codes are not communes of a province the programme works in: %(codes)s."
        ) % {"codes": ", ".join(unknown)}
        raise ApplicationError(message, code="unknown_commune", fields={field: [message]})
    return found


def hub_phone(value) -> str:
    """A hub's phone, stored in E.164 (+842333852123); empty when none is given."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        message = _("Enter the hub's phone number with its area code, e.g. +84 233 3852 123.")
        raise ApplicationError(message, code="invalid_phone", fields={"phone": [message]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _one_province(home: Commune, serves: list[Commune]) -> None:
    """A hub serves communes of its own province only: a phone crosses into another province
    only when a matching run allows transfers (matching/provinces.py)."""
    others = sorted(c.code for c in serves if c.province_id != home.province_id)
    if others:
        message = _(
            "A hub serves communes of its own province only (%(province)s); these are not: "
            "%(codes)s."
        ) % {"province": home.province.name, "codes": ", ".join(others)}
        raise ApplicationError(message, code="other_province", fields={"serves": [message]})


def require_province_admin(actor, commune: Commune) -> None:
    """Admins manage every hub; a province admin those of their provinces (None: the system)."""
    if actor is None:
        return
    scope = actor.scope
    if not scope.administers_province(commune.province_id):
        message = _("You manage the hubs of your own province only.")
        raise Forbidden(message, code="province_not_yours")


@transaction.atomic
def hub_create(
    *, name: str, commune: str, address: str, serves=(), phone: str = "", actor=None
) -> Hub:
    name = " ".join(nfc(name or "").split())
    address = nfc(address or "").strip()
    if not name:
        raise ApplicationError(
            _("Enter the hub's name."), fields={"name": [_("This field is required.")]}
        )
    if Hub.objects.filter(name__iexact=name).exists():
        message = _("A hub with this name already exists.")
        raise ApplicationError(message, code="hub_name_taken", fields={"name": [message]})
    require_printable(name=name, address=address)  # printed on receipts and certificates
    (home,) = _communes([commune], "commune")
    require_province_admin(actor, home)
    served = _communes(serves, "serves")
    _one_province(home, served)
    hub = Hub.objects.create(name=name, commune=home, address=address, phone=hub_phone(phone))
    hub.serves.set(served)
    return hub


@transaction.atomic
def hub_update(
    *,
    hub_id: int,
    actor=None,
    name=None,
    commune=None,
    address=None,
    serves=None,
    is_active=None,
    phone=None,
) -> Hub:
    hub = Hub.objects.select_for_update().select_related("commune__province").get(id=hub_id)
    require_province_admin(actor, hub.commune)
    name = " ".join(nfc(name).split()) if name is not None else None
    address = nfc(address) if address is not None else None
    require_printable(name=name or "", address=address or "")  # printed on receipts
    fields = []
    if name is not None and name.strip() != hub.name:
        if Hub.objects.filter(name__iexact=name.strip()).exclude(id=hub.id).exists():
            message = _("A hub with this name already exists.")
            raise ApplicationError(message, code="hub_name_taken", fields={"name": [message]})
        hub.name = name.strip()
        fields.append("name")
    if commune is not None:
        (hub.commune,) = _communes([commune], "commune")
        require_province_admin(actor, hub.commune)
        fields.append("commune")
    if address is not None:
        hub.address = address.strip()
        fields.append("address")
    if phone is not None:
        hub.phone = hub_phone(phone)
        fields.append("phone")
    if is_active is not None:
        hub.is_active = is_active
        fields.append("is_active")
    served = _communes(serves, "serves") if serves is not None else list(hub.serves.all())
    _one_province(hub.commune, served)
    if fields:
        hub.save(update_fields=fields)
    if serves is not None:
        hub.serves.set(served)
    return hub
