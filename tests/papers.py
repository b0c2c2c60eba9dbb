"""Reading the PDFs the project prints, as a person would read the paper: the text of each page
(pdfplumber, on pdfminer) and the box of every character, to prove that what a paper must show
is there in full, inside the page's printable area, and not printed over other text."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import pdfplumber
from reportlab.lib.units import mm

from core.pdf import MARGIN

EPSILON = 0.5  # points


@dataclass
class Read:
    pages: list[str]  # each page's text, whitespace made single spaces
    chars: list[list[dict]]  # each page's characters with their boxes
    sizes: list[tuple[float, float]]  # each page's width and height

    @property
    def text(self) -> str:
        return " ".join(self.pages)


def read(content: bytes) -> Read:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return Read(
            pages=[
                " ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in pdf.pages
            ],
            chars=[list(p.chars) for p in pdf.pages],
            sizes=[(float(p.width), float(p.height)) for p in pdf.pages],
        )


def table_rows(content: bytes) -> list[list[str]]:
    """The rows of the ruled tables of every page, each cell's wrapped lines joined by spaces."""
    rows = []
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows += [[spaced(cell or "") for cell in row] for row in table]
    return rows


def spaced(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def assert_shows(paper: Read, *items: str) -> None:
    """Every item appears in full (a wrapped one across lines, so compared with single spaces)."""
    for item in items:
        assert spaced(item) in paper.text, f"{item!r} is not on the paper: {paper.text[:3000]}"


def assert_inside(paper: Read, *, margin: float = MARGIN, vertical: float = 8 * mm) -> None:
    """Every character lies within the page: inside the side margins, and at least `vertical`
    from the top and bottom edges (the footer sits in the bottom margin, still 8 mm in)."""
    for number, (chars, (width, height)) in enumerate(zip(paper.chars, paper.sizes, strict=True)):
        for c in chars:
            where = f"page {number + 1}: {c['text']!r} at x {c['x0']:.1f}–{c['x1']:.1f}, top {c['top']:.1f}"
            assert c["x0"] >= margin - EPSILON, where
            assert c["x1"] <= width - margin + EPSILON, where
            assert c["top"] >= vertical - EPSILON, where
            assert c["bottom"] <= height - vertical + EPSILON, where


def _overlap(a: dict, b: dict) -> float:
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return w * h if w > 0 and h > 0 else 0.0


def assert_no_overprint(paper: Read) -> None:
    """No two visible characters share more than a fifth of the smaller one's box: no text
    printed over other text. (A grid of 10-point cells keeps the comparison short.)"""
    for number, chars in enumerate(paper.chars):
        visible = [c for c in chars if c["text"].strip() and c["x1"] - c["x0"] > EPSILON]
        cells: dict[tuple[int, int], list[int]] = {}
        for index, c in enumerate(visible):
            for gx in range(int(c["x0"] // 10), int(c["x1"] // 10) + 1):
                for gy in range(int(c["top"] // 10), int(c["bottom"] // 10) + 1):
                    cells.setdefault((gx, gy), []).append(index)
        for members in cells.values():
            for i, a_index in enumerate(members):
                a = visible[a_index]
                for b_index in members[i + 1 :]:
                    b = visible[b_index]
                    smaller = min(
                        (a["x1"] - a["x0"]) * (a["bottom"] - a["top"]),
                        (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]),
                    )
                    assert _overlap(a, b) <= 0.2 * smaller, (
                        f"page {number + 1}: {a['text']!r} and {b['text']!r} overprint at "
                        f"({a['x0']:.1f}, {a['top']:.1f})"
                    )


def assert_well_printed(content: bytes, *items: str) -> Read:
    paper = read(content)
    assert_shows(paper, *items)
    assert_inside(paper)
    assert_no_overprint(paper)
    return paper
