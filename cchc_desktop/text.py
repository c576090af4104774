"""Text normalisation: NFC for storage, a folded form (no diacritics, lower case, đ → d) for search."""

from __future__ import annotations

import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


# C0 and C1 control characters (NUL, escape…) read as spaces: pasted or imported, they are never meant.
_CONTROLS = {code: " " for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}


def clean(text: str | None) -> str:
    """NFC, control characters as spaces, stripped, inner runs of white space collapsed to one space."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).translate(_CONTROLS).split())


def clean_lines(text: str | None) -> str:
    """``clean`` line by line, the empty lines dropped: a list typed one item a line keeps its items."""
    return "\n".join(line for line in (clean(part) for part in (text or "").splitlines()) if line)


def fold(text: str | None) -> str:
    """``Nguyễn Văn Ấn`` → ``nguyen van an``; ``Đặng`` → ``dang``."""
    decomposed = unicodedata.normalize("NFD", clean(text).translate(_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
