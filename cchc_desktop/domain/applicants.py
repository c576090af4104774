"""The applicant's identity fields as the desk, the import and the demo store them: one rule for each.

Each function returns the value to store (None for nothing given) and whether it is acceptable; the caller words
the problem for its place (a form field, a numbered line of a file).
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def id_number(text: str) -> tuple[str | None, bool]:
    """An identity paper's number (CCCD: 12 digits, old CMND: 9), spaces dropped."""
    number = _SPACES.sub("", text or "")
    return number or None, not number or (number.isascii() and number.isdigit() and len(number) in (9, 12))


def phone(text: str) -> tuple[str | None, bool]:
    """A Vietnamese phone number: 10 or 11 digits once spaces, dots, dashes and brackets are dropped; +84 is 0."""
    number = _PHONE_SEPARATORS.sub("", text or "")
    if number.startswith("+84"):
        number = "0" + number[3:]
    return number or None, not number or (number.isascii() and number.isdigit() and 10 <= len(number) <= 11)


def email(text: str) -> tuple[str | None, bool]:
    """An e-mail address, as typed."""
    address = (text or "").strip()
    return address or None, not address or bool(_EMAIL.match(address))
