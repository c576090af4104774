"""``Choice``: an enumeration stored by its English key and shown by its Vietnamese label."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from cchc_desktop.i18n import _
from cchc_desktop.text import fold


class Choice(StrEnum):
    """Members are declared as ``KEY = "key", "Nhãn tiếng Việt"``."""

    _label_: str

    def __new__(cls, value: str, label: str = "") -> Self:  # (a default only so that a type checker reads
        # ``Kind("key")``, the lookup of a member by its key, as the call it is)
        member = str.__new__(cls, value)
        member._value_ = value
        member._label_ = label
        return member

    @property
    def label(self) -> str:
        """The label in the current language (Vietnamese by default)."""
        return _(self._label_)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Find a member by its key or its Vietnamese label, ignoring case and diacritics."""
        wanted = fold(text)
        for member in cls:
            if wanted in (member.value, fold(member._label_)):
                return member
        raise ValueError(text)

    @classmethod
    def sql_values(cls) -> str:
        """``'a', 'b', 'c'``: the keys as an SQL list (tests compare them with the schema's CHECKs)."""
        return ", ".join(f"'{member.value}'" for member in cls)
