from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Public progress")

    def ready(self) -> None:
        # An erased donor leaves the honour roll at once, not when the cached roll expires.
        from donations.services.privacy import register_erased_listener
        from progress.selectors import honour_roll_forget

        register_erased_listener("progress", honour_roll_forget)
