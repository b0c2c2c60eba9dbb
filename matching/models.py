"""Matching runs, their proposals, and allocations (an approved pairing of a device and a household).

No device and no household is ever in two live allocations: two partial unique indexes guarantee
it in the database, whatever the code above them does."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.models import Device
from households.models import Household


class Allocation(models.Model):
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("device")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("household"),
    )
    is_live = models.BooleanField(_("live"), default=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    release_reason = models.TextField(_("reason for release"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(is_live=True), name="one_live_allocation_per_device"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_live=True),
                name="one_live_allocation_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} → {self.household_id}"
