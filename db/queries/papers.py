"""The desk's books: the ledgers by field (``ledger_book``, a dossier's line) and the numbered papers (``paper``).

Called inside the caller's write transaction. ``LedgerLines`` hands out lines the way the desk, an import and
the demo all number them: the next line of the book of the dossier's field and year of receipt, a book opened
(with the year's next book number) by its first dossier.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.handle import Database
from db.queries import inserted_id
from db.queries.rows import first


@dataclass(frozen=True)
class LedgerPlace:
    """Where a dossier is in the ledgers: «Quyển số 03/2026, Số thứ tự 125»."""

    book_id: int
    number: int
    year: int
    line: int


class LedgerLines:
    """The next lines of the ledgers, kept in memory and written back by ``save`` (the same transaction)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._field: dict[int, int] = {}
        self._books: dict[tuple[int, int], list[int]] = {}  # (year, field) → [book id, number, last line]

    def _field_of(self, procedure_id: int) -> int:
        if procedure_id not in self._field:  # (an import meets each of its procedures once)
            self._field[procedure_id] = self.db.execute("SELECT field_id FROM procedure WHERE id = ?",
                                                        [procedure_id]).fetchone()[0]
        return self._field[procedure_id]

    def place(self, procedure_id: int, received_at: str) -> LedgerPlace:
        """The next line for a dossier of ``procedure_id`` received at ``received_at`` (ISO)."""
        book = self._book(procedure_id, received_at)
        book[2] += 1
        return LedgerPlace(book_id=book[0], number=book[1], year=int(received_at[:4]), line=book[2])

    def line(self, procedure_id: int, received_at: str) -> tuple[int, int]:
        """``place`` as (book id, line): what a bulk insert writes."""
        book = self._book(procedure_id, received_at)
        book[2] += 1
        return book[0], book[2]

    def _book(self, procedure_id: int, received_at: str) -> list[int]:
        year, field_id = int(received_at[:4]), self._field_of(procedure_id)
        book = self._books.get((year, field_id))
        if book is None:
            row = self.db.execute("SELECT id, number, last_line FROM ledger_book WHERE year = ? AND field_id = ?",
                                  [year, field_id]).fetchone()
            if row is None:
                number = self.db.execute("SELECT coalesce(max(number), 0) + 1 FROM ledger_book WHERE year = ?",
                                         [year]).fetchone()[0]
                book_id = inserted_id(self.db, "INSERT INTO ledger_book (year, field_id, number) VALUES (?, ?, ?)",
                                      [year, field_id, number])
                row = (book_id, number, 0)
            book = self._books[(year, field_id)] = list(row)
        return book

    def save(self) -> None:
        self.db.executemany(
            "UPDATE ledger_book SET last_line = CASE WHEN last_line > :last THEN last_line ELSE :last END"
            " WHERE id = :id",
            [{"last": last, "id": book_id} for book_id, _number, last in self._books.values()])


def ledger_place(db: Database, book_id: int | None, line: int | None) -> LedgerPlace | None:
    """A dossier's place in the ledgers from its two columns (None for a dossier received before the books)."""
    if book_id is None or line is None:
        return None
    row = first(db.execute("SELECT number, year FROM ledger_book WHERE id = ?", [book_id]))
    return LedgerPlace(book_id=book_id, number=row["number"], year=row["year"], line=line) if row else None


def ledger_books(db: Database, *, field_ids: list[int], year: int) -> list[dict[str, object]]:
    """The books of ``year`` for the given fields (all fields when none is given), by number."""
    if field_ids:
        marks = ", ".join("?" for _ in field_ids)
        rows = db.execute(f"SELECT b.id, b.number, b.year, f.name AS field FROM ledger_book b JOIN field f"
                          f" ON f.id = b.field_id WHERE b.year = ? AND b.field_id IN ({marks}) ORDER BY b.number",
                          [year, *field_ids])
    else:
        rows = db.execute("SELECT b.id, b.number, b.year, f.name AS field FROM ledger_book b JOIN field f"
                          " ON f.id = b.field_id WHERE b.year = ? ORDER BY b.number", [year])
    return [dict(zip(("id", "number", "year", "field"), row, strict=True)) for row in rows]


def paper_number(db: Database, *, kind: str, book: str, dossier_id: int | None, ref: int, issued_at: str,
                 user_id: int | None) -> tuple[int, int]:
    """(number, year) of the paper of ``kind`` for the dossier (and ``ref``): the one it got when first issued,
    else the next of ``book`` in the year of ``issued_at`` (written now)."""
    row = db.execute("SELECT number, year FROM paper WHERE kind = ? AND coalesce(dossier_id, 0) = ? AND ref = ?",
                     [kind, dossier_id or 0, ref]).fetchone()
    if row is not None:
        return row[0], row[1]
    year = int(issued_at[:4])
    number = db.execute("SELECT coalesce(max(number), 0) + 1 FROM paper WHERE book = ? AND year = ?",
                        [book, year]).fetchone()[0]
    db.execute("INSERT INTO paper (kind, book, year, number, dossier_id, ref, issued_at, user_id)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [kind, book, year, number, dossier_id, ref, issued_at, user_id])
    return number, year


def issued_number(db: Database, *, kind: str, dossier_id: int | None, ref: int) -> int | None:
    """The number the paper got when issued, or None (not yet issued: a reprint of an old paper, a preview)."""
    row = db.execute("SELECT number FROM paper WHERE kind = ? AND coalesce(dossier_id, 0) = ? AND ref = ?",
                     [kind, dossier_id or 0, ref]).fetchone()
    return row[0] if row else None
