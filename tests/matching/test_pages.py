"""Coordinator pages: runs list, start a run, the run page, approving and rejecting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Allocation, MatchRun, Proposal
from matching.services import match_run_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona,status",
    [
        ("donor", 403),
        ("officer_a", 403),
        ("verifier", 403),
        ("coordinator_h", 200),
        ("admin", 200),
    ],
)
def test_the_runs_pages_per_persona(client, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("matching:runs")).status_code == status
    assert client.get(reverse("matching:start")).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, hubs):
    response = client.get(reverse("matching:runs"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_coordinator_starts_a_run_and_reads_it(client, coordinator_h, stock):
    client.force_login(coordinator_h)
    form = client.get(reverse("matching:start")).content.decode()
    assert "Điểm Đông Hà" in form and "Điểm Khe Sanh" not in form  # only their hubs
    response = client.post(reverse("matching:start"), {"seed": "77"})
    run = MatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "matching:run", args=[run.id]
    )
    assert run.seed == 77 and run.proposals_count == 3
    page = client.get(response["Location"]).content.decode()
    assert "Xã Tà Rụt" in page  # the coverage chart names the commune
    assert 'class="floor"' in page and 'class="fill' in page
    assert page.count('name="proposals"') == 3
    assert "http-equiv" not in page  # finished: no auto-refresh
    assert "Diện hộ: <strong>" in page  # the priority breakdown speaks Vietnamese, not keys
    assert "poverty:" not in page
    for household in stock["households_a"]:
        assert household.head_name not in page  # never a household's name
        assert f"#{household.id}" in page


def test_a_seed_that_is_not_a_number_is_shown_on_its_field(client, coordinator_h, hubs):
    client.force_login(coordinator_h)
    response = client.post(reverse("matching:start"), {"seed": "mười hai"})
    assert response.status_code == 200
    assert "seed" in response.context["form"].errors
    assert not MatchRun.objects.exists()


def test_a_running_run_refreshes_itself_and_shows_progress(client, coordinator_h, hubs):
    run = MatchRun.objects.create(
        created_by=coordinator_h, seed=1, policy_version="x", status="running", progress=35
    )
    run.hubs.set([hubs["H"]])
    client.force_login(coordinator_h)
    page = client.get(reverse("matching:run", args=[run.id])).content.decode()
    # Without JavaScript it refreshes itself; with it, the script polls the run's progress.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'value="35" data-progress-field="progress"' in page
    assert f'data-progress-url="/ghep-doi/{run.id}/tien-do.json"' in page
    assert "/static/js/live-progress.js" in page


def test_the_progress_of_a_run_answers_its_page_script(client, coordinator_h, coordinator_k, hubs):
    """Finding 14 of issue 15: queued → running → done, as JSON for the page's script."""
    run = MatchRun.objects.create(created_by=coordinator_h, seed=1, policy_version="x")
    run.hubs.set([hubs["H"]])
    client.force_login(coordinator_h)
    url = reverse("matching:run_progress", args=[run.id])
    assert client.get(url).json() == {
        "status": "queued",
        "status_label": "Đang chờ chạy",
        "progress": 0,
        "note": "Đang chờ bộ máy ghép nối",
        "done": False,
    }
    MatchRun.objects.filter(id=run.id).update(
        status="running", progress=35, progress_note="Solving"
    )
    body = client.get(url).json()
    assert (body["status"], body["progress"], body["note"], body["done"]) == (
        "running",
        35,
        "Solving",
        False,
    )
    MatchRun.objects.filter(id=run.id).update(status="proposed", progress=100)
    assert client.get(url).json()["done"] is True
    page = client.get(reverse("matching:run", args=[run.id])).content.decode()
    assert "data-progress-url" not in page and "live-progress.js" not in page
    client.force_login(coordinator_k)
    assert client.get(url).status_code == 404


def test_approving_ticked_proposals_from_the_page(client, coordinator_h, stock):
    run = match_run_create(actor=coordinator_h, seed=5)
    ticked = list(run.proposals.values_list("id", flat=True)[:2])
    client.force_login(coordinator_h)
    response = client.post(reverse("matching:approve", args=[run.id]), {"proposals": ticked})
    assert response.status_code == 302
    assert set(Allocation.objects.values_list("proposal_id", flat=True)) == set(ticked)
    run.refresh_from_db()
    assert run.status == "partially_approved"
    page = client.get(reverse("matching:run", args=[run.id])).content.decode()
    assert "2 proposals approved" in page or "2 đề xuất đã được duyệt" in page


def test_approving_nothing_ticked_says_so_and_approve_all_takes_the_rest(
    client, coordinator_h, stock
):
    run = match_run_create(actor=coordinator_h, seed=5)
    client.force_login(coordinator_h)
    client.post(reverse("matching:approve", args=[run.id]), {})
    assert not Allocation.objects.exists()
    client.post(reverse("matching:approve", args=[run.id]), {"all": "1"})
    assert Allocation.objects.count() == 3
    run.refresh_from_db()
    assert run.status == "approved"
    # A second approval of a closed run is refused with a message, nothing changes.
    response = client.post(reverse("matching:approve", args=[run.id]), {"all": "1"}, follow=True)
    assert response.status_code == 200 and Allocation.objects.count() == 3


def test_a_coordinator_of_another_hub_cannot_reach_the_run(
    client, coordinator_h, coordinator_k, stock
):
    run = match_run_create(actor=coordinator_h, seed=5)
    client.force_login(coordinator_k)
    assert client.get(reverse("matching:run", args=[run.id])).status_code == 404
    assert client.post(reverse("matching:approve", args=[run.id]), {"all": "1"}).status_code == 404
    assert not Allocation.objects.exists()


def test_rejecting_with_a_reason_from_the_page(client, coordinator_h, stock):
    run = match_run_create(actor=coordinator_h, seed=5)
    proposal = run.proposals.first()
    client.force_login(coordinator_h)
    url = reverse("matching:reject", args=[proposal.id])
    page = client.get(url).content.decode()
    assert proposal.device.tracking_code in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "Hộ đã có điện thoại"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.reason == "Hộ đã có điện thoại"


def test_discarding_from_the_page(client, coordinator_h, stock):
    run = match_run_create(actor=coordinator_h, seed=5)
    client.force_login(coordinator_h)
    client.post(reverse("matching:discard", args=[run.id]))
    run.refresh_from_db()
    assert run.status == "discarded"
    assert set(Proposal.objects.values_list("status", flat=True)) == {"superseded"}


def test_the_landing_page_links_coordinators_to_their_runs(client, coordinator_h, officer_a):
    client.force_login(coordinator_h)
    assert reverse("matching:runs") in client.get(reverse("accounts:landing")).content.decode()
    client.force_login(officer_a)
    assert reverse("matching:runs") not in client.get(reverse("accounts:landing")).content.decode()


def test_the_list_pages_pin_their_query_counts(
    client, coordinator_h, stock, django_assert_num_queries
):
    for seed in range(3):
        match_run_create(actor=coordinator_h, seed=seed)
    run = MatchRun.objects.first()
    client.force_login(coordinator_h)
    client.get(reverse("matching:runs"))  # warm the session
    with django_assert_num_queries(8):
        assert client.get(reverse("matching:runs")).status_code == 200
    # session, user, scope ×4, run, count, page, commune names, hubs
    with django_assert_num_queries(11):
        assert client.get(reverse("matching:run", args=[run.id])).status_code == 200


def test_the_admin_lists_runs_proposals_and_allocations_read_only(client, admin_user, stock):
    from django.contrib.auth import get_user_model

    run = match_run_create(actor=admin_user, seed=5)
    superuser = get_user_model().objects.create_superuser(email="root@test.vn", password="x" * 20)
    client.force_login(superuser)
    for name in ("matchrun", "proposal", "allocation"):
        assert client.get(reverse(f"admin:matching_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:matching_matchrun_change", args=[run.id])).status_code == 200
    assert client.get(reverse("admin:matching_proposal_add")).status_code == 403
