"""Donors: the donor row behind a pledge or a gift, and the account made for a new email.

An email typed by someone not signed in proves nothing. When it is the address of an existing
account (a donor, a business, a member of staff), the pledge or gift goes on a donor row of its
own with an unconfirmed DonorClaim: the account's donor row and profile are not touched, and the
act is not theirs until the owner confirms it (services.claims)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Value
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import User
from core.collation import vietnamese_sort_key
from core.db import unique_or_none
from core.text import nfc
from donations.models import Donor, DonorClaim
from donations.services.errors import field_error
from places.models import Commune


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as (alpha-2 code, name in the current language), by name: in
    Vietnamese alphabetical order when the page is Vietnamese ("Đức" with the D's, "Úc" with the
    U's; django-countries' fallback order drops such letters)."""
    choices = [(code, str(name)) for code, name in countries]
    if (get_language() or "").startswith("vi"):
        choices.sort(key=lambda choice: vietnamese_sort_key(choice[1]))
    return choices


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
    # Set when the email belongs to an existing account: the act waits for its owner.
    claim: DonorClaim | None = None


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
    first use), whose public name and home commune the actor may change. Not signed in: a new
    email gets an account without a password, whose owner sets one through the link in the
    confirmation email, and a donor row with the profile given; the email of an existing account
    gets a donor row of its own with an unconfirmed claim (see the module's docstring), so the
    account's donor row and profile stay as they are, whatever was typed."""
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
        commune = unique_or_none(Commune.objects.filter(code=home_commune))
        if commune is None:
            raise field_error(
                _("Choose a commune from the list of communes."), "unknown_commune", "home_commune"
            )
    details = {"kind": kind, "country": country, "language": language}
    if actor is not None and actor.is_authenticated:
        result = DonorResult(donor=_donor_of_account(actor, name=name, **details))
    else:
        typed = {"public_name": (public_name or "").strip()[:150], "home_commune": home_commune}
        result, made = _donor_of_email(name, email, typed=typed, **details)
        if not made:
            return result  # a row that was there already: its profile is not the visitor's
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


def _donor_of_email(name: str, email: str, *, typed: dict, kind: str, country: str, language: str):
    """(the donor for `email`, whether its row was made now). See donor_for."""
    name = (name or "").strip()
    if not name:
        raise field_error(_("Tell us your name."), "donor_required", "donor.name")
    email = _clean_email(email, "donor.email")
    # One statement for both rows the email may already have: its account, or else a donor row
    # left without an account (its account was deleted), which goes to the new account as it is
    # (the rows of unconfirmed claims stay apart).
    accounts = User.objects.filter(email__iexact=email).values_list(Value("account"), "id")
    orphans = Donor.objects.filter(
        email__iexact=email, user__isnull=True, claim__isnull=True
    ).values_list(Value("orphan"), "id")
    found: dict[str, int] = {}
    for kind_of_row, row_id in accounts.union(orphans, all=True):
        found[kind_of_row] = min(row_id, found.get(kind_of_row, row_id))  # the oldest orphan
    details = {"name": name, "email": email, "kind": kind, "country": country, "language": language}
    if "account" in found:
        donor = Donor.objects.create(**details)
        claim = DonorClaim.objects.create(donor=donor, account_id=found["account"], typed=typed)
        return DonorResult(donor=donor, claim=claim), False
    account = User.objects.create_user(email=email, password=None, name=name, language=language)
    if "orphan" in found:
        donor = Donor.objects.get(id=found["orphan"])
        donor.user = account
        donor.save(update_fields=["user"])
        return DonorResult(donor=donor, new_account=True), False
    donor = Donor.objects.create(user=account, **details)
    return DonorResult(donor=donor, new_account=True), True
