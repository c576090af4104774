"""The serif family of official papers: Times New Roman, else the metric-compatible Liberation Serif.

Nghị định 30/2020 asks for Times New Roman (Unicode). The four faces are looked up at run time
(``resources/fonts`` first, then the system's font folders, then ``fc-match``), checked for the
Vietnamese letters, and registered with reportlab as one family, :data:`FAMILY`, so that ``<b>`` and
``<i>`` in paragraphs pick the right face. A family without full Vietnamese coverage is never used:
without a suitable font :class:`FontNotFoundError` tells the user what to install.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _

log = logging.getLogger("cchc.reports")

FAMILY = "CCHCSerif"
"""The name every report uses; its faces are ``FAMILY``, ``FAMILY-Bold``, ``-Italic``, ``-BoldItalic``."""

STYLES = ("regular", "bold", "italic", "bold_italic")
_FACE_NAMES = {
    "regular": FAMILY,
    "bold": f"{FAMILY}-Bold",
    "italic": f"{FAMILY}-Italic",
    "bold_italic": f"{FAMILY}-BoldItalic",
}
_FC_STYLES = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bold_italic": "Bold Italic"}

# File names (lower case) of each face, in order of preference: Windows, msttcorefonts, macOS, Liberation.
CANDIDATES: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = (
    ("Times New Roman", {
        "regular": ("times.ttf", "times_new_roman.ttf", "times new roman.ttf", "timesnewroman.ttf"),
        "bold": ("timesbd.ttf", "times_new_roman_bold.ttf", "times new roman bold.ttf", "timesnewromanbold.ttf"),
        "italic": ("timesi.ttf", "times_new_roman_italic.ttf", "times new roman italic.ttf",
                   "timesnewromanitalic.ttf"),
        "bold_italic": ("timesbi.ttf", "times_new_roman_bold_italic.ttf", "times new roman bold italic.ttf",
                        "timesnewromanbolditalic.ttf"),
    }),
    ("Liberation Serif", {
        "regular": ("liberationserif-regular.ttf",),
        "bold": ("liberationserif-bold.ttf",),
        "italic": ("liberationserif-italic.ttf",),
        "bold_italic": ("liberationserif-bolditalic.ttf",),
    }),
)

# Every letter of the Vietnamese alphabet that is not plain ASCII, both cases.
VIETNAMESE = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
    "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
)

RESOURCE_FONTS = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"

SEARCH_DIRS: Sequence[Path] | None = None
"""Folders to search instead of :func:`default_font_dirs` (tests point this at an empty folder)."""

FC_MATCH: str | None = shutil.which("fc-match")
"""The fontconfig matcher, asked when the folders have no suitable family; None to skip it."""


class FontNotFoundError(CchcError):
    """No Times New Roman–metric serif with the Vietnamese letters is installed."""

    def __init__(self) -> None:
        if sys.platform.startswith("win"):  # Windows ships Times New Roman: it was removed or damaged
            super().__init__(_(
                "Không tìm thấy phông chữ Times New Roman có đủ dấu tiếng Việt để in văn bản (Windows có sẵn phông "
                "này trong thư mục {folder}). Hãy cài lại phông Times New Roman (times.ttf, timesbd.ttf, timesi.ttf, "
                "timesbi.ttf), rồi thử lại."
            ).format(folder=windows_fonts_dir()))
            return
        super().__init__(_(
            "Không tìm thấy phông chữ Times New Roman hoặc Liberation Serif có đủ dấu tiếng Việt để in văn bản. "
            "Hãy cài gói fonts-liberation2 (Debian/Ubuntu: sudo apt install fonts-liberation2) "
            "hoặc phông Times New Roman, rồi thử lại."
        ))


@dataclass(frozen=True)
class FontFamily:
    """The registered family: reportlab's name for it, the family found and its four files."""

    name: str
    source: str
    files: dict[str, Path]


def windows_fonts_dir() -> Path:
    """Windows's fonts folder, ``%WINDIR%\\Fonts`` (fonts installed for this user only are in
    ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``)."""
    return Path(os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows") / "Fonts"


def default_font_dirs() -> list[Path]:
    """The bundled fonts folder, then the usual font folders of Windows, macOS and Linux."""
    home = Path.home()
    dirs = [RESOURCE_FONTS]
    if sys.platform.startswith("win"):
        dirs.append(windows_fonts_dir())
        if local := os.environ.get("LOCALAPPDATA"):
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    else:
        data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
        dirs += [
            Path("/usr/share/fonts/truetype/msttcorefonts"),
            Path("/usr/share/fonts/truetype/liberation2"),
            Path("/usr/share/fonts/truetype/liberation"),
            data_home / "fonts", home / ".fonts", Path("/usr/local/share/fonts"), Path("/usr/share/fonts"),
        ]
    return dirs


def _index(dirs: Iterable[Path]) -> dict[str, Path]:
    """Lower-case file name → first path found, walking each folder recursively."""
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith(".ttf"):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


def _from_folders(dirs: Iterable[Path]) -> Iterable[tuple[str, dict[str, Path]]]:
    index = _index(dirs)
    for family, names in CANDIDATES:
        files = {style: next((index[n] for n in names[style] if n in index), None) for style in STYLES}
        if all(files.values()):
            yield family, {style: path for style, path in files.items() if path is not None}


def _from_fontconfig() -> Iterable[tuple[str, dict[str, Path]]]:
    if not FC_MATCH:
        return
    for family, _names in CANDIDATES:
        files: dict[str, Path] = {}
        for style in STYLES:
            try:
                out = subprocess.run(
                    [FC_MATCH, "-f", "%{family}|%{file}", f"{family}:style={_FC_STYLES[style]}"],
                    capture_output=True, text=True, timeout=10, check=True,
                ).stdout
            except (OSError, subprocess.SubprocessError):
                return
            matched, _sep, file = out.partition("|")
            # fc-match always answers; an alias (Times New Roman → Liberation Serif) or a fallback
            # (DejaVu Sans) must not pass for the family asked.
            if family not in [name.strip() for name in matched.split(",")] or not file.lower().endswith(".ttf"):
                break
            files[style] = Path(file)
        if len(files) == len(STYLES) and len(set(files.values())) == len(STYLES):
            yield family, files


def _load(family: str, files: dict[str, Path]) -> dict[str, TTFont] | None:
    """The four faces, or None when a file cannot be read or lacks a Vietnamese letter."""
    faces: dict[str, TTFont] = {}
    for style in STYLES:
        try:
            face = TTFont(_FACE_NAMES[style], str(files[style]))
        except (OSError, TTFError) as exc:
            log.warning("Font %s unusable: %s", files[style], exc)
            return None
        missing = [ch for ch in VIETNAMESE if ord(ch) not in face.face.charToGlyph]
        if missing:
            log.warning("Font %s (%s) lacks %d Vietnamese letters, e.g. %s", family, files[style],
                        len(missing), "".join(missing[:5]))
            return None
        faces[style] = face
    return faces


@functools.cache
def register_fonts() -> FontFamily:
    """Find, check and register the serif family once; raises :class:`FontNotFoundError`."""
    dirs = default_font_dirs() if SEARCH_DIRS is None else list(SEARCH_DIRS)
    for source in (_from_folders(dirs), _from_fontconfig()):
        for family, files in source:
            faces = _load(family, files)
            if faces is None:
                continue
            for face in faces.values():
                pdfmetrics.registerFont(face)
            pdfmetrics.registerFontFamily(
                FAMILY, normal=_FACE_NAMES["regular"], bold=_FACE_NAMES["bold"],
                italic=_FACE_NAMES["italic"], boldItalic=_FACE_NAMES["bold_italic"],
            )
            log.info("Report font: %s (%s)", family, files["regular"])
            return FontFamily(FAMILY, family, files)
    raise FontNotFoundError


def face(*, bold: bool = False, italic: bool = False) -> str:
    """The registered name of one face (registers the family first)."""
    register_fonts()
    style = "bold_italic" if bold and italic else "bold" if bold else "italic" if italic else "regular"
    return _FACE_NAMES[style]
