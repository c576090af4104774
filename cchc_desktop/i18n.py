"""One string system for the command line, the reports and the window: gettext through babel.

Message ids are Vietnamese, the first language of the program; English (and any other language) is a
``.po`` catalogue in ``resources/translations/<lang>/LC_MESSAGES/cchc.po``, read at start-up (no compiled
``.mo`` is kept in the repository).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "cchc"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"
DEFAULT_LANGUAGE = "vi"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


class _CatalogTranslations(gettext.NullTranslations):
    """Translations read straight from a babel catalogue (a ``.po`` file)."""

    def __init__(self, po_path: Path) -> None:
        super().__init__()
        from babel.messages.pofile import read_po  # only when a translation is used: keeps start-up short

        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        self._messages: dict[str, str | tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or message.fuzzy or not message.string:
                continue
            key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
            self._messages[key] = message.string if isinstance(message.string, str) else tuple(message.string)

    def gettext(self, message: str) -> str:
        found = self._messages.get(message)
        return found if isinstance(found, str) and found else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._messages.get(singular)
        if isinstance(found, tuple) and len(found) >= 2:
            return found[0] if n == 1 else found[1]
        return singular if n == 1 else plural


def available_languages() -> list[str]:
    found = [p.name for p in TRANSLATIONS_DIR.glob("*") if (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists()]
    return [DEFAULT_LANGUAGE, *sorted(found)]


def set_language(language: str | None = None) -> str:
    """Switch every later ``_()`` call to ``language`` (default: $CCHC_LANG, else Vietnamese)."""
    global _translations, _language
    language = (language or os.environ.get("CCHC_LANG") or DEFAULT_LANGUAGE).split("_")[0].lower()
    po_path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language != DEFAULT_LANGUAGE and po_path.exists():
        _translations = _CatalogTranslations(po_path)
        _language = language
    else:
        _translations = gettext.NullTranslations()
        _language = DEFAULT_LANGUAGE
    return _language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)
