"""Idempotent creation (issue 13, finding 1: "a retried API pledge made a second pledge"): the
same Idempotency-Key within a day returns the first answer and writes nothing new; the pledge form
carries a key of its own, so a double submit makes one pledge."""

from __future__ import annotations

import pytest
from django.db import connection

from core.models import IdempotentRequest, OutboxMessage
from donations.models import Gift, Pledge
from tests.conftest import assert_error, is_postgres
from tests.donations.conftest import pledge_body
from tests.donations.test_pledges import FORM

pytestmark = pytest.mark.django_db
PLEDGES = "/api/v1/pledges/"


def test_a_retried_pledge_gets_the_first_answer_and_makes_nothing_new(api, communes):
    first = api.post(PLEDGES, pledge_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(PLEDGES, pledge_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Pledge.objects.count() == 1
    assert OutboxMessage.objects.filter(task="donations.tasks.email_pledge_received").count() == 1
    other = api.post(PLEDGES, pledge_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.json()["id"] != first.json()["id"] and Pledge.objects.count() == 2


def test_a_key_used_for_another_body_is_a_409_and_writes_nothing(api, communes):
    api.post(PLEDGES, pledge_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    changed = pledge_body(dropoff="hub")
    response = api.post(PLEDGES, changed, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert_error(response, 409, "idempotency_key_reused")
    assert Pledge.objects.count() == 1


def test_after_an_error_the_same_key_may_be_retried(api, communes):
    broken = pledge_body(devices=[])
    assert api.post(PLEDGES, broken, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 400
    assert not IdempotentRequest.objects.exists()  # the key was not spent on the error
    fixed = api.post(PLEDGES, pledge_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert fixed.status_code == 201 and Pledge.objects.count() == 1


def test_an_overlong_key_is_a_400(api, communes):
    response = api.post(PLEDGES, pledge_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert_error(response, 400, "invalid_idempotency_key")
    assert not Pledge.objects.exists()


def test_a_retried_bank_transfer_gift_is_one_gift(api, db):
    body = {"amount": 300000, "purpose": "sim", "email": "b@example.vn", "name": "Bình"}
    first = api.post("/api/v1/gifts/vietqr/", body, format="json", HTTP_IDEMPOTENCY_KEY="g-1")
    again = api.post("/api/v1/gifts/vietqr/", body, format="json", HTTP_IDEMPOTENCY_KEY="g-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["memo"] == first.json()["memo"] and Gift.objects.count() == 1


def test_the_pledge_form_submitted_twice_makes_one_pledge(client, communes):
    page = client.get("/tang-dien-thoai/").content.decode()
    key = page.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    assert len(key) == 32
    first = client.post("/tang-dien-thoai/", {**FORM, "idempotency_key": key})
    again = client.post("/tang-dien-thoai/", {**FORM, "idempotency_key": key})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Pledge.objects.count() == 1
    assert client.get(again["Location"]).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_twice_at_the_same_moment_makes_one_pledge(communes):
    if not is_postgres():
        pytest.skip("SQLite serialises writers: no race to test; CI runs this on PostgreSQL")
    from rest_framework.test import APIClient

    from tests.threads import run_together

    answers = []

    def pledge(_i):
        try:
            response = APIClient().post(
                PLEDGES, pledge_body(), format="json", HTTP_IDEMPOTENCY_KEY="race"
            )
            answers.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    run_together(pledge, 4)
    assert len(answers) == 4 and {status for status, _ in answers} == {201}
    assert len({pledge_id for _, pledge_id in answers}) == 1
    assert Pledge.objects.count() == 1
