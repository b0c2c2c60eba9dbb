"""Vietnamese alphabetical order, for lists people scan by eye (communes, countries).

Python sorts by code point, which puts "Xã Ái Tử" after "Xã Vĩnh Linh" and "Đức" after "Zambia".
Vietnamese dictionaries order the letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
(foreign f j w z in their Latin places) and treat the five tones as a lesser difference, in the
order ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ); case matters least. This is that order
(as ICU's "vi" collation gives it), kept here so that no C library has to be installed for it.
"""

from __future__ import annotations

import unicodedata

# Letters in order; a letter with a breve, circumflex or horn is a letter of its own.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET, start=100)}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
# Tones, by their combining marks: (none), huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _units(text: str):
    """(letter with its letter-forming marks, tone rank, is upper case) per character. NFD splits
    "ặ" into a + breve + dot below; "đ" has no decomposition and is a letter of its own."""
    base, tone, upper = "", 0, False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and base:
            if char in _LETTER_MARKS:
                base += char
            else:
                tone = _TONE_RANK.get(char, tone)
            continue
        if base:
            yield base, tone, upper
        base, tone, upper = char.lower(), 0, char.isupper()
    if base:
        yield base, tone, upper


def vietnamese_sort_key(text: str) -> tuple:
    """A sort key giving Vietnamese alphabetical order: letters first, then tones, then case."""
    primary, secondary, tertiary = [], [], []
    for base, tone, upper in _units(text or ""):
        letter = unicodedata.normalize("NFC", base)
        if letter in _LETTER_RANK:
            rank = _LETTER_RANK[letter]
        elif letter.isspace():
            rank = 0  # a word ends before any letter follows: "A Dơi" before "Ái Tử"
        elif letter.isdigit():
            rank = 10 + int(letter) if letter.isascii() else 50
        else:
            rank = 60 + min(ord(letter), 10**6)  # punctuation and other scripts: after digits
        primary.append(rank)
        secondary.append(tone)
        tertiary.append(1 if upper else 0)
    return (tuple(primary), tuple(secondary), tuple(tertiary))
