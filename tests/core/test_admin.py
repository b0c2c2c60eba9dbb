"""No back doors: the admin site shows every model of the project that has a status or is evidence,
and changes none of them, not even for a superuser (core/admin.py's ReadOnlyAdmin).

The models come from the admin site's registry, so a model registered later is covered too; only
EDITABLE models may be changed in the admin. Each model's pages are requested on one shared world
(tests/access/world.py, built once per module and rolled back after it), with a row filled in from
the field types for any model the world has no row of.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, PROJECT_APPS

pytestmark = pytest.mark.django_db

# Reference data without a status: villages (no service to go round) and hubs (saved through
# places.services, tested at the end).
EDITABLE = {"places.village", "places.hub"}

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS),
    key=lambda model: model._meta.label,
)
READ_ONLY = [model for model in REGISTERED if model._meta.label_lower not in EDITABLE]


@pytest.fixture(scope="module")
def superuser(shared_world):
    from accounts.models import User

    return User.objects.create_superuser(email="root@test.vn", password=PASSWORD)


def _value(field):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return date(2026, 12, 1)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, (models.CharField, models.TextField, models.FileField)):
        return "x"
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return 1
    if isinstance(field, models.BooleanField):
        return False
    raise AssertionError(f"no test value for {field!r}: teach _value() this field type")


def a_row(model):
    """A row of `model`: the world's first, or a new one with every required field filled in."""
    row = model.objects.order_by("pk").first()
    if row is not None:
        return row
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.has_default():
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.is_relation:
            values[field.name] = a_row(field.related_model)
        else:
            values[field.name] = _value(field)
    return model.objects.create(**values)


def _snapshot(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def test_the_read_only_models_are_discovered_from_the_admin_site():
    labels = {model._meta.label for model in READ_ONLY}
    for expected in ("donations.Device", "households.Household", "places.Commune", "accounts.User"):
        assert expected in labels


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda model: model._meta.label)
def test_the_admin_shows_the_model_but_changes_nothing(model, superuser, client):
    client.force_login(superuser)
    row = a_row(model)
    before = _snapshot(model)
    url = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{url}_changelist")
    change = reverse(f"{url}_change", args=[row.pk])

    # Viewable and searchable.
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "x"}).status_code == 200
    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    for button in ("_save", "_continue", "_addanother"):
        assert f'name="{button}"' not in html, f"{model._meta.label}: a {button} button"
    assert reverse(f"{url}_delete", args=[row.pk]) not in html

    # Every write is refused and writes nothing.
    assert client.post(change, {"_save": "Save"}).status_code == 403
    assert client.post(reverse(f"{url}_add"), {"_save": "Save"}).status_code == 403
    delete = reverse(f"{url}_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    assert client.post(changelist, bulk).status_code in (200, 302)  # "no action selected"
    assert _snapshot(model) == before


def test_a_superuser_cannot_set_a_password_through_the_admin(superuser, client):
    from accounts.models import User

    client.force_login(superuser)
    staff = User.objects.exclude(id=superuser.id).order_by("pk").first()
    url = reverse("admin:auth_user_password_change", args=[staff.pk])
    response = client.post(url, {"password1": "a-new-pass-2026!", "password2": "a-new-pass-2026!"})
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_a_hub_saved_in_the_admin_goes_through_the_service(superuser, client, monkeypatch):
    from places import admin as places_admin
    from places.models import Hub

    calls = []

    def spy(name):
        service = getattr(places_admin, name)

        def call(**kwargs):
            calls.append(name)
            return service(**kwargs)

        return call

    monkeypatch.setattr(places_admin, "hub_create", spy("hub_create"))
    monkeypatch.setattr(places_admin, "hub_update", spy("hub_update"))
    client.force_login(superuser)
    add = reverse("admin:places_hub_add")
    form = {"name": "Diem Cam Lo", "commune": "19333", "address": "Cam Lộ", "is_active": "on"}
    response = client.post(add, {**form, "serves": ["19588", "19441"]})
    assert response.status_code == 302, response.content
    hub = Hub.objects.get(name="Diem Cam Lo")
    assert set(hub.serves.values_list("code", flat=True)) == {"19588", "19441"}
    change = reverse("admin:places_hub_change", args=[hub.pk])
    assert client.post(change, {**form, "address": "Cam Lộ, Quảng Trị"}).status_code == 302
    assert calls == ["hub_create", "hub_update"]
    hub.refresh_from_db()
    assert hub.address == "Cam Lộ, Quảng Trị" and not hub.serves.exists()

    # The service's rule shows on the form: a name unique whatever its case.
    twin = client.post(add, {**form, "name": "diem cam lo"})
    assert twin.status_code == 200
    assert Hub.objects.filter(name__iexact="diem cam lo").count() == 1
