import pytest
from django.core import mail

from accounts.models import AccountEvent, RoleAssignment, User
from tests.conftest import COMMUNE_A, COMMUNE_B, assert_error

pytestmark = pytest.mark.django_db


def test_an_admin_creates_an_officer_with_a_password(api, admin_user):
    response = api.as_user(admin_user).post(
        "/api/v1/staff/",
        {
            "email": "Can.Bo@Example.vn",
            "name": "Hồ Văn Ba",
            "password": "a-very-long-password-1",
            "roles": [{"role": "officer", "communes": [COMMUNE_A, COMMUNE_B]}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    user = User.objects.get(email="can.bo@example.vn")
    assert response.json()["id"] == user.id
    assert response.json()["roles"] == [
        {"role": "officer", "communes": sorted([COMMUNE_A, COMMUNE_B]), "hubs": []}
    ]
    assert user.check_password("a-very-long-password-1")
    event = AccountEvent.objects.get(user=user)
    assert event.action == "created"
    assert event.actor == admin_user
    assert event.data["invited"] is False
    assert mail.outbox == []


def test_without_a_password_an_invitation_is_emailed(
    api, admin_user, hubs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(admin_user).post(
            "/api/v1/staff/",
            {
                "email": "dieuphoi@example.vn",
                "name": "Trần Thu",
                "roles": [{"role": "coordinator", "hubs": [hubs["K"].id]}],
            },
            format="json",
        )
    assert response.status_code == 201
    user = User.objects.get(email="dieuphoi@example.vn")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dieuphoi@example.vn"]
    assert "/mat-khau/dat-lai/" in mail.outbox[0].body
    assert "tài khoản" in mail.outbox[0].subject.lower()  # Vietnamese by default
    assert AccountEvent.objects.filter(user=user, action="invited").exists()


def test_a_commune_outside_the_province_is_refused_and_nothing_is_written(api, admin_user):
    response = api.as_user(admin_user).post(
        "/api/v1/staff/",
        {
            "email": "hue@example.vn",
            "name": "Người Huế",
            "roles": [{"role": "officer", "communes": ["19999", COMMUNE_A]}],
        },
        format="json",
    )
    error = assert_error(response, 400, "invalid_roles", "roles")
    assert "19999" in error["message"]
    assert not User.objects.filter(email="hue@example.vn").exists()
    assert not RoleAssignment.objects.filter(user__email="hue@example.vn").exists()


@pytest.mark.parametrize(
    "role,code,field",
    [
        ({"role": "officer"}, "invalid_roles", "roles"),  # an officer needs communes
        ({"role": "mayor"}, "invalid", "roles.0.role"),  # not a role
    ],
)
def test_a_role_without_communes_or_unknown_is_refused_on_its_field(
    api, admin_user, role, code, field
):
    response = api.as_user(admin_user).post(
        "/api/v1/staff/", {"email": "x@example.vn", "name": "X", "roles": [role]}, format="json"
    )
    assert_error(response, 400, code, field)
    assert not User.objects.filter(email="x@example.vn").exists()


def test_a_taken_email_is_a_conflict(api, admin_user, officer_a):
    response = api.as_user(admin_user).post(
        "/api/v1/staff/",
        {
            "email": officer_a.email.upper(),
            "name": "Y",
            "roles": [{"role": "verifier", "communes": [COMMUNE_A]}],
        },
        format="json",
    )
    assert_error(response, 409, "email_taken", "email")


def test_an_admin_changes_roles_and_deactivates(api, admin_user, officer_a):
    client = api.as_user(admin_user)
    response = client.patch(
        f"/api/v1/staff/{officer_a.id}/",
        {"roles": [{"role": "verifier", "communes": [COMMUNE_B]}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["roles"] == [{"role": "verifier", "communes": [COMMUNE_B], "hubs": []}]
    assert list(officer_a.role_assignments.values_list("role", flat=True)) == ["verifier"]
    change = AccountEvent.objects.get(user=officer_a, action="roles_changed")
    assert change.data["before"][0]["role"] == "officer"

    response = client.patch(f"/api/v1/staff/{officer_a.id}/", {"is_active": False}, format="json")
    assert response.json()["is_active"] is False
    officer_a.refresh_from_db()
    assert officer_a.is_active is False
    assert AccountEvent.objects.filter(user=officer_a, action="deactivated").exists()


def test_a_deactivated_persons_token_stops_working(api, admin_user, officer_a):
    api.as_user(officer_a)
    assert api.get("/api/v1/me/").status_code == 200
    api.as_user(admin_user).patch(
        f"/api/v1/staff/{officer_a.id}/", {"is_active": False}, format="json"
    )
    from rest_framework.authtoken.models import Token

    assert not Token.objects.filter(user=officer_a).exists()


def test_an_admin_cannot_remove_their_own_admin_role(api, admin_user):
    response = api.as_user(admin_user).patch(
        f"/api/v1/staff/{admin_user.id}/",
        {"roles": [{"role": "verifier", "communes": [COMMUNE_A]}]},
        format="json",
    )
    assert_error(response, 409, "own_admin_role")
    assert admin_user.role_assignments.get().role == "admin"


@pytest.mark.parametrize(
    "persona", ["anonymous", "donor", "officer_a", "verifier", "coordinator_h"]
)
def test_only_admins_manage_staff(api, personas, persona):
    client = api.as_user(personas[persona])
    assert client.get("/api/v1/staff/").status_code in (401, 403)
    response = client.post(
        "/api/v1/staff/",
        {"email": "z@example.vn", "name": "Z", "roles": [{"role": "admin"}]},
        format="json",
    )
    assert response.status_code in (401, 403)
    assert not User.objects.filter(email="z@example.vn").exists()


def test_the_staff_list_query_count_is_pinned(api, personas, django_assert_num_queries):
    client = api.as_user(personas["admin"])
    # token+user, the admin's scope (assignments, communes, hubs), count, page, and one
    # prefetch each for assignments, communes, hubs and provinces: 10, however many staff there
    # are.
    with django_assert_num_queries(10):
        response = client.get("/api/v1/staff/")
    assert response.json()["count"] == 7  # donors are not staff
