"""Scanned files of dossiers (``attachment``) and the dossiers' digitisation flags they set. Write functions are
called inside the service's ``with writing(db):``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from db.handle import Database
from db.queries import inserted_id
from db.queries.rows import dicts

Row = dict[str, Any]

_COLUMNS = "a.id, a.dossier_id, a.document, a.sha256, a.size, a.media, a.name, a.added_at, a.added_by"


def of_dossier(db: Database, dossier_id: int) -> list[Row]:
    """The dossier's files: the documents' in the documents' order, then the result's; each in the order added."""
    return dicts(db.execute(
        f"SELECT {_COLUMNS}, doc.name AS document_name, u.full_name AS added_by_name FROM attachment a"
        " LEFT JOIN dossier_document doc ON doc.id = a.document LEFT JOIN \"user\" u ON u.id = a.added_by"
        " WHERE a.dossier_id = ? ORDER BY a.document IS NULL, a.document, a.id", [dossier_id]))


def attachment(db: Database, attachment_id: int) -> Row | None:
    found = dicts(db.execute(f"SELECT {_COLUMNS} FROM attachment a WHERE a.id = ?", [attachment_id]))
    return found[0] if found else None


def exists(db: Database, dossier_id: int, document: int | None, sha256: str) -> bool:
    return db.execute("SELECT 1 FROM attachment WHERE dossier_id = ? AND coalesce(document, 0) = ? AND sha256 = ?",
                      [dossier_id, document or 0, sha256]).fetchone() is not None


def insert(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(
        db,
        "INSERT INTO attachment (dossier_id, document, sha256, size, media, name, added_at, added_by)"
        " VALUES (:dossier_id, :document, :sha256, :size, :media, :name, :added_at, :added_by)", dict(values))


def delete(db: Database, attachment_id: int) -> None:
    db.execute("DELETE FROM attachment WHERE id = ?", [attachment_id])


def set_flags(db: Database, dossier_id: int) -> None:
    """``result_digitized``: a file of the result is attached; ``digitized``: each of the dossier's documents has
    one (a dossier without a document list keeps the flag it had: nothing says which papers it should hold). The
    flags are integers on both engines (PostgreSQL's bigint takes no boolean: hence CASE, not a bare EXISTS)."""
    db.execute("""
        UPDATE dossier SET
            result_digitized = CASE WHEN EXISTS (SELECT 1 FROM attachment a WHERE a.dossier_id = dossier.id
                                                                            AND a.document IS NULL)
                                    THEN 1 ELSE 0 END,
            digitized = CASE WHEN NOT EXISTS (SELECT 1 FROM dossier_document d WHERE d.dossier_id = dossier.id)
                             THEN digitized
                             WHEN EXISTS (SELECT 1 FROM dossier_document d WHERE d.dossier_id = dossier.id
                                          AND NOT EXISTS (SELECT 1 FROM attachment a WHERE a.document = d.id))
                             THEN 0 ELSE 1
                        END
        WHERE id = ?""", [dossier_id])


def stored_files(db: Database) -> Iterator[tuple[str, str]]:
    """Each (sha256, media) the database refers to, once."""
    yield from db.execute("SELECT DISTINCT sha256, media FROM attachment ORDER BY sha256").fetchall()


def stored_count(db: Database) -> int:
    """How many files the database refers to (``stored_files`` counted)."""
    return int(db.execute("SELECT count(DISTINCT sha256) FROM attachment").fetchone()[0])


def referring(db: Database, sha256: str, limit: int = 3) -> list[Row]:
    """Who refers to a file: the dossiers' codes and the names it was attached under (the first ``limit``)."""
    return dicts(db.execute(
        "SELECT d.code, a.name FROM attachment a JOIN dossier d ON d.id = a.dossier_id WHERE a.sha256 = ?"
        " ORDER BY a.id LIMIT ?", [sha256, limit]))


# The scans' bytes on a server (PostgreSQL migration 20: ``attachment_content``; on a file they are kept beside it).

def content_state(db: Database, sha256: str) -> bool | None:
    """Whether the server's bytes of ``sha256`` still hash to it (hashed by the server: the bytes stay there);
    None when it holds none."""
    row = db.execute("SELECT encode(sha256(content), 'hex') = sha256 FROM attachment_content WHERE sha256 = ?",
                     [sha256]).fetchone()
    return None if row is None else bool(row[0])


def content(db: Database, sha256: str) -> bytes | None:
    """The server's bytes of ``sha256`` as stored (the caller checks them), or None."""
    row = db.execute("SELECT content FROM attachment_content WHERE sha256 = ?", [sha256]).fetchone()
    return None if row is None else bytes(row[0])


def insert_content(db: Database, sha256: str, media: str, data: bytes) -> None:
    """Keep ``data`` under ``sha256`` (once: bytes already kept are not written again)."""
    db.execute("INSERT INTO attachment_content (sha256, media, content) VALUES (?, ?, ?)"
               " ON CONFLICT (sha256) DO NOTHING", [sha256, media, data])
