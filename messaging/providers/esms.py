"""eSMS.vn (ViHAT): brand-name SMS through its HTTP API, as its developer documentation
describes it (https://developers.esms.vn, "Send OTP/Customer care message" and "Callback Url").
The one module that talks to eSMS; tests point ESMS_API_URL at a local fake of the API.

Sending: `POST …/MainService.svc/json/SendMultipleMessage_V4_post_json/` with a JSON body
{ApiKey, SecretKey, Phone, Content, Brandname, SmsType: "2" (customer care, the brand-name type
for notices and codes), IsUnicode, Sandbox, RequestId, CallbackUrl}. The answer's `CodeResult`
"100" means eSMS took the message (its `SMSID` is kept); "124" means a message with our RequestId
was taken already (an earlier attempt whose answer was lost), which is a success too. Codes that
no retry can change for this message (99 number blocked, 108 number malformed, 146 text not the
registered customer-care template, 177 carrier not registered for the brand name) fail it at once;
every other code (credentials, balance, IP whitelist, brand name …) is retried with back-off while
staff see eSMS's error and fix the setting.

Delivery reports: eSMS calls the CallbackUrl with HTTP GET and the query parameters SMSID,
SendStatus (5: sent successfully, 4: rejected; 1, 2, 7: still on its way), SendSuccess,
SendFailed, RequestId, phonenumber … It signs nothing, so a report is believed only when its
RequestId is the reference we sent with that message (an HMAC of the message id under
SMS_CALLBACK_SECRET, known only to us and eSMS) and its SMSID and number are the message's.

Brand-name customer-care texts must match templates registered with eSMS and the carriers: the
texts of messaging/texts.py are those templates. Without diacritics by default (ESMS_UNICODE off):
an unaccented SMS holds 160 characters where a Unicode one holds 70, at the same price.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings
from unidecode import unidecode

from messaging.phones import national
from messaging.providers import (
    Accepted,
    MalformedReport,
    Outgoing,
    Provider,
    ProviderUnavailable,
    Report,
    SendRefused,
)

ACCEPTED = "100"
DUPLICATE_REQUEST = "124"
REFUSED_FOR_GOOD = {
    "99": "the number is blocked",
    "108": "the number is malformed",
    "146": "the text is not the registered customer-care template",
    "177": "the carrier is not registered for this brand name",
}
SMS_TYPE_CUSTOMER_CARE = "2"
DONE, REJECTED = "5", "4"


class EsmsProvider(Provider):
    name = "esms"

    def send(self, outgoing: Outgoing) -> Accepted:
        text = outgoing.text if settings.ESMS_UNICODE else unidecode(outgoing.text)
        body = {
            "ApiKey": settings.ESMS_API_KEY,
            "SecretKey": settings.ESMS_SECRET_KEY,
            "Phone": national(outgoing.to),
            "Content": text,
            "Brandname": settings.ESMS_BRANDNAME,
            "SmsType": SMS_TYPE_CUSTOMER_CARE,
            "IsUnicode": "1" if settings.ESMS_UNICODE else "0",
            "Sandbox": "1" if settings.ESMS_SANDBOX else "0",
            "RequestId": outgoing.reference,
            "CallbackUrl": outgoing.callback_url,
        }
        answer = self._post(body)
        code = str(answer.get("CodeResult", ""))
        if code == ACCEPTED:
            return Accepted(provider_id=str(answer.get("SMSID") or ""))
        if code == DUPLICATE_REQUEST:
            return Accepted(provider_id=str(answer.get("SMSID") or ""))
        detail = str(answer.get("ErrorMessage") or answer.get("error") or "")
        if code in REFUSED_FOR_GOOD:
            raise SendRefused(f"eSMS {code}: {REFUSED_FOR_GOOD[code]} ({detail})".strip())
        raise ProviderUnavailable(f"eSMS {code or 'error'}: {detail or answer}"[:500])

    def _post(self, body: dict) -> dict:
        request = urllib.request.Request(
            settings.ESMS_API_URL,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as error:
            raise ProviderUnavailable(f"eSMS answered HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ProviderUnavailable(f"eSMS could not be reached: {error}") from None
        try:
            answer = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise ProviderUnavailable("eSMS answered something that is not JSON") from None
        if not isinstance(answer, dict):
            raise ProviderUnavailable("eSMS answered something that is not a JSON object")
        return answer

    def read_report(self, params: dict) -> Report:
        def value(name: str) -> str:
            found = params.get(name, "")
            if isinstance(found, list):
                found = found[0] if found else ""
            return str(found or "").strip()[:200]

        reference, sms_id, status = value("RequestId"), value("SMSID"), value("SendStatus")
        if not reference or not sms_id or not status:
            raise MalformedReport("SMSID, SendStatus and RequestId are required")
        try:
            succeeded = int(value("SendSuccess") or 0)
            failed = int(value("SendFailed") or 0)
        except ValueError:
            raise MalformedReport("SendSuccess and SendFailed are counts") from None
        outcome = None
        if status == DONE:
            outcome = "delivered" if succeeded > 0 else "failed"
        elif status == REJECTED:
            outcome = "failed"
        detail = f"SendStatus {status}, SendSuccess {succeeded}, SendFailed {failed}"
        return Report(
            reference=reference,
            provider_id=sms_id,
            to=value("phonenumber"),
            status=outcome,
            detail=detail,
        )
