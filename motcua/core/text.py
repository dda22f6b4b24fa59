"""Text normalisation for user input and diacritic-insensitive search (STYLE rule 9)."""

import re
import unicodedata

#: C0 and C1 control characters except tab, line feed and carriage return, and DEL. No one
#: types them; PostgreSQL refuses NUL in text (a 500 before this rule) and the others hide in
#: logs and exports. Input that carries one is refused (API) or has it removed (forms).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Invisible format characters (Unicode category Cf that Vietnamese never needs): soft hyphen,
#: zero-width space, joiners and word joiner, direction marks and overrides, invisible
#: operators, byte-order mark, interlinear annotation and tag characters. They are removed, so
#: that a name made only of them is empty and a name cannot be spoofed with them.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]"
)

#: Either kind: a string that matches neither needs no work (the common case, tested first).
UNCLEAN = re.compile(CONTROL.pattern[:-1] + INVISIBLE.pattern[1:])


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character other than tab and line breaks."""
    return CONTROL.search(text) is not None


def strip_invisible(text: str) -> str:
    """Return ``text`` without invisible format characters."""
    return INVISIBLE.sub("", text)


def scrub(text: str) -> str:
    """Return ``text`` without control and invisible characters (forms' normalisation)."""
    return INVISIBLE.sub("", CONTROL.sub("", text))


def normalize(text: str) -> str:
    """Return ``text`` in Unicode NFC without invisible characters, with surrounding and
    repeated blanks removed."""
    return " ".join(INVISIBLE.sub("", unicodedata.normalize("NFC", text)).split())


def normalize_lines(text: str | None) -> str:
    """Return a multi-line ``text`` with each line normalised and blank lines at either end
    removed (line breaks inside are kept)."""
    return "\n".join(normalize(line) for line in (text or "").strip().splitlines()).strip()


def fold(text: str) -> str:
    """Return a lowercase, diacritic-free form for searching ("Đống Đa" -> "dong da")."""
    decomposed = unicodedata.normalize("NFD", normalize(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
