"""Matching runs, their proposals, and allocations (an approved pairing of a device and a household).

No device and no household is ever in two live allocations: two partial unique indexes guarantee
it in the database, whatever the code above them does."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import StatusEvent
from donations.models import Device
from households.models import Household
from places.models import Hub


class MatchRun(models.Model):
    """One run of the engine over the ready phones and verified households of some hubs.

    A run proposes; a coordinator approves (all or some), rejects some, or discards the rest."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        PARTIALLY_APPROVED = "partially_approved", _("Partly approved")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    OPEN = ("proposed", "partially_approved")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="match_runs",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    hubs = models.ManyToManyField(Hub, related_name="match_runs", verbose_name=_("hubs"))
    all_hubs = models.BooleanField(_("all hubs"), default=False)
    # Phones stay in their province unless the coordinator who starts the run allows transfers
    # between provinces (matching/provinces.py).
    allow_transfer = models.BooleanField(_("transfers between provinces allowed"), default=False)
    seed = models.BigIntegerField(_("lottery seed"))
    policy_version = models.CharField(_("policy version"), max_length=32)
    policy = models.JSONField(_("policy"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    message = models.TextField(_("message"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    # While running, the worker holds the run until this time and renews it at each step; a run
    # whose lease ran out lost its worker (matching.services.match_runs_expire fails it).
    lease_until = models.DateTimeField(_("held by its worker until"), null=True, blank=True)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    statistics = models.JSONField(_("statistics"), default=dict, blank=True)
    coverage = models.JSONField(_("coverage per commune"), default=list, blank=True)
    provinces = models.JSONField(_("each province's part"), default=list, blank=True)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    proposals_count = models.PositiveIntegerField(_("proposals"), default=0)
    unmatched_devices = models.PositiveIntegerField(_("phones left unmatched"), default=0)
    unmatched_households = models.PositiveIntegerField(_("households left unmatched"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.is_stuck

    @property
    def is_stuck(self) -> bool:
        """Running, but its worker stopped renewing the lease (killed, out of memory...)."""
        return (
            self.status == self.Status.RUNNING
            and self.lease_until is not None
            and self.lease_until < timezone.now()
        )


class MatchRunEvent(StatusEvent):
    """The audit trail of a run: one row per act (created, started, executed, failed, approved,
    rejected, discarded). A status move (matching/lifecycle.py) fills from and to; an act that
    leaves the status as it was (rejecting one proposal of many) has from == to."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STARTED = "started", _("Started")
        EXECUTED = "executed", _("Executed")
        FAILED = "failed", _("Failed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Proposal rejected")
        DISCARDED = "discarded", _("Discarded")

    run = models.ForeignKey(
        MatchRun, on_delete=models.CASCADE, related_name="events", verbose_name=_("run")
    )
    kind = models.CharField(_("what"), max_length=32, choices=Kind.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("run event")
        verbose_name_plural = _("run events")

    def __str__(self) -> str:
        return f"{self.run_id}: {self.kind}"


def _named_row(model, verbose_name) -> models.ForeignKey:
    """A proposal's phone or household: protected in the ORM, unconstrained in the database."""
    return models.ForeignKey(
        model,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=verbose_name,
        db_constraint=False,
    )


class Proposal(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("proposal status", "Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    # Indexed by proposal_run_status (run first): a second index on run alone would only slow
    # the bulk write.
    run = models.ForeignKey(
        MatchRun,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("run"),
        db_index=False,
    )
    # No database-level foreign keys here (PROTECT still holds in the ORM): a run writes up to
    # 100,000 proposals at once, and PostgreSQL's per-row key-share locks on 200,000 phones and
    # households cost 6 s at commit in the 1M benchmark. A proposal only names rows the run just
    # read; the Allocation, the record that matters, keeps real foreign keys.
    device = _named_row(Device, _("device"))
    household = _named_row(Household, _("household"))
    score = models.FloatField(_("score"))
    # The points of each term of the score, in matching.engine.flow.TERMS' order ([12.5, 3.0,
    # 0.0, -10.0, 40.0]): five numbers rather than five labelled objects, as PostgreSQL parses
    # 300,000 of them in a national run (`explained` gives them their names; rows written before
    # hold the labelled objects, and read the same).
    explanation = models.JSONField(_("explanation"), default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["run", "status"], name="proposal_run_status")]

    def __str__(self) -> str:
        return f"{self.device_id} → {self.household_id} ({self.status})"

    @property
    def explained(self) -> list[dict]:
        """The explanation as [{"factor", "points"}, …] (API.md), from either stored form."""
        from matching.engine.flow import TERMS

        rows = self.explanation or []
        if rows and not isinstance(rows[0], dict):
            return [
                {"factor": name, "points": points}
                for name, points in zip(TERMS, rows, strict=False)
            ]
        return rows


class Allocation(models.Model):
    """A phone promised to a household by an approved proposal (matching.services) and what
    became of the promise: live (on its way) → delivered (handed over) → returned (the phone came
    back), or live → released (ended before delivery: the household moved, refused, died, is no
    longer eligible, or the phone failed or was lost). Its status moves through one door,
    matching.lifecycle.ALLOCATION, one AllocationEvent per move.

    `is_live` is true while the allocation holds its phone and its household (live or delivered):
    the two partial unique indexes on it keep a phone and a household in at most one such
    allocation, so a household that holds a delivered phone is not promised a second one."""

    class Status(models.TextChoices):
        LIVE = "live", _("On its way")
        DELIVERED = "delivered", _("Delivered")
        RELEASED = "released", _("Released before delivery")
        RETURNED = "returned", _("Returned after delivery")

    class Reason(models.TextChoices):
        """Why an allocation ended (release before delivery, return after it, loss)."""

        MOVED = "moved", _("The household moved away")
        REFUSED = "refused", _("The household refused the phone")
        DIED = "died", _("The head of household died")
        INELIGIBLE = "ineligible", _("The household is no longer eligible")
        PHONE_FAILED = "phone_failed", _("The phone failed")
        LOST = "lost", _("The phone was lost")
        BROKEN = "broken", _("The phone broke")
        LOCKED = "locked", _("The phone is locked (account or FRP)")
        UNUSED = "unused", _("The household does not use it")
        OTHER = "other", _("Other")

    # Statuses in which an allocation holds its phone and household (is_live).
    HOLDING = ("live", "delivered")
    # Why a live allocation is released before delivery (API.md: "the household moved, refused,
    # died, is no longer eligible; the phone failed").
    RELEASE_REASONS = ("moved", "refused", "died", "ineligible", "phone_failed")

    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("device")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("household"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.LIVE, db_index=True
    )
    is_live = models.BooleanField(_("holds its phone and household"), default=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocation",
        verbose_name=_("proposal"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    released_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=16, choices=Reason.choices, blank=True
    )
    release_reason = models.TextField(_("notes on the end"), blank=True)

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


class AllocationEvent(StatusEvent):
    """One row per status move of an allocation: who, when, from, to, why (its creation by an
    approval is the move from nothing to live)."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.CASCADE, related_name="events", verbose_name=_("allocation")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("allocation event")
        verbose_name_plural = _("allocation events")

    def __str__(self) -> str:
        return f"{self.allocation_id}: {self.old_status} → {self.new_status}"
