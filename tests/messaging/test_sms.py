"""Messages to households (issue 16): every SMS is a row, sent through the outbox by the provider
the settings name, here eSMS.vn's brand-name API played by a local fake over real HTTP
(tests/messaging/fake_esms.py). The code sent to the new phone at handover is read back from its
screen; a failed send is retried with back-off and shown to the coordinator; delivery reports are
believed only when they are the provider's own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from logistics.models import Handover
from messaging.models import Message, MessageEvent
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db

SIM = "0912 345 678"
CODE = re.compile(r"\b(\d{6})\b")


def hand_over(api, user, device, household, **extra):
    body = {
        "device": device.tracking_code,
        "household": household.id,
        "received_by": household.head_name,
        "recipient_cccd_last4": household.cccd_last4,
        **extra,
    }
    return api.as_user(user).post("/api/v1/handovers/", body, format="json")


def code_in(sent: dict) -> str:
    return CODE.search(sent["Content"]).group(1)


def test_the_code_goes_to_the_new_phone_and_is_read_back_from_its_screen(
    api, officer_a, dispatched, fake_esms, django_capture_on_commit_callbacks
):
    device, household, _batch = dispatched
    with django_capture_on_commit_callbacks(execute=True):
        response = hand_over(api, officer_a, device, household, sim_phone=SIM)
    assert response.status_code == 201, response.content
    handover = Handover.objects.get(id=response.json()["id"])
    assert handover.sim_phone == "84912345678" and handover.sms_consent is False

    # eSMS got one brand-name customer-care SMS, as its API documents it, in unaccented Vietnamese
    [sent] = fake_esms.sent()
    assert sent["Phone"] == "0912345678" and sent["Brandname"] == "NOISONG"
    assert sent["SmsType"] == "2" and sent["IsUnicode"] == "0" and sent["Sandbox"] == "0"
    assert sent["Content"].startswith("Noi Song: ma") and sent["Content"].isascii()
    assert sent["CallbackUrl"].endswith("/api/v1/messages/callback/esms/")
    message = Message.objects.get(household=household)
    assert message.kind == "handover_code" and message.status == "sent"
    assert message.provider_id == sent["SMSID"] and message.attempts == 1
    # the code is on the family's phone, not on the server: the row keeps a masked text
    assert (
        message.sealed_text == "" and code_in(sent) not in message.text and "••••••" in message.text
    )
    assert handover.sms_code_message == message
    assert response.json()["sms_code"] == {
        "to": "********678",
        "message": message.id,
        "status": "queued",  # the answer was made before the commit sent it
        "confirmed_at": None,
    }

    client = api.as_user(officer_a)
    wrong = client.post(f"/api/v1/handovers/{handover.id}/code/", {"code": "000000"}, format="json")
    assert_error(wrong, 400, "wrong_code", "code")
    handover.refresh_from_db()
    assert handover.sms_code_tries == 1 and handover.sms_code_confirmed_at is None
    right = client.post(
        f"/api/v1/handovers/{handover.id}/code/", {"code": code_in(sent)}, format="json"
    )
    assert right.status_code == 200
    assert right.json()["sms_code"]["confirmed_at"] is not None
    handover.refresh_from_db()
    assert handover.sms_code_confirmed_at is not None

    # the delivery report, as eSMS sends it, moves the row to delivered once
    report = api.as_user(None).get("/api/v1/messages/callback/esms/", fake_esms.report(sent))
    assert report.status_code == 200 and report.json() == {"ok": True}
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at is not None
    again = api.as_user(None).get("/api/v1/messages/callback/esms/", fake_esms.report(sent))
    assert again.status_code == 200
    assert list(
        MessageEvent.objects.filter(message=message).values_list("new_status", flat=True)
    ) == [
        "sent",
        "delivered",
    ]


def test_a_failed_send_is_retried_with_back_off_shown_to_the_coordinator_then_sent_once(
    api, client, officer_a, coordinator_h, dispatched, fake_esms, django_capture_on_commit_callbacks
):
    device, household, _batch = dispatched
    fake_esms.fail_next = ["103"]  # not enough balance on the eSMS account
    with django_capture_on_commit_callbacks(execute=True):
        response = hand_over(api, officer_a, device, household, sim_phone=SIM)
    assert response.status_code == 201  # the handover stands; the SMS waits
    message = Message.objects.get(household=household)
    assert message.status == "queued" and message.attempts == 1
    assert message.last_error.startswith("eSMS 103") and message.retry_at > timezone.now()
    assert message.sealed_text  # still owed: the code is kept until it is sent
    owed = OutboxMessage.objects.get(key=f"sms:{message.id}")
    assert owed.sent_at is None and owed.due_at == message.retry_at

    # the coordinator sees it, with eSMS's reason and the next try
    client.force_login(coordinator_h)
    page = client.get("/ban-giao/").content.decode()
    assert "eSMS 103" in page and "*******678" in page
    listed = api.as_user(coordinator_h).get(f"/api/v1/messages/?household={household.id}").json()
    assert listed["results"][0]["status"] == "queued" and listed["results"][0]["attempts"] == 1
    assert listed["results"][0]["error"].startswith("eSMS 103")

    OutboxMessage.objects.filter(id=owed.id).update(due_at=timezone.now())
    assert outbox.send_due() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.last_error == ""
    assert len(fake_esms.sent()) == 1
    assert outbox.send_due() == 0


def test_an_answer_lost_on_its_way_back_does_not_send_the_sms_twice(
    api, officer_a, dispatched, fake_esms, django_capture_on_commit_callbacks
):
    device, household, _batch = dispatched
    fake_esms.fail_next = ["lost"]  # eSMS takes it, the answer never arrives
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(api, officer_a, device, household, sim_phone=SIM)
    message = Message.objects.get(household=household)
    assert message.status == "queued" and "HTTP 502" in message.last_error
    OutboxMessage.objects.filter(key=f"sms:{message.id}").update(due_at=timezone.now())
    assert outbox.send_due() == 1  # the retry carries the same RequestId: eSMS says "124"
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(fake_esms.requests) == 2 and len(fake_esms.sent()) == 1


def test_a_number_the_provider_refuses_fails_at_once_and_a_new_code_can_be_sent(
    api, officer_a, dispatched, fake_esms, django_capture_on_commit_callbacks
):
    device, household, _batch = dispatched
    fake_esms.fail_next = ["108"]
    with django_capture_on_commit_callbacks(execute=True):
        response = hand_over(api, officer_a, device, household, sim_phone=SIM)
    handover_id = response.json()["id"]
    first = Message.objects.get(household=household)
    assert first.status == "failed" and first.failed_at and "108" in first.last_error
    assert first.sealed_text == ""
    assert OutboxMessage.objects.get(key=f"sms:{first.id}").sent_at is not None  # no retry
    with django_capture_on_commit_callbacks(execute=True):
        resend = api.as_user(officer_a).post(f"/api/v1/handovers/{handover_id}/code/send/")
    assert resend.status_code == 200
    second = Message.objects.exclude(id=first.id).get(household=household)
    assert second.status == "sent" and resend.json()["sms_code"]["message"] == second.id
    [sent] = fake_esms.sent()
    code = code_in(sent)
    confirmed = api.as_user(officer_a).post(
        f"/api/v1/handovers/{handover_id}/code/", {"code": code}, format="json"
    )
    assert confirmed.status_code == 200


def test_after_the_outbox_gives_up_the_message_is_failed(
    api, officer_a, dispatched, fake_esms, settings, django_capture_on_commit_callbacks
):
    device, household, _batch = dispatched
    fake_esms.fail_next = ["500"] * outbox.MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(api, officer_a, device, household, sim_phone=SIM)
    message = Message.objects.get(household=household)
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        OutboxMessage.objects.filter(key=f"sms:{message.id}").update(due_at=timezone.now())
        outbox.send_due()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert "HTTP 500" in message.last_error and message.retry_at is None
    assert "HTTP 500" in message.events.get(new_status="failed").reason


def test_too_many_wrong_codes_need_a_new_code(
    api, officer_a, dispatched, fake_esms, settings, django_capture_on_commit_callbacks
):
    settings.LOGISTICS_SMS_CODE_TRIES = 2
    device, household, _batch = dispatched
    with django_capture_on_commit_callbacks(execute=True):
        handover_id = hand_over(api, officer_a, device, household, sim_phone=SIM).json()["id"]
    client = api.as_user(officer_a)
    url = f"/api/v1/handovers/{handover_id}/code/"
    for _ in range(2):
        assert_error(client.post(url, {"code": "111111"}, format="json"), 400, "wrong_code")
    right = code_in(fake_esms.sent()[0])
    assert_error(client.post(url, {"code": right}, format="json"), 409, "too_many_tries")


@pytest.mark.parametrize(
    "change",
    [
        {"RequestId": "ns1-0000000000000000000"},  # not our HMAC
        {"SMSID": "someone-elses"},
        {"phonenumber": "0987654321"},
    ],
    ids=["forged-reference", "other-smsid", "other-number"],
)
def test_a_report_that_is_not_the_providers_own_is_refused(
    api, officer_a, dispatched, fake_esms, change, django_capture_on_commit_callbacks
):
    device, household, _batch = dispatched
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(api, officer_a, device, household, sim_phone=SIM)
    [sent] = fake_esms.sent()
    params = fake_esms.report(sent, **change)
    assert_error(api.get("/api/v1/messages/callback/esms/", params), 403, "report_not_verified")
    assert Message.objects.get(household=household).status == "sent"


def test_malformed_and_unknown_reports_are_refused_without_a_server_error(api, db):
    assert_error(api.get("/api/v1/messages/callback/esms/"), 400, "invalid_report")
    assert_error(api.post("/api/v1/messages/callback/esms/", {"SMSID": "x"}), 400, "invalid_report")
    assert_error(api.get("/api/v1/messages/callback/nobody/"), 404, "not_found")
    assert_error(api.get("/api/v1/messages/callback/console/"), 404, "not_found")
    bad = {"SMSID": "x", "SendStatus": "5", "RequestId": "ns12-abc", "SendSuccess": "many"}
    assert_error(api.get("/api/v1/messages/callback/esms/", bad), 400, "invalid_report")


def test_a_failed_delivery_report_fails_the_message(
    api, officer_a, dispatched, fake_esms, django_capture_on_commit_callbacks
):
    device, household, _batch = dispatched
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(api, officer_a, device, household, sim_phone=SIM)
    [sent] = fake_esms.sent()
    response = api.post("/api/v1/messages/callback/esms/", fake_esms.report(sent, delivered=False))
    assert response.status_code == 200
    message = Message.objects.get(household=household)
    assert message.status == "failed" and "SendSuccess 0" in message.last_error


def test_the_console_provider_is_the_default_and_writes_the_sms_to_the_log(
    api, officer_a, dispatched, caplog, django_capture_on_commit_callbacks
):
    device, household, _batch = dispatched
    with (
        caplog.at_level("INFO", logger="noisong.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        hand_over(api, officer_a, device, household, sim_phone=SIM)
    message = Message.objects.get(household=household)
    assert message.provider == "console" and message.status == "sent"
    assert any("SMS to 0912345678: Nối Sóng" in record.getMessage() for record in caplog.records)


def test_the_list_masks_numbers_is_scoped_and_pinned(
    api, officer_a, officer_b, coordinator_k, dispatched, django_assert_num_queries
):
    from messaging.services import sms_owe

    _device, household, _batch = dispatched
    for n in range(3):
        sms_owe(household_id=household.id, to=f"098765432{n}", kind="other", text="Xin chào")
    client = api.as_user(officer_a)
    client.get(f"/api/v1/messages/?household={household.id}")
    # token and user, scope (3), count, page: not one per message
    with django_assert_num_queries(6):
        client.get(f"/api/v1/messages/?household={household.id}")
    for n in range(3):
        sms_owe(household_id=household.id, to=f"091234567{n}", kind="other", text="Xin chào")
    with django_assert_num_queries(6):
        body = client.get(f"/api/v1/messages/?household={household.id}").json()
    assert body["count"] == 6
    row = body["results"][0]
    assert set(row) == {
        "id",
        "household",
        "to",
        "kind",
        "status",
        "created_at",
        "sent_at",
        "delivered_at",
        "attempts",
        "error",
        "retry_at",
    }
    assert row["to"] == "********672" and "0912" not in str(body) and "0987" not in str(body)
    assert api.as_user(officer_b).get("/api/v1/messages/").json()["count"] == 0
    assert api.as_user(coordinator_k).get("/api/v1/messages/").json()["count"] == 0
    assert_error(api.as_user(officer_a).get("/api/v1/messages/?household=x"), 400, "invalid")


def test_a_number_that_is_no_vietnamese_mobile_is_refused_on_the_handover(
    api, officer_a, dispatched
):
    device, household, _batch = dispatched
    refused = hand_over(api, officer_a, device, household, sim_phone="0232 123 456")  # a landline
    assert_error(refused, 400, "invalid", "sim_phone")
    assert not Handover.objects.exists() and not Message.objects.exists()


def test_the_follow_up_reminder_goes_by_sms_only_where_the_family_agreed(
    officer_a, make_device, make_household, allocate, hubs, settings
):
    from logistics.reminders import follow_up_reminders_send
    from logistics.services.delivery import handover_create

    handovers = []
    for agreed in (True, False):
        household = make_household()
        device = allocate(make_device(hub=hubs["H"], status="ready"), household)
        device.status = "dispatched"
        device.save(update_fields=["status"])
        handovers.append(
            handover_create(
                device_id=device.id,
                household_id=household.id,
                received_by=household.head_name,
                recipient_cccd_last4=household.cccd_last4,
                sim_phone=SIM,
                sms_consent=agreed,
                actor=officer_a,
            )
        )
    Handover.objects.update(
        at=timezone.now() - timedelta(days=settings.LOGISTICS_FOLLOW_UP_DAYS + 1)
    )
    follow_up_reminders_send()
    follow_ups = Message.objects.filter(kind="follow_up")
    assert [m.household_id for m in follow_ups] == [handovers[0].household_id]
    assert follow_ups[0].text.startswith("Nối Sóng: gia đình")
    follow_up_reminders_send()  # once only
    assert Message.objects.filter(kind="follow_up").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_delivery_report_arrives_over_http_at_the_callback_the_provider_was_given(
    live_server, api, officer_a, dispatched, fake_esms, settings
):
    """End to end over real HTTP both ways: the fake eSMS calls the URL it was sent."""
    settings.SITE_URL = live_server.url
    device, household, _batch = dispatched
    hand_over(api, officer_a, device, household, sim_phone=SIM)  # not in a transaction: sent now
    [sent] = fake_esms.sent()
    assert sent["CallbackUrl"] == f"{live_server.url}/api/v1/messages/callback/esms/"
    status, body = fake_esms.report(sent, call=True)
    assert (status, body) == (200, {"ok": True})
    assert Message.objects.get(household=household).status == "delivered"
    forged = fake_esms.report({**sent, "RequestId": "ns1-forged"}, call=True)
    assert forged[0] == 403


def test_the_code_is_typed_on_the_handover_page_without_javascript(
    client, officer_a, dispatched, fake_esms, django_capture_on_commit_callbacks
):
    from logistics.services.delivery import handover_create

    device, household, _batch = dispatched
    with django_capture_on_commit_callbacks(execute=True):
        handover = handover_create(
            device_id=device.id,
            household_id=household.id,
            received_by=household.head_name,
            recipient_cccd_last4=household.cccd_last4,
            sim_phone=SIM,
            sms_consent=True,
            actor=officer_a,
        )
    client.force_login(officer_a)
    page = client.get(f"/ban-giao/{handover.id}/").content.decode()
    assert "Mã gửi đến điện thoại mới" in page and "********678" in page
    assert code_in(fake_esms.sent()[0]) not in page  # the code is read from the phone, not here
    wrong = client.post(f"/ban-giao/{handover.id}/ma-xac-nhan/", {"code": "000000"}, follow=True)
    assert "Đây không phải mã đã gửi đến máy" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ban-giao/{handover.id}/gui-ma-moi/")
    assert len(fake_esms.sent()) == 2
    right = code_in(fake_esms.sent()[1])
    done = client.post(f"/ban-giao/{handover.id}/ma-xac-nhan/", {"code": right}, follow=True)
    assert "Đã xác nhận mã" in done.content.decode()
    handover.refresh_from_db()
    assert handover.sms_code_confirmed_at is not None and handover.sms_code_tries == 0


def test_anonymising_the_household_erases_its_numbers_and_messages(
    api, officer_a, dispatched, fake_esms, django_capture_on_commit_callbacks
):
    """Issue 14's complete erasure reaches what issue 16 added: the SIM's number on the handover
    and every SMS row (number and text) of the household."""
    from households.services.privacy import household_anonymise
    from tests.privacy.scan import rows_naming

    device, household, _batch = dispatched
    with django_capture_on_commit_callbacks(execute=True):
        assert hand_over(api, officer_a, device, household, sim_phone=SIM).status_code == 201
    assert rows_naming("84912345678")  # the number is held, on the handover and the message
    with django_capture_on_commit_callbacks(execute=True):
        household_anonymise(household_id=household.id, actor=officer_a, reason="Hộ yêu cầu xoá")
    assert rows_naming("84912345678", "0912345678", household.head_name) == []
    message = Message.objects.get(household=household)
    assert (message.to, message.kind, message.status) == ("", "handover_code", "sent")
