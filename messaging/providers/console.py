"""The embedded mode's provider: each SMS is written to the log (the development server's
console), accepted at once and never reported delivered."""

from __future__ import annotations

import logging

from messaging.phones import national
from messaging.providers import Accepted, Outgoing, Provider

log = logging.getLogger("noisong.sms")


class ConsoleProvider(Provider):
    name = "console"

    def send(self, outgoing: Outgoing) -> Accepted:
        log.info("SMS to %s: %s", national(outgoing.to), outgoing.text)
        return Accepted(provider_id=f"console-{outgoing.message_id}")
