"""Citizen satisfaction surveys (DOMAIN.md §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cchc_desktop.domain.choices import Choice

SATISFIED_FROM = 4  # overall 4 or 5 of 5 counts as satisfied


class SurveyMethod(Choice):
    PAPER = "paper", "Phát phiếu"
    ONLINE = "online", "Trực tuyến"
    KIOSK = "kiosk", "Kiosk"


class Score(Choice):
    VERY_DISSATISFIED = "1", "Rất không hài lòng"
    DISSATISFIED = "2", "Không hài lòng"
    NEUTRAL = "3", "Bình thường"
    SATISFIED = "4", "Hài lòng"
    VERY_SATISFIED = "5", "Rất hài lòng"


@dataclass(frozen=True)
class SurveyCriterion:
    id: int
    code: str
    aspect: int
    aspect_name: str
    text: str
    position: int = 0
    active: bool = True


@dataclass(frozen=True)
class SurveyAnswer:
    criterion_id: int
    score: int
    criterion_text: str = ""


@dataclass(frozen=True)
class Survey:
    id: int
    taken_on: date
    method: SurveyMethod
    overall: int
    dossier_id: int | None = None
    comment: str = ""
    answers: tuple[SurveyAnswer, ...] = field(default_factory=tuple)
    dossier_code: str = ""

    @property
    def satisfied(self) -> bool:
        return self.overall >= SATISFIED_FROM
