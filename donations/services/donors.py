"""Donors: the donor row behind a pledge or a gift, and the account made for a new email."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import User
from core.text import nfc
from donations.models import Donor
from donations.services.errors import field_error
from places.models import Commune


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as (alpha-2 code, name in the current language), by name."""
    return [(code, str(name)) for code, name in countries]


def donor_country(value, field: str = "donor.country") -> str:
    """An ISO 3166-1 alpha-2 country code, upper case ("VN" when none is given)."""
    code = (value if isinstance(value, str) else "").strip().upper() or "VN"
    if len(code) != 2 or countries.alpha2(code) != code:
        raise field_error(
            _("Choose a country from the list (a two-letter ISO 3166 code such as VN or DE)."),
            "invalid_country",
            field,
        )
    return code


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise field_error(_("Enter a valid email address."), "invalid_email", field) from None
    return email


@dataclass
class DonorResult:
    donor: Donor
    new_account: bool = False


def donor_for(
    *,
    actor=None,
    name: str = "",
    email: str = "",
    kind: str = "",
    country: str = "",
    language: str = "",
    public_name: str | None = None,
    home_commune: str | None = None,
) -> DonorResult:
    """The donor behind a pledge or gift. Signed in (`actor`): the actor's donor row (made on
    first use). Not signed in: the donor of that email; a new email gets an account without a
    password, whose owner sets one through the link in the confirmation email."""
    name, public_name = nfc(name), nfc(public_name)  # typed by people: composed Unicode
    kind = kind or Donor.Kind.INDIVIDUAL
    if kind not in Donor.Kind.values:
        raise field_error(
            _("Choose what kind of donor you are: %(kinds)s.")
            % {"kinds": ", ".join(Donor.Kind.values)},
            "invalid_donor_kind",
            "donor.kind",
        )
    language = language if language in ("vi", "en") else (get_language() or "vi")[:2]
    country = donor_country(country)
    commune = None
    if home_commune:
        commune = Commune.objects.filter(code=home_commune).first()
        if commune is None:
            raise field_error(
                _("Choose a commune of Quảng Trị."), "unknown_commune", "home_commune"
            )
    details = {"kind": kind, "country": country, "language": language}
    if actor is not None and actor.is_authenticated:
        result = DonorResult(donor=_donor_of_account(actor, name=name, **details))
    else:
        result = _donor_of_email(name, email, **details)
    donor = result.donor
    changed = []
    if public_name is not None and public_name.strip() != donor.public_name:
        donor.public_name = public_name.strip()[:150]
        changed.append("public_name")
    if commune is not None and donor.home_commune_id != commune.code:
        donor.home_commune = commune
        changed.append("home_commune")
    if changed:
        donor.save(update_fields=changed)
    return result


def _donor_of_account(account, *, name: str, kind: str, country: str, language: str) -> Donor:
    donor = Donor.objects.select_for_update().filter(user=account).first()
    if donor is None:
        donor = Donor.objects.create(
            user=account,
            name=account.name or name or account.email,
            email=account.email,
            kind=kind,
            country=country,
            language=account.language or language,
        )
    return donor


def _donor_of_email(name: str, email: str, *, kind: str, country: str, language: str):
    name = (name or "").strip()
    if not name:
        raise field_error(_("Tell us your name."), "donor_required", "donor.name")
    email = _clean_email(email, "donor.email")
    # The account and its donor row in one query (an account may have no donor row yet).
    account = User.objects.select_related("donor").filter(email__iexact=email).first()
    new_account = account is None
    if new_account:
        account = User.objects.create_user(email=email, password=None, name=name, language=language)
    donor = None if new_account else getattr(account, "donor", None)
    if donor is None:
        donor = Donor.objects.filter(email__iexact=email, user__isnull=True).first()
        if donor is not None:
            donor.user = account
            donor.save(update_fields=["user"])
    if donor is None:
        donor = Donor.objects.create(
            user=account, name=name, email=email, kind=kind, country=country, language=language
        )
    return DonorResult(donor=donor, new_account=new_account)
