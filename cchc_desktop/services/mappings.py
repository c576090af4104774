"""Saved column mappings of imports (``domain.mappings``): saved, found by name (``--mapping``) or by a file's
header row (the window maps a source once and then reads it again without asking), removed."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from cchc_desktop.domain.mappings import ColumnMapping, ImportKind, check_mapping, signature
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.sessions import requires
from cchc_desktop.text import fold
from db.errors import writing
from db.handle import Database
from db.queries import mappings as queries

Clock = Callable[[], datetime]


def _mapping(row: Mapping[str, object]) -> ColumnMapping:
    return ColumnMapping(kind=ImportKind(str(row["kind"])), name=str(row["name"]),
                         headers=dict(json.loads(str(row["headers"]))), signature=str(row["signature"]))


class MappingService:
    """The column mappings saved in the database, per kind of import."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now) -> None:
        self.db = db
        self.clock = clock

    def saved(self, kind: ImportKind) -> list[ColumnMapping]:
        return [_mapping(row) for row in queries.mappings(self.db, kind.value)]

    def named(self, kind: ImportKind, name: str) -> ColumnMapping:
        """The mapping saved as ``name`` (case and diacritics aside); NotFoundError naming the saved ones."""
        row = queries.mapping_named(self.db, kind.value, fold(name))
        if row is not None:
            return _mapping(row)
        names = ", ".join(f"«{mapping.name}»" for mapping in self.saved(kind))
        raise NotFoundError(_("Chưa có cách ghép cột «{name}» cho loại «{kind}». {saved}").format(
            name=name, kind=kind.label,
            saved=_("Các cách đã lưu: {names}.").format(names=names) if names else _(
                "Chưa lưu cách ghép cột nào: hãy ghép cột một lần trong cửa sổ Nhập dữ liệu và lưu lại.")))

    def for_header(self, kind: ImportKind, header: Sequence[str]) -> ColumnMapping | None:
        """The mapping saved for a file with this header row, if any (the latest)."""
        row = queries.mapping_for(self.db, kind.value, signature(header))
        return _mapping(row) if row is not None else None

    def for_rows(self, kind: ImportKind, rows: Sequence[Sequence[str]]) -> ColumnMapping | None:
        """The mapping saved for the first of ``rows`` that is a saved source's header row (a file's top rows: a
        title may stand above its header)."""
        for row in rows:
            found = self.for_header(kind, row)
            if found is not None:
                return found
        return None

    @requires(Permission.IMPORT)
    def save(self, kind: ImportKind, name: str, headers: Mapping[str, str], keys: Mapping[str, str],
             header: Sequence[str]) -> ColumnMapping:
        """Save (or replace) the mapping ``name``: ``headers`` source header → column key ("" not read), checked
        against ``keys`` (the kind's column keys → their headers); ``header`` the source's header row, by which it
        is recognised again. ValidationError says what is wrong; nothing is written then."""
        try:
            name, cleaned = check_mapping(name, headers, keys)
        except ValueError as exc:
            raise ValidationError({"mapping": str(exc)}) from None
        mapping = ColumnMapping(kind, name, cleaned, signature(header))
        with writing(self.db):
            queries.put_mapping(self.db, {
                "kind": kind.value, "name": name, "name_folded": fold(name),
                "headers": json.dumps(cleaned, ensure_ascii=False, sort_keys=True), "signature": mapping.signature,
                "updated_at": self.clock().isoformat(timespec="seconds")})
        return mapping

    @requires(Permission.IMPORT)
    def remove(self, kind: ImportKind, name: str) -> None:
        with writing(self.db):
            if not queries.delete_mapping(self.db, kind.value, fold(name)):
                raise NotFoundError(_("Chưa có cách ghép cột «{name}».").format(name=name))
