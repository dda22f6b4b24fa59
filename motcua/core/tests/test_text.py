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
