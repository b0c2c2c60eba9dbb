"""The matching API of API.md: runs, proposals, approval, rejection, per persona."""

from __future__ import annotations

import pytest

from donations.models import Device, DeviceEvent
from households.models import Household, HouseholdEvent
from matching.models import Allocation, MatchRun, MatchRunEvent, Proposal
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/match-runs/"


def start(api, user, **body):
    response = api.as_user(user).post(RUNS, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_it_runs_over_the_coordinators_hub_and_records_everything(api, coordinator_h, stock):
    body = start(api, coordinator_h, seed=42)
    assert body["status"] == "proposed"
    assert body["seed"] == 42
    assert body["proposals"] == 3
    assert body["unmatched_devices"] == 0 and body["unmatched_households"] == 0
    assert body["objective"] > 0
    run = MatchRun.objects.get(id=body["id"])
    assert list(run.hubs.all()) == [stock["devices_h"][0].hub]
    assert run.policy_version == "2026.2" and run.policy["student_min_ram_gb"] == 3.0
    assert set(run.timings) >= {"load", "solve", "write"}
    proposals = list(run.proposals.all())
    assert {p.device_id for p in proposals} == {d.id for d in stock["devices_h"]}
    assert {p.household_id for p in proposals} == {h.id for h in stock["households_a"]}
    # Every status move is one event row (the queued → running move is the run's door too).
    assert list(
        MatchRunEvent.objects.filter(run=run).values_list("kind", "old_status", "new_status")
    ) == [
        ("created", "", "queued"),
        ("started", "queued", "running"),
        ("executed", "running", "proposed"),
    ]
    assert run.coverage == [{"commune": "19588", "need": 3, "floor": 3, "matched": 3}]
    # Nothing is allocated before approval.
    assert not Allocation.objects.exists()
    assert Device.objects.filter(status="ready").count() == 5


def test_an_empty_run_is_recorded_with_a_clear_message(api, coordinator_k, hubs):
    body = start(api, coordinator_k)
    assert body["proposals"] == 0
    assert body["status"] == "proposed"
    assert "Nothing to match" in body["message"] or "Không có gì" in body["message"]
    assert MatchRun.objects.filter(id=body["id"], proposals_count=0).exists()


def test_the_empty_run_message_says_what_is_missing_in_english(api, coordinator_k, hubs):
    response = api.as_user(coordinator_k).post(RUNS, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == (
        "Nothing to match: no ready phones and no verified households at these hubs."
    )


@pytest.mark.parametrize("seed", ["abc", "1.5", -3, True, [1]])
def test_a_seed_that_is_not_a_whole_number_is_refused_on_its_field(api, coordinator_h, hubs, seed):
    response = api.as_user(coordinator_h).post(RUNS, {"seed": seed}, format="json")
    assert_error(response, 400, "invalid", "seed")
    assert not MatchRun.objects.exists()


def test_the_same_seed_reproduces_a_run_and_another_seed_may_not(
    api, coordinator_h, hubs, communes, make_household, make_device
):
    for _ in range(3):
        make_device(hubs["H"])
    for _ in range(12):
        make_household(communes["A"], priority=50)  # all tied: the lottery decides

    def pairs(run_id):
        return sorted(
            Proposal.objects.filter(run_id=run_id).values_list("device_id", "household_id")
        )

    first, second = start(api, coordinator_h, seed=7), start(api, coordinator_h, seed=7)
    assert pairs(first["id"]) == pairs(second["id"])
    others = {tuple(pairs(start(api, coordinator_h, seed=s)["id"])) for s in range(8, 14)}
    assert len(others) > 1


def test_hard_rules_hold_in_a_run_from_the_database(
    api, admin_user, hubs, communes, make_household, make_device
):
    old = make_device(hubs["H"], volte=False)
    strict = make_device(hubs["H"], only=communes["B"])
    weak = make_device(hubs["H"], ram_gb="2")
    student = make_household(communes["A"], priority=90, need="student")
    general = make_household(communes["A"], priority=10)
    body = start(api, admin_user, hubs=[hubs["H"].id])
    pairs = set(Proposal.objects.filter(run_id=body["id"]).values_list("device", "household"))
    assert pairs == {(weak.id, general.id)}  # B is not served by H: the strict phone stays
    assert old.id not in {d for d, _ in pairs}
    assert student.id not in {h for _, h in pairs}  # a 2 GB phone is no school phone
    assert strict.id not in {d for d, _ in pairs}


def test_approve_all_allocates_through_both_doors(api, coordinator_h, stock):
    run = start(api, coordinator_h, seed=1)
    response = api.post(f"{RUNS}{run['id']}/approve/", {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved"
    assert len(body["approved"]) == 3 and body["skipped"] == []
    for proposal in Proposal.objects.filter(run_id=run["id"]):
        assert proposal.status == "approved"
        assert proposal.decided_by == coordinator_h
        allocation = Allocation.objects.get(proposal=proposal)
        assert allocation.is_live and allocation.approved_by == coordinator_h
        assert (allocation.device_id, allocation.household_id) == (
            proposal.device_id,
            proposal.household_id,
        )
        assert Device.objects.get(id=proposal.device_id).status == "allocated"
        assert Household.objects.get(id=proposal.household_id).status == "allocated"
        assert DeviceEvent.objects.filter(
            device_id=proposal.device_id, new_status="allocated"
        ).exists()
        assert HouseholdEvent.objects.filter(
            household_id=proposal.household_id, new_status="allocated"
        ).exists()
    assert MatchRunEvent.objects.filter(run_id=run["id"], kind="approved").exists()


def test_approving_some_leaves_the_run_partly_approved(api, coordinator_h, stock):
    run = start(api, coordinator_h, seed=1)
    first = Proposal.objects.filter(run_id=run["id"]).first()
    body = api.post(f"{RUNS}{run['id']}/approve/", {"proposals": [first.id]}, format="json").json()
    assert body["status"] == "partially_approved"
    assert body["approved"] == [first.id]
    assert Allocation.objects.count() == 1
    assert Proposal.objects.filter(run_id=run["id"], status="proposed").count() == 2


def test_approving_an_approved_proposal_or_a_discarded_run_is_a_conflict(api, coordinator_h, stock):
    run = start(api, coordinator_h, seed=1)
    first = Proposal.objects.filter(run_id=run["id"]).first()
    api.post(f"{RUNS}{run['id']}/approve/", {"proposals": [first.id]}, format="json")
    again = api.post(f"{RUNS}{run['id']}/approve/", {"proposals": [first.id]}, format="json")
    assert_error(again, 409, "proposal_not_open")
    discarded = api.post(f"{RUNS}{run['id']}/discard/", {}, format="json")
    assert discarded.json()["status"] == "discarded"
    assert Proposal.objects.filter(run_id=run["id"], status="superseded").count() == 2
    late = api.post(f"{RUNS}{run['id']}/approve/", {}, format="json")
    assert_error(late, 409, "invalid_transition")
    assert Allocation.objects.count() == 1


def test_a_proposal_whose_phone_was_taken_is_skipped_and_reported(api, coordinator_h, stock):
    first = start(api, coordinator_h, seed=1)
    second = start(api, coordinator_h, seed=2)  # same phones, same households
    api.post(f"{RUNS}{first['id']}/approve/", {}, format="json")
    body = api.post(f"{RUNS}{second['id']}/approve/", {}, format="json").json()
    assert body["approved"] == []
    assert len(body["skipped"]) == 3
    assert all(s["reason"] for s in body["skipped"])
    assert Proposal.objects.filter(run_id=second["id"], status="superseded").count() == 3
    assert Allocation.objects.filter(is_live=True).count() == 3


def test_a_coordinator_cannot_approve_a_phone_of_another_hub(api, admin_user, coordinator_k, stock):
    run = start(api, admin_user, seed=3)  # all hubs
    at_h = Proposal.objects.filter(run_id=run["id"], device__hub__name="Điểm Đông Hà").first()
    response = api.as_user(coordinator_k).post(
        f"{RUNS}{run['id']}/approve/", {"proposals": [at_h.id]}, format="json"
    )
    assert_error(response, 403, "hub_not_yours")
    assert not Allocation.objects.exists()
    # Approving "all" as coordinator K is refused too: the run holds phones of hub H.
    response = api.post(f"{RUNS}{run['id']}/approve/", {}, format="json")
    assert_error(response, 403, "hub_not_yours")
    at_k = Proposal.objects.filter(run_id=run["id"], device__hub__name="Điểm Khe Sanh")
    ok = api.post(f"{RUNS}{run['id']}/approve/", {"proposals": [p.id for p in at_k]}, format="json")
    assert ok.status_code == 200 and len(ok.json()["approved"]) == 2


def test_a_coordinator_cannot_run_for_another_hub_or_see_its_runs(
    api, coordinator_h, coordinator_k, stock
):
    response = api.as_user(coordinator_h).post(
        RUNS, {"hubs": [stock["devices_k"][0].hub_id]}, format="json"
    )
    assert_error(response, 403, "hub_not_yours")
    run = start(api, coordinator_h)
    api.as_user(coordinator_k)
    assert_error(api.get(f"{RUNS}{run['id']}/"), 404, "not_found")
    assert_error(api.post(f"{RUNS}{run['id']}/approve/", {}, format="json"), 404, "not_found")
    assert api.get(RUNS).json()["count"] == 0


def test_unknown_hubs_and_proposals_are_refused_on_their_fields(api, coordinator_h, stock):
    assert_error(
        api.as_user(coordinator_h).post(RUNS, {"hubs": [9999]}, format="json"),
        400,
        "unknown_hub",
        "hubs",
    )
    run = start(api, coordinator_h)
    assert_error(
        api.post(f"{RUNS}{run['id']}/approve/", {"proposals": [123456]}, format="json"),
        400,
        "unknown_proposal",
        "proposals",
    )


def test_reject_needs_a_reason_and_happens_once(api, coordinator_h, stock):
    run = start(api, coordinator_h)
    proposal = Proposal.objects.filter(run_id=run["id"]).first()
    url = f"/api/v1/proposals/{proposal.id}/reject/"
    assert_error(api.post(url, {"reason": "  "}, format="json"), 400, "reason_required", "reason")
    body = api.post(url, {"reason": "Gia đình đã chuyển đi"}, format="json").json()
    assert body["status"] == "rejected" and body["reason"] == "Gia đình đã chuyển đi"
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.decided_by == coordinator_h
    assert MatchRunEvent.objects.filter(run_id=run["id"], kind="rejected").exists()
    assert_error(api.post(url, {"reason": "lại"}, format="json"), 409, "proposal_not_open")
    # Approving the rest settles the run as partly approved: one was rejected.
    assert api.post(f"{RUNS}{run['id']}/approve/", {}, format="json").json()["status"] == (
        "partially_approved"
    )


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 401),
        ("donor", 403),
        ("officer_a", 403),
        ("verifier", 403),
        ("coordinator_h", 200),
        ("coordinator_k", 200),
        ("admin", 200),
    ],
)
def test_access_to_the_runs_list_per_persona(api, personas, persona, status):
    assert api.as_user(personas[persona]).get(RUNS).status_code == status
    create = api.post(RUNS, {}, format="json")
    assert create.status_code == (201 if status == 200 else status)


@pytest.mark.parametrize("persona", ["donor", "officer_a", "verifier", "coordinator_k"])
def test_others_cannot_read_or_decide_a_run(api, personas, coordinator_h, stock, persona):
    run = start(api, coordinator_h)
    proposal = Proposal.objects.filter(run_id=run["id"]).first()
    api.as_user(personas[persona])
    assert api.get(f"{RUNS}{run['id']}/proposals/").status_code in (403, 404)
    assert api.post(f"{RUNS}{run['id']}/approve/", {}, format="json").status_code in (403, 404)
    reject = api.post(f"/api/v1/proposals/{proposal.id}/reject/", {"reason": "x"}, format="json")
    assert reject.status_code in (403, 404)
    assert not Allocation.objects.exists()
    assert Proposal.objects.filter(status="proposed").count() == 3


def test_proposals_explain_themselves_without_household_names(api, coordinator_h, stock):
    run = start(api, coordinator_h)
    response = api.get(f"{RUNS}{run['id']}/proposals/")
    body = response.json()
    assert body["count"] == 3
    item = body["results"][0]
    assert set(item) >= {"id", "device", "household", "score", "explanation", "status"}
    assert item["device"].startswith("NS-")
    assert [e["factor"] for e in item["explanation"]] == [
        "priority",
        "fit",
        "donor_preference",
        "transfer",
        "fairness",
    ]
    assert item["score"] == pytest.approx(sum(e["points"] for e in item["explanation"]))
    assert item["priority"]["breakdown"]
    assert "Hồ Văn Hộ" not in response.content.decode()


def test_the_list_endpoints_pin_their_query_counts(
    api, coordinator_h, stock, django_assert_num_queries
):
    for seed in range(3):
        start(api, coordinator_h, seed=seed)
    run_id = MatchRun.objects.first().id
    api.as_user(coordinator_h)
    # token user, scope (assignments, communes, hubs+serves ×2), count, page, hubs prefetch
    with django_assert_num_queries(8):
        assert api.get(RUNS).json()["count"] == 3
    # token user, scope ×4, the run, count, page (devices and households joined)
    with django_assert_num_queries(8):
        assert api.get(f"{RUNS}{run_id}/proposals/").json()["count"] == 3
