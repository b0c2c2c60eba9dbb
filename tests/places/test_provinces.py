"""Provinces (issue 17): the 34 provinces and their communes from vietnam-provinces, switching a
province on with its reviewed flags, the public API, and hubs that stay in their province."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import ApplicationError
from households.models import CommuneFlagsEvent
from households.services.provinces import province_activate, province_deactivate
from places import loading
from places.loading import load_communes, load_provinces
from places.models import Commune, Hub, Province, ProvinceEvent
from tests.conftest import COMMUNE_A, COMMUNE_D, PROVINCE_B, assert_error, make_second_province

pytestmark = pytest.mark.django_db


def test_a_test_database_holds_the_34_provinces_and_quang_tris_communes_only():
    assert Province.objects.count() == 34
    assert list(Province.objects.filter(active=True).values_list("code", flat=True)) == ["44"]
    assert Province.objects.get(code="44").name == "Quảng Trị"
    assert Province.objects.get(code="01").name == "Thành phố Hà Nội"
    # (settings.PLACES_LOAD_PROVINCES = "44" in the test settings: fast fixtures)
    assert set(Commune.objects.values_list("province_id", flat=True)) == {"44"}
    assert Commune.objects.get(code="19138").name == "Xã Phong Nha"  # the corrected code


def test_all_34_provinces_load_with_their_3321_communes_and_keep_the_reviewed_flags():
    flagged = dict(Commune.objects.values_list("code", "is_mountain"))

    created = load_communes(Commune, loading.wanted_provinces("all"))

    assert created == 3321 - 78
    assert Commune.objects.count() == 3321
    counts = dict(
        Province.objects.filter(code__in=["01", "44", "46", "79"]).values_list("code", "name")
    )
    assert counts["79"] == "Thành phố Hồ Chí Minh"
    assert Commune.objects.filter(province="44").count() == 78
    assert Commune.objects.filter(province="46").count() == 40
    assert Commune.objects.filter(province="79").count() == 168
    assert dict(Commune.objects.filter(province="44").values_list("code", "is_mountain")) == flagged
    # Without a reviewed file, a province's communes start with both flags off.
    assert not Commune.objects.filter(province="46", is_mountain=True).exists()
    assert load_communes(Commune, ["46"]) == 0  # loading again creates nothing
    assert load_provinces(Province) == 0


def test_load_communes_command_loads_one_province(capsys):
    call_command("load_communes", "--province", "46")
    assert Commune.objects.filter(province="46").count() == 40
    assert "provinces" in capsys.readouterr().out


def test_a_province_without_a_reviewed_file_is_not_switched_on_by_chance(admin_user):
    with pytest.raises(ApplicationError) as refused:
        province_activate(code=PROVINCE_B, actor=admin_user)
    assert refused.value.code == "no_reviewed_file"
    assert "communes-46.csv" in refused.value.message
    assert not Province.objects.get(code=PROVINCE_B).active
    assert not Commune.objects.filter(province=PROVINCE_B).exists()
    assert not ProvinceEvent.objects.exists()


def test_switching_a_province_on_loads_its_communes_and_its_reviewed_flags(
    admin_user, tmp_path, monkeypatch
):
    # A reviewed file for Huế, as places/data/SOURCES.md describes Quảng Trị's.
    monkeypatch.setattr(loading, "DATA_DIR", tmp_path)
    monkeypatch.setitem(loading.REVIEWED_FILES, "44", "none.csv")
    header = "code,name,kind,mountain,extremely_difficult,old_districts,legacy_sources,basis\n"
    row = f"{COMMUNE_D},Xã A Lưới 1,commune,true,true,Huyện A Lưới,x,Decision 861/QĐ-TTg\n"
    (tmp_path / "communes-46.csv").write_text(header + row, encoding="utf-8")

    province = province_activate(code=PROVINCE_B, actor=admin_user)

    assert province.active is True
    assert Commune.objects.filter(province=PROVINCE_B).count() == 40
    a_luoi = Commune.objects.get(code=COMMUNE_D)
    assert (a_luoi.is_mountain, a_luoi.is_extremely_difficult) == (True, True)
    assert a_luoi.flags_basis == "Decision 861/QĐ-TTg"
    assert a_luoi.old_districts == "Huyện A Lưới"
    assert CommuneFlagsEvent.objects.get(commune=a_luoi).actor == admin_user
    event = ProvinceEvent.objects.get()
    assert (event.action, event.actor, event.province_id) == ("activated", admin_user, "46")
    assert event.data == {
        "communes_loaded": 40,
        "reviewed_file": "communes-46.csv",
        "communes_flagged": [COMMUNE_D],
    }
    # Again: nothing changes; off: the switch only, with its event.
    assert province_activate(code=PROVINCE_B, actor=admin_user).active
    assert ProvinceEvent.objects.count() == 1
    assert not province_deactivate(code=PROVINCE_B, actor=admin_user).active
    assert ProvinceEvent.objects.latest("id").action == "deactivated"
    assert Commune.objects.filter(province=PROVINCE_B).count() == 40


def test_only_an_administrator_switches_a_province(province_admin, api, admin_user):
    response = api.as_user(province_admin).post(
        f"/api/v1/provinces/{PROVINCE_B}/activate/", {"without_reviewed_file": True}, format="json"
    )
    assert response.status_code == 403
    assert not Province.objects.get(code=PROVINCE_B).active

    response = api.as_user(admin_user).post(
        f"/api/v1/provinces/{PROVINCE_B}/activate/", {"without_reviewed_file": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "code": PROVINCE_B,
        "name": "Thành phố Huế",
        "communes": 40,
        "active": True,
    }
    assert ProvinceEvent.objects.get().data["reviewed_file"] is None


def test_the_province_command_lists_and_switches(capsys):
    call_command("province", "--activate", PROVINCE_B, "--without-reviewed-file")
    out = capsys.readouterr().out
    assert "46 on    40 Thành phố Huế" in out
    assert "44 on    78 Quảng Trị" in out
    assert Province.objects.get(code=PROVINCE_B).active


def test_anyone_lists_the_provinces(api):
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/provinces/", {"page_size": 50}).json()
    assert len(queries) == 2  # count, page (with each province's communes counted)
    assert body["count"] == 34
    assert [p["code"] for p in body["results"]][:3] == ["01", "04", "08"]  # official order
    quang_tri = next(p for p in body["results"] if p["code"] == "44")
    assert quang_tri == {"code": "44", "name": "Quảng Trị", "communes": 78, "active": True}
    active = api.get("/api/v1/provinces/", {"active": "true"}).json()
    assert [p["code"] for p in active["results"]] == ["44"]
    assert api.get("/api/v1/provinces/44/").json()["communes"] == 78
    assert api.get("/api/v1/provinces/99/").status_code == 404


def test_communes_filter_by_province(api):
    make_second_province()
    body = api.get("/api/v1/communes/", {"province": PROVINCE_B, "page_size": 200}).json()
    assert body["count"] == 40
    assert {c["province"] for c in body["results"]} == {PROVINCE_B}
    assert api.get("/api/v1/communes/", {"province": "44"}).json()["count"] == 78
    assert api.get("/api/v1/communes/", {"active": "true"}).json()["count"] == 118


def test_a_hub_serves_communes_of_its_own_province_only(api, admin_user):
    second = make_second_province()
    response = api.as_user(admin_user).post(
        "/api/v1/hubs/",
        {"name": "Điểm Lao Bảo", "commune": "19432", "address": "x", "serves": [COMMUNE_D]},
        format="json",
    )
    error = assert_error(response, 400, "other_province", "serves")
    assert COMMUNE_D in error["message"]
    response = api.as_user(admin_user).patch(
        f"/api/v1/hubs/{second['hub'].id}/", {"serves": [COMMUNE_A]}, format="json"
    )
    assert_error(response, 400, "other_province", "serves")
    assert not Hub.objects.filter(name="Điểm Lao Bảo").exists()
    assert list(second["hub"].serves.values_list("code", flat=True)) == [COMMUNE_D]


def test_no_hub_in_a_province_the_programme_does_not_work_in(api, admin_user):
    load_communes(Commune, ["40"])  # Nghệ An: loaded, not switched on
    nghe_an = Commune.objects.filter(province="40").first()
    response = api.as_user(admin_user).post(
        "/api/v1/hubs/",
        {"name": "Điểm Vinh", "commune": nghe_an.code, "address": "Vinh"},
        format="json",
    )
    assert_error(response, 400, "unknown_commune", "commune")
    assert not Hub.objects.filter(name="Điểm Vinh").exists()


def test_a_province_admin_manages_the_hubs_of_their_province_only(api, province_admin, hubs):
    second = make_second_province()
    client = api.as_user(province_admin)

    made = client.post(
        "/api/v1/hubs/",
        {"name": "Điểm Lao Bảo", "commune": "19432", "address": "Lao Bảo", "serves": ["19432"]},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["province"] == "44"
    changed = client.patch(f"/api/v1/hubs/{hubs['K'].id}/", {"address": "Khe Sanh 2"})
    assert changed.status_code == 200 and changed.json()["address"] == "Khe Sanh 2"

    refused = client.post(
        "/api/v1/hubs/",
        {"name": "Điểm Huế 2", "commune": COMMUNE_D, "address": "Huế", "serves": [COMMUNE_D]},
        format="json",
    )
    assert_error(refused, 403, "province_not_yours")
    refused = client.patch(f"/api/v1/hubs/{second['hub'].id}/", {"address": "x"}, format="json")
    assert_error(refused, 403, "province_not_yours")
    moved = client.patch(f"/api/v1/hubs/{hubs['K'].id}/", {"commune": COMMUNE_D}, format="json")
    assert_error(moved, 403, "province_not_yours")
    assert not Hub.objects.filter(name="Điểm Huế 2").exists()
    second["hub"].refresh_from_db()
    hubs["K"].refresh_from_db()
    assert second["hub"].address == "A Lưới, Huế" and hubs["K"].commune_id == "19441"


def test_a_province_admin_changes_the_flags_of_their_communes_only(
    api, province_admin, officer_a, communes
):
    from households.services.editing import household_create
    from tests.households.conftest import household_data

    make_second_province()
    household = household_create(actor=officer_a, **household_data(communes["A"]))
    before = household.priority_score
    client = api.as_user(province_admin)

    response = client.post(
        f"/api/v1/communes/{COMMUNE_A}/flags/",
        {"is_mountain": False, "basis": "Decision 60/QĐ-BDTTG"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["is_mountain"] is False
    event = CommuneFlagsEvent.objects.get()
    assert event.actor == province_admin and event.data["rescored"] == 1
    household.refresh_from_db()
    assert household.priority_score == before - 10

    refused = client.post(
        f"/api/v1/communes/{COMMUNE_D}/flags/",
        {"is_mountain": True, "basis": "x"},
        format="json",
    )
    assert_error(refused, 403, "province_not_yours")
    assert not Commune.objects.get(code=COMMUNE_D).is_mountain
    assert CommuneFlagsEvent.objects.count() == 1
