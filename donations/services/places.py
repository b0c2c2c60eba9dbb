"""Where a donor's phone or money goes: the donor's home commune or home province, as a wish
("prefer") or a condition ("only"), or — with neither — where the need is greatest.

The one rule for pledges (services/pledges.py), gifts (services/gifts.py) and their pages and
API. What each place means downstream:
- a pledge's commune: the matching engine's commune rule (bonus, or the only commune allowed);
- a pledge's province: matching/provinces.py (the phone goes to that province's households
  only, or to them first when a run allows transfers between provinces);
- a gift's province: services/ledger.py (it pays for that province's phones only, or first).
Only communes and provinces the programme works in (active provinces) can be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.db import unique_or_none
from donations.services.errors import field_error
from places.models import Commune, Province

# The choice a donor makes, as the pages and the API's `where` name it.
WHERE = {
    "need": gettext_lazy("Where the need is greatest"),
    "province": gettext_lazy("My home province"),
    "commune": gettext_lazy("My home commune"),
}


@dataclass(frozen=True)
class Place:
    commune: Commune | None = None
    province: Province | None = None
    strict: bool = False

    @property
    def where(self) -> str:
        return "commune" if self.commune else "province" if self.province else "need"


NOWHERE = Place()


def _commune(code) -> Commune:
    commune = unique_or_none(
        Commune.objects.select_related("province").filter(
            code=str(code).strip(), province__active=True
        )
    )
    if commune is None:
        raise field_error(
            _("Choose a commune of a province the programme works in."),
            "unknown_commune",
            "commune_preference.commune",
        )
    return commune


def _province(code, field: str) -> Province:
    province = unique_or_none(Province.objects.filter(code=str(code).strip(), active=True))
    if province is None:
        raise field_error(
            _("Choose one of the provinces the programme works in."), "unknown_province", field
        )
    return province


def place_clean(
    *, commune_preference: dict | None = None, province_preference: dict | None = None
) -> Place:
    """The donor's place from the API's shapes, `{"commune", "strict"}` and
    `{"province", "strict"}` (either, or none: where the need is greatest). Both may be given
    when the commune lies in the province: the commune is the rule then."""
    commune_code = (commune_preference or {}).get("commune")
    province_code = (province_preference or {}).get("province")
    if commune_code:
        commune = _commune(commune_code)
        if province_code and str(province_code).strip() != commune.province_id:
            raise field_error(
                _("This commune is not in the province you chose."),
                "commune_not_in_province",
                "province_preference.province",
            )
        return Place(commune=commune, strict=bool(commune_preference.get("strict")))
    if province_code:
        province = _province(province_code, "province_preference.province")
        return Place(province=province, strict=bool(province_preference.get("strict")))
    return NOWHERE


def gift_place_clean(province_preference: dict | None) -> Place:
    """A gift's place: a province or where the need is greatest (money cannot be traced to a
    commune before a phone is delivered, so a gift names no commune)."""
    return place_clean(province_preference=province_preference)
