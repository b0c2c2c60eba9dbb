"""Donors, their pledges, and the devices: one row per physical phone, from pledge to handover.

The device life cycle (DESIGN.md) is one table of allowed moves in donations/lifecycle.py with one
door, `device_transition`. Logistics adds the evidence records and calls that door."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from places.models import Commune, Hub

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud over a weak line or typed on a phone stays right.
TRACKING_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
TRACKING_LENGTH = 6


def new_tracking_code() -> str:
    return "NS-" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


class Donor(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        BUSINESS = "business", _("Business")
        COMMUNITY = "community", _("Community group")
        DIASPORA = "diaspora", _("Quảng Trị native abroad")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="donor",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    country = models.CharField(_("country"), max_length=2, default="VN")
    language = models.CharField(_("language"), max_length=2, default="vi")
    public_name = models.CharField(
        _("name on the honour roll"),
        max_length=150,
        blank=True,
        help_text=_("Leave empty to stay off the public honour roll."),
    )
    home_commune = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home commune"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return self.name


class Pledge(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    class Dropoff(models.TextChoices):
        HUB = "hub", _("I bring it to a hub")
        PICKUP = "pickup", _("Please pick it up")
        POST = "post", _("I send it by post")

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("donor")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="open")
    commune_preference = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home commune rule"),
    )
    preference_strict = models.BooleanField(_("only that commune"), default=False)
    dropoff = models.CharField(_("drop-off"), max_length=8, choices=Dropoff.choices, default="hub")
    hub = models.ForeignKey(
        Hub,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("hub"),
    )
    pickup_address = models.CharField(_("pickup address"), max_length=255, blank=True)
    pickup_window = models.CharField(_("pickup time window"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return f"#{self.pk} {self.donor}"


class Device(models.Model):
    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        RECEIVED = "received", _("Received at a hub")
        WIPED = "wiped", _("Data wiped")
        REFURBISHING = "refurbishing", _("Being refurbished")
        READY = "ready", _("Ready")
        ALLOCATED = "allocated", _("Allocated to a household")
        DISPATCHED = "dispatched", _("On its way")
        DELIVERED = "delivered", _("Delivered")
        FOLLOWED_UP = "followed_up", _("Followed up")
        REJECTED = "rejected", _("Rejected")
        RECYCLED = "recycled", _("Recycled")
        RETURNED_TO_DONOR = "returned_to_donor", _("Returned to donor")
        LOST = "lost", _("Lost")
        RETURNED = "returned", _("Returned by household")
        CANCELLED = "cancelled", _("Pledge cancelled")

    class OS(models.TextChoices):
        ANDROID = "android", "Android"
        IOS = "ios", "iOS"
        OTHER = "other", _("Other")

    class Condition(models.TextChoices):
        NEW = "new", _("New")
        LIKE_NEW = "like_new", _("Like new")
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        BROKEN = "broken", _("Broken")

    # A phone is "in the chain" from intake until it leaves: its IMEI is unique among these.
    IN_CHAIN = (
        "received",
        "wiped",
        "refurbishing",
        "ready",
        "allocated",
        "dispatched",
        "delivered",
        "followed_up",
        "returned",
    )

    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code
    )
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("pledge"),
    )
    brand = models.CharField(_("brand"), max_length=60)
    model = models.CharField(_("model"), max_length=100)
    ram_gb = models.DecimalField(_("RAM (GB)"), max_digits=4, decimal_places=1, default=0)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), default=0)
    os = models.CharField(
        _("operating system"), max_length=8, choices=OS.choices, default="android"
    )
    os_version = models.CharField(_("OS version"), max_length=20, blank=True)
    supports_4g = models.BooleanField(_("4G"), default=True)
    supports_volte = models.BooleanField(_("VoLTE"), default=True)
    has_nfc = models.BooleanField(_("NFC"), default=False)
    has_camera = models.BooleanField(_("working camera"), default=True)
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    imei = models.CharField(_("IMEI"), max_length=15, blank=True, db_index=True)
    hub = models.ForeignKey(
        Hub,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("hub"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default="pledged", db_index=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(
                fields=["imei"],
                condition=Q(
                    status__in=[
                        "received",
                        "wiped",
                        "refurbishing",
                        "ready",
                        "allocated",
                        "dispatched",
                        "delivered",
                        "followed_up",
                        "returned",
                    ]
                )
                & ~Q(imei=""),
                name="imei_unique_in_chain",
            )
        ]
        indexes = [models.Index(fields=["hub", "status"], name="device_hub_status")]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.brand} {self.model}"

    @property
    def donor_commune_rule(self) -> tuple[str, str | None]:
        """("none" | "prefer" | "only", commune code) for the matching engine."""
        pledge = self.pledge
        if pledge is None or pledge.commune_preference_id is None:
            return ("none", None)
        return ("only" if pledge.preference_strict else "prefer", pledge.commune_preference_id)


class DeviceEvent(models.Model):
    """One row per status move of a device: who, when, from, to, and the evidence."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="events", verbose_name=_("device")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    old_status = models.CharField(_("from"), max_length=20, blank=True)
    new_status = models.CharField(_("to"), max_length=20)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("device event")
        verbose_name_plural = _("device events")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.old_status} → {self.new_status}"
