"""DraftService: what a form held while it was being typed, kept in the database so that a crash, a power cut
or a window closed by mistake loses no typing (issue 7, "No lost typing").

The window saves a form's fields here a moment after the last keystroke, offers the draft back when the form
opens again, and discards it when the form is saved or cleared. A draft belongs to a form (``"reception"``,
``"survey"``) and to the signed-in account (none: local admin or single-user mode without an account), so one
officer is never offered another's typing. It is scratch, not a record: no permission, no audit entry, and
each form has at most one draft per account (saving again replaces it).

``data`` is the form's field values only, as JSON: text, numbers, lists and dicts of them; dates as ISO text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cchc_desktop.services import sessions
from db.errors import storage_errors, writing
from db.handle import Database
from db.queries import drafts as queries

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Draft:
    saved_at: datetime
    data: Mapping[str, Any]


class DraftService:
    def __init__(self, db: Database, *, clock: Clock = datetime.now) -> None:
        self.db = db
        self.clock = clock

    def _owner(self) -> tuple[int, int | None]:
        """The draft's key for the signed-in account (0 for none) and the account's id."""
        user_id = sessions.current(self.db).user_id
        return (user_id or 0), user_id

    @staticmethod
    def _form(form: str) -> str:
        name = form.strip()
        if not name:
            raise ValueError("a draft needs the name of its form")
        return name

    def save(self, form: str, data: Mapping[str, Any]) -> Draft:
        """Keep ``data`` as the draft of ``form`` for the signed-in account, replacing the one before.

        Raises TypeError or ValueError when ``data`` is not JSON (a programming error), StorageError when the
        file cannot be written (disk full, locked).
        """
        form = self._form(form)
        if not isinstance(data, Mapping):
            raise TypeError(f"a draft's data is a mapping of field values, not {type(data).__name__}")
        text = json.dumps(dict(data), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        saved_at = self.clock().replace(microsecond=0, tzinfo=None)
        user_key, user_id = self._owner()
        with writing(self.db):
            queries.put_draft(self.db, {"form": form, "user_key": user_key, "user_id": user_id,
                                        "saved_at": saved_at.isoformat(timespec="seconds"), "data": text})
        return Draft(saved_at, json.loads(text))

    def load(self, form: str) -> Draft | None:
        """The signed-in account's draft of ``form``, or None."""
        user_key, _user_id = self._owner()
        with storage_errors(self.db):
            row = queries.draft(self.db, self._form(form), user_key)
        if row is None:
            return None
        return Draft(datetime.fromisoformat(row["saved_at"]), json.loads(row["data"]))

    def discard(self, form: str) -> bool:
        """Forget the signed-in account's draft of ``form``; True when there was one."""
        user_key, _user_id = self._owner()
        with writing(self.db):
            return queries.delete_draft(self.db, self._form(form), user_key) > 0
