"""The yearly renewal of the poverty list. Certificates are reviewed every year (1 September to
14 December, Decision 24/2021/QĐ-TTg); when a commune's list of year N is published
(`poverty_list_publish`, by a verifier of the commune or an admin), its verified households whose
certificate is of an earlier year become "lapsed": they keep their place and score but are not
matched (the engine loads only verified households) until an officer of the commune re-confirms
them (`households_reconfirm`, in bulk, from a page with checkboxes or an Excel file,
`reconfirm_import`), or takes them off the list (`household_not_renewed`).

Households already promised or holding a phone (allocated, served) are not flagged: the
certificate mattered when they were chosen. A household verified later is refused while its
certificate is older than the commune's latest list (households.services.verification).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import scope_for
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from core.text import nfc
from core.xlsx import NotAnXlsx, TooLarge, read_sheet
from households.lifecycle import HOUSEHOLD, household_transition
from households.models import Household, PovertyList
from households.services.shared import NOMINATING_ROLES, S, locked_household, require_role
from places.models import Commune

PUBLISHING_ROLES = (Role.VERIFIER,)
EARLIEST_YEAR = 2021  # the 2022–2025 standard's first review (Decree 07/2021/NĐ-CP)
MAX_IDS = 5000  # one request re-confirms at most this many households


def latest_year(commune_code: str) -> int | None:
    return (
        PovertyList.objects.filter(commune_id=commune_code)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def lapsed_households(commune_code: str, year: int):
    """Households of the commune whose certificate is older than `year`, among the verified."""
    return Household.objects.filter(commune_id=commune_code, status=S.VERIFIED).filter(
        Q(poverty_certificate_year__isnull=True) | Q(poverty_certificate_year__lt=year)
    )


def _year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = 0
    last = timezone.localdate().year + 1
    if not EARLIEST_YEAR <= year <= last:
        message = _("Enter a year from %(first)s to %(last)s.") % {
            "first": EARLIEST_YEAR,
            "last": last,
        }
        raise ApplicationError(message, code="invalid_year", fields={"year": [message]})
    return year


def poverty_list_publish(*, commune_code: str, year, actor) -> PovertyList:
    """Record that the commune's poverty list of `year` is published, and flag (→ lapsed) its
    verified households whose certificate is older, all in one transaction with one event per
    household. A verifier of the commune or an admin. 409 `already_published` for a year
    published already, `older_than_published` for a year before the latest."""
    commune = Commune.objects.filter(code=str(commune_code or "").strip()).first()
    scope = scope_for(actor)
    if commune is None or not scope.covers_commune(commune.code, Role.VERIFIER, Role.OFFICER):
        raise NotFound(_("No such commune among yours."))
    if not scope.covers_commune(commune.code, *PUBLISHING_ROLES):
        raise Forbidden(
            _("Only a verifier of this commune or an admin publishes its poverty list."),
            code="role_required",
        )
    year = _year(year)
    with transaction.atomic():
        Commune.objects.select_for_update().get(code=commune.code)  # one publication at a time
        latest = latest_year(commune.code)
        if latest is not None and year <= latest:
            same = year == latest
            message = (
                _("The list of %(year)s was published already.")
                if same
                else _("A newer list (%(latest)s) is published already.")
            ) % {"year": year, "latest": latest}
            code = "already_published" if same else "older_than_published"
            raise Conflict(message, code=code, fields={"year": [message]})
        ids = list(lapsed_households(commune.code, year).values_list("id", flat=True))
        reason = _("The commune's poverty list of %(year)s was published.") % {"year": year}
        try:
            with transaction.atomic():
                published = PovertyList.objects.create(
                    commune=commune, year=year, published_by=actor, flagged=len(ids)
                )
        except IntegrityError:
            message = _("The list of %(year)s was published already.") % {"year": year}
            raise Conflict(message, code="already_published", fields={"year": [message]}) from None
        HOUSEHOLD.move_many(
            obj_ids=ids,
            to=S.LAPSED,
            actor=actor,
            reason=reason,
            data={"poverty_list": published.id, "year": year},
        )
    return published


def _reconfirmable(actor, household_ids) -> tuple[list[Household], dict[str, int]]:
    """The households, all lapsed and all in the actor's communes as an officer (an admin: any),
    with the year each commune's latest list gives them."""
    ids = sorted({int(i) for i in household_ids})
    if not ids:
        message = _("Choose at least one household.")
        raise ApplicationError(message, code="invalid", fields={"households": [message]})
    if len(ids) > MAX_IDS:
        message = _("At most %(n)s households at a time.") % {"n": MAX_IDS}
        raise ApplicationError(message, code="invalid", fields={"households": [message]})
    scope = scope_for(actor)
    households = list(Household.objects.filter(id__in=ids).order_by("id"))
    found = {h.id for h in households}
    outside = [h.id for h in households if not scope.covers_commune(h.commune_id, Role.OFFICER)]
    missing = [i for i in ids if i not in found]
    if missing or outside:
        raise NotFound(
            _("Not among the households of your communes: %(ids)s")
            % {"ids": ", ".join(f"#{i}" for i in sorted(missing + outside))},
            fields={"households": [str(i) for i in sorted(missing + outside)]},
        )
    years = {}
    for code in {h.commune_id for h in households}:
        years[code] = latest_year(code)
    return households, years


def households_reconfirm(
    *, household_ids, actor, certificate_numbers: dict[int, str] | None = None
) -> list[int]:
    """An officer re-confirms lapsed households of their communes in bulk: each is on the new
    list; its certificate year becomes that of the commune's latest list (and its number, when
    given, the new one) and it waits again (→ verified). All or none: 409
    `not_lapsed` names the households that are not waiting for re-confirmation. Returns the ids
    re-confirmed (those re-confirmed already are left as they are: a retry)."""
    households, years = _reconfirmable(actor, household_ids)
    numbers = {
        int(k): nfc(str(v or "")).strip()[:50] for k, v in (certificate_numbers or {}).items()
    }
    with transaction.atomic():
        locked = {
            h.id: h
            for h in Household.objects.select_for_update()
            .filter(id__in=[h.id for h in households])
            .order_by("id")
        }
        # Verified already: re-confirmed by an earlier request (a retry), left as they are.
        wrong = sorted(i for i, h in locked.items() if h.status not in (S.LAPSED, S.VERIFIED))
        if wrong:
            message = _("These households do not wait for re-confirmation: %(ids)s") % {
                "ids": ", ".join(f"#{i}" for i in wrong)
            }
            raise Conflict(
                message, code="not_lapsed", fields={"households": [str(i) for i in wrong]}
            )
        lapsed = [h for h in locked.values() if h.status == S.LAPSED]
        renumbered = [h for h in lapsed if numbers.get(h.id)]
        for household in renumbered:
            household.poverty_certificate_no = numbers[household.id]
        Household.objects.bulk_update(renumbered, ["poverty_certificate_no"], batch_size=500)
        by_commune: dict[str, list[int]] = {}
        for household in lapsed:
            by_commune.setdefault(household.commune_id, []).append(household.id)
        moved: list[int] = []
        for code, ids in sorted(by_commune.items()):
            year = years.get(code)
            moved += HOUSEHOLD.move_many(
                obj_ids=ids,
                to=S.VERIFIED,
                actor=actor,
                reason=_("Re-confirmed on the poverty list of %(year)s.") % {"year": year},
                data={"reconfirmed": True, "year": year},
                also={"poverty_certificate_year": year} if year else None,
            )
    return moved


def household_not_renewed(*, household_id: int, actor, reason: str) -> Household:
    """A lapsed household is not on the commune's new list: it leaves the programme (→ inactive),
    with the reason. An officer of the commune."""
    with transaction.atomic():
        household = locked_household(household_id)
        require_role(actor, household, NOMINATING_ROLES)
        if household.status != S.LAPSED:
            raise Conflict(
                _("Only a household waiting for re-confirmation can be taken off the list."),
                code="not_lapsed",
            )
        reason = nfc(reason or "").strip()
        if not reason:
            message = _("Say why it is not on the new list.")
            raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
        return household_transition(
            household_id=household.id,
            to=S.INACTIVE,
            actor=actor,
            reason=reason,
            data={"not_renewed": True},
        )


# --- Excel -----------------------------------------------------------------------------------

SHEET = "Xac nhan lai"
HEADERS = ("household", "head_name", "village", "certificate_no", "new_certificate_no", "confirm")
YES = {"x", "có", "co", "yes", "1", "true", "đồng ý"}


@dataclass
class ReconfirmReport:
    rows: int = 0
    confirmed: list[int] = field(default_factory=list)
    numbers: dict[int, str] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    applied: bool = False

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "confirmed": len(self.confirmed),
            "households": self.confirmed,
            "errors": self.errors,
            "applied": self.applied,
        }


def reconfirm_import(*, actor, content: bytes, commit: bool = True) -> ReconfirmReport:
    """The officer's Excel file (the template of households/excel/renewal.py, read by the bounded
    reader core/xlsx.py): every row marked in the "confirm" column is re-confirmed, with its new
    certificate number when one is written. All rows or none: a row naming a household that is
    not the officer's or not waiting for re-confirmation stops the whole file (row errors in the
    report, code `invalid_rows`)."""
    try:
        rows = list(read_sheet(content, sheet_name=SHEET))
    except TooLarge as error:
        raise ApplicationError(
            error.message, code="file_too_large", fields={"file": [error.message]}
        ) from None
    except NotAnXlsx:
        message = _("This is not an Excel (.xlsx) file. Download the template and fill it in.")
        raise ApplicationError(message, code="not_xlsx", fields={"file": [message]}) from None
    report = ReconfirmReport()
    wanted: dict[int, int] = {}
    for number, values in rows[1:]:
        values = list(values) + [None] * (len(HEADERS) - len(values))
        if not any(v not in (None, "") for v in values):
            continue
        report.rows += 1
        mark = str(values[5] or "").strip().casefold()
        if mark not in YES:
            continue
        try:
            household_id = int(str(values[0]).strip())
        except (TypeError, ValueError):
            report.errors.append(
                {"row": number, "column": "household", "message": _("Not a household number.")}
            )
            continue
        if household_id in wanted:
            report.errors.append(
                {"row": number, "column": "household", "message": _("Listed twice.")}
            )
            continue
        wanted[household_id] = number
        new_number = nfc(str(values[4] or "")).strip()
        if len(new_number) > 50:
            report.errors.append(
                {"row": number, "column": "new_certificate_no", "message": _("Too long.")}
            )
        elif new_number:
            report.numbers[household_id] = new_number
    if not wanted and not report.errors:
        message = _("No row is marked to re-confirm (write x in the last column).")
        raise ApplicationError(message, code="nothing_marked", fields={"file": [message]})
    scope = scope_for(actor)
    found = {
        h.id: h
        for h in Household.objects.filter(id__in=list(wanted)).only("id", "commune", "status")
    }
    for household_id, number in wanted.items():
        household = found.get(household_id)
        if household is None or not scope.covers_commune(household.commune_id, Role.OFFICER):
            message = _("Not a household of your communes.")
        elif household.status != S.LAPSED:
            message = _("Does not wait for re-confirmation (%(status)s).") % {
                "status": household.get_status_display()
            }
        else:
            report.confirmed.append(household_id)
            continue
        report.errors.append({"row": number, "column": "household", "message": message})
    if report.errors:
        report.confirmed = []
        error = ApplicationError(
            _("Nothing was re-confirmed: correct the rows listed and upload the file again."),
            code="invalid_rows",
        )
        error.report = report.as_dict()
        raise error
    if commit:
        households_reconfirm(
            household_ids=report.confirmed, actor=actor, certificate_numbers=report.numbers
        )
        report.applied = True
    return report
