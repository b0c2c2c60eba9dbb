"""Replays that arrive at the same moment: the unique event id and the gift's row lock keep the
result the same as one delivery. Needs PostgreSQL's row locks (SQLite serialises writers)."""

import json
import threading

import pytest
from django.db import connection

from donations.models import Gift, GiftEvent, LedgerEntry, StripeEvent
from tests.donations.conftest import WEBHOOK_SECRET
from tests.donations.fake_stripe import sign

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises writers",
    ),
]


def test_the_same_webhooks_delivered_in_parallel_pay_the_gift_once(communes, settings):
    from donations.models import Donor
    from donations.services.gifts import stripe_webhook_receive

    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    donor = Donor.objects.create(name="Song Song", email="parallel@example.org")
    gift = Gift.objects.create(
        donor=donor, method="stripe", amount=5000, currency="EUR", stripe_session_id="cs_par"
    )
    session = {
        "id": "cs_par",
        "payment_intent": "pi_par",
        "payment_status": "paid",
        "metadata": {"gift_id": str(gift.id)},
    }
    events = [
        {"id": "evt_p1", "type": "checkout.session.completed", "data": {"object": session}},
        {
            "id": "evt_p2",
            "type": "checkout.session.async_payment_succeeded",
            "data": {"object": session},
        },
    ]
    errors = []
    barrier = threading.Barrier(8)

    def deliver(event):
        from django.db import connection as thread_connection

        try:
            payload = json.dumps(event).encode()
            barrier.wait()
            stripe_webhook_receive(payload=payload, signature=sign(payload, WEBHOOK_SECRET))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=deliver, args=(events[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    gift.refresh_from_db()
    assert gift.status == "paid"
    assert StripeEvent.objects.count() == 2
    assert LedgerEntry.objects.filter(gift=gift, kind="gift").count() == 1
    assert GiftEvent.objects.filter(gift=gift, new_status="paid").count() == 1


def test_first_pledges_of_one_new_email_at_the_same_moment_share_one_account(communes, monkeypatch):
    """Each sees no account and makes one; all but one break the unique email, and their pledge
    is tried again from the start (pledges.pledge_create), finding the account that won. The
    race is made certain: every first attempt waits at the account INSERT until all have looked.
    An email typed proves nothing (issue 12): the retried pledges name an account that exists
    by then, so each waits, as an unconfirmed claim, for that account's owner to confirm it."""
    from django.db import IntegrityError

    from accounts.models import User, UserManager
    from donations.models import Donor, Pledge, PledgeEvent
    from donations.services import pledges
    from tests.donations.conftest import phone

    looked = threading.Barrier(6)
    create_user = UserManager.create_user

    def create_user_together(self, *args, **kwargs):
        looked.wait(timeout=20)  # only first attempts get here: a retry finds the account
        return create_user(self, *args, **kwargs)

    monkeypatch.setattr(UserManager, "create_user", create_user_together)
    once = pledges._pledge_create_once
    retried = []

    def counted(**kwargs):
        try:
            return once(**kwargs)
        except IntegrityError:
            retried.append(1)
            raise

    monkeypatch.setattr(pledges, "_pledge_create_once", counted)
    errors, made = [], []

    def pledge(n):
        from django.db import connection as thread_connection

        try:
            result = pledges.pledge_create(
                actor=None,
                donor={"name": "Hồ Song", "email": f"{'SONG' if n % 2 else 'song'}@example.org"},
                devices=[phone()],
                dropoff="post",
            )
            made.append(result.pledge.id)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=pledge, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(retried) == 5  # every loser of the race was tried again, once
    assert User.objects.filter(email="song@example.org").count() == 1
    account = User.objects.get(email="song@example.org")
    assert Pledge.objects.filter(donor__user=account).count() == 1
    assert Pledge.objects.filter(donor__claim__account=account).count() == 5
    assert sorted(Pledge.objects.values_list("id", flat=True)) == sorted(made)
    assert Donor.objects.filter(user__isnull=False).count() == 1
    assert len(made) == 6 and PledgeEvent.objects.filter(action="created").count() == 6
