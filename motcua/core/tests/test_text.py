import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import fold, normalize


def test_normalize_composes_vietnamese_and_collapses_blanks():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn  An ")
    assert normalize(decomposed) == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", normalize(decomposed))


def test_fold_removes_diacritics_and_maps_d_bar():
    assert fold("Đống Đa") == "dong da"
    assert fold("Khai sinh") == fold("khai sinh") == "khai sinh"
    assert fold("Thường Tín – Phú Xuyên") == "thuong tin – phu xuyen"


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_invisible_characters_are_removed_and_a_name_of_them_alone_is_empty():
    from motcua.core.text import scrub

    assert normalize("\u200b\u200d\u2060") == ""
    assert normalize("Nguy\u200bễn\ufeff Văn\u202e An") == "Nguyễn Văn An"
    assert scrub("a\x00b\x07c\td\u200be") == "abc\tde"


@given(st.text())
def test_a_cleaned_text_has_nothing_left_to_clean(text):
    from motcua.core.text import UNCLEAN, has_control, scrub

    assert UNCLEAN.search(scrub(text)) is None
    assert not has_control(normalize(scrub(text)))
