"""The rules a household's facts must meet, written once for the form, the API and the Excel
import. Each check returns a message for people; the caller decides how to report it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import printable_message
from core.text import nfc
from households.cccd import check_cccd
from households.models import ConsentRecord, Household

MAX_MEMBERS = 50
NEED_MAX = 2000
COUNT_FIELDS = ("members", "school_age_children", "elderly", "disabled")


def count_labels() -> dict[str, str]:
    return {
        "members": _("members"),
        "school_age_children": _("school-age children"),
        "elderly": _("elderly members"),
        "disabled": _("members with disability"),
    }


def parse_count(value, *, field: str) -> tuple[int | None, str]:
    if type(value) is int and 0 <= value <= MAX_MEMBERS and (value or field != "members"):
        return value, ""  # the common case, answered without building a message
    label = count_labels()[field]
    if value is None or (isinstance(value, str) and not value.strip()):
        if field == "members":
            return None, _("Enter the number of members.")
        return 0, ""
    if isinstance(value, bool):
        return None, _("Enter a whole number for %(field)s.") % {"field": label}
    if isinstance(value, float):
        if not value.is_integer():
            return None, _("Enter a whole number for %(field)s.") % {"field": label}
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            return None, _("Enter a whole number for %(field)s.") % {"field": label}
        value = int(text)
    if not isinstance(value, int):
        return None, _("Enter a whole number for %(field)s.") % {"field": label}
    if value < 0:
        return None, _("The number of %(field)s cannot be negative.") % {"field": label}
    if field == "members" and value < 1:
        return None, _("A household has at least one member.")
    if value > MAX_MEMBERS:
        return None, _(
            "%(value)s %(field)s is more than a household can have (at most %(max)s)."
        ) % {
            "value": value,
            "field": label,
            "max": MAX_MEMBERS,
        }
    return value, ""


def check_counts(values: dict) -> dict[str, str]:
    """Counts of kinds of members may not exceed the members."""
    errors = {}
    members = values.get("members")
    if members is None:
        return errors
    for field in ("school_age_children", "elderly", "disabled"):
        if (values.get(field) or 0) > members:
            errors[field] = _("There cannot be more %(field)s than members (%(members)s).") % {
                "field": count_labels()[field],
                "members": members,
            }
    return errors


def check_head_name(value) -> tuple[str, str]:
    name = " ".join(nfc(str(value or "")).split())
    if not name:
        return "", _("Enter the name of the head of household.")
    if len(name) > 150:
        return "", _("The name is too long (at most 150 characters).")
    unprintable = printable_message(name)  # the name is printed on the handover papers
    if unprintable:
        return "", unprintable
    return name, ""


def check_certificate_year(value) -> tuple[int | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    try:
        year = int(float(value)) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return None, _("Enter the certificate year as four digits, e.g. 2025.")
    this_year = timezone.localdate().year
    if year < 2016 or year > this_year:
        return None, _("The certificate year must be between 2016 and %(year)s.") % {
            "year": this_year
        }
    return year, ""


def check_choice(value, choices, *, message) -> tuple[str, str]:
    """`message` is a callable, so the common (valid) case builds no translated text."""
    if value in choices.values:
        return value, ""
    return "", message()


def check_deprivations(values) -> tuple[list[str], str]:
    values = list(values or [])
    unknown = [v for v in values if v not in Household.Deprivation.values]
    if unknown:
        return [], _("Unknown deprivation: %(values)s. Choose from: %(allowed)s.") % {
            "values": ", ".join(map(str, unknown)),
            "allowed": ", ".join(Household.Deprivation.values),
        }
    return sorted(set(values)), ""


def check_certificate_no(value) -> tuple[str, str]:
    number = nfc(str(value or "")).strip()
    if len(number) > 50:
        return number, _("The certificate number is too long.")
    return number, ""


def check_need(value) -> tuple[str, str]:
    need = nfc(str(value or "")).strip()
    if len(need) > NEED_MAX:
        return need, _("Keep the need under %(n)s characters.") % {"n": NEED_MAX}
    return need, ""


def _count_check(field: str):
    return lambda value: parse_count(value, field=field)


def _choice_check(choices, message):
    return lambda value: check_choice(value, choices, message=message)


# The check of each fact, in the order the errors are reported. Each returns (value, message).
FACT_CHECKS = (
    ("head_name", check_head_name),
    ("cccd", check_cccd),
    *((field, _count_check(field)) for field in COUNT_FIELDS),
    (
        "poverty_status",
        _choice_check(
            Household.Poverty, lambda: _("Choose the poverty status: poor, near-poor or other.")
        ),
    ),
    ("poverty_certificate_no", check_certificate_no),
    ("poverty_certificate_year", check_certificate_year),
    ("deprivations", check_deprivations),
    (
        "phone_situation",
        _choice_check(
            Household.PhoneSituation, lambda: _("Choose the household's phone situation.")
        ),
    ),
    (
        "coverage_4g",
        _choice_check(
            Household.Coverage, lambda: _("Choose the 4G coverage at home: good, weak or none.")
        ),
    ),
    ("need", check_need),
)
# Facts kept in the clean values only when valid (the others keep their cleaned value).
ONLY_WHEN_VALID = frozenset({"cccd", *COUNT_FIELDS})


def check_facts(data: dict, *, partial: bool = False) -> tuple[dict, dict[str, str]]:
    """Checks the facts of a household (all but commune, village and consent).
    Returns (clean values, {field: message}). With partial, only the keys present are checked."""
    clean: dict = {}
    errors: dict[str, str] = {}
    for key, check in FACT_CHECKS:
        if partial and key not in data:
            continue
        value, msg = check(data.get(key))
        if msg:
            errors[key] = msg
        if not msg or key not in ONLY_WHEN_VALID:
            clean[key] = value
    counts = {k: clean.get(k) for k in COUNT_FIELDS if k in clean}
    if "members" in counts:
        for field, msg in check_counts(counts).items():
            errors.setdefault(field, msg)
    return clean, errors


def check_consent(consent: dict | None) -> tuple[dict | None, dict[str, str]]:
    """{"processing", "share_story", "share_photo", "method", "witness_name"} → clean or errors.
    None means no consent recorded yet (a draft may wait for the signed form)."""
    if consent is None:
        return None, {}
    processing = bool(consent.get("processing"))
    share_story = bool(consent.get("share_story"))
    share_photo = bool(consent.get("share_photo"))
    if not (processing or share_story or share_photo):
        return None, {}
    errors = {}
    if (share_story or share_photo) and not processing:
        errors["consent"] = _(
            "Sharing a story or a photo needs consent to the processing of personal data first."
        )
    method = consent.get("method") or ConsentRecord.Method.SIGNED_FORM
    if method not in ConsentRecord.Method.values:
        errors["consent_method"] = _(
            "Choose how consent was given: signed paper form, thumbprint or before a witness."
        )
    witness = " ".join(nfc(str(consent.get("witness_name") or "")).split())
    if method == ConsentRecord.Method.WITNESS and not witness:
        errors["witness_name"] = _("Consent before a witness needs the witness's name.")
    return {
        "processing": processing,
        "share_story": share_story,
        "share_photo": share_photo,
        "method": method,
        "witness_name": witness[:150],
    }, errors
