"""The provider interface: what messaging.services needs from an SMS gateway.

A provider sends one message (`send`) and reads a delivery report sent to the callback URL
(`read_report`). `settings.SMS_PROVIDER` names the one in use: "console" (the embedded default: the
text goes to the log) or "esms" (eSMS.vn's brand-name SMS HTTP API, providers/esms.py). A provider
never decides a message's status: messaging.services does, through the message's door.

Errors a provider raises:
- `ProviderUnavailable`: try again later (network, the gateway's own trouble, a setting to fix);
  the outbox retries with back-off and the row shows the error to staff meanwhile.
- `SendRefused`: this message will never go (a blocked or malformed number, a text the carrier
  refuses): the message fails at once, with the reason.
- `ReportRejected`: a callback that is not the provider's own (bad signature or reference): 403.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Forbidden, NotFound


@dataclass(frozen=True)
class Outgoing:
    message_id: int
    to: str  # E.164 digits without the plus
    text: str
    reference: str  # ours, unique per message; comes back in the provider's report
    callback_url: str


@dataclass(frozen=True)
class Accepted:
    provider_id: str  # the provider's id of the message ("" when it did not say)


@dataclass(frozen=True)
class Report:
    reference: str
    provider_id: str
    to: str
    status: str | None  # "delivered", "failed", or None while the provider still waits
    detail: str = ""


class ProviderUnavailable(Exception):
    """Not sent now; sending again later may work."""


class SendRefused(Exception):
    """Never to be sent: the provider refuses this message for good."""


class ReportRejected(Forbidden):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("This delivery report could not be verified."),
            code="report_not_verified",
        )


class MalformedReport(ApplicationError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            _("This delivery report is incomplete: %(detail)s") % {"detail": detail},
            code="invalid_report",
        )


class Provider(abc.ABC):
    """What every SMS provider implements (console, eSMS.vn)."""

    name = ""

    @abc.abstractmethod
    def send(self, outgoing: Outgoing) -> Accepted:
        """Hand the message to the provider; what it accepted, or a provider error."""

    def read_report(self, params: dict) -> Report:
        """A delivery report from the callback's parameters (query string and body merged)."""
        raise NotFound(_("This provider sends no delivery reports."))


PROVIDERS = {
    "console": "messaging.providers.console.ConsoleProvider",
    "esms": "messaging.providers.esms.EsmsProvider",
}


def provider_named(name: str | None = None) -> Provider:
    """The provider called `name` (settings.SMS_PROVIDER when none), or 404 for an unknown name."""
    name = name or settings.SMS_PROVIDER
    if name not in PROVIDERS:
        raise NotFound(_("No such SMS provider."))
    return import_string(PROVIDERS[name])()
