"""SurveyService: citizen satisfaction surveys (Khảo sát hài lòng, DOMAIN.md §4): the keyed entry of paper
forms and the kiosk record responses here; the questionnaire (criteria, order, wording) is data, edited here.
The figures of the surveys are StatisticsService's.

Every write is one transaction whose first statement takes the write lock (``db.queries.surveys``).
Nothing is deleted: a criterion no longer asked is made inactive.

Decisions where the issue is silent:
- A response needs its date (not in the future, not before 2000) and the overall rating; every criterion's
  answer is optional. A response naming a dossier is not dated before the dossier was received.
- ``answers`` are keyed by the criterion's id or its code; an answer ``None`` is no answer. Inactive criteria
  may be answered (old paper forms keyed late); each answer keeps the criterion's wording of the moment it
  was recorded (``survey_answer.criterion_text``), so editing the questionnaire never changes old answers.
- The dossier code is matched as typed, in capitals; ``find_dossier_codes`` also tries the unit's code prefix
  before what is typed (``240604-0007`` finds ``000.21.31.H56-240604-0007``), on the code's unique index,
  and gives no personal data (the code, the procedure, the day of receipt).
- Questionnaire: two active criteria may not have the same wording (ignoring case and diacritics); a code is
  unique (ignoring case). A new criterion's code defaults to the next ``aspect.N``, its aspect's name to the
  one its aspect already has, its place to after the last criterion of its aspect. ``position`` is the
  1-based place in the whole questionnaire (inactive criteria included); moving one renumbers them all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cchc_desktop.domain.dossiers import code_pattern
from cchc_desktop.domain.surveys import Survey, SurveyAnswer, SurveyCriterion, SurveyMethod
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.formatting import short_date
from cchc_desktop.i18n import _
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.text import clean, fold
from db.errors import writing
from db.handle import Database
from db.queries import surveys as queries

log = logging.getLogger("cchc.services")

Clock = Callable[[], datetime]

EARLIEST_YEAR = 2000
LOWEST, HIGHEST = 1, 5
ASPECTS = range(1, 6)  # the schema's CHECK on survey_criterion.aspect
MAX_COMMENT = 2000
MAX_CRITERION_TEXT = 500
MAX_ASPECT_NAME = 200
MAX_CODE = 20


# -- data in and out ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyEntry:
    """One response as the entry form, the kiosk or a row of a file gives it.

    ``answers``: criterion id or code → score 1–5 (``None`` or absent: not answered)."""

    taken_on: date | None
    method: SurveyMethod | str = SurveyMethod.PAPER
    overall: int | None = None
    answers: Mapping[int | str, int | None] = field(default_factory=dict)
    dossier_code: str = ""
    comment: str = ""


@dataclass(frozen=True)
class DossierChoice:
    """A dossier offered by the autocomplete of the entry form (nothing personal)."""

    code: str
    procedure_name: str
    received_on: date


@dataclass(frozen=True)
class CheckedSurvey:
    """A response that passed the checks: the survey row's values and its answers."""

    values: dict[str, Any]
    answers: tuple[SurveyAnswer, ...]

    def key(self) -> tuple[object, ...]:
        """What makes two responses the same form (the import's duplicate check)."""
        scores = ",".join(f"{answer.criterion_id}:{answer.score}" for answer in
                          sorted(self.answers, key=lambda answer: answer.criterion_id))
        values = self.values
        return (values["taken_on"], values["method"], values["dossier_id"], values["overall"], values["comment"] or "",
                scores)


class Questionnaire:
    """The criteria by id and by code (ignoring case), to read the keys of ``SurveyEntry.answers``."""

    def __init__(self, criteria: Iterable[SurveyCriterion]) -> None:
        self.criteria = list(criteria)
        self.by_id = {criterion.id: criterion for criterion in self.criteria}
        self.by_code = {fold(criterion.code): criterion for criterion in self.criteria}

    def find(self, key: int | str) -> SurveyCriterion | None:
        if isinstance(key, bool):
            return None
        if isinstance(key, int):
            return self.by_id.get(key)
        return self.by_code.get(fold(str(key)))


def criterion_of(row: Mapping[str, Any]) -> SurveyCriterion:
    return SurveyCriterion(id=row["id"], code=row["code"], aspect=row["aspect"], aspect_name=row["aspect_name"],
                           text=row["text"], position=row["position"], active=bool(row["active"]))


def score_problem(value: object) -> str | None:
    """Why ``value`` is not a score 1–5, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return _("«{value}» không phải là điểm (ghi số từ {low} đến {high})").format(
            value=value, low=LOWEST, high=HIGHEST)
    if not LOWEST <= value <= HIGHEST:
        return _("điểm {value} không hợp lệ, phải từ {low} đến {high}").format(value=value, low=LOWEST, high=HIGHEST)
    return None


def _method(value: object) -> SurveyMethod | None:
    """The method by its key or its label (ignoring case and diacritics), or None."""
    try:
        return SurveyMethod.parse(str(value))
    except ValueError:
        return None


def answer_key(criterion: SurveyCriterion) -> str:
    """The error key of a criterion's answer: ``answers.2.1``."""
    return f"answers.{criterion.code}"


# -- the service -------------------------------------------------------------------------------------------


class SurveyService(ActsForSession):
    """The survey pages: keyed entry, kiosk, the questionnaire editor."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now, user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id

    def today(self) -> date:
        return self.clock().date()

    # -- the questionnaire ---------------------------------------------------------------------------------

    def questionnaire(self) -> list[SurveyCriterion]:
        """The active criteria in the order they are asked."""
        return [criterion_of(row) for row in queries.criteria(self.db, active_only=True)]

    def criteria(self) -> list[SurveyCriterion]:
        """Every criterion, inactive ones included, in the questionnaire's order (the editor's list)."""
        return [criterion_of(row) for row in queries.criteria(self.db, active_only=False)]

    def criterion(self, criterion_id: int) -> SurveyCriterion:
        row = queries.criterion(self.db, criterion_id)
        if row is None:
            raise NotFoundError(_("Không có tiêu chí khảo sát số {id}.").format(id=criterion_id))
        return criterion_of(row)

    @requires(Permission.CATALOGUE)
    def add_criterion(
        self, *, aspect: int, text: str, code: str = "", aspect_name: str = "", position: int | None = None,
    ) -> SurveyCriterion:
        """Add a criterion to the questionnaire (active); every problem at once."""
        text, code, aspect_name = clean(text), clean(code), clean(aspect_name)
        with writing(self.db):
            stored = self.criteria()
            errors = self._check_text(text, stored, None)
            if aspect not in ASPECTS:
                errors["aspect"] = _("Khía cạnh phải là số từ 1 đến 5.")
            else:
                same_aspect = [criterion for criterion in stored if criterion.aspect == aspect]
                if not aspect_name and same_aspect:
                    aspect_name = same_aspect[-1].aspect_name
                if not aspect_name:
                    errors["aspect_name"] = _("Hãy ghi tên khía cạnh {aspect}.").format(aspect=aspect)
                elif len(aspect_name) > MAX_ASPECT_NAME:
                    errors["aspect_name"] = _("Tên khía cạnh quá dài (tối đa {n} ký tự).").format(n=MAX_ASPECT_NAME)
                code = code or _next_code(aspect, stored)
                if position is None:
                    position = stored.index(same_aspect[-1]) + 2 if same_aspect else len(stored) + 1
            if len(code) > MAX_CODE:
                errors["code"] = _("Mã tiêu chí quá dài (tối đa {n} ký tự).").format(n=MAX_CODE)
            elif code and any(fold(criterion.code) == fold(code) for criterion in stored):
                errors["code"] = _("Mã tiêu chí «{code}» đã có.").format(code=code)
            if position is not None and not 1 <= position <= len(stored) + 1:
                errors["position"] = _("Vị trí phải từ 1 đến {n}.").format(n=len(stored) + 1)
            if errors:
                raise ValidationError(errors)
            assert position is not None
            criterion_id = queries.insert_criterion(self.db, {
                "code": code, "aspect": aspect, "aspect_name": aspect_name, "text": text, "position": 0, "active": 1})
            order = [criterion.id for criterion in stored]
            order.insert(position - 1, criterion_id)
            queries.set_positions(self.db, order)
        log.info("added survey criterion %s", code)
        return self.criterion(criterion_id)

    @requires(Permission.CATALOGUE)
    def update_criterion(
        self, criterion_id: int, *, text: str | None = None, position: int | None = None, active: bool | None = None,
    ) -> SurveyCriterion:
        """Change a criterion's wording, place or activity (None: unchanged). Answers already given keep the
        wording they were given with."""
        with writing(self.db):
            stored = self.criteria()
            current = next((criterion for criterion in stored if criterion.id == criterion_id), None)
            if current is None:
                raise NotFoundError(_("Không có tiêu chí khảo sát số {id}.").format(id=criterion_id))
            new_text = current.text if text is None else clean(text)
            new_active = current.active if active is None else bool(active)
            errors = self._check_text(new_text, stored, criterion_id) if new_active else {}
            if not new_text and "text" not in errors:
                errors["text"] = _("Nội dung tiêu chí không được để trống.")
            if position is not None and not 1 <= position <= len(stored):
                errors["position"] = _("Vị trí phải từ 1 đến {n}.").format(n=len(stored))
            if errors:
                raise ValidationError(errors)
            queries.update_criterion(self.db, criterion_id, text=new_text, active=new_active)
            if position is not None:
                order = [criterion.id for criterion in stored if criterion.id != criterion_id]
                order.insert(position - 1, criterion_id)
                queries.set_positions(self.db, order)
        log.info("updated survey criterion %d", criterion_id)
        return self.criterion(criterion_id)

    @staticmethod
    def _check_text(text: str, stored: list[SurveyCriterion], criterion_id: int | None) -> dict[str, str]:
        if not text:
            return {"text": _("Nội dung tiêu chí không được để trống.")}
        if len(text) > MAX_CRITERION_TEXT:
            return {"text": _("Nội dung tiêu chí quá dài (tối đa {n} ký tự).").format(n=MAX_CRITERION_TEXT)}
        for criterion in stored:
            if criterion.id != criterion_id and criterion.active and fold(criterion.text) == fold(text):
                return {"text": _("Tiêu chí {code} đã có nội dung này.").format(code=criterion.code)}
        return {}

    # -- dossiers ------------------------------------------------------------------------------------------

    def find_dossier_codes(self, prefix: str, *, limit: int = 10) -> list[DossierChoice]:
        """Dossiers whose code starts with ``prefix`` (or with the unit's code prefix then ``prefix``), for the
        entry form's autocomplete; the code, the procedure and the day of receipt only."""
        typed = clean(prefix).upper()
        if not typed or limit <= 0:
            return []
        prefixes = [typed]
        head = self._code_head()
        if head and not typed.startswith(head):
            prefixes.append(head + typed)
        return [DossierChoice(code=row["code"], procedure_name=row["procedure_name"],
                              received_on=date.fromisoformat(row["received_on"]))
                for row in queries.dossier_codes(self.db, prefixes, limit)]

    def _code_head(self) -> str:
        """The fixed start of the unit's dossier codes (``000.21.31.H56-``), or empty."""
        unit = SettingsService(self.db).load()
        head = code_pattern(unit.dossier_code_pattern).split("{yymmdd", 1)[0]
        try:
            return head.format(unit=unit.code).upper() if unit.code else ""
        except (KeyError, IndexError, ValueError):
            return ""

    # -- responses -----------------------------------------------------------------------------------------

    def check(self, entry: SurveyEntry, *, questionnaire: Questionnaire | None = None) -> tuple[
            CheckedSurvey, dict[str, str]]:
        """The response cleaned and what is wrong with it, by field (``answers.<code>`` for an answer), as
        sentences. ``questionnaire``: every criterion (loaded when not given)."""
        questionnaire = questionnaire or Questionnaire(self.criteria())
        errors: dict[str, str] = {}
        today = self.today()
        taken = entry.taken_on
        if taken is None:
            errors["taken_on"] = _("Hãy ghi ngày khảo sát.")
        elif taken.year < EARLIEST_YEAR:
            errors["taken_on"] = _("Ngày khảo sát {day} trước năm {year}.").format(
                day=short_date(taken), year=EARLIEST_YEAR)
        elif taken > today:
            errors["taken_on"] = _("Ngày khảo sát {day} ở tương lai.").format(day=short_date(taken))
        method = _method(entry.method)
        if method is None:
            errors["method"] = _("Hình thức khảo sát «{value}» không hợp lệ (chọn một trong: {labels}).").format(
                value=entry.method, labels=", ".join(member.label for member in SurveyMethod))
        if entry.overall is None:
            errors["overall"] = _("Hãy chọn mức độ hài lòng chung (từ {low} đến {high}).").format(
                low=LOWEST, high=HIGHEST)
        elif problem := score_problem(entry.overall):
            errors["overall"] = _("Mức độ hài lòng chung: {problem}.").format(problem=problem)
        answers: dict[int, SurveyAnswer] = {}
        for key, score in entry.answers.items():
            if score is None:
                continue
            criterion = questionnaire.find(key)
            if criterion is None:
                errors[f"answers.{key}"] = _("Không có tiêu chí khảo sát «{key}».").format(key=key)
            elif problem := score_problem(score):
                errors[answer_key(criterion)] = _("Tiêu chí {code} «{text}»: {problem}.").format(
                    code=criterion.code, text=criterion.text, problem=problem)
            elif criterion.id in answers and answers[criterion.id].score != score:
                errors[answer_key(criterion)] = _("Tiêu chí {code} được ghi hai lần với hai điểm khác nhau.").format(
                    code=criterion.code)
            else:
                answers[criterion.id] = SurveyAnswer(criterion.id, int(score), criterion.text)
        comment = clean(entry.comment)
        if len(comment) > MAX_COMMENT:
            errors["comment"] = _("Ý kiến khác quá dài (tối đa {n} ký tự).").format(n=MAX_COMMENT)
        code = clean(entry.dossier_code).upper()
        dossier_id = None
        if code:
            dossier = queries.dossier_by_code(self.db, code)
            if dossier is None:
                errors["dossier_code"] = _("Không có hồ sơ mã «{code}».").format(code=code)
            else:
                dossier_id = dossier["id"]
                received = date.fromisoformat(dossier["received_on"])
                if taken is not None and "taken_on" not in errors and taken < received:
                    errors["taken_on"] = _(
                        "Ngày khảo sát {day} trước ngày tiếp nhận hồ sơ {code} ({received})."
                    ).format(day=short_date(taken), code=code, received=short_date(received))
        order = {criterion.id: index for index, criterion in enumerate(questionnaire.criteria)}
        values = {
            "taken_on": taken.isoformat() if taken else None, "method": method.value if method else None,
            "dossier_id": dossier_id, "overall": entry.overall, "comment": comment or None, "user_id": self.user_id,
        }
        checked = CheckedSurvey(values, tuple(sorted(answers.values(), key=lambda answer: order[answer.criterion_id])))
        return checked, errors

    @requires(Permission.SURVEYS)
    def record(self, entry: SurveyEntry) -> Survey:
        """Save one response with its answers (one transaction); every problem at once."""
        with writing(self.db):
            checked, errors = self.check(entry)
            if errors:
                raise ValidationError(errors)
            survey_id = insert_checked(self.db, [checked])[0]
        log.info("recorded survey %d", survey_id)
        return self.get(survey_id)

    def get(self, survey_id: int) -> Survey:
        row = queries.survey(self.db, survey_id)
        if row is None:
            raise NotFoundError(_("Không có phiếu khảo sát số {id}.").format(id=survey_id))
        return self._surveys([row])[0]

    def recent(self, limit: int = 20) -> list[Survey]:
        """The last responses entered, the newest first (the entry page's list)."""
        return self._surveys(queries.recent(self.db, max(0, limit)))

    def _surveys(self, rows: list[dict[str, Any]]) -> list[Survey]:
        answers: dict[int, list[SurveyAnswer]] = {}
        for row in queries.answers(self.db, [row["id"] for row in rows]):
            answers.setdefault(row["survey_id"], []).append(
                SurveyAnswer(row["criterion_id"], row["score"], row["criterion_text"]))
        return [
            Survey(id=row["id"], taken_on=date.fromisoformat(row["taken_on"]), method=SurveyMethod(row["method"]),
                   overall=row["overall"], dossier_id=row["dossier_id"], comment=row["comment"] or "",
                   answers=tuple(answers.get(row["id"], ())), dossier_code=row["dossier_code"] or "")
            for row in rows
        ]


def _next_code(aspect: int, stored: list[SurveyCriterion]) -> str:
    """``3.7`` after ``3.1`` … ``3.6``."""
    numbers = [0]
    for criterion in stored:
        head, _dot, tail = criterion.code.partition(".")
        if head == str(aspect) and tail.isdigit():
            numbers.append(int(tail))
    return f"{aspect}.{max(numbers) + 1}"


def insert_checked(db: Database, responses: Iterable[CheckedSurvey]) -> list[int]:
    """Inside a transaction: store checked responses with their answers; their ids in order."""
    ids = []
    rows: list[tuple[int, int, int, str]] = []
    for response in responses:
        survey_id = queries.insert_survey(db, response.values)
        ids.append(survey_id)
        rows += [(survey_id, answer.criterion_id, answer.score, answer.criterion_text) for answer in response.answers]
    queries.insert_answers(db, rows)
    return ids
