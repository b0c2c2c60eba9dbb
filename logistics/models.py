"""The evidence a phone gathers at a hub and on the way to a household.

Each record is written by a service in logistics/services/ (bench, delivery), which then moves
the device through its one door (donations.lifecycle.device_transition) with the record's id as
evidence: wipe record → wiped, passing QA record → ready, handover → delivered (logistics/
lifecycle.py checks that the record is of that device). A delivery batch moves through its own
door, `BATCH`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.media import private_image_field
from core.models import StatusEvent
from donations.models import Device
from households.models import Household
from messaging.models import Message
from places.models import Commune, Hub

User = settings.AUTH_USER_MODEL


class BenchRecord(models.Model):
    """A record of work on a phone: who did it (`actor`, never deleted while records point to
    them) and when."""

    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class Intake(BenchRecord):
    """A phone arriving at a hub (also a phone coming back from a household)."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="intakes", verbose_name=_("device")
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+", verbose_name=_("hub"))
    imei = models.CharField(_("IMEI"), max_length=15)
    condition = models.CharField(_("condition"), max_length=10, choices=Device.Condition.choices)
    walk_in = models.BooleanField(_("walk-in without a pledge"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta(BenchRecord.Meta):
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self) -> str:
        return f"{self.device_id} @ {self.hub_id}"


class Rejection(BenchRecord):
    class Reason(models.TextChoices):
        NO_4G = "no_4g", _("No 4G or no VoLTE")
        LOCKED = "locked", _("Activation or FRP lock")
        BEYOND_REPAIR = "beyond_repair", _("Beyond repair")

    class Next(models.TextChoices):
        RECYCLE = "recycle", _("Recycle")
        RETURN = "return", _("Return to the donor")

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="rejections", verbose_name=_("device")
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    next_step = models.CharField(_("next step"), max_length=8, choices=Next.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta(BenchRecord.Meta):
        verbose_name = _("rejection")
        verbose_name_plural = _("rejections")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.reason}"


# Accounts a wipe must remove, by key; which ones apply depends on the phone (see services).
WIPE_ACCOUNTS = {
    "google_frp": _("Google account / FRP removed"),
    "icloud": _("iCloud Activation Lock off"),
    "samsung": _("Samsung account removed"),
    "vneid": _("VNeID unlinked"),
}


class WipeRecord(models.Model):
    class Method(models.TextChoices):
        FACTORY_RESET = "factory_reset", _("Factory reset from settings")
        RECOVERY = "recovery", _("Reset from recovery mode")
        FLASH = "flash", _("Firmware re-flashed")
        TOOL = "tool", _("Certified erasure tool")

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="wipe_records", verbose_name=_("device")
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    accounts_removed = models.JSONField(_("accounts removed"), default=dict)
    notes = models.TextField(_("notes"), blank=True)
    operator = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("operator")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("wipe record")
        verbose_name_plural = _("wipe records")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.method}"


class RepairRecord(BenchRecord):
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="repairs", verbose_name=_("device")
    )
    description = models.CharField(_("repair"), max_length=255)
    parts = models.CharField(_("parts"), max_length=255, blank=True)
    cost_vnd = models.PositiveBigIntegerField(_("cost (VND)"), default=0)
    booked_to_fund = models.BooleanField(_("booked against the fund"), default=False)

    class Meta(BenchRecord.Meta):
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.description}"


# QA checks: key → label. Every one must pass for a phone to become ready (battery: a threshold).
QA_CHECKS = {
    "lte": _("4G (LTE) works"),
    "volte": _("VoLTE call on a Vietnamese SIM"),
    "screen": _("Screen and touch"),
    "camera": _("Camera"),
    "charging": _("Charging"),
    "speaker": _("Speaker"),
    "microphone": _("Microphone"),
}
QA_SETUP = {
    "vietnamese_language": _("Vietnamese language"),
    "vietnamese_keyboard": _("Vietnamese keyboard"),
    "vneid": _("VNeID installed"),
    "zalo": _("Zalo installed"),
    "public_service_app": _("Public-service app installed"),
}


class QARecord(BenchRecord):
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="qa_records", verbose_name=_("device")
    )
    checks = models.JSONField(_("checks"), default=dict)
    nfc = models.BooleanField(_("NFC"), default=False)
    battery_health = models.PositiveSmallIntegerField(_("battery health (%)"))
    setup = models.JSONField(_("setup"), default=dict)
    passed = models.BooleanField(_("passed"), default=False)
    failures = models.JSONField(_("failures"), default=list)
    notes = models.TextField(_("notes"), blank=True)

    class Meta(BenchRecord.Meta):
        verbose_name = _("QA record")
        verbose_name_plural = _("QA records")

    def __str__(self) -> str:
        return f"{self.device_id}: {'pass' if self.passed else 'fail'}"


class SimCard(models.Model):
    class Carrier(models.TextChoices):
        VIETTEL = "viettel", "Viettel"
        VINAPHONE = "vinaphone", "VinaPhone"
        MOBIFONE = "mobifone", "MobiFone"
        OTHER = "other", _("Other")

    device = models.OneToOneField(
        Device, on_delete=models.CASCADE, related_name="sim", verbose_name=_("device")
    )
    iccid = models.CharField(_("ICCID"), max_length=22, blank=True)
    carrier = models.CharField(_("carrier"), max_length=12, choices=Carrier.choices, blank=True)
    plan_expires = models.DateField(_("data plan expires"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SIM card")
        verbose_name_plural = _("SIM cards")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.iccid or self.carrier}"


class DeliveryBatch(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DISPATCHED = "dispatched", _("Dispatched")
        COMPLETED = "completed", _("Completed")

    class Carrier(models.TextChoices):
        OFFICER = "officer", _("Commune officer")
        VOLUNTEER = "volunteer", _("Volunteer")
        POST = "post", _("Post")

    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="batches", verbose_name=_("hub")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="batches", verbose_name=_("commune")
    )
    planned_date = models.DateField(_("planned date"))
    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices)
    carrier_name = models.CharField(_("carrier's name"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    devices = models.ManyToManyField(
        Device, through="BatchItem", related_name="batches", verbose_name=_("devices")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-planned_date", "-id"]
        verbose_name = _("delivery batch")
        verbose_name_plural = _("delivery batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.commune_id} {self.planned_date}"


class DeliveryBatchEvent(StatusEvent):
    """One row per status move of a batch: who, when, from, to (written by logistics.lifecycle)."""

    batch = models.ForeignKey(
        DeliveryBatch, on_delete=models.CASCADE, related_name="events", verbose_name=_("batch")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("batch event")
        verbose_name_plural = _("batch events")

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.old_status} → {self.new_status}"


class BatchItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("On the way")
        HANDED_OVER = "handed_over", _("Handed over")
        RETURNED = "returned", _("Returned")
        LOST = "lost", _("Lost on the way")

    batch = models.ForeignKey(DeliveryBatch, on_delete=models.CASCADE, related_name="items")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="batch_items")
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "device"], name="batch_item_unique"),
            # A phone is on at most one batch that has not ended for it.
            models.UniqueConstraint(
                fields=["device"],
                condition=models.Q(outcome="pending"),
                name="one_pending_batch_per_device",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.device_id}"

    @property
    def shown_outcome(self) -> str:
        """What the batch page says of the phone: planned until the batch leaves the hub."""
        if (
            self.outcome == self.Outcome.PENDING
            and self.batch.status == DeliveryBatch.Status.PLANNED
        ):
            return str(DeliveryBatch.Status.PLANNED.label)
        return self.get_outcome_display()


class Handover(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        OTHER = "other", _("Other relative")

    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("device")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("household")
    )
    batch = models.ForeignKey(
        DeliveryBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name=_("batch"),
    )
    received_by = models.CharField(_("received by"), max_length=150)
    relation = models.CharField(
        _("relation to the head"), max_length=8, choices=Relation.choices, default=Relation.HEAD
    )
    recipient_cccd_last4 = models.CharField(_("recipient's CCCD, last 4 digits"), max_length=4)
    cccd_override_reason = models.TextField(
        _("why a coordinator accepted CCCD digits that do not match"), blank=True
    )
    training_given = models.BooleanField(_("first lesson given"), default=False)
    sim_iccid = models.CharField(_("SIM ICCID"), max_length=22, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    story = models.TextField(_("short anonymised story"), blank=True)
    # Personal files: private storage, random names, served by views that check the handover's
    # scope (logistics.views.delivery.handover_file, the API's HandoverFileView).
    photo = private_image_field(_("photo"), "handovers/photos", blank=True)
    signature = private_image_field(_("signature"), "handovers/signatures", blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    # When it happened: the server's clock online, the field device's (`recorded_at`) offline.
    at = models.DateTimeField(_("at"), default=timezone.now)
    saved_at = models.DateTimeField(_("saved on the server"), default=timezone.now)
    # Made by the field device (a UUID): the same record synced again is this handover again.
    client_id = models.UUIDField(_("field record id"), null=True, blank=True, unique=True)
    # What the server changed in a field record when it synced (the photo dropped, …): codes.
    field_notes = models.JSONField(_("notes from the sync"), default=list, blank=True)
    follow_up_reminded_at = models.DateTimeField(
        _("follow-up reminder sent"), null=True, blank=True
    )
    # The SIM's number (E.164 digits), for the code sent to the new phone and, only with the
    # family's agreement (`sms_consent`), the follow-up reminder by SMS.
    sim_phone = models.CharField(_("SIM phone number"), max_length=15, blank=True)
    sms_consent = models.BooleanField(_("the family agreed to reminders by SMS"), default=False)
    sms_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    sms_code_message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SMS with the code"),
    )
    sms_code_tries = models.PositiveSmallIntegerField(_("wrong codes typed"), default=0)
    sms_code_confirmed_at = models.DateTimeField(
        _("code read back from the phone"), null=True, blank=True
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"#{self.pk} {self.device_id} → {self.household_id}"


class FollowUp(BenchRecord):
    handover = models.OneToOneField(
        Handover, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("handover")
    )
    in_use = models.BooleanField(_("in use"))
    problems = models.TextField(_("problems"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    send_back = models.BooleanField(_("phone sent back to the hub"), default=False)

    class Meta:  # no ordering of its own: one per handover
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.handover_id}"


class HandoverConflict(models.Model):
    """A handover recorded offline that the server could not accept when it synced (the phone's
    allocation was released or given to another household, the batch was closed, …). Nothing
    recorded in the field is lost: the record is kept here, with its signature, for the hub's
    coordinators and the commune's officers to settle (logistics/services/field.py)."""

    client_id = models.UUIDField(_("field record id"), unique=True)
    batch = models.ForeignKey(
        DeliveryBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("batch"),
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="+", verbose_name=_("device")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    code = models.CharField(_("reason"), max_length=40)
    message = models.TextField(_("what the server said"))
    record = models.JSONField(_("the field record"), default=dict)
    signature = private_image_field(_("signature"), "handovers/conflicts", blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded in the field"))
    created_at = models.DateTimeField(_("synced"), default=timezone.now)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    settled_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settled by"),
    )
    settled_note = models.TextField(_("how it was settled"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("field handover not recorded")
        verbose_name_plural = _("field handovers not recorded")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.code}"


class HouseholdAfterRelease(models.TextChoices):
    """What becomes of a household whose phone did not reach it (a release, a ticket's return)."""

    WAITING = "waiting", _("Waits for another phone")
    INELIGIBLE = "ineligible", _("Leaves the programme")


class LossReport(BenchRecord):
    """A phone lost in transit or at a hub: who reported it (`actor`), where it was last seen,
    what happened, and the allocation it ended (logistics/services/recovery.py)."""

    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="loss_reports", verbose_name=_("device")
    )
    hub = models.ForeignKey(
        Hub,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hub"),
    )
    status_before = models.CharField(
        _("status when lost"), max_length=20, choices=Device.Status.choices
    )
    last_seen = models.CharField(_("where it was last seen"), max_length=255)
    reason = models.TextField(_("what happened"))
    batch = models.ForeignKey(
        DeliveryBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("batch"),
    )
    allocation = models.ForeignKey(
        "matching.Allocation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("allocation ended"),
    )

    class Meta(BenchRecord.Meta):
        verbose_name = _("loss report")
        verbose_name_plural = _("loss reports")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.last_seen}"


class HandoverReturn(BenchRecord):
    """A delivered phone that comes back from its household (broken, locked, the family moved):
    the why, what became of the household, and whether the fault was the phone's (then the
    household is first in line for a replacement). One per handover."""

    class Reason(models.TextChoices):
        BROKEN = "broken", _("The phone broke")
        LOCKED = "locked", _("The phone is locked (account or FRP)")
        MOVED = "moved", _("The household moved away")
        REFUSED = "refused", _("The household gave it back")
        DIED = "died", _("The head of household died")
        INELIGIBLE = "ineligible", _("The household is no longer eligible")
        UNUSED = "unused", _("The household does not use it")
        OTHER = "other", _("Other")

    class HouseholdOutcome(models.TextChoices):
        WAITING = "waiting", _("Waits for another phone")
        SERVED = "served", _("Still served by another phone")
        INELIGIBLE = "ineligible", _("Leaves the programme")

    # Reasons that are the phone's fault: the household is first in line for a replacement.
    PHONE_FAULTS = ("broken", "locked")

    handover = models.OneToOneField(
        Handover, on_delete=models.PROTECT, related_name="return_record", verbose_name=_("handover")
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    household_outcome = models.CharField(
        _("the household"), max_length=12, choices=HouseholdOutcome.choices
    )
    phone_fault = models.BooleanField(_("the phone's fault"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta(BenchRecord.Meta):
        verbose_name = _("return after delivery")
        verbose_name_plural = _("returns after delivery")

    def __str__(self) -> str:
        return f"{self.handover_id}: {self.reason}"


class Ticket(models.Model):
    """A problem with a delivered phone (reported at the follow-up, by the commune's officer or
    by a coordinator): open → assigned (an owner) → resolved (fixed, replaced, returned, closed),
    through logistics.lifecycle.TICKET, one TicketEvent per act. Overdue past `due_at`: the
    dashboards list it and its owner is reminded once a day (logistics/services/tickets.py)."""

    class Kind(models.TextChoices):
        BROKEN = "broken", _("Broken")
        LOCKED = "locked", _("Locked (account or FRP)")
        LOST = "lost", _("Lost or stolen")
        UNUSED = "unused", _("Not used")
        SIM = "sim", _("SIM or data plan")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ASSIGNED = "assigned", _("Assigned")
        RESOLVED = "resolved", _("Resolved")

    class Outcome(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        REPLACED = "replaced", _("Replaced: the household gets another phone")
        RETURNED = "returned", _("Returned to the hub")
        CLOSED = "closed", _("Closed")

    handover = models.ForeignKey(
        Handover, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("handover")
    )
    kind = models.CharField(_("problem"), max_length=8, choices=Kind.choices)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_tickets",
        verbose_name=_("owner"),
    )
    follow_up = models.ForeignKey(
        FollowUp,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("reported at the follow-up"),
    )
    opened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.RESOLVED and self.due_at < timezone.now()


class TicketEvent(StatusEvent):
    """One row per act on a ticket: opened ("" → open), assigned (again: from == to), resolved."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.old_status} → {self.new_status}"
