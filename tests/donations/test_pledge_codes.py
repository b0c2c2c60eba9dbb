"""A pledge's phones go in with one INSERT; a tracking code that collides is drawn again."""

import pytest

from tests.donations.conftest import phone

pytestmark = pytest.mark.django_db


def test_it_writes_a_batch_pledge_in_one_insert(make_pledge, donor, django_assert_max_num_queries):
    from donations.models import Device

    with django_assert_max_num_queries(20):  # not one INSERT (and savepoint) per phone
        pledge = make_pledge(donor, devices=[phone(condition="new", quantity=40)])
    codes = set(pledge.devices.values_list("tracking_code", flat=True))
    assert len(codes) == 40 and Device.objects.count() == 40
    assert pledge.devices.filter(events__new_status="pledged").count() == 40


def test_it_draws_new_codes_when_one_collides(make_pledge, donor, other_donor, monkeypatch):
    """The first attempt draws a taken code and breaks the unique index; the whole pledge is
    tried again with fresh codes (pledges.pledge_create), and only that attempt's rows stay."""
    from donations.models import Device, DeviceEvent, Pledge

    first = make_pledge(donor).devices.get()
    drawn = iter([first.tracking_code, "NS-AAAAAA", "NS-BBBBBB", "NS-CCCCCC"])
    # A field's default is read through its cached _get_default: patch that, not `default`.
    field = Device._meta.get_field("tracking_code")
    monkeypatch.setitem(field.__dict__, "_get_default", lambda: next(drawn))
    pledge = make_pledge(other_donor, devices=[phone(condition="new", quantity=2)])
    codes = sorted(pledge.devices.values_list("tracking_code", flat=True))
    assert codes == ["NS-BBBBBB", "NS-CCCCCC"]
    assert next(drawn, None) is None  # both attempts drew: the collision really happened
    assert Pledge.objects.count() == 2 and Device.objects.count() == 3
    assert DeviceEvent.objects.filter(device__pledge=pledge, new_status="pledged").count() == 2
    assert not Device.objects.filter(tracking_code="NS-AAAAAA").exists()


def test_a_fault_that_is_no_race_is_not_tried_again(make_pledge, donor, monkeypatch):
    from django.db import IntegrityError

    from donations.services import pledges

    attempts = []

    def broken(**kwargs):
        attempts.append(1)
        raise IntegrityError('insert violates foreign key constraint "donations_pledge_hub_id_fk"')

    monkeypatch.setattr(pledges, "_pledge_create_once", broken)
    with pytest.raises(IntegrityError):
        make_pledge(donor)
    assert attempts == [1]
