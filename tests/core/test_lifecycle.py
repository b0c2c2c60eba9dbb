"""core.lifecycle.Lifecycle, through the device's door: the refusal speaks the request's language
(the tables are built at import, so their messages must be lazy), a forbidden move writes nothing,
and evidence is checked by the checker registered for it."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.errors import Conflict
from donations.lifecycle import DEVICE, device_transition
from donations.models import Device, DeviceEvent
from tests.donations.conftest import make_pledge  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledged(make_pledge, donor):  # noqa: F811
    return make_pledge(donor).devices.get()


@pytest.mark.parametrize(
    ("language", "words"), [("vi", "không thể chuyển"), ("en", "cannot become")]
)
def test_a_refusal_speaks_the_language_of_the_moment_not_of_the_import(
    pledged, admin_user, language, words
):
    with translation.override(language), pytest.raises(Conflict) as refused:
        device_transition(device_id=pledged.id, to="delivered", actor=admin_user)
    assert words in refused.value.message.lower()
    assert refused.value.code == "invalid_transition"
    assert refused.value.fields["allowed"] == DEVICE.allowed_moves("pledged")
    assert Device.objects.get(id=pledged.id).status == "pledged"
    assert not DeviceEvent.objects.filter(device=pledged).exclude(old_status="").exists()


def test_a_repeated_move_writes_one_event(pledged, admin_user):
    before = DeviceEvent.objects.count()
    device_transition(device_id=pledged.id, to="cancelled", actor=admin_user, reason="by mistake")
    device_transition(device_id=pledged.id, to="cancelled", actor=admin_user)
    event = DeviceEvent.objects.latest("id")
    assert DeviceEvent.objects.count() == before + 1
    assert (event.old_status, event.new_status, event.actor, event.reason) == (
        "pledged",
        "cancelled",
        admin_user,
        "by mistake",
    )
