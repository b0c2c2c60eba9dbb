"""Donors, their pledges, and the devices: one row per physical phone, from pledge to handover.

The device life cycle (DESIGN.md) is one table of allowed moves in donations/lifecycle.py with one
door, `device_transition`. Logistics adds the evidence records and calls that door."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.media import RandomName, private_image_field, private_storage
from core.models import StatusEvent
from places.models import Commune, Hub, Province

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
        DIASPORA = "diaspora", _("Native abroad (Việt kiều)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="donor",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
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
    # Set when the donor asked to be erased (services.privacy.donor_erase): name, email and public
    # name are empty from then on; the pledges and gifts stay, anonymous, so the ledger balances.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        # Donors are found by email whatever its case (email__iexact: UPPER(email) = UPPER(%s)).
        indexes = [models.Index(Upper("email"), name="donations_donor_email_ci")]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"


class DonorClaim(models.Model):
    """A pledge or a gift made without signing in, naming the email of an existing account: an
    email typed by a visitor proves nothing, so the act is kept on a donor row of its own
    (`donor`: no account, no public name, off the honour roll) until the account's owner, signed
    in, follows the one-time link emailed to that address (services.donors.donor_claim_confirm).
    Then its pledges and gifts move to the account's donor row; its profile is left as it was."""

    donor = models.OneToOneField(
        Donor, on_delete=models.CASCADE, related_name="claim", verbose_name=_("donor as typed")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="donor_claims",
        verbose_name=_("account of that email"),
    )
    # What the visitor typed for the donor's profile (public name, home commune): kept for the
    # record, applied to nobody.
    typed = models.JSONField(_("typed profile"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        verbose_name = _("unconfirmed donor claim")
        verbose_name_plural = _("unconfirmed donor claims")

    def __str__(self) -> str:
        return f"{self.donor.email} ({self.created_at:%Y-%m-%d})"


class Pledge(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("pledge status", "Open")
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
    # Or the donor's home province (commune_preference empty); neither: "where the need is
    # greatest". preference_strict is the rule's hardness, whichever place it names.
    province_preference = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home province rule"),
    )
    preference_strict = models.BooleanField(_("only that place"), default=False)
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
        REJECTED = "rejected", pgettext_lazy("device status", "Rejected")
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
    def donor_province_rule(self) -> tuple[str, str | None]:
        """("none" | "prefer" | "only", province code): a pledge for a province (matching)."""
        pledge = self.pledge
        if pledge is None or pledge.province_preference_id is None:
            return ("none", None)
        return ("only" if pledge.preference_strict else "prefer", pledge.province_preference_id)

    @property
    def donor_commune_rule(self) -> tuple[str, str | None]:
        """("none" | "prefer" | "only", commune code) for the matching engine."""
        pledge = self.pledge
        if pledge is None or pledge.commune_preference_id is None:
            return ("none", None)
        return ("only" if pledge.preference_strict else "prefer", pledge.commune_preference_id)


class DeviceEvent(StatusEvent):
    """One row per status move of a device: who, when, from, to, why, and the evidence."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="events", verbose_name=_("device")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("device event")
        verbose_name_plural = _("device events")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.old_status} → {self.new_status}"


class PledgeEvent(StatusEvent):
    """Audit row of a pledge: created, edited, a photo added, cancelled (who, when, what). The
    cancellation is a status move (services.pledges.pledge_transition); the other rows keep the
    status as it was (old and new the same; "" → open at creation)."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        CANCELLED = "cancelled", _("cancelled")
        PHOTO_ADDED = "photo_added", _("photo added")
        CLAIMED = "claimed", _("confirmed by the account's owner")

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="events", verbose_name=_("pledge")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("pledge event")
        verbose_name_plural = _("pledge events")

    def __str__(self) -> str:
        return f"{self.pledge_id} {self.action}"


class DevicePhoto(models.Model):
    """A donor's photo of a phone: re-encoded, at most 1600 px, no EXIF, a random file name."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="photos", verbose_name=_("device")
    )
    # Before review a donor's photo may show a home, people, an IMEI sticker: private storage,
    # served only to the pledge's donor and to staff (donations.views.pledge_photo and others).
    image = private_image_field(_("photo"), "device-photos")
    thumbnail = private_image_field(_("thumbnail"), "device-thumbs", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("device photo")
        verbose_name_plural = _("device photos")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.image.name}"

    def file_of_size(self, size: str = ""):
        """The file a serving view answers with: the thumbnail for `?size=thumb` once made."""
        return self.thumbnail if size == "thumb" and self.thumbnail else self.image


class DeviceOutcome(models.Model):
    """What a donor and the public may learn after handover: anonymised, consented only.
    Logistics records it through services.outcomes.device_outcome_record; never a name, ID, village or phone."""

    class HouseholdKind(models.TextChoices):
        STUDENT = "student", _("A family with school children")
        DISABILITY = "disability", _("A family caring for a member with disability")
        ELDERLY = "elderly", _("An elderly household")
        GENERAL = "general", _("A poor or near-poor family")

    device = models.OneToOneField(
        Device, on_delete=models.CASCADE, related_name="outcome", verbose_name=_("device")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    household_kind = models.CharField(_("household"), max_length=12, choices=HouseholdKind.choices)
    delivered_at = models.DateTimeField(_("delivered"))
    story = models.TextField(_("story (consented)"), blank=True)
    # Consented and published on the donor's tracking page: a public URL, a random name.
    photo = models.ImageField(
        _("photo (consented)"), upload_to=RandomName("outcomes"), max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("device outcome")
        verbose_name_plural = _("device outcomes")

    def __str__(self) -> str:
        return f"{self.device_id} → {self.commune_id}"


class Gift(models.Model):
    """A gift of money: by card (Stripe Checkout) or by domestic bank transfer (VietQR)."""

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Card")
        VIETQR = "vietqr", _("Bank transfer (VietQR)")

    class Purpose(models.TextChoices):
        REFURBISH = "refurbish", _("Refurbishing donated phones")
        SIM = "sim", _("SIM cards and data plans")
        BUY_PHONE = "buy_phone", _("Buying new phones")
        GENERAL = "general", _("Where it is needed most")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        REFUNDED = "refunded", _("Refunded")

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("donor")
    )
    method = models.CharField(
        pgettext_lazy("payment", "method"), max_length=8, choices=Method.choices
    )
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.GENERAL
    )
    # The donor's home province, or none: "where the need is greatest". Strict: the gift pays
    # only for phones of that province; otherwise for them first (services/ledger.py).
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for the province"),
    )
    province_strict = models.BooleanField(_("only that province"), default=False)
    amount = models.PositiveBigIntegerField(_("amount (smallest unit)"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="pending", db_index=True
    )
    refunded_amount = models.PositiveBigIntegerField(_("refunded"), default=0)
    memo = models.CharField(_("transfer memo"), max_length=20, null=True, blank=True, unique=True)
    stripe_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=1000, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount} {self.currency} {self.status}"


class GiftEvent(StatusEvent):
    """One row per status move of a gift (services.gifts.gift_transition), with what caused it
    in `source` (the webhook event id, `statement:<id>`); the actor is empty for the system's
    moves. Rows with old and new status the same are notes (a partial refund, Stripe down)."""

    gift = models.ForeignKey(
        Gift, on_delete=models.CASCADE, related_name="events", verbose_name=_("gift")
    )
    source = models.CharField(_("source"), max_length=40)

    class Meta(StatusEvent.Meta):
        verbose_name = _("gift event")
        verbose_name_plural = _("gift events")

    def __str__(self) -> str:
        return f"{self.gift_id}: {self.old_status} → {self.new_status}"


class StripeEvent(models.Model):
    """Every verified webhook event, stored once by its id: the unique constraint is the guard
    against replays; the gift's state is derived from all stored events (any order).

    A signed event of the wrong shape is kept too, for a person to look at: `malformed`, with the
    `problem` found, keyed `malformed:<sha256 of the body>` (so it never takes a real event's id)
    and naming no session or payment; it is never applied to a gift."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    session_id = models.CharField(max_length=255, blank=True, db_index=True)
    payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)
    malformed = models.BooleanField(_("malformed"), default=False, db_index=True)
    problem = models.CharField(_("problem"), max_length=255, blank=True)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class StatementImport(models.Model):
    """One uploaded bank statement and what its reconciliation found. A long statement is
    reconciled in the background in chunks (`processed` lines so far); its upload is kept in the
    private storage until it is done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being reconciled")
        DONE = "done", _("Done")
        FAILED = "failed", _("Could not be read")

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DONE
    )
    processed = models.PositiveIntegerField(_("lines reconciled so far"), default=0)
    upload = models.FileField(
        storage=private_storage, upload_to=RandomName("statements"), max_length=200, blank=True
    )
    failure = models.CharField(_("why it failed"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    already = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(default=list, blank=True)
    unmatched_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Where every đồng of the statement's readable lines went (VND):
    # total = matched + already + held + not_ours. `held` lists what waits for a person: the
    # part of a line above its gift, a line naming several gifts, money for a gift that cannot
    # take it (paid already, less than pledged).
    total_amount = models.PositiveBigIntegerField(default=0)
    matched_amount = models.PositiveBigIntegerField(default=0)
    already_amount = models.PositiveBigIntegerField(default=0)
    held_amount = models.PositiveBigIntegerField(default=0)
    not_ours_amount = models.PositiveBigIntegerField(default=0)
    held = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d})"


class StatementLine(models.Model):
    """A bank statement line that paid a gift. Unique by its key, so re-running a statement (or an
    overlapping one) never pays twice."""

    key = models.CharField(max_length=64, unique=True)
    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="statement_lines")
    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    booked_on = models.DateField(null=True, blank=True)
    amount = models.PositiveBigIntegerField()
    description = models.CharField(max_length=500)
    reference = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.reference or self.key[:8]} → {self.gift_id}"


class HeldMoney(models.Model):
    """Money of a statement line that a person must decide about: the part of a line above its
    gift, a line naming several gifts, money for a gift that cannot take it. It is settled by
    paying a pending gift from it, keeping it as a general gift, or recording that it was sent
    back; `remaining` = `amount` − its settlements, and nothing leaves it any other way. Unique by
    the line's key, so the same line uploaded again is not held twice."""

    class Status(models.TextChoices):
        HELD = "held", _("Waiting for a decision")
        SETTLED = "settled", _("Settled")

    key = models.CharField(max_length=64, unique=True)
    statement = models.ForeignKey(
        StatementImport, on_delete=models.PROTECT, related_name="held_items"
    )
    row = models.PositiveIntegerField(_("row"))
    amount = models.PositiveBigIntegerField(_("amount held (VND)"))
    remaining = models.PositiveBigIntegerField(_("still held (VND)"))
    description = models.CharField(pgettext_lazy("bank transfer", "description"), max_length=500)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    reason = models.CharField(_("why it is held"), max_length=500)
    gifts = models.ManyToManyField(Gift, blank=True, related_name="held_money")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.HELD, db_index=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("held money")
        verbose_name_plural = _("held money")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(remaining__lte=models.F("amount")),
                name="held_remaining_lte_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.row} {self.remaining}/{self.amount}"


class HeldSettlement(models.Model):
    """A person's decision about (part of) some held money. Append-only."""

    class Action(models.TextChoices):
        PAY = "pay", _("Pay a waiting gift")
        KEEP = "keep", _("Keep as a general gift")
        REFUND = "refund", _("Sent back to the payer")

    held = models.ForeignKey(HeldMoney, on_delete=models.PROTECT, related_name="settlements")
    action = models.CharField(_("decision"), max_length=8, choices=Action.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    gift = models.ForeignKey(
        Gift, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.amount} ({self.held_id})"


class LedgerEntry(models.Model):
    """The fund ledger: money in (paid gifts), money out (refurbishment, SIM plans, phone
    purchases, each tied to devices) and refunds. Append-only."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("Gift received")
        REFUND = "refund", _("Gift refunded")
        REFURBISH = "refurbish", _("Refurbishment")
        SIM = "sim", _("SIM card and data plan")
        BUY_PHONE = "buy_phone", _("Phone purchase")

    SPEND_KINDS = ("refurbish", "sim", "buy_phone")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.PositiveBigIntegerField(_("amount (smallest unit)"))
    currency = models.CharField(_("currency"), max_length=3)
    gift = models.ForeignKey(
        Gift, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    devices = models.ManyToManyField(Device, blank=True, related_name="ledger_entries")
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(
                fields=["gift"], condition=Q(kind="gift"), name="one_gift_entry_per_gift"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"


class LedgerAttribution(models.Model):
    """Which gift paid how much of a spend (see services/ledger.py for the rule)."""

    spend = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="attributions")
    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="attributions")
    amount = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.gift_id} → {self.spend_id}: {self.amount}"
