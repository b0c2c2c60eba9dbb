"""Issue 15, finding 16: lists people scan by eye are in Vietnamese alphabetical order."""

from core.collation import vietnamese_sort_key


def test_accented_letters_sort_with_their_letter_not_after_z():
    names = ["Xã Vĩnh Linh", "Xã Ái Tử", "Xã Ba Lòng", "Xã A Dơi", "Xã Đakrông", "Xã Dân Hóa"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Xã A Dơi",
        "Xã Ái Tử",
        "Xã Ba Lòng",
        "Xã Dân Hóa",
        "Xã Đakrông",
        "Xã Vĩnh Linh",
    ]


def test_the_letters_follow_the_vietnamese_alphabet():
    words = ["ư", "u", "ơ", "ô", "o", "đ", "d", "ê", "e", "â", "ă", "a", "b"]
    assert sorted(words, key=vietnamese_sort_key) == [
        "a", "ă", "â", "b", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư"
    ]  # fmt: skip


def test_tones_are_a_lesser_difference_in_dictionary_order():
    assert sorted(["ạ", "á", "ã", "ả", "à", "a"], key=vietnamese_sort_key) == [
        "a", "à", "ả", "ã", "á", "ạ"
    ]  # fmt: skip
    # The letters decide before the tones do: "Ai" (no tone) after "Ác".
    assert sorted(["Ai", "Ác"], key=vietnamese_sort_key) == ["Ác", "Ai"]


def test_composed_and_decomposed_text_sort_alike():
    import unicodedata

    word = "Ấn Độ"
    assert vietnamese_sort_key(unicodedata.normalize("NFD", word)) == vietnamese_sort_key(word)
