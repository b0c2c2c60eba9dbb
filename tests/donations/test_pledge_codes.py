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


def test_it_draws_a_new_code_when_one_collides(make_pledge, donor, other_donor, monkeypatch):
    from donations import models

    first = make_pledge(donor).devices.get()
    drawn = iter([first.tracking_code, "NS-AAAAAA", "NS-BBBBBB"])
    monkeypatch.setattr(models, "new_tracking_code", lambda: next(drawn))
    monkeypatch.setattr(
        models.Device._meta.get_field("tracking_code"), "default", models.new_tracking_code
    )
    pledge = make_pledge(other_donor, devices=[phone(condition="new", quantity=2)])
    codes = sorted(pledge.devices.values_list("tracking_code", flat=True))
    assert first.tracking_code not in codes and len(set(codes)) == 2
    assert pledge.devices.filter(events__new_status="pledged").count() == 2
