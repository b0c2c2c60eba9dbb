from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Logistics keeps the wipe, QA and handover records, so it proves them for the device's door.
        from logistics.lifecycle import register_evidence_checks
        from logistics.services import privacy

        register_evidence_checks()
        # The donor's pages list the wipe certificate among a pledge's papers.
        from donations.papers import register_pledge_papers
        from logistics.views.donor import wipe_certificate_papers

        register_pledge_papers(wipe_certificate_papers)
        # A household's erasure and its consent reach the handovers and outcomes kept here.
        privacy.register()
