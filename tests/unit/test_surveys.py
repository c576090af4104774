"""Satisfaction surveys (DESIGN.md §1 «Khảo sát hài lòng», DOMAIN.md §4): SurveyService's entry, the
dossier autocomplete, the questionnaire editor, and the figures StatisticsService computes from them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.surveys import SurveyMethod
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.statistics import StatisticsService
from cchc_desktop.services.surveys import DossierChoice, SurveyEntry, SurveyService
from cchc_desktop.text import fold
from db.queries import inserted_id

NOW = datetime(2024, 6, 10, 9, 30)
UNIT_CODE = "000.21.31.H56"


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def add_dossier(db: Database, code: str, received: str = "2024-06-03T08:00", *, name: str = "Nguyễn Thị Ưng") -> int:
    """A dossier of a procedure «1.001193» (created with its field when missing), on either engine."""
    procedure = db.execute("SELECT id FROM procedure WHERE code = '1.001193'").fetchone()
    if procedure is None:
        field_id = inserted_id(db, "INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich')", [])
        procedure_id = inserted_id(
            db, "INSERT INTO procedure (code, name, name_folded, field_id, time_limit, time_limit_unit)"
            " VALUES ('1.001193', 'Thủ tục đăng ký khai sinh', 'thu tuc dang ky khai sinh', ?, 0, 'same_day')",
            [field_id])
    else:
        procedure_id = procedure[0]
    return inserted_id(
        db, "INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, phone, channel, received_at,"
        " due_at, status) VALUES (?, ?, ?, ?, '0912345678', 'direct', ?, ?, 'received')",
        [code, procedure_id, name, fold(name), received, received])


@pytest.fixture
def service(db: Database) -> SurveyService:
    return SurveyService(db, clock=lambda: NOW)


def refused(service: SurveyService, entry: SurveyEntry) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        service.record(entry)
    return caught.value.errors


# -- the questionnaire and the entry ---------------------------------------------------------------------------


def test_the_questionnaire_is_the_seeded_criteria_in_order(service: SurveyService) -> None:
    criteria = service.questionnaire()
    assert len(criteria) == 22
    assert [criterion.position for criterion in criteria] == list(range(1, 23))
    assert (criteria[0].code, criteria[0].aspect_name) == ("1.1", "Tiếp cận dịch vụ")
    assert criteria[-1].aspect == 5


def test_a_paper_form_is_recorded_with_its_answers_and_their_wording(service: SurveyService, db: Database) -> None:
    criteria = service.questionnaire()
    survey = service.record(SurveyEntry(
        taken_on=date(2024, 6, 4), method=SurveyMethod.PAPER, overall=4,
        answers={criteria[0].id: 5, "2.1": 3, "3.2": None}, comment="  Cán bộ  hướng dẫn tận tình  "))
    assert (survey.taken_on, survey.method, survey.overall, survey.satisfied) == (date(2024, 6, 4),
                                                                                  SurveyMethod.PAPER, 4, True)
    assert survey.comment == "Cán bộ hướng dẫn tận tình"
    assert [(answer.criterion_id, answer.score, answer.criterion_text) for answer in survey.answers] == [
        (criteria[0].id, 5, "Nơi ngồi chờ có đủ chỗ ngồi"),
        (criteria[4].id, 3, "Thủ tục hành chính được niêm yết công khai đầy đủ"),
    ]
    assert count(db, "survey") == 1 and count(db, "survey_answer") == 2
    assert service.get(survey.id) == survey


def test_a_kiosk_response_without_criteria_is_enough(service: SurveyService) -> None:
    survey = service.record(SurveyEntry(taken_on=NOW.date(), method=SurveyMethod.KIOSK, overall=2))
    assert (survey.method, survey.answers, survey.satisfied) == (SurveyMethod.KIOSK, (), False)


def test_the_method_may_be_given_by_its_label(service: SurveyService) -> None:
    survey = service.record(SurveyEntry(taken_on=NOW.date(), method="Trực tuyến", overall=5))
    assert survey.method is SurveyMethod.ONLINE


def test_every_bad_field_is_named_at_once_and_nothing_is_written(service: SurveyService, db: Database) -> None:
    errors = refused(service, SurveyEntry(
        taken_on=date(2024, 6, 11), method="thư", overall=6, answers={"1.2": 0, "3.1": 9, "9.9": 3, "1.3": "tốt"},
        dossier_code="000.21.31.H56-240604-9999", comment="x" * 2001))
    assert errors == {
        "taken_on": "Ngày khảo sát 11/06/2024 ở tương lai.",
        "method": "Hình thức khảo sát «thư» không hợp lệ (chọn một trong: Phát phiếu, Trực tuyến, Kiosk).",
        "overall": "Mức độ hài lòng chung: điểm 6 không hợp lệ, phải từ 1 đến 5.",
        "answers.1.2": "Tiêu chí 1.2 «Trang thiết bị phục vụ người dân đầy đủ»: điểm 0 không hợp lệ, phải từ 1 đến 5.",
        "answers.3.1": "Tiêu chí 3.1 «Công chức có thái độ giao tiếp lịch sự khi tiếp nhận và trả kết quả»: điểm 9 "
                       "không hợp lệ, phải từ 1 đến 5.",
        "answers.9.9": "Không có tiêu chí khảo sát «9.9».",
        "answers.1.3": "Tiêu chí 1.3 «Trang thiết bị phục vụ người dân hiện đại»: «tốt» không phải là điểm (ghi số "
                       "từ 1 đến 5).",
        "comment": "Ý kiến khác quá dài (tối đa 2000 ký tự).",
        "dossier_code": "Không có hồ sơ mã «000.21.31.H56-240604-9999».",
    }
    assert count(db, "survey") == count(db, "survey_answer") == 0


def test_an_empty_form_names_the_date_and_the_overall_rating(service: SurveyService, db: Database) -> None:
    assert refused(service, SurveyEntry(taken_on=None, answers={"1.1": 4})) == {
        "taken_on": "Hãy ghi ngày khảo sát.",
        "overall": "Hãy chọn mức độ hài lòng chung (từ 1 đến 5).",
    }
    assert refused(service, SurveyEntry(taken_on=date(1999, 12, 31), overall=True)) == {
        "taken_on": "Ngày khảo sát 31/12/1999 trước năm 2000.",
        "overall": "Mức độ hài lòng chung: «True» không phải là điểm (ghi số từ 1 đến 5).",
    }
    assert count(db, "survey") == 0


def test_the_same_criterion_twice_with_two_scores_is_refused(service: SurveyService) -> None:
    first = service.questionnaire()[0]
    assert refused(service, SurveyEntry(taken_on=NOW.date(), overall=4, answers={first.id: 4, "1.1": 2})) == {
        "answers.1.1": "Tiêu chí 1.1 được ghi hai lần với hai điểm khác nhau."}


def test_a_survey_links_to_its_dossier_by_code(service: SurveyService, db: Database) -> None:
    dossier_id = add_dossier(db, "000.21.31.H56-240603-0001")
    survey = service.record(SurveyEntry(taken_on=date(2024, 6, 4), overall=5,
                                        dossier_code=" 000.21.31.h56-240603-0001 "))
    assert (survey.dossier_id, survey.dossier_code) == (dossier_id, "000.21.31.H56-240603-0001")
    errors = refused(service, SurveyEntry(taken_on=date(2024, 6, 2), overall=5, dossier_code=survey.dossier_code))
    assert errors == {"taken_on": "Ngày khảo sát 02/06/2024 trước ngày tiếp nhận hồ sơ 000.21.31.H56-240603-0001 "
                                  "(03/06/2024)."}


def test_recent_lists_the_last_entered_first(service: SurveyService) -> None:
    ids = [service.record(SurveyEntry(taken_on=date(2024, 6, day), overall=day % 5 + 1)).id for day in (3, 1, 2)]
    assert [survey.id for survey in service.recent(2)] == [ids[2], ids[1]]
    assert service.recent(0) == []
    with pytest.raises(NotFoundError, match="Không có phiếu khảo sát số 99"):
        service.get(99)


# -- the dossier autocomplete -----------------------------------------------------------------------------------


def test_dossier_codes_by_prefix_without_personal_data(service: SurveyService, db: Database) -> None:
    for code in ("000.21.31.H56-240603-0001", "000.21.31.H56-240603-0002", "000.21.31.H56-240604-0001"):
        add_dossier(db, code)
    found = service.find_dossier_codes("000.21.31.h56-240603")
    assert found == [
        DossierChoice("000.21.31.H56-240603-0002", "Thủ tục đăng ký khai sinh", date(2024, 6, 3)),
        DossierChoice("000.21.31.H56-240603-0001", "Thủ tục đăng ký khai sinh", date(2024, 6, 3)),
    ]
    assert set(DossierChoice.__dataclass_fields__) == {"code", "procedure_name", "received_on"}
    assert len(service.find_dossier_codes("000.21", limit=2)) == 2
    assert service.find_dossier_codes("") == service.find_dossier_codes("999") == []


def test_the_unit_prefix_may_be_left_out(service: SurveyService, db: Database) -> None:
    add_dossier(db, f"{UNIT_CODE}-240604-0007")
    assert service.find_dossier_codes("240604-00") == []  # no unit code in the settings yet
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code=UNIT_CODE)
    assert [choice.code for choice in service.find_dossier_codes("240604-00")] == [f"{UNIT_CODE}-240604-0007"]


def test_the_dossier_lookup_uses_the_unique_code_index(service: SurveyService, db: Database) -> None:
    add_dossier(db, "000.21.31.H56-240603-0001")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        assert service.find_dossier_codes("000.21.31.H56-2406")
    finally:
        db.conn.set_trace_callback(None)
    (lookup,) = [statement for statement in statements if "FROM dossier d" in statement]
    plan = " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + lookup))
    assert "INDEX sqlite_autoindex_dossier_1 (code>? AND code<?)" in plan, plan


# -- editing the questionnaire ---------------------------------------------------------------------------------


def test_a_new_criterion_goes_after_its_aspect_with_the_next_code(service: SurveyService) -> None:
    added = service.add_criterion(aspect=2, text="  Thủ tục được hướng dẫn   rõ ràng ")
    assert (added.code, added.aspect_name, added.text, added.position, added.active) == (
        "2.6", "Thủ tục hành chính", "Thủ tục được hướng dẫn rõ ràng", 10, True)
    codes = [criterion.code for criterion in service.questionnaire()]
    assert codes[8:11] == ["2.5", "2.6", "3.1"]
    assert [criterion.position for criterion in service.criteria()] == list(range(1, 24))


def test_a_new_criterion_refused_with_every_field_named(service: SurveyService, db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        service.add_criterion(aspect=2, text="thủ tục hành chính được NIÊM YẾT công khai đầy đủ", code="1.1",
                              position=40)
    assert caught.value.errors == {
        "text": "Tiêu chí 2.1 đã có nội dung này.",
        "code": "Mã tiêu chí «1.1» đã có.",
        "position": "Vị trí phải từ 1 đến 23.",
    }
    with pytest.raises(ValidationError) as caught:
        service.add_criterion(aspect=6, text="")
    assert caught.value.errors == {"text": "Nội dung tiêu chí không được để trống.",
                                   "aspect": "Khía cạnh phải là số từ 1 đến 5."}
    assert count(db, "survey_criterion") == 22


def test_editing_the_wording_keeps_the_wording_of_old_answers(service: SurveyService) -> None:
    first = service.questionnaire()[0]
    old = service.record(SurveyEntry(taken_on=date(2024, 6, 4), overall=5, answers={first.id: 4}))
    changed = service.update_criterion(first.id, text="Nơi chờ có đủ ghế ngồi")
    assert changed.text == "Nơi chờ có đủ ghế ngồi"
    new = service.record(SurveyEntry(taken_on=date(2024, 6, 5), overall=5, answers={first.id: 5}))
    assert service.get(old.id).answers[0].criterion_text == "Nơi ngồi chờ có đủ chỗ ngồi"
    assert new.answers[0].criterion_text == "Nơi chờ có đủ ghế ngồi"


def test_moving_and_deactivating_a_criterion_deletes_nothing(service: SurveyService, db: Database) -> None:
    criteria = service.questionnaire()
    moved = service.update_criterion(criteria[0].id, position=3)
    assert [criterion.code for criterion in service.questionnaire()][:4] == ["1.2", "1.3", "1.1", "1.4"]
    assert moved.position == 3
    answered = service.record(SurveyEntry(taken_on=date(2024, 6, 4), overall=4, answers={"1.4": 2}))
    service.update_criterion(criteria[3].id, active=False)
    assert "1.4" not in [criterion.code for criterion in service.questionnaire()]
    assert len(service.criteria()) == count(db, "survey_criterion") == 22
    assert service.get(answered.id).answers[0].score == 2
    # An inactive criterion may still be answered (old forms keyed late), and made active again.
    assert service.record(SurveyEntry(taken_on=date(2024, 6, 4), overall=4, answers={"1.4": 3})).answers
    assert service.update_criterion(criteria[3].id, active=True).active


def test_bad_edits_are_refused(service: SurveyService) -> None:
    first, second = service.questionnaire()[:2]
    with pytest.raises(ValidationError) as caught:
        service.update_criterion(first.id, text=second.text.upper(), position=0)
    assert caught.value.errors == {"text": "Tiêu chí 1.2 đã có nội dung này.", "position": "Vị trí phải từ 1 đến 22."}
    with pytest.raises(ValidationError) as caught:
        service.update_criterion(first.id, text="  ")
    assert caught.value.errors == {"text": "Nội dung tiêu chí không được để trống."}
    with pytest.raises(NotFoundError):
        service.update_criterion(999, active=False)
    assert service.questionnaire()[0] == first


# -- the figures ------------------------------------------------------------------------------------------------


def test_statistics_count_what_was_recorded(service: SurveyService, db: Database) -> None:
    for overall, method, answer in ((5, SurveyMethod.PAPER, 4), (4, SurveyMethod.KIOSK, 2), (2, SurveyMethod.PAPER, 3)):
        service.record(SurveyEntry(taken_on=date(2024, 6, 3), method=method, overall=overall, answers={"1.1": answer}))
    service.record(SurveyEntry(taken_on=date(2024, 3, 29), overall=5))  # another quarter
    figures = StatisticsService(db).figures(period=parse_period("2024-Q2")).surveys
    assert (figures.responses, figures.satisfied, figures.paper, figures.kiosk, figures.online) == (3, 2, 2, 1, 0)
    first = next(criterion for criterion in figures.criteria if criterion.code == "1.1")
    assert (first.answers, first.average) == (3, 3.0)
