"""KioskService: the citizens' survey kiosk — its staff PIN (stored as a salted PBKDF2 hash, never as
digits) and its responses (a SurveyService record with the method «Kiosk»)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime

from cchc_desktop.domain.surveys import Survey, SurveyMethod
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.sessions import requires
from cchc_desktop.services.surveys import SurveyEntry, SurveyService
from db.errors import writing
from db.handle import Database
from db.queries import settings as queries

PIN_KEY = "kiosk.pin"
PIN_LENGTHS = range(4, 9)
ROUNDS = 100_000


def _digest(pin: str, salt: bytes, rounds: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, rounds)


class KioskService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now) -> None:
        self.db = db
        self.surveys = SurveyService(db, clock=clock)

    def has_pin(self) -> bool:
        return PIN_KEY in queries.read_all(self.db)

    @requires(Permission.SETTINGS)
    def set_pin(self, pin: str) -> None:
        """Store the staff PIN that leaves the kiosk: 4 to 8 digits."""
        pin = (pin or "").strip()
        if not (pin.isdigit() and len(pin) in PIN_LENGTHS):
            raise ValidationError({"pin": _("Mã PIN phải gồm từ 4 đến 8 chữ số.")})
        salt = secrets.token_bytes(16)
        stored = f"pbkdf2_sha256${ROUNDS}${salt.hex()}${_digest(pin, salt, ROUNDS).hex()}"
        with writing(self.db):
            queries.write_many(self.db, {PIN_KEY: stored})

    def check_pin(self, pin: str) -> bool:
        stored = queries.read_all(self.db).get(PIN_KEY)
        if not stored:
            return False
        try:
            _scheme, rounds, salt, digest = stored.split("$")
            expected = bytes.fromhex(digest)
            actual = _digest((pin or "").strip(), bytes.fromhex(salt), int(rounds))
        except ValueError:
            return False
        return hmac.compare_digest(expected, actual)

    @requires(Permission.SURVEYS)
    def record(self, *, overall: int, answers: Mapping[int, int], dossier_code: str = "") -> Survey:
        """A citizen's answers, dated today, method «Kiosk»."""
        given: dict[int | str, int | None] = {key: value for key, value in answers.items()}
        return self.surveys.record(SurveyEntry(
            taken_on=self.surveys.today(), method=SurveyMethod.KIOSK, overall=overall, answers=given,
            dossier_code=dossier_code))
