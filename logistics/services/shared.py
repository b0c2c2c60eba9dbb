"""What the bench and delivery services share: the hub check, and the device's door."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from core.errors import NotFound
from donations.lifecycle import DEVICE, device_transition
from donations.models import Device


def require_hub(actor, hub_id: int | None) -> None:
    if hub_id is None or not scope_for(actor).covers_hub(hub_id):
        raise NotFound(_("That phone is not at one of your hubs."), code="not_found")


def lock_for_move(device_id: int, to: str, *, again: bool = False) -> Device:
    """Lock the phone and ask the device's table whether it may take this step now, so that a
    double click or a retry never writes a second record for a move already made (409 naming
    the allowed moves). `again`: a phone already there may take the step again (a second repair)."""
    device = Device.objects.select_for_update().get(id=device_id)
    if not (again and device.status == to):
        DEVICE.check_move(device.status, to)
    return device


def move_device(device: Device, to: str, actor, evidence: dict | None = None) -> Device:
    """Move the phone through its door (donations.lifecycle); a repeated move writes nothing."""
    return device_transition(device_id=device.id, to=to, actor=actor, evidence=evidence)
