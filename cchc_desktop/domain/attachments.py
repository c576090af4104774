"""Scanned files of a dossier (issue 21): each document's, and the result's. A document counts as digitised when
a file of it is attached; a dossier when every one of its documents is; its result when a file of the result is.

The bytes are kept outside the database, in a folder beside it, named by their SHA-256 (``store_name``): the same
file attached twice is kept once, and a file changed on disk no longer matches its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cchc_desktop.domain.choices import Choice

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024  # a scanned dossier of a few dozen pages; a larger file is refused


class Media(Choice):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "Ảnh JPEG"
    PNG = "png", "Ảnh PNG"

    @property
    def suffix(self) -> str:
        return {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}[self.value]


MAGIC = ((b"%PDF-", Media.PDF), (b"\xff\xd8\xff", Media.JPEG), (b"\x89PNG\r\n\x1a\n", Media.PNG))


def media_of(head: bytes) -> Media | None:
    """The kind of file whose first bytes are ``head`` (read from the content, never from the name)."""
    for magic, media in MAGIC:
        if head.startswith(magic):
            return media
    return None


def store_name(sha256: str, media: Media) -> str:
    """Where a file lives inside the store: ``ab/abcdef….pdf`` (a sub-folder per first byte keeps folders small)."""
    return f"{sha256[:2]}/{sha256}{media.suffix}"


@dataclass(frozen=True)
class Attachment:
    id: int
    dossier_id: int
    document: int | None  # the dossier_document's id; None: the result
    sha256: str
    size: int
    media: Media
    name: str  # the file's name when attached
    added_at: datetime
    added_by: int | None = None

    @property
    def is_result(self) -> bool:
        return self.document is None
