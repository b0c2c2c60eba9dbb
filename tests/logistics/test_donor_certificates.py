"""Wipe certificates for donors (issue 15, finding 6): a business downloads its phones'
certificate from its own page and receives it by email when its pledge's wiping is done; only the
donor of the phones (and the hub's staff, on their pages) can get it."""

from __future__ import annotations

import pytest
from django.core import mail

from core.models import OutboxMessage
from logistics.services.bench import device_receive, wipe_record_create
from tests.logistics.conftest import new_imei
from tests.papers import assert_well_printed

pytestmark = pytest.mark.django_db

ACCOUNTS = {"google_frp": True, "samsung": True, "vneid": True}


@pytest.fixture
def business_pledge(donor, hubs, coordinator_h):
    """`donor` (signed-in account) pledges three phones as a business; the hub receives them."""
    from donations.models import Donor
    from donations.services.pledges import pledge_create
    from tests.donations.conftest import phone

    pledge = pledge_create(
        actor=donor, devices=[phone(condition="new", quantity=3)], dropoff="hub", hub=hubs["H"].id
    ).pledge
    Donor.objects.filter(id=pledge.donor_id).update(kind="business")
    devices = list(pledge.devices.order_by("id"))
    for device in devices:
        device_receive(
            device_id=device.id, hub_id=hubs["H"].id, imei=new_imei(), actor=coordinator_h
        )
    return pledge, devices


def _wipe(device, actor):
    return wipe_record_create(
        device_id=device.id, method="factory_reset", accounts=ACCOUNTS, actor=actor
    )


def test_the_certificate_is_emailed_once_when_the_last_phone_is_wiped(
    business_pledge, coordinator_h, django_capture_on_commit_callbacks
):
    pledge, devices = business_pledge
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _wipe(devices[0], coordinator_h)
        _wipe(devices[1], coordinator_h)
    assert mail.outbox == []  # one phone still waits
    with django_capture_on_commit_callbacks(execute=True):
        _wipe(devices[2], coordinator_h)
    (message,) = mail.outbox
    assert message.to == [pledge.donor.email]
    assert f"#{pledge.id}" in message.subject
    assert f"/cua-toi/cam-ket/{pledge.id}/chung-nhan-xoa-du-lieu.pdf" in message.body
    ((name, content, kind),) = message.attachments
    assert name == f"chung-nhan-xoa-du-lieu-{pledge.id}.pdf" and kind == "application/pdf"
    assert_well_printed(
        content,
        "CHỨNG NHẬN XÓA DỮ LIỆU",
        "NIST SP 800-88 Rev. 1",
        *(d.tracking_code for d in devices),
    )
    owed = OutboxMessage.objects.get(task="logistics.tasks.email_wipe_certificate")
    assert owed.args == [pledge.id] and owed.sent_at is not None
    assert owed.key == f"wipe-certificate:{pledge.id}:3"


def test_an_individual_is_not_emailed_but_may_download(
    donor, hubs, coordinator_h, client, django_capture_on_commit_callbacks
):
    from donations.services.pledges import pledge_create
    from tests.donations.conftest import phone

    pledge = pledge_create(actor=donor, devices=[phone()], dropoff="post").pledge
    device = pledge.devices.get()
    device_receive(device_id=device.id, hub_id=hubs["H"].id, imei=new_imei(), actor=coordinator_h)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _wipe(device, coordinator_h)
    assert not OutboxMessage.objects.filter(task="logistics.tasks.email_wipe_certificate").exists()
    client.force_login(donor)
    response = client.get(f"/cua-toi/dien-thoai/{device.tracking_code}/chung-nhan-xoa-du-lieu.pdf")
    assert response.status_code == 200
    assert_well_printed(response.content, device.tracking_code, "“Clear”")


def test_only_the_donor_of_the_phones_gets_them_from_the_donor_pages(
    business_pledge, coordinator_h, donor, other_donor, admin_user, client
):
    pledge, devices = business_pledge
    _wipe(devices[0], coordinator_h)
    by_pledge = f"/cua-toi/cam-ket/{pledge.id}/chung-nhan-xoa-du-lieu.pdf"
    by_phone = f"/cua-toi/dien-thoai/{devices[0].tracking_code}/chung-nhan-xoa-du-lieu.pdf"
    not_wiped = f"/cua-toi/dien-thoai/{devices[1].tracking_code}/chung-nhan-xoa-du-lieu.pdf"
    client.force_login(donor)
    mine = client.get("/cua-toi/").content.decode()
    assert f'href="{by_pledge}"' in mine
    paper = assert_well_printed(client.get(by_pledge).content, devices[0].tracking_code)
    assert devices[1].tracking_code not in paper.text  # not wiped yet: not certified
    assert client.get(by_phone).status_code == 200
    assert client.get(not_wiped).status_code == 404
    for someone in (other_donor, coordinator_h, admin_user):
        client.force_login(someone)
        assert client.get(by_pledge).status_code == 404
        assert client.get(by_phone).status_code == 404
    client.force_login(coordinator_h)  # staff print it from the hub's page
    staff = f"/kho/thiet-bi/{devices[0].tracking_code}/chung-nhan-xoa-du-lieu.pdf"
    assert client.get(staff).status_code == 200
    client.logout()
    assert client.get(by_pledge)["Location"].startswith("/dang-nhap/")


def test_the_donor_page_lists_the_papers_without_a_query_per_pledge(
    business_pledge, coordinator_h, donor, client, django_assert_max_num_queries
):
    from donations.services.pledges import pledge_create
    from tests.donations.conftest import phone

    _pledge, devices = business_pledge
    _wipe(devices[0], coordinator_h)
    client.force_login(donor)
    client.get("/cua-toi/")  # warm the session and the caches
    with django_assert_max_num_queries(20) as counted:
        client.get("/cua-toi/")
    for _n in range(5):
        pledge_create(actor=donor, devices=[phone()], dropoff="post")
    with django_assert_max_num_queries(len(counted.captured_queries)):
        page = client.get("/cua-toi/").content.decode()
    assert page.count("chung-nhan-xoa-du-lieu.pdf") == 1
    assert page.count("ma-theo-doi.csv") == 6
