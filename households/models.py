"""Households nominated by commune officers. Personal data (head's name, CCCD hash, village) never
leaves the commune's staff: donors and the public see only aggregates and consented stories."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from places.models import Commune, Village


class Household(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        NEEDS_CHANGES = "needs_changes", _("Needs changes")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        ALLOCATED = "allocated", _("Phone allocated")
        SERVED = "served", _("Served")
        INACTIVE = "inactive", _("Inactive")

    class Poverty(models.TextChoices):
        POOR = "poor", _("Poor")
        NEAR_POOR = "near_poor", _("Near-poor")
        OTHER = "other", _("Other")

    class PhoneSituation(models.TextChoices):
        NONE = "none", _("No phone")
        FEATURE_PHONE = "feature_phone", _("Feature phone only")
        BROKEN_SMARTPHONE = "broken_smartphone", _("Broken smartphone")
        SHARED_SMARTPHONE = "shared_smartphone", _("Shares a smartphone")

    class Coverage(models.TextChoices):
        GOOD = "good", _("Good")
        WEAK = "weak", _("Weak")
        NONE = "none", _("None")

    # Statuses in which a household holds its CCCD (one active household per CCCD).
    ACTIVE_STATUSES = ("draft", "submitted", "needs_changes", "verified", "allocated", "served")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="households", verbose_name=_("commune")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("village"),
    )
    head_name = models.CharField(_("head of household"), max_length=150)
    head_name_key = models.CharField(max_length=150, db_index=True, editable=False, default="")
    # NULL, not "", once anonymised: the unique index then ignores the row.
    cccd_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    cccd_last4 = models.CharField(_("CCCD, last 4 digits"), max_length=4, blank=True)
    members = models.PositiveSmallIntegerField(_("members"), default=1)
    school_age_children = models.PositiveSmallIntegerField(_("school-age children"), default=0)
    elderly = models.PositiveSmallIntegerField(_("elderly members"), default=0)
    disabled = models.PositiveSmallIntegerField(_("members with disability"), default=0)
    poverty_status = models.CharField(_("poverty status"), max_length=16, choices=Poverty.choices)
    poverty_certificate_no = models.CharField(_("certificate number"), max_length=50, blank=True)
    poverty_certificate_year = models.PositiveSmallIntegerField(
        _("certificate year"), null=True, blank=True
    )
    deprivations = models.JSONField(_("information deprivations"), default=list, blank=True)
    phone_situation = models.CharField(
        _("phone situation"), max_length=24, choices=PhoneSituation.choices
    )
    coverage_4g = models.CharField(_("4G coverage at home"), max_length=8, choices=Coverage.choices)
    need = models.TextField(_("need, in the officer's words"), blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    priority_score = models.IntegerField(_("priority"), default=0, db_index=True)
    priority_version = models.CharField(_("priority formula"), max_length=16, blank=True)
    priority_breakdown = models.JSONField(default=list, blank=True)

    consent_processing = models.BooleanField(_("consent to processing"), default=False)
    consent_share_story = models.BooleanField(
        _("consent to share an anonymised story"), default=False
    )
    consent_share_photo = models.BooleanField(_("consent to share a photo"), default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="nominated_households",
        verbose_name=_("nominated by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-priority_score", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(
                fields=["cccd_hash"],
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "needs_changes",
                        "verified",
                        "allocated",
                        "served",
                    ]
                )
                & Q(cccd_hash__isnull=False),
                name="one_active_household_per_cccd",
            )
        ]
        indexes = [models.Index(fields=["commune", "status"], name="household_commune_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.commune_id}"

    @property
    def need_kind(self) -> str:
        """The matching engine's need kind: student, disability, elderly or general."""
        if self.school_age_children:
            return "student"
        if self.disabled:
            return "disability"
        if self.elderly:
            return "elderly"
        return "general"


class HouseholdEvent(models.Model):
    """One row per status move of a household: who, when, from, to, why."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="events", verbose_name=_("household")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    old_status = models.CharField(_("from"), max_length=16, blank=True)
    new_status = models.CharField(_("to"), max_length=16)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("household event")
        verbose_name_plural = _("household events")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.old_status} → {self.new_status}"
