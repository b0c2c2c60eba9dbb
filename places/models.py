"""Province → commune (two levels since 1 July 2025) → village; hubs serve a set of communes.

Places sit below every other app: households, donations and logistics all point at them, and the
staff assignments in accounts name communes and hubs.
"""

import phonenumbers
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Event


class Province(models.Model):
    """One of the 34 provinces and centrally-run cities after the 2025 reorganisation (from
    vietnam-provinces). `active`: the deployment works there (households, hubs, staff); an admin
    switches a province on with households.services.provinces.province_activate."""

    code = models.CharField(_("official code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("the programme works here"), default=False)

    class Meta:
        ordering = ["code"]  # the official order, north to south
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class ProvinceEvent(Event):
    """A province switched on or off (households/services/provinces.py): who, when, and what
    came with it (`data`: the communes loaded, the reviewed file read, the flags set)."""

    class Action(models.TextChoices):
        ACTIVATED = "activated", _("switched on")
        DEACTIVATED = "deactivated", _("switched off")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="events", verbose_name=_("province")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)

    class Meta(Event.Meta):
        verbose_name = _("province event")
        verbose_name_plural = _("province events")

    def __str__(self) -> str:
        return f"{self.province_id} {self.action} {self.at:%Y-%m-%d}"


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        WARD = "ward", _("Ward")
        SPECIAL_ZONE = "special_zone", _("Special zone")

    code = models.CharField(_("official code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("province"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    is_mountain = models.BooleanField(_("mountain commune"), default=False)
    is_extremely_difficult = models.BooleanField(_("extremely difficult"), default=False)
    old_districts = models.CharField(_("former districts"), max_length=200, blank=True)
    legacy_sources = models.TextField(_("pre-2025 communes"), blank=True)
    flags_basis = models.TextField(
        _("basis of the flags"),
        blank=True,
        help_text=_("Why the flags are set; when you correct them, name the decision it rests on."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="villages", verbose_name=_("commune")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["commune__name", "name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="village_unique_per_commune")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.commune.name}"


class Hub(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="hubs_here", verbose_name=_("commune")
    )
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("With the country code (+84 …): donors abroad write it on their parcel."),
    )
    serves = models.ManyToManyField(
        Commune, related_name="served_by", blank=True, verbose_name=_("communes served")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")

    def __str__(self) -> str:
        return self.name

    @property
    def postal_lines(self) -> list[str]:
        """The address as a parcel from abroad needs it: street, commune, province, country."""
        lines = [self.address]
        if self.commune.name not in self.address:
            lines.append(self.commune.name)
        lines += [self.commune.province.name, "VIỆT NAM (VIETNAM)"]
        return lines

    @property
    def phone_display(self) -> str:
        """The phone in international form (+84 233 3852 123), as a caller abroad dials it."""
        try:
            number = phonenumbers.parse(self.phone, "VN")
        except phonenumbers.NumberParseException:
            return self.phone
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
