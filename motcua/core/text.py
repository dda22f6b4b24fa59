"""Text normalisation for user input and diacritic-insensitive search (STYLE rule 9)."""

import unicodedata


def normalize(text: str) -> str:
    """Return ``text`` in Unicode NFC with surrounding and repeated blanks removed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def normalize_lines(text: str | None) -> str:
    """Return a multi-line ``text`` with each line normalised and blank lines at either end
    removed (line breaks inside are kept)."""
    return "\n".join(normalize(line) for line in (text or "").strip().splitlines()).strip()


def fold(text: str) -> str:
    """Return a lowercase, diacritic-free form for searching ("Đống Đa" -> "dong da")."""
    decomposed = unicodedata.normalize("NFD", normalize(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
