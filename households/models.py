"""Households nominated by commune officers. Personal data (head's name, CCCD hash, village) never
leaves the commune's staff: donors and the public see only aggregates and consented stories."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Event, StatusEvent
from places.models import Commune, Village


def name_key(name: str) -> str:
    """A head's name without diacritics, case or extra spaces: “Hồ Văn  Lâm” → “ho van lam”.
    Two households with the same key in the same village are near-duplicates."""
    from unidecode import unidecode

    return " ".join(unidecode(name or "").casefold().split())


class Household(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        NEEDS_CHANGES = "needs_changes", _("Needs changes")
        VERIFIED = "verified", _("Verified")
        # The commune published a newer poverty list than the household's certificate: it is not
        # matched until an officer re-confirms it (households/services/renewal.py).
        LAPSED = "lapsed", _("Certificate to re-confirm")
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

    class Deprivation(models.TextChoices):
        # The two indicators of the information dimension (Decree 07/2021/NĐ-CP).
        NO_INTERNET = "no_internet", _("No member uses the internet")
        NO_INFO_ACCESS = "no_info_access", _("No means of access to information")

    # Statuses in which a household holds its CCCD (one active household per CCCD).
    ACTIVE_STATUSES = (
        "draft",
        "submitted",
        "needs_changes",
        "verified",
        "lapsed",
        "allocated",
        "served",
    )

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
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # Set when the household's phone failed through no fault of its own (returned broken or
    # locked, lost on the way, failed before delivery): the matching run puts it first in line
    # (settings.MATCHING_POLICY["replacement_bonus"], matching/loading.py) until it is served.
    replacement_owed_at = models.DateTimeField(_("owed a replacement since"), null=True, blank=True)
    import_batch = models.ForeignKey(
        "HouseholdImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("imported from"),
    )

    class Meta:
        ordering = ["-priority_score", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            # Officers and verifiers page through their communes' households by priority
            # (selectors.household_list). For one commune (the usual officer) the page is read
            # in index order with no sort; over several communes PostgreSQL still sorts, but
            # only the rows of those communes, found through this index.
            models.Index(
                fields=["commune", "-priority_score", "id"], name="household_commune_priority"
            ),
            models.Index(fields=["commune", "status"], name="household_commune_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cccd_hash"],
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "needs_changes",
                        "verified",
                        "lapsed",
                        "allocated",
                        "served",
                    ]
                )
                & Q(cccd_hash__isnull=False),
                name="one_active_household_per_cccd",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.commune_id}"

    # Inputs of the priority formula: a save that touches one of them recomputes the score.
    PRIORITY_INPUTS = frozenset(
        {
            "poverty_status",
            "deprivations",
            "school_age_children",
            "elderly",
            "disabled",
            "phone_situation",
            "coverage_4g",
            "commune",
            "commune_id",
        }
    )
    PRIORITY_FIELDS = ("priority_score", "priority_version", "priority_breakdown")

    def save(self, *args, **kwargs):
        """Every save recomputes the priority score and the name key, so they never go stale."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.refresh_derived()
        else:
            fields = set(update_fields)
            if fields & self.PRIORITY_INPUTS or "head_name" in fields:
                self.refresh_derived()
                kwargs["update_fields"] = fields | set(self.PRIORITY_FIELDS) | {"head_name_key"}
        super().save(*args, **kwargs)

    def refresh_derived(self, *, is_mountain: bool | None = None) -> None:
        """Recompute the name key and the priority score (formula in households/priority.py)."""
        from households.priority import compute_for

        self.head_name_key = name_key(self.head_name)
        score, version, breakdown = compute_for(self, is_mountain=is_mountain)
        self.priority_score, self.priority_version, self.priority_breakdown = (
            score,
            version,
            breakdown,
        )

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def priority(self) -> dict:
        """The score as API.md shows it: score, version and the breakdown summing to it."""
        return {
            "score": self.priority_score,
            "version": self.priority_version,
            "breakdown": self.priority_breakdown,
        }

    @property
    def priority_rows(self) -> list[dict]:
        """The breakdown with each factor's label, for pages."""
        from households.priority import FACTOR_LABELS

        return [
            {**row, "label": FACTOR_LABELS.get(row["factor"], row["factor"])}
            for row in self.priority_breakdown
        ]

    @property
    def priority_summary(self) -> str:
        """“Poverty status 30, Mountain commune 10, …”: the factors that gave points."""
        return ", ".join(f"{r['label']} {r['points']}" for r in self.priority_rows if r["points"])

    def deprivation_labels(self) -> list[str]:
        return [str(self.Deprivation(d).label) for d in self.deprivations if d in self.Deprivation]

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


class HouseholdEvent(StatusEvent):
    """One row per status move of a household: who, when, from, to, why. Other acts on the
    household (edits, consent, data-subject requests) are rows of another `kind`, with
    old_status == new_status, so the timeline and the four-eyes rule read one table."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        EDITED = "edited", _("Edited")
        CONSENT = "consent", _("Consent recorded")
        EXPORTED = "exported", _("Data exported for the household")
        ANONYMISED = "anonymised", _("Anonymised")

    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.STATUS, db_index=True
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="events", verbose_name=_("household")
    )

    class Meta(StatusEvent.Meta):
        verbose_name = _("household event")
        verbose_name_plural = _("household events")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.old_status} → {self.new_status}"

    @property
    def old_label(self) -> str:
        return str(Household.Status(self.old_status).label) if self.old_status else ""

    @property
    def new_label(self) -> str:
        return str(Household.Status(self.new_status).label) if self.new_status else ""


class ConsentRecord(models.Model):
    """Consent as the officer recorded it: who, when, how, for which purposes. A change or a
    withdrawal adds a row; the household's consent_* flags mirror the latest row."""

    class Method(models.TextChoices):
        SIGNED_FORM = "signed_form", _("Signed paper form")
        THUMBPRINT = "thumbprint", _("Thumbprint on the paper form")
        WITNESS = "witness", _("Oral, before a witness")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="consents", verbose_name=_("household")
    )
    processing = models.BooleanField(_("processing of personal data"), default=False)
    share_story = models.BooleanField(_("sharing an anonymised story"), default=False)
    share_photo = models.BooleanField(_("sharing a photo"), default=False)
    method = models.CharField(_("how consent was given"), max_length=16, choices=Method.choices)
    witness_name = models.CharField(_("witness"), max_length=150, blank=True)
    withdrawn = models.BooleanField(_("withdrawal"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.method} {self.recorded_at:%Y-%m-%d}"

    def purposes(self) -> list[str]:
        labels = []
        if self.processing:
            labels.append(str(_("processing of personal data")))
        if self.share_story:
            labels.append(str(_("sharing an anonymised story")))
        if self.share_photo:
            labels.append(str(_("sharing a photo")))
        return labels


class HouseholdImport(models.Model):
    """One uploaded Excel file: kept between preview and commit, emptied once committed or
    discarded (it holds names and ID numbers), the counts remain."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEWED = "previewed", _("Previewed")
        COMMITTED = "committed", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    content = models.BinaryField(blank=True, default=b"")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # How far the check has read (the page shows it while a worker checks the file).
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The check's findings for the page: {"errors": [{"row", "column", "message"}], "preview":
    # the first rows read, "problem": why the file could not be read}. Emptied with `content`.
    report = models.JSONField(_("check report"), default=dict, blank=True)
    created = models.PositiveIntegerField(_("households created"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("household import")
        verbose_name_plural = _("household imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"


class CommuneFlagsEvent(Event):
    """One change of a commune's mountain or extremely-difficult flag (or of the basis given for
    them), made through households/services/communes.py, which re-scores the commune's
    households in the same transaction. `data`: {"changes": {flag: {"from", "to"}}, "basis",
    "rescored": households whose score changed, "priority_version"}. The flags live in places;
    this row lives here because the re-scoring is a households matter."""

    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="flag_events",
        verbose_name=_("commune"),
    )

    class Meta(Event.Meta):
        verbose_name = _("commune flags change")
        verbose_name_plural = _("commune flags changes")

    def __str__(self) -> str:
        changes = self.data.get("changes", {})
        moves = ", ".join(f"{flag} → {change['to']}" for flag, change in changes.items())
        return f"{self.commune_id}: {moves or self.data.get('basis', '')}"


class HouseholdAccess(Event):
    """One reading of a household's personal data: who opened which household, when, and where
    (its page, the API, a personal-data export, a commune's Excel export). Kept apart from
    HouseholdEvent: reading is no step in the household's history (four eyes), but a data
    subject and an admin may ask who saw what (Law 91/2025)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Household page")
        API = "api", _("API")
        PERSONAL_DATA = "personal_data", _("Personal-data export")
        COMMUNE_EXPORT = "commune_export", _("Commune Excel export")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("household")
    )
    channel = models.CharField(_("where"), max_length=16, choices=Channel.choices)

    class Meta(Event.Meta):
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [models.Index(fields=["household", "at"]), models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.actor_id} → {self.household_id} ({self.channel})"


class PovertyList(models.Model):
    """A commune's poverty list of one year, published (the annual review of Decision
    24/2021/QĐ-TTg ends on 14 December): the commune's verified households whose certificate is
    of an earlier year become "lapsed" until an officer re-confirms them
    (households/services/renewal.py). `flagged` is how many were flagged when it was published."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="poverty_lists", verbose_name=_("commune")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    flagged = models.PositiveIntegerField(_("households flagged"), default=0)

    class Meta:
        ordering = ["commune", "-year"]
        verbose_name = _("poverty list")
        verbose_name_plural = _("poverty lists")
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="one_poverty_list_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.year}"
