"""Printed papers as PDF: the font, the text they can print, paragraphs that wrap, QR label sheets.

Every document is laid out with reportlab's platypus (Paragraphs and Tables inside a page frame):
text wraps inside its column and flows on to the next page, so nothing runs off the page or prints
over another block, whatever the length of a name or a village.

What the papers promise to print: text in the scripts written left to right without shaping —
Latin (Vietnamese with every diacritic, and the Latin-script languages of the province's peoples,
Bru-Vân Kiều and Pa Kô), Greek, Cyrillic — with digits, punctuation and the common symbols, in
DejaVu Sans (core/fonts/, free licence there), so a fresh machine with only Python prints correct
diacritics. reportlab neither reorders right-to-left text nor joins or shapes letters, and DejaVu
has no Chinese, Japanese, Korean or Thai: such text would print reversed, unjoined or as boxes.
So, decided once (docs/where-rules-live.md):

- fields that exist for the administration's papers (a household head's name, who received a
  phone and where, the carrier's name) refuse such text where it is typed, with a message on the
  field (`require_printable`, called by their services);
- any other text (a donor's or a company's name, a phone's model as the donor typed it) is
  accepted where it is typed, since the web pages show it well, and on paper each run of
  characters the paper cannot print is replaced by “[?]”, with a note at the foot of that paper.
  Emoji are never printed (the font's black-and-white look-alikes misrepresent them).

Text is made composed (NFC, core/text.py) before it is printed, and cut only between graphemes
(a letter with its marks), measured in points, never by counting code points: “Đức” never becomes
“Đu”.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import regex
import segno
from django.http import HttpResponse
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.errors import ApplicationError
from core.text import nfc

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
PLACEHOLDER = "[?]"
ELLIPSIS = "…"
MARGIN = 18 * mm
BOTTOM = 24 * mm  # the bottom margin holds the footer: the note on PLACEHOLDER, title, page

# Bidirectional classes of right-to-left text and of the invisible controls that reorder text.
_RTL = {"R", "AL", "AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "PDF", "PDI"}
_SCRIPTS = regex.compile(
    r"[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}\p{Script=Inherited}]"
)
_EMOJI = regex.compile(r"[\p{Emoji_Presentation}\p{Emoji_Modifier}\N{VARIATION SELECTOR-16}]")
_GRAPHEME = regex.compile(r"\X")
MAX_MARKS = 2  # a letter and at most two combining accents (Vietnamese has at most two)


def register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


@functools.cache
def _glyphs() -> frozenset[int]:
    """The code points both faces (regular and bold) can draw."""
    register_fonts()
    regular = pdfmetrics.getFont(REGULAR).face.charToGlyph
    bold = pdfmetrics.getFont(BOLD).face.charToGlyph
    return frozenset(regular) & frozenset(bold)


def _char_prints(char: str) -> bool:
    category = unicodedata.category(char)
    if category in {"Cc", "Cf", "Cs", "Co", "Cn"}:
        return False  # controls, invisible formatting (bidi overrides, zero widths), unassigned
    if unicodedata.bidirectional(char) in _RTL or _EMOJI.match(char):
        return False
    return bool(_SCRIPTS.match(char)) and ord(char) in _glyphs()


def grapheme_prints(grapheme: str) -> bool:
    """Whether a grapheme (a letter with its marks, a symbol, a space) prints as it should."""
    if grapheme.isspace():
        return True
    base, marks = grapheme[0], grapheme[1:]
    if unicodedata.category(base).startswith("M") or not _char_prints(base):
        return False
    return len(marks) <= MAX_MARKS and all(
        unicodedata.category(m) == "Mn" and 0x300 <= ord(m) <= 0x36F and _char_prints(m)
        for m in marks
    )


def graphemes(text: str) -> list[str]:
    return _GRAPHEME.findall(text)


def unprintable(value) -> list[str]:
    """The graphemes of `value` (made NFC) that the papers cannot print, each once, in order."""
    found = [g for g in graphemes(nfc(str(value or ""))) if not grapheme_prints(g)]
    return list(dict.fromkeys(found))


def _describe(grapheme: str) -> str:
    """A grapheme as a person can tell it apart: itself if it is visible, and its code points."""
    codes = " ".join(f"U+{ord(c):04X}" for c in grapheme)
    visible = any(unicodedata.category(c)[0] in "LNPS" for c in grapheme)
    return f"“{grapheme}” ({codes})" if visible else codes


def printable_message(value) -> str:
    """The refusal for a field whose text the papers cannot print; "" when it prints."""
    bad = unprintable(value)
    if not bad:
        return ""
    shown = ", ".join(_describe(g) for g in bad[:5]) + (", …" if len(bad) > 5 else "")
    return _(
        "This is printed on the handover papers, which can show Vietnamese and other text in "
        "Latin letters, but not emoji, right-to-left or other scripts, or invisible characters. "
        "Remove: %(chars)s"
    ) % {"chars": shown}


def require_printable(**fields) -> None:
    """ApplicationError with a message on each named field whose text the papers cannot print."""
    errors = {name: [m] for name, value in fields.items() if (m := printable_message(value))}
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid", fields=errors)


def clean(value) -> tuple[str, bool]:
    """`value` as it can be printed: NFC, whitespace made single spaces, each run of graphemes
    the papers cannot print replaced by PLACEHOLDER. And whether anything was replaced."""
    out: list[str] = []
    replaced = False
    for grapheme in graphemes(nfc(str(value if value is not None else ""))):
        if grapheme.isspace():
            out.append(" ")
        elif grapheme_prints(grapheme):
            out.append(grapheme)
        elif unicodedata.category(grapheme[0]) == "Cf" and len(grapheme) == 1:
            continue  # an invisible formatting character (zero width, bidi control): dropped
        else:
            replaced = True
            if not out or out[-1] != PLACEHOLDER:
                out.append(PLACEHOLDER)
    return " ".join("".join(out).split()), replaced


def fit(text: str, width: float, *, font: str = REGULAR, size: float = 8) -> str:
    """`text` cut (between graphemes, with “…”) so that it is at most `width` points wide."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    room = width - pdfmetrics.stringWidth(ELLIPSIS, font, size)
    kept, used = [], 0.0
    for grapheme in graphemes(text):
        used += pdfmetrics.stringWidth(grapheme, font, size)
        if used > room:
            break
        kept.append(grapheme)
    return "".join(kept).rstrip() + ELLIPSIS


# --- documents ------------------------------------------------------------------------------


def _style(name: str, **options) -> ParagraphStyle:
    base = {"fontName": REGULAR, "fontSize": 10, "leading": 13, "splitLongWords": 1}
    return ParagraphStyle(name, **{**base, **options})


STYLES = {
    "body": _style("body"),
    "small": _style("small", fontSize=8.5, leading=11),
    "bold": _style("bold", fontName=BOLD),
    "heading": _style("heading", fontName=BOLD, fontSize=11, leading=14, spaceBefore=6),
    "title": _style("title", fontName=BOLD, fontSize=16, leading=20, alignment=TA_CENTER),
    "centre": _style("centre", alignment=TA_CENTER),
    "centre_bold": _style("centre_bold", fontName=BOLD, alignment=TA_CENTER, fontSize=11),
    "cell": _style("cell", fontSize=8.5, leading=10.5),
    "cell_bold": _style("cell_bold", fontName=BOLD, fontSize=8.5, leading=10.5),
    "footnote": _style("footnote", fontSize=7, leading=8.5, textColor=colors.grey),
}


class Paper:
    """One document being made: paragraphs and tables of cleaned text, built into A4 pages with
    margins, page numbers, and the note on “[?]” when some text could not be printed."""

    def __init__(self, title: str, *, pagesize=A4):
        register_fonts()
        self.title = title
        self.pagesize = pagesize
        self.replaced = False
        self.width = pagesize[0] - 2 * MARGIN

    def text(self, value) -> str:
        """A value (a name, a model, a place) as it can be printed, escaped for a Paragraph."""
        cleaned, replaced = clean(value)
        self.replaced = self.replaced or replaced
        return escape(cleaned)

    def para(self, template: str, style: str = "body", **values) -> Paragraph:
        """A paragraph of `template` (a translated sentence, plain text) with `values` cleaned;
        the sentence wraps at the frame's width."""
        filled = escape(str(template))
        if values:
            filled %= {k: self.text(v) for k, v in values.items()}
        return Paragraph(filled, STYLES[style])

    def plain(self, value, style: str = "body") -> Paragraph:
        return Paragraph(self.text(value), STYLES[style])

    def rows(self, pairs: Iterable[tuple[str, object]], *, label_width: float = 48 * mm) -> Table:
        """A two-column table of labels and values, each cell wrapping in its column."""
        data = [
            [Paragraph(escape(label), STYLES["bold"]), self.plain(value)] for label, value in pairs
        ]
        table = Table(data, colWidths=[label_width, self.width - label_width], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    def grid(self, header: list[str], body: list[list], widths: list[float]) -> Table:
        """A table with a header row repeated on every page; cells are Paragraphs or text."""
        head = [Paragraph(escape(h), STYLES["cell_bold"]) for h in header]
        cells = [
            [c if isinstance(c, Paragraph | Spacer) else self.plain(c, "cell") for c in row]
            for row in body
        ]
        scale = self.width / sum(widths)
        table = Table([head, *cells], colWidths=[w * scale for w in widths], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def _note(self) -> str:
        return _(
            "%(mark)s marks characters this paper cannot print (emoji, or letters of another "
            "script); the full text is kept in the system."
        ) % {"mark": PLACEHOLDER}

    def _footer(self, pdf: canvas.Canvas, doc) -> None:
        pdf.saveState()
        if self.replaced:
            note = Paragraph(escape(self._note()), STYLES["footnote"])
            note.wrapOn(pdf, self.width, BOTTOM - 14 * mm)
            note.drawOn(pdf, MARGIN, 14 * mm)
        pdf.setFont(REGULAR, 7.5)
        pdf.setFillColor(colors.grey)
        title = fit(clean(self.title)[0], self.width - 30 * mm, size=7.5)
        pdf.drawString(MARGIN, 10 * mm, title)
        pdf.drawRightString(self.pagesize[0] - MARGIN, 10 * mm, str(doc.page))
        pdf.restoreState()

    def build(self, story: list) -> bytes:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=BOTTOM,
            title=self.title,
            author="Nối Sóng",
            pageCompression=1,
        )
        doc.build(story, onFirstPage=self._footer, onLaterPages=self._footer)
        return buffer.getvalue()


def signature_image(data: bytes, width: float, height: float):
    """A drawn signature scaled into width × height, keeping its shape."""
    from reportlab.platypus import Image

    reader = ImageReader(io.BytesIO(data))
    w, h = reader.getSize()
    scale = min(width / w, height / h)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale)


# --- QR labels -------------------------------------------------------------------------------

LABEL_COLUMNS = 3
LABEL_ROWS = 5
LABELS_PER_PAGE = LABEL_COLUMNS * LABEL_ROWS


@dataclass(frozen=True)
class Label:
    code: str  # the tracking code, printed large
    url: str  # what the QR opens
    caption: str  # the phone (brand and model), cut to the label's width


def qr_png(data: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    # The links are all alike (same length, same alphabet): a fixed mask pattern skips segno's
    # search over eight masks, which is most of the time spent on a label sheet.
    segno.make(data, error="m", mask=4, micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def label_sheet(labels: Iterable[Label], *, title: str) -> bytes:
    """A4 sheets of labels, 15 a page (70 × 59 mm each): a QR to the tracking page, the code in
    large letters, the phone in one line cut between graphemes to the label's width."""
    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("Nối Sóng")
    width, height = A4
    cell_w = width / LABEL_COLUMNS
    cell_h = (height - 2 * mm) / LABEL_ROWS
    text_w = cell_w - 8 * mm
    for index, label in enumerate(labels):
        slot = index % LABELS_PER_PAGE
        if index and slot == 0:
            pdf.showPage()
        col, row = slot % LABEL_COLUMNS, slot // LABEL_COLUMNS
        x = col * cell_w
        y = height - (row + 1) * cell_h
        pdf.setStrokeColorRGB(0.8, 0.8, 0.8)
        pdf.rect(x + 2 * mm, y + 2 * mm, cell_w - 4 * mm, cell_h - 4 * mm)
        qr_size = 36 * mm
        pdf.drawImage(
            ImageReader(io.BytesIO(qr_png(label.url))),
            x + (cell_w - qr_size) / 2,
            y + cell_h - qr_size - 4 * mm,
            qr_size,
            qr_size,
        )
        pdf.setFont(BOLD, 17)
        pdf.drawCentredString(
            x + cell_w / 2, y + 11 * mm, fit(label.code, text_w, font=BOLD, size=17)
        )
        pdf.setFont(REGULAR, 8)
        caption = fit(clean(label.caption)[0], text_w, size=8)
        pdf.drawCentredString(x + cell_w / 2, y + 6 * mm, caption)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_response(content: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """A PDF shown in the browser (or downloaded), never cached (papers name people)."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
