"""SurveyImportService: satisfaction survey responses from a CSV file or an .xlsx (``cchc import surveys``).

The columns are those of DESIGN.md §4 (``SURVEY_COLUMNS``: «Ngày khảo sát» and «Mức độ hài lòng chung» must
be there) plus one optional column per survey criterion, whose header is the criterion's code (``2.1``) or its
wording, matched ignoring case and diacritics (an active criterion wins over an inactive one of the same
wording). The same rules as the other imports: all or nothing by default, every bad row reported with its
line and column; ``skip_invalid`` writes the good rows and puts the bad ones in ``rejects``. Each row passes
the checks of ``SurveyService.check``, so a file cannot store what the entry form would refuse.

Decisions where the contract is silent:
- A rating is a number 1–5 or its label (``Hài lòng``); an empty criterion cell is no answer. Empty
  «Hình thức» is «Phát phiếu» (paper forms are what gets typed into a spreadsheet).
- «Ý kiến khác» (comment) is an optional extra column.
- Re-import without duplicates: a response has no code, so the key is its content: the same day, method,
  dossier (or none), overall rating, answers and comment. The file and the database are compared as
  multisets: a file holding three identical forms of a day, of which the database already has two, adds
  one. Importing the same file twice therefore adds nothing, while identical forms within one file are all
  kept. The price: two *different* files each holding an identical anonymous form of the same day count it
  once (a dossier code or a comment tells such forms apart).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cchc_desktop.domain.surveys import Score, SurveyCriterion, SurveyMethod
from cchc_desktop.domain.users import Permission
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services.sessions import requires
from cchc_desktop.services.surveys import (
    CheckedSurvey,
    Questionnaire,
    SurveyEntry,
    SurveyService,
    answer_key,
    insert_checked,
    score_problem,
)
from cchc_desktop.services.tables import (
    SURVEY_COLUMNS,
    SURVEY_REQUIRED,
    Cell,
    Column,
    HeaderMapping,
    ImportResult,
    Problems,
    cell_text,
    open_table,
    phrase,
    read_day,
    table_format,
)
from cchc_desktop.text import fold
from db.errors import writing
from db.handle import Database
from db.queries import surveys as queries

log = logging.getLogger("cchc.services")

Clock = Callable[[], datetime]

_METHOD_ALIASES = {"phieu": SurveyMethod.PAPER, "phieu giay": SurveyMethod.PAPER, "giay": SurveyMethod.PAPER,
                   "truc tiep": SurveyMethod.PAPER, "mang": SurveyMethod.ONLINE, "dien tu": SurveyMethod.ONLINE,
                   "may tinh bang": SurveyMethod.KIOSK}
# The fields of SurveyEntry as the file's columns.
_COLUMN_OF = {"taken_on": "taken_at", "method": "method", "overall": "overall", "dossier_code": "dossier_code",
              "comment": "comment"}


def criterion_column(criterion: SurveyCriterion) -> Column:
    """The optional column of a criterion: headed by its wording, or by its code (alone or before the wording)."""
    return Column(f"#{criterion.id}", criterion.text, (
        criterion.code, f"{criterion.code} {criterion.text}", f"{criterion.code}. {criterion.text}"))


def survey_columns(criteria: Iterable[SurveyCriterion]) -> tuple[Column, ...]:
    """The columns of a survey file: the fixed ones, then the criteria (inactive first, so that an active one
    wins a header both share)."""
    ordered = sorted(criteria, key=lambda criterion: criterion.active)
    return (*SURVEY_COLUMNS, *(criterion_column(criterion) for criterion in ordered))


def parse_score(cell: Cell) -> int | None:
    """A rating as written: ``4``, ``4.0`` or ``Hài lòng``; None when empty; raises ValueError."""
    text = cell_text(cell)
    if not text:
        return None
    number = text[:-2] if text.endswith((".0", ",0")) else text
    if number.isdigit():
        return int(number)
    return int(Score.parse(text).value)


def _method(text: str) -> SurveyMethod | str:
    """The method as written (empty: paper); an unknown text is passed on for the service to refuse."""
    if not text:
        return SurveyMethod.PAPER
    try:
        return SurveyMethod.parse(text)
    except ValueError:
        return _METHOD_ALIASES.get(fold(text), text)


@dataclass(frozen=True)
class _Row:
    line: int
    entry: SurveyEntry
    unreadable: frozenset[str]  # columns whose cell could not be read (already reported)


class SurveyImportService:
    """The import of survey responses (``cchc import surveys``; Khảo sát hài lòng → Nhập từ Excel)."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now, user_id: int | None = None) -> None:
        self.db = db
        self.surveys = SurveyService(db, clock=clock, user_id=user_id)

    @requires(Permission.IMPORT)
    def import_surveys(
        self, path: Path, *, skip_invalid: bool = False, rejects: Path | None = None,
        mapping: HeaderMapping | None = None, progress: Progress = no_progress,
    ) -> ImportResult:
        """Import the responses of ``path``; ``unchanged`` counts the rows already in the database.

        Raises TableFileError (the file as a whole) or ImportRejected (bad rows, without ``skip_invalid``);
        nothing is written then.
        """
        if rejects is not None:
            table_format(rejects)  # a name we cannot write is said before any work
        questionnaire = Questionnaire(self.surveys.criteria())
        columns = survey_columns(questionnaire.criteria)
        rows: list[_Row] = []
        with open_table(path, columns, SURVEY_REQUIRED, mapping=mapping, progress=progress) as table:
            problems = Problems(table, columns)
            criteria = [criterion for criterion in questionnaire.criteria if table.has(f"#{criterion.id}")]
            for line, cells in table.rows():
                rows.append(self._read(problems, line, table.pick(cells), criteria))
        with writing(self.db):
            checked = self._check(problems, rows, questionnaire)
            problems.finish(path, SURVEY_REQUIRED, skip_invalid=skip_invalid, rejects=rejects)
            good = [(line, response) for line, response in checked if line not in problems]
            new = self._new([response for _line, response in good])
            insert_checked(self.db, new)
        result = ImportResult(inserted=len(new), unchanged=len(good) - len(new), rejected=len(problems),
                              problems=tuple(problems.all()), rejects=rejects)
        log.info("imported surveys from %s: %d new, %d already there, %d rejected", path.name, result.inserted,
                 result.unchanged, result.rejected)
        return result

    @staticmethod
    def _read(problems: Problems, line: int, raw: dict[str, Cell], criteria: Sequence[SurveyCriterion]) -> _Row:
        """The row as an entry; a cell that cannot be read is reported and left out."""
        unreadable: set[str] = set()

        def bad(key: str, message: str) -> None:
            unreadable.add(key)
            problems.add(line, key, message)

        taken_on = None
        try:
            taken_on = read_day(raw.get("taken_at"))
        except ValueError as exc:
            bad("taken_at", str(exc))

        def score(key: str) -> int | None:
            try:
                return parse_score(raw.get(key))
            except ValueError:
                bad(key, score_problem(cell_text(raw.get(key))) or "")
                return None

        overall = score("overall")
        answers: dict[int | str, int | None] = {criterion.id: score(f"#{criterion.id}") for criterion in criteria}
        entry = SurveyEntry(
            taken_on=taken_on, method=_method(cell_text(raw.get("method"))), overall=overall, answers=answers,
            dossier_code=cell_text(raw.get("dossier_code")), comment=cell_text(raw.get("comment")),
        )
        return _Row(line, entry, frozenset(unreadable))

    def _check(self, problems: Problems, rows: list[_Row], questionnaire: Questionnaire) -> list[
            tuple[int, CheckedSurvey]]:
        """(line, checked response) of every row that passes the service's checks; the others are reported."""
        columns = {answer_key(criterion): f"#{criterion.id}" for criterion in questionnaire.criteria}
        columns.update(_COLUMN_OF)
        checked = []
        for row in rows:
            response, errors = self.surveys.check(row.entry, questionnaire=questionnaire)
            for key, message in errors.items():
                column = columns.get(key)
                if column not in row.unreadable:
                    problems.add(row.line, column, phrase(message))
            if not errors and not row.unreadable:
                checked.append((row.line, response))
        return checked

    def _new(self, responses: list[CheckedSurvey]) -> list[CheckedSurvey]:
        """The responses not yet in the database (compared as multisets: see the module's docstring)."""
        if not responses:
            return []
        days = [response.values["taken_on"] for response in responses]
        stored: Counter[tuple[object, ...]] = Counter(
            (row["taken_on"], row["method"], row["dossier_id"], row["overall"], row["comment"] or "",
             _sorted_scores(row["scores"]))
            for row in queries.responses_between(self.db, first=min(days), last=max(days)))
        new = []
        for response in responses:
            key = response.key()
            if stored[key]:
                stored[key] -= 1
            else:
                new.append(response)
        return new


def _sorted_scores(scores: str | None) -> str:
    """``5:4,1:3`` → ``1:3,5:4`` (``CheckedSurvey.key``'s order)."""
    pairs = [pair.split(":") for pair in (scores or "").split(",") if pair]
    return ",".join(f"{criterion}:{score}" for criterion, score in sorted(pairs, key=lambda pair: int(pair[0])))
