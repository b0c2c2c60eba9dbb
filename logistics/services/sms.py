"""The code sent to the new phone at handover: proof that the SIM works and the phone receives.

A handover with the SIM's number owes an SMS with a six-digit code (messaging.services.sms_owe:
a row, sent by the outbox after the commit; the code is kept on the server only as an HMAC and
in the text until it is sent). The officer or coordinator types the code read from the phone's
screen (`handover_code_confirm`); a few wrong codes and a new one must be sent.

Offline (logistics/services/field.py) the handover syncs when signal comes back and only then is
the code sent: the family reads it on their phone and the officer types it at the follow-up
(the same form on the handover page). A code made on the field device could not prove anything:
without signal no SMS leaves it, and the device knows the code it made."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict
from logistics import selectors
from logistics.models import Handover
from messaging import texts
from messaging.models import Message
from messaging.services import sms_owe

CODE_DIGITS = 6


def _code_hash(handover_id: int, code: str) -> str:
    return salted_hmac("noisong.handover-code", f"{handover_id}:{code}").hexdigest()


def handover_code_send(handover: Handover, *, actor) -> Message:
    """Owe the SMS with a fresh code to the handover's SIM (in the caller's transaction)."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    message = sms_owe(
        household_id=handover.household_id,
        to=handover.sim_phone,
        kind=Message.Kind.HANDOVER_CODE,
        text=texts.in_vietnamese(texts.HANDOVER_CODE, code="•" * CODE_DIGITS),
        sealed_text=texts.in_vietnamese(texts.HANDOVER_CODE, code=code),
        actor=actor,
    )
    handover.sms_code_hash = _code_hash(handover.id, code)
    handover.sms_code_message = message
    handover.sms_code_tries = 0
    handover.save(update_fields=["sms_code_hash", "sms_code_message", "sms_code_tries"])
    return message


def _locked_for_code(actor, handover_id: int) -> Handover:
    handover = selectors.handover_get_for_staff(actor, handover_id)  # 404 outside the scope
    handover = Handover.objects.select_for_update().get(id=handover.id)
    if not handover.sim_phone:
        raise Conflict(
            _("No SIM phone number was recorded with this handover, so no code was sent."),
            code="no_sim_phone",
        )
    return handover


def handover_code_resend(*, handover_id: int, actor) -> Handover:
    """A new code (the first did not arrive, or too many wrong ones were typed)."""
    with transaction.atomic():
        handover = _locked_for_code(actor, handover_id)
        if handover.sms_code_confirmed_at:
            raise Conflict(_("The code of this handover was confirmed already."), code="confirmed")
        handover_code_send(handover, actor=actor)
    return handover


def handover_code_confirm(*, handover_id: int, code: str, actor) -> Handover:
    """The code read from the family's phone. Right: recorded on the handover (again: nothing
    changes). Wrong: counted; after LOGISTICS_SMS_CODE_TRIES a new code must be sent."""
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    wrong = None
    with transaction.atomic():
        handover = _locked_for_code(actor, handover_id)
        if handover.sms_code_confirmed_at:
            return handover
        if not handover.sms_code_hash:
            raise Conflict(_("No code was sent for this handover yet."), code="no_code")
        if handover.sms_code_tries >= settings.LOGISTICS_SMS_CODE_TRIES:
            raise Conflict(
                _("Too many wrong codes. Send a new code to the phone and type that one."),
                code="too_many_tries",
            )
        if len(code) == CODE_DIGITS and constant_time_compare(
            _code_hash(handover.id, code), handover.sms_code_hash
        ):
            handover.sms_code_confirmed_at = timezone.now()
            handover.save(update_fields=["sms_code_confirmed_at"])
            return handover
        handover.sms_code_tries += 1
        handover.save(update_fields=["sms_code_tries"])  # kept: the refusal below is after it
        left = settings.LOGISTICS_SMS_CODE_TRIES - handover.sms_code_tries
        wrong = _(
            "This is not the code sent to the phone. Check the SMS from Noi Song on the new "
            "phone (%(left)s tries left)."
        ) % {"left": left}
    raise ApplicationError(wrong, code="wrong_code", fields={"code": [wrong]})
