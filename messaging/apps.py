from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Messages to households (SMS): one row per message, sent through the outbox by the
    provider the settings name (console by default, eSMS.vn in production)."""

    name = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from messaging import checks, privacy  # noqa: F401  (checks: the system checks)

        privacy.register()  # a household's erasure reaches its messages
