"""The public progress page's two pictures, drawn on the server as SVG (no script, no CDN):
phones delivered per month, and the communes as tiles coloured by coverage, grouped by the
district they belonged to before the 2025 merger. No package or open dataset offers the
boundaries of the new (2025) communes offline, so the map is a tile grid: one row per former
district, north to south, one tile per commune. Geometry only here; words live in templates."""

from __future__ import annotations

from datetime import date

MONTHS_SHOWN = 12

# Former districts from north to south (Quảng Bình, then Quảng Trị): the rows of the tile map.
DISTRICT_ORDER = (
    "Huyện Minh Hóa",
    "Huyện Tuyên Hóa",
    "Huyện Quảng Trạch",
    "Thị xã Ba Đồn",
    "Huyện Bố Trạch",
    "Thành phố Đồng Hới",
    "Huyện Quảng Ninh",
    "Huyện Lệ Thủy",
    "Huyện Vĩnh Linh",
    "Huyện Cồn Cỏ",
    "Huyện Gio Linh",
    "Thành phố Đông Hà",
    "Huyện Cam Lộ",
    "Huyện Hướng Hóa",
    "Huyện Triệu Phong",
    "Thị xã Quảng Trị",
    "Huyện Đa Krông",
    "Huyện Hải Lăng",
)

# Coverage bands: (lowest percentage, css class). "none": no verified household yet.
BANDS = ((100, "c-full"), (75, "c-75"), (50, "c-50"), (25, "c-25"), (1, "c-1"), (0, "c-0"))


def _month_keys(today: date, count: int) -> list[str]:
    year, month = today.year, today.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def months_chart(per_month: dict[str, int], *, today: date) -> dict:
    """Columns for the last MONTHS_SHOWN months up to `today`'s (viewBox 0 0 340 170: 12
    columns of 24 units, 4 apart, bars up to 120 units tall above a baseline at y=140)."""
    keys = _month_keys(today, MONTHS_SHOWN)
    top = max([per_month.get(k, 0) for k in keys] + [1])
    bars = []
    for i, key in enumerate(keys):
        n = per_month.get(key, 0)
        height = round(120 * n / top) if n else 0
        x = 22 + i * 26
        year, month = (int(part) for part in key.split("-"))
        bars.append(
            {
                "key": key,
                "month": date(year, month, 1),
                "devices": n,
                "x": x,
                "y": 140 - height,
                "height": height,
                "mid": x + 11,
                "value_y": 140 - height - 4,
            }
        )
    return {
        "bars": bars,
        "top": top,
        "total": sum(b["devices"] for b in bars),
        "earlier": sum(n for k, n in per_month.items() if k < keys[0]),
    }


def _district(old_districts: str) -> str:
    """ "Huyện Hướng Hóa (Quảng Trị)" → "Huyện Hướng Hóa" (the first one, if several)."""
    first = (old_districts or "").split(";")[0]
    return first.split(" (")[0].strip()


def _band(verified: int, served: int) -> tuple[str, int | None]:
    if not verified:
        return "c-none", None
    pct = min(100, round(100 * served / verified))
    if served and pct == 0:
        pct = 1
    return next(css for low, css in BANDS if pct >= low), pct


TILE, GAP, LABEL_WIDTH, ROW = 28, 4, 86, 32
PREFIXES = ("Huyện ", "Thị xã ", "Thành phố ")  # left out on the map, where room is short


def _short(district: str) -> str:
    for prefix in PREFIXES:
        if district.startswith(prefix):
            return district[len(prefix) :]
    return district


def coverage_map(rows: list[dict], districts: dict[str, str]) -> dict:
    """The tile map: rows of the stats (progress.selectors) grouped by former district in
    DISTRICT_ORDER (any other district after them, by name), each tile with its band."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(_district(districts.get(row["code"], "")), []).append(row)
    order = [d for d in DISTRICT_ORDER if d in groups]
    order += sorted(d for d in groups if d not in DISTRICT_ORDER)
    lines = []
    widest = 0
    for index, name in enumerate(order):
        y = index * ROW
        tiles = []
        for column, row in enumerate(sorted(groups[name], key=lambda r: r["name"])):
            css, pct = _band(row["households_verified"], row["households_served"])
            tiles.append(
                {
                    **row,
                    "band": css,
                    "pct": pct,
                    "x": LABEL_WIDTH + column * (TILE + GAP),
                    "y": y + 2,
                }
            )
        widest = max(widest, len(tiles))
        lines.append(
            {
                "district": name or "—",
                "short": _short(name) or "—",
                "y": y,
                "text_y": y + 20,
                "tiles": tiles,
            }
        )
    width = LABEL_WIDTH + max(widest, 1) * (TILE + GAP)
    return {"districts": lines, "width": width, "height": max(len(lines), 1) * ROW, "tile": TILE}
