"""Loads the 34 provinces and their 3,321 commune-level units after the 2025 reorganisation from
the `vietnam-provinces` package, and the communes' mountain / extremely-difficult flags from a
reviewed data file per province (places/data/, sources in places/data/SOURCES.md).

Only Quảng Trị (44) has a reviewed file so far (`quang-tri-communes.csv`); another province's
goes in places/data/communes-<code>.csv (same columns) once someone has checked it against the
official lists, and is read when an admin switches the province on
(households/services/provinces.py). Without one, a province's communes have both flags off.

Used by the data migrations, so every fresh database has them (`settings.PLACES_LOAD_PROVINCES`
chooses which provinces' communes: all, or only some — the test settings load Quảng Trị's 78
only), and by `manage.py load_communes`.
The flags are set here only for a new commune: an existing commune's flags change through
households/services/communes.py (`manage.py commune_flags`), which re-scores its households.
Works with the migrations' historical models too (before the province field existed).
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
# The province the deployment started in: active from the first migration.
HOME_PROVINCE = "44"
PROVINCE_CODE = int(HOME_PROVINCE)
# A province's reviewed file is places/data/communes-<code>.csv, except Quảng Trị's.
REVIEWED_FILES = {HOME_PROVINCE: "quang-tri-communes.csv"}
DATA_FILE = DATA_DIR / REVIEWED_FILES[HOME_PROVINCE]

# vietnam-provinces 2025.10.x (the newest on Python 3.11) codes Xã Phong Nha 19165, the code of
# the former TT Phong Nha; 2026.9.0 and the reviewed data file give 19138 (the seat's code under
# Resolution 1680/NQ-UBTVQH15). Applied to the package's data until the project moves to 3.12.
CODE_CORRECTIONS = {"19165": "19138"}

_KINDS = {"xã": "commune", "phường": "ward", "đặc khu": "special_zone"}


def province_code(value) -> str:
    """The two-digit official code of a province ("44"), from "44", 44 or "4"."""
    return f"{int(value):02d}"


def official_provinces() -> list[dict]:
    """[{"code", "name"}] of the 34 provinces and centrally-run cities, in official order."""
    from vietnam_provinces import Province

    return [
        {"code": province_code(p.code), "name": p.name}
        for p in sorted(Province.iter_all(), key=lambda p: int(p.code))
    ]


def official_units(province=PROVINCE_CODE) -> list[dict]:
    """[{"code", "name", "kind"}] of one province's commune-level units (codes corrected)."""
    from vietnam_provinces import ProvinceCode, Ward

    units = []
    for ward in Ward.iter_by_province(ProvinceCode(int(province))):
        code = f"{int(ward.code):05d}"
        units.append(
            {
                "code": CODE_CORRECTIONS.get(code, code),
                "name": ward.name,
                "kind": _KINDS[ward.division_type.value],
            }
        )
    return units


def reviewed_file(province=HOME_PROVINCE) -> Path | None:
    """The reviewed flags file of a province, or None when nobody has written one yet."""
    code = province_code(province)
    path = DATA_DIR / REVIEWED_FILES.get(code, f"communes-{code}.csv")
    return path if path.exists() else None


def reviewed_flags(province=HOME_PROVINCE) -> dict[str, dict]:
    """{commune code: its row of the reviewed file} ({} without a file)."""
    path = reviewed_file(province)
    if path is None:
        return {}
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def load_provinces(province_model) -> int:
    """Creates the provinces that are missing (the home province active) and refreshes the names
    of the others; their `active` is never changed here. Returns how many were created."""
    existing = {p.code: p for p in province_model.objects.all()}
    created = []
    for row in official_provinces():
        province = existing.get(row["code"])
        if province is None:
            created.append(
                province_model(
                    code=row["code"], name=row["name"], active=row["code"] == HOME_PROVINCE
                )
            )
        elif province.name != row["name"]:
            province.name = row["name"]
            province.save(update_fields=["name"])
    province_model.objects.bulk_create(created)
    return len(created)


def wanted_provinces(setting) -> list[str]:
    """The province codes `settings.PLACES_LOAD_PROVINCES` names: "all" (the default) or some."""
    if setting in (None, "", "all") or setting == ["all"]:
        return [row["code"] for row in official_provinces()]
    if isinstance(setting, str):
        setting = setting.split(",")
    return [province_code(code) for code in setting if str(code).strip()]


def load_communes(commune_model, provinces=(HOME_PROVINCE,), *, with_flags: bool = True) -> int:
    """Creates the missing communes of `provinces` (with their reviewed flags, where the province
    has a file, unless `with_flags` is False: switching a province on sets them through the
    households service, with an event each) and refreshes the name, kind and province of those
    that exist, without touching their flags. Returns how many were created."""
    has_province = any(f.name == "province" for f in commune_model._meta.get_fields())
    codes = [province_code(p) for p in provinces]
    existing = {c.code: c for c in commune_model.objects.all()}
    new, changed = [], []
    for code in codes:
        flags = reviewed_flags(code)
        for unit in official_units(code):
            row = flags.get(unit["code"], {})
            commune = existing.get(unit["code"])
            is_new = commune is None
            if is_new:
                commune = commune_model(code=unit["code"])
                if row and with_flags:
                    commune.is_mountain = row["mountain"] == "true"
                    commune.is_extremely_difficult = row["extremely_difficult"] == "true"
                    commune.flags_basis = row["basis"]
            before = (commune.name, commune.kind, getattr(commune, "province_id", None))
            before += (commune.old_districts, commune.legacy_sources)
            commune.name, commune.kind = unit["name"], unit["kind"]
            if has_province:
                commune.province_id = code
            if row:
                commune.old_districts = row["old_districts"]
                commune.legacy_sources = row["legacy_sources"]
            after = (commune.name, commune.kind, getattr(commune, "province_id", None))
            after += (commune.old_districts, commune.legacy_sources)
            if is_new:
                new.append(commune)
            elif before != after:
                changed.append(commune)
    commune_model.objects.bulk_create(new, batch_size=500)
    fields = ["name", "kind", "old_districts", "legacy_sources"]
    commune_model.objects.bulk_update(
        changed, [*fields, "province"] if has_province else fields, batch_size=500
    )
    return len(new)
