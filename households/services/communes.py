"""Changing a commune's mountain or extremely-difficult flag. The mountain flag is a factor of
the priority score, so the change re-scores the commune's households in the same transaction and
leaves a CommuneFlagsEvent row. This is the only door for the flags once a commune exists (the
admin shows them read-only; `places.loading` sets them only for a new commune)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from core.errors import ApplicationError, Forbidden, NotFound
from core.text import nfc
from households.models import CommuneFlagsEvent, Household
from households.services.scoring import households_rescore
from places.loading import HOME_PROVINCE, reviewed_flags
from places.models import Commune

FLAGS = ("is_mountain", "is_extremely_difficult")


@transaction.atomic
def commune_flags_update(
    *,
    commune_code: str,
    actor,
    is_mountain: bool | None = None,
    is_extremely_difficult: bool | None = None,
    basis: str | None = None,
) -> CommuneFlagsEvent | None:
    """Set the flags given (None leaves a flag as it is) and the basis, the decision they rest
    on (required when a flag changes). Admins, and province admins for their provinces' communes;
    `actor` None is the system (a management command run by the operator). Re-scores the
    commune's households and writes one event row, which is returned; returns None when nothing
    changed."""
    scope = scope_for(actor) if actor is not None else None
    if scope is not None and not (scope.is_admin or scope.is_province_admin):
        raise Forbidden(_("Only an administrator can change a commune's flags."), code="admin_only")
    commune = Commune.objects.select_for_update().filter(code=str(commune_code).strip()).first()
    if commune is None:
        raise NotFound(_("There is no such commune."))
    if scope is not None and not scope.administers_province(commune.province_id):
        raise Forbidden(
            _("You change the flags of your own province's communes only."),
            code="province_not_yours",
        )
    wanted = {"is_mountain": is_mountain, "is_extremely_difficult": is_extremely_difficult}
    changes = {
        flag: {"from": getattr(commune, flag), "to": bool(value)}
        for flag, value in wanted.items()
        if value is not None and bool(value) != getattr(commune, flag)
    }
    basis = commune.flags_basis if basis is None else nfc(basis).strip()
    if changes and not basis:
        message = _("Name the decision the flags rest on.")
        raise ApplicationError(message, code="basis_required", fields={"basis": [message]})
    if not changes and basis == commune.flags_basis:
        return None
    for flag, change in changes.items():
        setattr(commune, flag, change["to"])
    commune.flags_basis = basis
    commune.save(update_fields=[*FLAGS, "flags_basis"])
    rescored = households_rescore(Household.objects.filter(commune=commune)) if changes else 0
    return CommuneFlagsEvent.objects.create(
        commune=commune,
        actor=actor,
        data={
            "changes": changes,
            "basis": basis,
            "rescored": rescored,
            "priority_version": settings.HOUSEHOLD_PRIORITY_VERSION,
        },
    )


@transaction.atomic
def commune_flags_reset(*, actor, province: str = HOME_PROVINCE) -> list[CommuneFlagsEvent]:
    """Set every commune's flags and basis back to its province's reviewed data file
    (places/data/quang-tri-communes.csv for Quảng Trị), each change through
    commune_flags_update."""
    events = []
    for code, row in sorted(reviewed_flags(province).items()):
        if not Commune.objects.filter(code=code, province_id=province).exists():
            continue
        event = commune_flags_update(
            commune_code=code,
            actor=actor,
            is_mountain=row["mountain"] == "true",
            is_extremely_difficult=row["extremely_difficult"] == "true",
            basis=row["basis"],
        )
        if event is not None:
            events.append(event)
    return events
