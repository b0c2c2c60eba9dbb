"""System checks of the SMS settings: a provider that is named must be configured, so a
deployment finds out at start, not at its first handover."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from messaging.providers import PROVIDERS


@register()
def sms_provider_configured(app_configs, **kwargs):
    name = settings.SMS_PROVIDER
    if name not in PROVIDERS:
        return [
            Error(
                f"SMS_PROVIDER is {name!r}; it must be one of {', '.join(sorted(PROVIDERS))}.",
                id="messaging.E001",
            )
        ]
    if name == "esms":
        missing = [
            setting
            for setting in ("ESMS_API_KEY", "ESMS_SECRET_KEY", "ESMS_BRANDNAME")
            if not getattr(settings, setting, "")
        ]
        if missing:
            return [
                Error(
                    f"SMS_PROVIDER is 'esms' but {', '.join(missing)} is not set.",
                    id="messaging.E002",
                )
            ]
    return []
