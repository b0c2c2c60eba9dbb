"""The bench: intake, wipe, repair, QA, rejection through the API, with their evidence gates."""

from __future__ import annotations

import pytest

from donations.lifecycle import device_transition
from donations.models import Device, DeviceEvent
from logistics.models import Intake, QARecord, Rejection, RepairRecord, SimCard, WipeRecord
from logistics.services.bench import imei_complete as luhn_complete
from tests.conftest import assert_error
from tests.logistics.conftest import FULL_SETUP, PASS_CHECKS, new_imei

pytestmark = pytest.mark.django_db


def url(code, action=""):
    return f"/api/v1/devices/{code}/" + (f"{action}/" if action else "")


def step(api, actor, device, action: str, body: dict):
    """POST one bench step for `device` as `actor`, as JSON."""
    return api.as_user(actor).post(url(device.tracking_code, action), body, format="json")


def test_it_receives_a_pledged_phone_with_its_imei_and_hub(api, coordinator_h, hubs, make_device):
    device = make_device()
    imei = new_imei()
    response = step(
        api,
        coordinator_h,
        device,
        "receive",
        {"hub": hubs["H"].id, "imei": imei, "condition": "fair"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "received"
    device.refresh_from_db()
    assert (device.status, device.imei, device.hub_id, device.condition) == (
        "received",
        imei,
        hubs["H"].id,
        "fair",
    )
    intake = Intake.objects.get(device=device)
    assert intake.actor == coordinator_h and not intake.walk_in
    event = DeviceEvent.objects.get(device=device)
    assert (event.old_status, event.new_status, event.data["intake"]) == (
        "pledged",
        "received",
        intake.id,
    )


@pytest.mark.parametrize(
    "imei",
    ["12345", "3512345678901234", "35123456789012a", luhn_complete("35123456789012")[:-1] + "0"],
)
def test_it_refuses_a_wrong_imei_and_writes_nothing(api, coordinator_h, hubs, make_device, imei):
    if imei == luhn_complete("35123456789012"):  # the mutated check digit happened to be right
        imei = imei[:-1] + str((int(imei[-1]) + 1) % 10)
    device = make_device()
    response = step(api, coordinator_h, device, "receive", {"hub": hubs["H"].id, "imei": imei})
    assert_error(response, 400, "invalid_imei", "imei")
    device.refresh_from_db()
    assert device.status == "pledged" and device.imei == ""
    assert not Intake.objects.exists() and not DeviceEvent.objects.exists()


def test_it_refuses_an_imei_already_in_the_chain_with_409(api, coordinator_h, hubs, make_device):
    first = make_device(hub=hubs["H"], status="ready")
    device = make_device()
    response = step(
        api, coordinator_h, device, "receive", {"hub": hubs["H"].id, "imei": first.imei}
    )
    error = assert_error(response, 409, "imei_in_use", "imei")
    assert first.tracking_code in error["message"]
    device.refresh_from_db()
    assert device.status == "pledged"
    assert not Intake.objects.exists()


def test_the_database_constraint_is_mapped_to_a_clear_409(
    coordinator_h, hubs, make_device, monkeypatch
):
    """Two benches racing past the look-up: the partial unique index decides, cleanly."""
    from core.errors import Conflict
    from logistics.services import bench

    first = make_device(hub=hubs["H"], status="received")
    device = make_device()
    real_filter = Device.objects.filter

    def blind_filter(*args, **kwargs):  # the look-up sees nothing, as in a race
        if "imei" in kwargs:
            return Device.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Device.objects, "filter", blind_filter)
    with pytest.raises(Conflict) as caught:
        bench.device_receive(
            device_id=device.id, hub_id=hubs["H"].id, imei=first.imei, actor=coordinator_h
        )
    assert caught.value.code == "imei_in_use"
    monkeypatch.undo()
    device.refresh_from_db()
    assert device.status == "pledged" and device.imei == ""
    assert not Intake.objects.filter(device=device).exists()


def test_an_imei_of_a_phone_that_left_the_chain_can_come_again(
    api, coordinator_h, hubs, make_device
):
    gone = make_device(hub=hubs["H"], status="recycled", imei=new_imei())
    device = make_device()
    response = step(api, coordinator_h, device, "receive", {"hub": hubs["H"].id, "imei": gone.imei})
    assert response.status_code == 200


def test_it_registers_a_walk_in_phone_without_a_pledge(api, coordinator_h, hubs):
    imei = new_imei()
    response = api.as_user(coordinator_h).post(
        "/api/v1/devices/",
        {
            "hub": hubs["H"].id,
            "brand": "Xiaomi",
            "model": "Redmi 12",
            "imei": imei,
            "condition": "good",
            "supports_4g": True,
            "supports_volte": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    device = Device.objects.get(tracking_code=response.json()["tracking_code"])
    assert device.pledge is None and device.status == "received" and device.imei == imei
    assert Intake.objects.get(device=device).walk_in


def test_it_refuses_a_walk_in_phone_without_volte(api, coordinator_h, hubs):
    response = api.as_user(coordinator_h).post(
        "/api/v1/devices/",
        {
            "hub": hubs["H"].id,
            "brand": "Nokia",
            "model": "105",
            "imei": new_imei(),
            "condition": "good",
            "supports_4g": True,
            "supports_volte": False,
        },
        format="json",
    )
    assert_error(response, 400, "device_not_usable", "supports_volte")
    assert not Device.objects.exists()


def test_a_coordinator_cannot_receive_at_another_hub(api, coordinator_h, hubs, make_device):
    device = make_device()
    response = step(
        api, coordinator_h, device, "receive", {"hub": hubs["K"].id, "imei": new_imei()}
    )
    assert_error(response, 404, "not_found")
    device.refresh_from_db()
    assert device.status == "pledged"


def test_a_tracking_code_from_another_hub_is_not_found(api, coordinator_h, hubs, make_device):
    other = make_device(hub=hubs["K"], status="received")
    client = api.as_user(coordinator_h)
    assert_error(client.get(url(other.tracking_code)), 404, "not_found")
    response = client.post(
        url(other.tracking_code, "wipe"),
        {"method": "factory_reset", "accounts_removed": True},
        format="json",
    )
    assert_error(response, 404, "not_found")
    assert not WipeRecord.objects.exists()
    listed = client.get("/api/v1/devices/").json()
    assert other.tracking_code not in [d["tracking_code"] for d in listed["results"]]


@pytest.mark.parametrize("persona", ["anonymous", "donor", "officer_a", "verifier"])
def test_people_who_are_not_coordinators_see_no_devices(api, personas, persona, hubs, make_device):
    device = make_device(hub=hubs["H"], status="received")
    client = api.as_user(personas[persona])
    listing = client.get("/api/v1/devices/")
    if persona == "anonymous":
        assert listing.status_code == 401
    else:  # refused on the role, before any input is read
        assert_error(listing, 403, "permission_denied")
        assert_error(client.get(url(device.tracking_code)), 403, "permission_denied")


def test_the_device_list_filters_by_status_and_hub_in_pinned_queries(
    api, coordinator_h, hubs, make_device, django_assert_num_queries
):
    for _ in range(5):
        make_device(hub=hubs["H"], status="received")
    make_device(hub=hubs["H"], status="wiped")
    make_device(hub=hubs["K"], status="received")
    client = api.as_user(coordinator_h)
    client.get("/api/v1/devices/")  # token and scope warmed like any request
    # token, user, scope (assignments + 3 prefetches), count, page: not one per phone
    with django_assert_num_queries(7):
        body = client.get(f"/api/v1/devices/?status=received&hub={hubs['H'].id}").json()
    assert body["count"] == 5
    assert {d["status"] for d in body["results"]} == {"received"}


def test_the_device_detail_has_its_events(api, coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="received")
    device_transition(device_id=device.id, to="rejected", actor=coordinator_h)
    body = api.as_user(coordinator_h).get(url(device.tracking_code)).json()
    assert body["status"] == "rejected"
    assert [e["status"] for e in body["events"]] == ["rejected"]
    assert body["allowed_moves"] == ["recycled", "returned_to_donor"]


# --- wipe ----------------------------------------------------------------------------------


def test_a_wipe_record_makes_the_phone_wiped_with_the_record_as_evidence(
    api, coordinator_h, hubs, make_device
):
    device = make_device(hub=hubs["H"], status="received")
    response = step(
        api,
        coordinator_h,
        device,
        "wipe",
        {"method": "factory_reset", "accounts_removed": True, "notes": "OK"},
    )
    assert response.status_code == 200, response.content
    record = WipeRecord.objects.get(device=device)
    assert record.operator == coordinator_h
    # Samsung Android: Google FRP, Samsung account and VNeID.
    assert record.accounts_removed == {"google_frp": True, "vneid": True, "samsung": True}
    event = DeviceEvent.objects.get(device=device, new_status="wiped")
    assert event.data == {"wipe_record": record.id}


def test_it_refuses_a_wipe_with_accounts_still_linked(api, coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="received", brand="Apple", os="ios")
    response = step(
        api, coordinator_h, device, "wipe", {"method": "factory_reset", "accounts_removed": False}
    )
    assert_error(response, 400, "accounts_not_removed", "accounts_removed")
    device.refresh_from_db()
    assert device.status == "received" and not WipeRecord.objects.exists()


def test_a_forbidden_move_is_a_409_naming_the_allowed_moves(api, coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="ready")
    response = step(
        api, coordinator_h, device, "wipe", {"method": "factory_reset", "accounts_removed": True}
    )
    error = assert_error(response, 409, "invalid_transition", "allowed")
    assert error["fields"]["allowed"] == ["allocated", "lost", "refurbishing", "rejected"]
    assert not WipeRecord.objects.exists()
    received = make_device(hub=hubs["H"], status="received")
    again = step(api, coordinator_h, received, "receive", {"hub": hubs["H"].id, "imei": new_imei()})
    assert_error(again, 409, "invalid_transition", "allowed")


# --- repair ----------------------------------------------------------------------------------


def test_a_repair_moves_the_phone_to_refurbishing_and_books_the_cost(
    api, coordinator_h, hubs, make_device
):
    from donations.models import LedgerEntry

    device = make_device(hub=hubs["H"], status="wiped")
    response = step(
        api,
        coordinator_h,
        device,
        "repair",
        {
            "description": "Thay pin",
            "parts": "Pin 5000 mAh",
            "cost_vnd": 350000,
            "book_to_fund": True,
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "refurbishing"
    repair = RepairRecord.objects.get(device=device)
    assert repair.booked_to_fund and repair.cost_vnd == 350000
    entry = LedgerEntry.objects.get(kind="refurbish")
    assert (entry.amount, entry.currency, entry.actor) == (350000, "VND", coordinator_h)
    assert entry.note == f"{device.tracking_code}: Thay pin"
    assert list(entry.devices.all()) == [device]


def test_a_repair_without_a_description_writes_nothing(api, coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="wiped")
    response = step(api, coordinator_h, device, "repair", {"description": "  ", "cost_vnd": 1})
    assert response.status_code == 400
    device.refresh_from_db()
    assert device.status == "wiped" and not RepairRecord.objects.exists()


# --- QA ------------------------------------------------------------------------------------


def test_a_passing_qa_makes_the_phone_ready_with_the_record_as_evidence(
    api, coordinator_h, hubs, make_device
):
    device = make_device(hub=hubs["H"], status="wiped", has_nfc=False)
    response = step(
        api,
        coordinator_h,
        device,
        "qa",
        {
            "checks": PASS_CHECKS,
            "setup": FULL_SETUP,
            "sim": {
                "iccid": "8984048000012345678",
                "carrier": "viettel",
                "plan_expires": "2027-01-31",
            },
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready" and body["qa"]["passed"] and body["qa"]["failures"] == []
    record = QARecord.objects.get(device=device)
    assert DeviceEvent.objects.get(device=device, new_status="ready").data == {
        "qa_record": record.id
    }
    device.refresh_from_db()
    assert device.has_nfc
    sim = SimCard.objects.get(device=device)
    assert (sim.carrier, str(sim.plan_expires)) == ("viettel", "2027-01-31")


def test_a_failing_qa_keeps_the_phone_in_refurbishing_with_the_failures(
    api, coordinator_h, hubs, make_device, settings
):
    settings.LOGISTICS_BATTERY_HEALTH_MIN = 80
    device = make_device(hub=hubs["H"], status="wiped")
    checks = {**PASS_CHECKS, "volte": False, "battery_health": 79}
    response = step(
        api, coordinator_h, device, "qa", {"checks": checks, "setup": {**FULL_SETUP, "zalo": False}}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "refurbishing"
    assert body["qa"]["failures"] == ["volte", "battery_health", "zalo"]
    assert not QARecord.objects.get(device=device).passed
    assert not DeviceEvent.objects.filter(device=device, new_status="ready").exists()


def test_qa_input_is_checked(api, coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="wiped")
    response = step(
        api,
        coordinator_h,
        device,
        "qa",
        {"checks": {**PASS_CHECKS, "battery_health": 140}, "setup": FULL_SETUP},
    )
    assert_error(response, 400, "invalid", "checks.battery_health")
    bad_sim = step(
        api,
        coordinator_h,
        device,
        "qa",
        {"checks": PASS_CHECKS, "setup": FULL_SETUP, "sim": {"iccid": "12AB"}},
    )
    assert_error(bad_sim, 400, "invalid", "sim_iccid")
    device.refresh_from_db()
    assert device.status == "wiped" and not QARecord.objects.exists()


# --- rejection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_step", "final"), [("recycle", "recycled"), ("return", "returned_to_donor")]
)
def test_a_rejected_phone_goes_to_its_next_step(
    api, coordinator_h, hubs, make_device, next_step, final
):
    device = make_device(hub=hubs["H"], status="received")
    response = step(
        api,
        coordinator_h,
        device,
        "reject",
        {"reason": "locked", "next": next_step, "notes": "iCloud"},
    )
    assert response.status_code == 200, response.content
    device.refresh_from_db()
    assert device.status == final
    rejection = Rejection.objects.get(device=device)
    assert (rejection.reason, rejection.next_step) == ("locked", next_step)
    assert list(DeviceEvent.objects.filter(device=device).values_list("new_status", flat=True)) == [
        "rejected",
        final,
    ]


def test_a_walk_in_phone_cannot_be_returned_to_a_donor(api, coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="received")
    device.pledge = None
    device.save()
    response = step(
        api, coordinator_h, device, "reject", {"reason": "beyond_repair", "next": "return"}
    )
    assert_error(response, 400, "no_donor", "next")
    assert not Rejection.objects.exists()


def test_an_unknown_rejection_reason_is_refused(api, coordinator_h, hubs, make_device):
    device = make_device(hub=hubs["H"], status="received")
    response = step(api, coordinator_h, device, "reject", {"reason": "ugly", "next": "recycle"})
    assert_error(response, 400, "invalid", "reason")


def test_a_repeated_wipe_is_refused_and_writes_no_second_record(
    api, coordinator_h, hubs, make_device
):
    device = make_device(hub=hubs["H"], status="received")
    client = api.as_user(coordinator_h)
    body = {"method": "factory_reset", "accounts_removed": True}
    assert client.post(url(device.tracking_code, "wipe"), body, format="json").status_code == 200
    again = client.post(url(device.tracking_code, "wipe"), body, format="json")
    assert_error(again, 409, "invalid_transition", "allowed")
    assert WipeRecord.objects.filter(device=device).count() == 1


@pytest.mark.parametrize(
    ("query", "field"), [("status=lost-in-space", "status"), ("hub=abc", "hub")]
)
def test_the_device_list_refuses_unknown_filters(api, coordinator_h, query, field):
    response = api.as_user(coordinator_h).get(f"/api/v1/devices/?{query}")
    assert_error(response, 400, "invalid", field)
