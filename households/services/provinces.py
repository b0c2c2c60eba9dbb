"""Switching a province on or off (administrators).

A province is switched on with its communes loaded from vietnam-provinces (if they are not yet)
and their mountain / extremely-difficult flags taken from the province's reviewed file
(places/loading.py `reviewed_file`): those flags are priority factors, so a province is not
switched on without them unless the administrator says so explicitly (`without_reviewed_file`:
every commune then starts with both flags off, to be corrected one by one through
households/services/communes.py). Only Quảng Trị has a reviewed file so far.

Flags are taken from the file only for communes that have no basis yet (never reviewed nor
corrected), each through commune_flags_update (re-scoring, an event row). The switch itself
leaves a places.ProvinceEvent row.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from core.errors import ApplicationError, Forbidden, NotFound
from households.services.communes import commune_flags_update
from places.loading import load_communes, reviewed_file, reviewed_flags
from places.models import Commune, Province, ProvinceEvent


def _require_admin(actor) -> None:
    if actor is not None and not scope_for(actor).is_admin:
        raise Forbidden(
            _("Only an administrator can switch a province on or off."), code="admin_only"
        )


def _province(code) -> Province:
    province = Province.objects.select_for_update().filter(code=str(code).strip()).first()
    if province is None:
        raise NotFound(_("There is no such province."))
    return province


@transaction.atomic
def province_activate(*, code, actor, without_reviewed_file: bool = False) -> Province:
    """Switch a province on (see the module). Switching on an active province changes nothing."""
    _require_admin(actor)
    province = _province(code)
    if province.active:
        return province
    path = reviewed_file(province.code)
    if path is None and not without_reviewed_file:
        raise ApplicationError(
            _(
                "Nobody has reviewed the mountain and hardship flags of %(province)s's communes "
                "yet. Add places/data/communes-%(code)s.csv (as places/data/SOURCES.md describes "
                "for Quảng Trị), or switch it on without them: every commune then starts with "
                "both flags off until corrected."
            )
            % {"province": province.name, "code": province.code},
            code="no_reviewed_file",
            status=409,
        )
    loaded = load_communes(Commune, [province.code], with_flags=False)
    flagged = []
    for commune_code, row in sorted(reviewed_flags(province.code).items()):
        commune = Commune.objects.filter(code=commune_code, province=province).first()
        if commune is None or commune.flags_basis:
            continue
        event = commune_flags_update(
            commune_code=commune_code,
            actor=actor,
            is_mountain=row["mountain"] == "true",
            is_extremely_difficult=row["extremely_difficult"] == "true",
            basis=row["basis"],
        )
        if event is not None:
            flagged.append(commune_code)
    province.active = True
    province.save(update_fields=["active"])
    ProvinceEvent.objects.create(
        province=province,
        actor=actor,
        action=ProvinceEvent.Action.ACTIVATED,
        data={
            "communes_loaded": loaded,
            "reviewed_file": path.name if path else None,
            "communes_flagged": flagged,
        },
    )
    return province


@transaction.atomic
def province_deactivate(*, code, actor) -> Province:
    """Switch a province off: no new staff, hubs or pledges for it; what is there stays."""
    _require_admin(actor)
    province = _province(code)
    if not province.active:
        return province
    province.active = False
    province.save(update_fields=["active"])
    ProvinceEvent.objects.create(
        province=province, actor=actor, action=ProvinceEvent.Action.DEACTIVATED
    )
    return province
