"""What the papers can print (core/pdf.py): NFC, graphemes never cut inside, the font's reach,
and text it cannot print refused on entry or replaced visibly."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import pdf
from core.errors import ApplicationError
from tests.papers import assert_inside, read

DUC_NFD = unicodedata.normalize("NFD", "Đức")
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐỨỒẪ "
)


def test_every_vietnamese_letter_prints_in_both_faces():
    letters = VIETNAMESE + VIETNAMESE.upper()
    assert pdf.unprintable(letters) == []
    assert pdf.unprintable(unicodedata.normalize("NFD", letters)) == []  # composed first


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("Anh Ba 😀", ["😀"]),
        ("Nhà 👨\u200d👩\u200d👧", ["👨\u200d👩\u200d👧"]),  # one grapheme, refused whole
        ("Ali مرحبا", ["م", "ر", "ح", "ب", "ا"]),  # right to left, unjoined: never printed
        ("שלום", ["ש", "ל", "ו", "ם"]),
        ("株式会社", ["株", "式", "会", "社"]),  # no glyphs
        ("ภาษา", ["ภ", "า", "ษ"]),  # no glyphs
        ("\u202eabc", ["\u202e"]),  # a bidi override
        ("a\u0301\u0302\u0303\u0304", ["á\u0302\u0303\u0304"]),  # stacked accents
    ],
)
def test_what_the_papers_cannot_print(text, bad):
    found = pdf.unprintable(text)
    assert found[: len(bad)] == bad
    assert pdf.printable_message(text)


def test_a_refusal_names_the_characters_in_vietnamese():
    message = pdf.printable_message("Hồ Văn 😀\u202e")
    assert "😀" in message and "U+1F600" in message and "U+202E" in message
    assert "Hãy bỏ" in message  # the test language is Vietnamese
    with pytest.raises(ApplicationError) as refused:
        pdf.require_printable(head_name="Hồ Văn 😀", place="Bản A Vao")
    assert set(refused.value.fields) == {"head_name"}


def test_stored_text_is_replaced_visibly_never_dropped_silently():
    assert pdf.clean("Công ty 😀 ABC") == ("Công ty [?] ABC", True)
    assert pdf.clean("株式会社ABC") == ("[?]ABC", True)  # a run is one mark
    assert pdf.clean("Ali مرحبا") == ("Ali [?]", True)
    assert pdf.clean(unicodedata.normalize("NFD", "Hồ Thị Xuyến")) == ("Hồ Thị Xuyến", False)
    assert pdf.clean("zero\u200bwidth\u202e") == ("zerowidth", False)  # invisible: dropped


def test_a_cut_keeps_each_letter_with_its_accents():
    """“Đức” typed decomposed is never cut to “Đu”: the cut falls between graphemes."""
    name = f"Nguyễn {DUC_NFD} " * 8
    width = pdf.pdfmetrics.stringWidth("Nguyễn Đ", pdf.REGULAR, 8) + 1
    cut = pdf.fit(pdf.clean(name)[0], width)
    assert cut.endswith("…") and "Đu" not in cut


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=VIETNAMESE + "😀\u0301\u0323", min_size=1, max_size=60),
    width=st.floats(min_value=5, max_value=200),
)
def test_a_cut_is_a_prefix_of_whole_graphemes_and_fits(text, width):
    pdf.register_fonts()
    text = unicodedata.normalize("NFC", text)
    cut = pdf.fit(text, width)
    if cut == text:
        assert pdf.pdfmetrics.stringWidth(text, pdf.REGULAR, 8) <= width
        return
    kept = cut.removesuffix("…")
    graphemes = pdf.graphemes(text)
    prefixes = {"".join(graphemes[:n]).rstrip() for n in range(len(graphemes) + 1)}
    assert kept in prefixes
    assert pdf.pdfmetrics.stringWidth(cut, pdf.REGULAR, 8) <= max(
        width, pdf.pdfmetrics.stringWidth("…", pdf.REGULAR, 8)
    )


def test_a_label_caption_is_cut_between_graphemes_inside_its_label(settings):
    settings.SITE_URL = "https://noisong.example.vn"
    labels = [
        pdf.Label(
            f"NS-00000{n}", f"https://noisong.example.vn/t/NS-00000{n}", f"Nokia {DUC_NFD} " * 9
        )
        for n in range(3)
    ]
    paper = read(pdf.label_sheet(labels, title="Tem"))
    assert "Đức" in paper.text and "Đu" not in paper.text.replace("Đức", "")
    assert_inside(paper, margin=2 * pdf.mm, vertical=1 * pdf.mm)
