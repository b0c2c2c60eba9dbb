"""Loads the 78 commune-level units of the new Quảng Trị (province code 44) from the
`vietnam-provinces` package, and their mountain / extremely-difficult flags from the reviewed
data file `places/data/quang-tri-communes.csv` (sources in places/data/SOURCES.md).

Used by the data migration, so every fresh database has them, and by `load_communes`.
The flags are set here only for a new commune: an existing commune's flags change through
households/services/communes.py (`manage.py commune_flags`), which re-scores its households.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "quang-tri-communes.csv"
PROVINCE_CODE = 44

# vietnam-provinces 2025.10.x (the newest on Python 3.11) codes Xã Phong Nha 19165, the code of
# the former TT Phong Nha; 2026.9.0 and the reviewed data file give 19138 (the seat's code under
# Resolution 1680/NQ-UBTVQH15). Applied to the package's data until the project moves to 3.12.
CODE_CORRECTIONS = {"19165": "19138"}

_KINDS = {"xã": "commune", "phường": "ward", "đặc khu": "special_zone"}


def official_units() -> list[dict]:
    from vietnam_provinces import ProvinceCode, Ward

    units = []
    for ward in Ward.iter_by_province(ProvinceCode(PROVINCE_CODE)):
        code = f"{int(ward.code):05d}"
        units.append(
            {
                "code": CODE_CORRECTIONS.get(code, code),
                "name": ward.name,
                "kind": _KINDS[ward.division_type.value],
            }
        )
    return units


def reviewed_flags() -> dict[str, dict]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def load_communes(commune_model) -> int:
    flags = reviewed_flags()
    existing = {c.code: c for c in commune_model.objects.all()}
    created = 0
    for unit in official_units():
        row = flags.get(unit["code"], {})
        commune = existing.get(unit["code"])
        is_new = commune is None
        if is_new:
            commune = commune_model(code=unit["code"])
            created += 1
        commune.name = unit["name"]
        commune.kind = unit["kind"]
        if is_new and row:
            commune.is_mountain = row["mountain"] == "true"
            commune.is_extremely_difficult = row["extremely_difficult"] == "true"
            commune.flags_basis = row["basis"]
        if row:
            commune.old_districts = row["old_districts"]
            commune.legacy_sources = row["legacy_sources"]
        commune.save()
    return created
