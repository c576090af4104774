"""Domain types: labels, parsing, the dossier state machine and timeliness."""

from datetime import datetime

import pytest

from cchc_desktop.domain.dossiers import (
    Channel,
    DossierStatus,
    EventKind,
    Timeliness,
    allowed_events,
    next_status,
    timeliness,
)
from cchc_desktop.domain.inspections import Measure
from cchc_desktop.domain.plans import ReformArea
from cchc_desktop.domain.surveys import SurveyMethod


@pytest.mark.parametrize(("text", "expected"), [
    ("Trực tiếp", Channel.DIRECT), ("BCCI", Channel.POSTAL), ("truc tuyen mot phan", Channel.ONLINE_PARTIAL),
    ("TRỰC TUYẾN TOÀN TRÌNH", Channel.ONLINE_FULL), ("online_full", Channel.ONLINE_FULL),
])
def test_channels_parse_from_label_or_key(text: str, expected: Channel) -> None:
    assert Channel.parse(text) is expected


def test_parse_refuses_an_unknown_label() -> None:
    with pytest.raises(ValueError):
        SurveyMethod.parse("Bồ câu đưa thư")


def test_the_value_stored_is_the_key_and_the_label_is_vietnamese() -> None:
    assert DossierStatus.WAITING_SUPPLEMENT == "waiting_supplement"
    assert DossierStatus.WAITING_SUPPLEMENT.label == "Chờ bổ sung"
    assert ReformArea(6).label == "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"


def test_the_state_machine_of_domain_md() -> None:
    assert next_status(DossierStatus.RECEIVED, EventKind.TRANSFERRED) is DossierStatus.IN_PROGRESS
    assert next_status(DossierStatus.IN_PROGRESS, EventKind.SUPPLEMENT_REQUESTED) is DossierStatus.WAITING_SUPPLEMENT
    assert next_status(DossierStatus.WAITING_SUPPLEMENT, EventKind.SUPPLEMENT_RECEIVED) is DossierStatus.IN_PROGRESS
    assert next_status(DossierStatus.REFUSED, EventKind.RETURNED) is DossierStatus.RETURNED
    assert next_status(DossierStatus.IN_PROGRESS, EventKind.APOLOGISED) is DossierStatus.IN_PROGRESS
    assert next_status(DossierStatus.RETURNED, EventKind.WITHDRAWN) is None
    assert next_status(DossierStatus.RECEIVED, EventKind.RESULT_READY) is None
    assert next_status(DossierStatus.RETURNED, EventKind.APOLOGISED) is None
    assert EventKind.WITHDRAWN not in allowed_events(DossierStatus.RESULT_READY)
    assert allowed_events(DossierStatus.WITHDRAWN) == [EventKind.PRINTED, EventKind.NOTE]


def test_timeliness_compares_with_the_due_date_and_time() -> None:
    due = datetime(2024, 6, 4, 17, 0)
    assert timeliness(datetime(2024, 6, 3, 16, 0), due) is Timeliness.EARLY
    assert timeliness(datetime(2024, 6, 4, 8, 0), due) is Timeliness.ON_TIME
    assert timeliness(datetime(2024, 6, 4, 17, 0), due) is Timeliness.ON_TIME
    assert timeliness(datetime(2024, 6, 4, 17, 1), due) is Timeliness.LATE
    assert timeliness(datetime(2024, 6, 5, 8, 0), due) is Timeliness.LATE


def test_reminders_are_not_discipline() -> None:
    assert not Measure.REMINDER.disciplinary
    assert Measure.REPRIMAND.disciplinary
