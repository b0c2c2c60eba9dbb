"""The papers a donor can download for a pledge, listed on their pages (/cua-toi/ and the pledge's
page): donations' own (the tracking codes as PDF and CSV, the QR label sheet) and those of the
apps above it, which register a provider at start (logistics: the wipe certificate, in
logistics/apps.py), so that donations never imports them.

A provider takes a pledge as `selectors.pledge_list_for_donor` gives it (its `device_list`, each
device's `timeline`, prefetched) and returns papers without querying the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PledgePaper:
    title: str
    url: str


_PROVIDERS: list[Callable] = []


def register_pledge_papers(provider: Callable) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _own(pledge) -> list[PledgePaper]:
    if not pledge.device_list:
        return []
    return [
        PledgePaper(
            _("Tracking codes (PDF)"), reverse("donations:pledge_codes_pdf", args=[pledge.id])
        ),
        PledgePaper(
            _("Tracking codes (CSV)"), reverse("donations:pledge_codes_csv", args=[pledge.id])
        ),
        PledgePaper(_("QR labels (PDF)"), reverse("donations:pledge_labels", args=[pledge.id])),
    ]


def pledge_papers(pledge) -> list[PledgePaper]:
    papers = _own(pledge)
    for provider in _PROVIDERS:
        papers += provider(pledge)
    return papers


def with_papers(pledges):
    """Each pledge with its `papers` set; the pledges back."""
    for pledge in pledges:
        pledge.papers = pledge_papers(pledge)
    return pledges
