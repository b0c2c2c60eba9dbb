"""A province admin (issue 17, accounts/provinces.py) manages the staff of their province only:
officers, verifiers and coordinators with communes and hubs of it; nothing of another province."""

from __future__ import annotations

import pytest

from accounts.models import AccountEvent, User
from accounts.scoping import scope_for
from tests.conftest import (
    COMMUNE_A,
    COMMUNE_D,
    PASSWORD,
    PROVINCE_B,
    assert_error,
    make_second_province,
)

pytestmark = pytest.mark.django_db


def _create(client, email, roles):
    return client.post(
        "/api/v1/staff/",
        {"email": email, "name": "Nhân viên", "password": PASSWORD, "roles": roles},
        format="json",
    )


@pytest.fixture
def hue(communes):
    return make_second_province()


@pytest.fixture
def hue_officer(hue):
    from accounts.services import staff_create

    return staff_create(
        email="officer.hue@test.vn",
        name="Hồ Văn Huế",
        password=PASSWORD,
        roles=[{"role": "officer", "communes": [COMMUNE_D]}],
        actor=None,
    )


def test_an_admin_appoints_a_province_admin(api, admin_user, hue):
    response = _create(
        api.as_user(admin_user), "tinh@test.vn", [{"role": "province_admin", "provinces": ["46"]}]
    )
    assert response.status_code == 201, response.content
    assert response.json()["roles"] == [
        {"role": "province_admin", "communes": [], "hubs": [], "provinces": ["46"]}
    ]
    user = User.objects.get(email="tinh@test.vn")
    scope = scope_for(user)
    assert scope.is_province_admin and scope.provinces == {"46"} and not scope.is_admin
    assert not user.is_staff  # no Django admin for a province admin
    assert AccountEvent.objects.get(user=user).data["roles"][0]["provinces"] == ["46"]


def test_a_province_admin_needs_an_active_province(api, admin_user):
    client = api.as_user(admin_user)
    missing = _create(client, "a@test.vn", [{"role": "province_admin"}])
    assert_error(missing, 400, "invalid_roles", "roles")
    inactive = _create(client, "b@test.vn", [{"role": "province_admin", "provinces": ["40"]}])
    error = assert_error(inactive, 400, "invalid_roles", "roles")
    assert "40" in error["message"]
    assert not User.objects.filter(email__in=["a@test.vn", "b@test.vn"]).exists()


def test_a_province_admin_appoints_staff_in_their_province(api, province_admin, hubs):
    client = api.as_user(province_admin)
    response = _create(
        client,
        "moi@test.vn",
        [
            {"role": "officer", "communes": [COMMUNE_A]},
            {"role": "coordinator", "hubs": [hubs["K"].id]},
        ],
    )
    assert response.status_code == 201, response.content
    assert AccountEvent.objects.get(user__email="moi@test.vn").actor == province_admin


@pytest.mark.parametrize(
    "roles, code",
    [
        ([{"role": "officer", "communes": [COMMUNE_D]}], "province_not_yours"),
        ([{"role": "coordinator", "hubs": ["H2"]}], "province_not_yours"),
        ([{"role": "admin"}], "admin_only"),
        ([{"role": "province_admin", "provinces": ["44"]}], "admin_only"),
    ],
)
def test_a_province_admin_appoints_nobody_outside_it(api, province_admin, hue, roles, code):
    roles = [{**r, "hubs": [hue["hub"].id]} if r.get("hubs") == ["H2"] else r for r in roles]
    before = User.objects.count()
    response = _create(api.as_user(province_admin), "x@test.vn", roles)
    assert_error(response, 403, code)
    assert User.objects.count() == before


def test_a_province_admin_sees_and_changes_the_staff_of_their_province_only(
    api, province_admin, officer_a, admin_user, hue_officer
):
    client = api.as_user(province_admin)

    listed = {u["email"] for u in client.get("/api/v1/staff/").json()["results"]}

    assert officer_a.email in listed and province_admin.email in listed
    assert hue_officer.email not in listed and admin_user.email not in listed
    assert client.get(f"/api/v1/staff/{hue_officer.id}/").status_code == 404
    refused = client.patch(f"/api/v1/staff/{hue_officer.id}/", {"is_active": False}, format="json")
    assert refused.status_code == 404
    hue_officer.refresh_from_db()
    assert hue_officer.is_active

    changed = client.patch(f"/api/v1/staff/{officer_a.id}/", {"is_active": False}, format="json")
    assert changed.status_code == 200, changed.content
    officer_a.refresh_from_db()
    assert not officer_a.is_active
    assert AccountEvent.objects.get(user=officer_a, action="deactivated").actor == province_admin


def test_a_province_admin_changes_no_one_who_works_outside_it(api, province_admin, hue, officer_a):
    from accounts.services import staff_update

    staff_update(
        user_id=officer_a.id,
        actor=None,
        roles=[{"role": "officer", "communes": [COMMUNE_A, COMMUNE_D]}],
    )
    client = api.as_user(province_admin)
    assert client.get(f"/api/v1/staff/{officer_a.id}/").status_code == 200  # seen: works in it
    refused = client.patch(f"/api/v1/staff/{officer_a.id}/", {"name": "Đổi tên"}, format="json")
    assert_error(refused, 403, "province_not_yours")
    officer_a.refresh_from_db()
    assert officer_a.name == "Hồ Văn A"


def test_the_other_provinces_admin_sees_nothing_of_this_one(api, hue, officer_a, hue_officer):
    from accounts.services import staff_create

    hue_admin = staff_create(
        email="tinh.hue@test.vn",
        name="Quản trị Huế",
        password=PASSWORD,
        roles=[{"role": "province_admin", "provinces": [PROVINCE_B]}],
        actor=None,
    )
    listed = {u["email"] for u in api.as_user(hue_admin).get("/api/v1/staff/").json()["results"]}
    assert listed == {hue_admin.email, hue_officer.email}
    assert api.as_user(hue_admin).get(f"/api/v1/staff/{officer_a.id}/").status_code == 404
