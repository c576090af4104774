"""ReceptionService: registering dossiers, their life from receipt to return, apologies, corrections, search.

Appointments are checked by hand against the 2024 calendar (office hours 07:30–11:30, 13:30–17:00: a
working day is 7.5 h; 29/4–1/5 off, Saturday 4/5 a make-up working day; June 2024 has no holiday).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from benchmarks.desks import run_desks
from cchc_desktop.domain.calendar import WorkCalendar
from cchc_desktop.domain.dossiers import (
    Channel,
    DocumentKind,
    DossierDocument,
    DossierStatus,
    EventKind,
    Outcome,
    Timeliness,
    dossier_code,
    end_of_session,
    in_office_hours,
    working_seconds_between,
)
from cchc_desktop.domain.papers import PaperKind
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import UNDO_WINDOW, NewDossier, ReceptionService, TimelineEntry
from cchc_desktop.services.settings import SettingsService
from db import audit
from db.connection import open_db
from db.handle import Database
from db.queries import statistics

pytestmark = pytest.mark.backends

ROOT = Path(__file__).resolve().parents[2]
UNIT = "000.21.31.H56"
THREE_DAYS = "1.000689"  # khai sinh kết hợp nhận cha, mẹ, con: 3 working days, clock restarts on supplement
SEVEN_DAYS_PAUSE = "1.012783"  # cấp đổi Giấy chứng nhận QSDĐ: 7 working days, clock pauses on supplement
BIRTH = "1.001193"  # Thủ tục đăng ký khai sinh: same day
TABLES = ("dossier", "dossier_document", "dossier_event", "dossier_code_counter", "apology_letter", "dossier_form")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = at(text)


@pytest.fixture
def clock() -> Clock:
    return Clock(at("26/04/2024 10:00"))  # a Friday, before the 29/4–1/5 holidays


@pytest.fixture
def officer(db: Database) -> int:
    return db["user"].insert({
        "username": "hoa", "full_name": "Lê Thị Hoa", "role": "desk", "created_at": "2024-01-02T08:00",
    }).last_pk


@pytest.fixture
def service(db: Database, clock: Clock, officer: int) -> ReceptionService:
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code=UNIT, signer_name="Lê Văn Minh")
    return ReceptionService(db, clock=clock, user_id=officer)


def form(**changes: Any) -> NewDossier:
    values: dict[str, Any] = {"procedure_code": THREE_DAYS, "applicant_name": "Nguyễn Văn Ấn"}
    values.update(changes)
    return NewDossier(**values)


def snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of the dossier tables: equal snapshots mean nothing was written."""
    return {table: list(db[table].rows) for table in TABLES}


def step_data(entry: TimelineEntry) -> dict[str, Any]:
    """A step's data without what an undo would put back (checked in the undo tests)."""
    return {key: value for key, value in entry.data.items() if key not in ("before", "recorded_at")}


def dossier_row(db: Database, code: str) -> dict[str, Any]:
    return next(db["dossier"].rows_where("code = ?", [code]))


# -- registering -----------------------------------------------------------------------------------------


def test_register_gives_the_code_of_the_day_and_the_appointment(
    service: ReceptionService, db: Database, officer: int,
) -> None:
    new = form(
        applicant_name="  nguyễn  Văn Ấn ", applicant_id="038 090 001 234", phone="0912.345 678",
        address=" Thôn 4,  xã Hoằng Hợp ", email="an@example.vn", sets=2, channel=Channel.POSTAL,
        documents=(DossierDocument("Tờ khai đăng ký khai sinh", DocumentKind.ORIGINAL),
                   DossierDocument(" Giấy chứng sinh ", DocumentKind.CERTIFIED_COPY, 2)),
        note=" Nộp thay ", digitized=True,
    )
    done = service.register(new)
    # Fri 26/4 10:00 + 22.5 h: Fri 5 h, Thu 2/5 7.5 h, Fri 3/5 7.5 h, then 2.5 h of the make-up Saturday 4/5
    # → 10:00, rounded up to the end of that morning.
    assert done.code == f"{UNIT}-240426-0001"
    assert done.due_at == at("04/05/2024 11:30")
    assert done.explanation == "3 ngày làm việc; bỏ qua thứ Bảy, Chủ nhật, 29/4–1/5; làm bù thứ Bảy 4/5"
    row = dossier_row(db, done.code)
    assert row["id"] == done.dossier_id
    assert (row["applicant_name"], row["applicant_folded"]) == ("nguyễn Văn Ấn", "nguyen van an")
    assert (row["applicant_id"], row["phone"], row["address"], row["email"]) == (
        "038090001234", "0912345678", "Thôn 4, xã Hoằng Hợp", "an@example.vn")
    assert (row["sets"], row["channel"], row["status"], row["digitized"], row["note"]) == (
        2, "postal", "received", 1, "Nộp thay")
    assert (row["received_at"], row["due_at"], row["received_by"], row["form_set"]) == (
        "2024-04-26T10:00", "2024-05-04T11:30", officer, "TT01/2018")
    view = service.get(done.code)
    assert view.dossier.documents == (
        DossierDocument("Tờ khai đăng ký khai sinh", DocumentKind.ORIGINAL, 1),
        DossierDocument("Giấy chứng sinh", DocumentKind.CERTIFIED_COPY, 2),
    )
    (event,) = view.events
    assert (event.kind, event.at, event.user_name, event.from_status, event.to_status, event.due_after) == (
        EventKind.RECEIVED, at("26/04/2024 10:00"), "Lê Thị Hoa", None, DossierStatus.RECEIVED,
        at("04/05/2024 11:30"))
    assert event.data == {"explanation": done.explanation}
    assert (view.procedure.code, view.procedure.field_name, view.status_label) == (
        THREE_DAYS, "Hộ tịch", "Đã tiếp nhận")
    assert view.received_by_name == "Lê Thị Hoa"


def test_codes_follow_each_other_per_day_without_gaps(service: ReceptionService, db: Database, clock: Clock) -> None:
    codes = [service.register(form(applicant_name=f"Người {i}")).code for i in range(3)]
    assert codes == [f"{UNIT}-240426-000{i}" for i in (1, 2, 3)]
    backdated = service.register(form(received_at=at("25/04/2024 16:45")))
    assert backdated.code == f"{UNIT}-240425-0001"
    # Thu 0.25 h + Fri 7.5 h + Thu 2/5 7.5 h, then 7.25 h of Fri 3/5 → 16:45, rounded up to the closing time.
    assert backdated.due_at == at("03/05/2024 17:00")
    assert service.get(backdated.code).events[0].data["recorded_at"] == "2024-04-26T10:00"
    clock.set("02/05/2024 07:00")  # before opening: counted from 07:30
    assert service.register(form()).code == f"{UNIT}-240502-0001"
    assert {(r["day"], r["last_seq"]) for r in db["dossier_code_counter"].rows} == {
        ("2024-04-26", 3), ("2024-04-25", 1), ("2024-05-02", 1)}


def test_a_number_already_taken_by_an_imported_dossier_is_skipped(service: ReceptionService, db: Database) -> None:
    first = service.register(form())
    imported = dict(dossier_row(db, first.code), id=None, code=f"{UNIT}-240426-0002")
    db["dossier"].insert(imported)
    assert service.register(form()).code == f"{UNIT}-240426-0003"


def test_preview_shows_the_code_and_appointment_and_writes_nothing(service: ReceptionService, db: Database) -> None:
    before = snapshot(db)
    preview = service.preview(form())
    assert preview.ok
    assert preview.code == f"{UNIT}-240426-0001"
    assert preview.due is not None and preview.due.at == at("04/05/2024 11:30")
    assert preview.due.explanation.startswith("3 ngày làm việc")
    assert preview.procedure is not None and preview.procedure.time_limit_label == "3 ngày làm việc"
    bad = service.preview(form(applicant_name=" ", procedure_code="9.999999"))
    assert not bad.ok and set(bad.errors) == {"applicant_name", "procedure_code"}
    assert bad.code == f"{UNIT}-240426-0001" and bad.due is None
    same_day = service.preview(form(procedure_code=BIRTH))
    assert same_day.due is not None and same_day.due.at == at("26/04/2024 17:00")
    assert same_day.procedure is not None and same_day.procedure.time_limit_label == "Trong ngày"
    assert snapshot(db) == before


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(service: ReceptionService, db: Database) -> None:
    before = snapshot(db)
    bad = form(
        procedure_code="9.999999", applicant_name="   ", applicant_id="12345", phone="0912 345", email="an@",
        sets=0, received_at=at("26/04/2024 10:01"), documents=(DossierDocument("  "),),
    )
    with pytest.raises(ValidationError) as caught:
        service.register(bad)
    assert caught.value.errors == {
        "procedure_code": "Không tìm thấy thủ tục «9.999999» trong danh mục.",
        "applicant_name": "Họ tên người nộp không được để trống.",
        "applicant_id": "Số giấy tờ tùy thân phải gồm 9 hoặc 12 chữ số.",
        "phone": "Số điện thoại phải gồm 10 hoặc 11 chữ số (có thể viết cách bằng dấu cách, dấu chấm).",
        "email": "Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten@example.vn).",
        "sets": "Số bộ hồ sơ phải là số nguyên từ 1 trở lên.",
        "received_at": "Thời điểm tiếp nhận không được sau thời điểm hiện tại.",
        "documents": "Thành phần hồ sơ thứ 1: tên giấy tờ không được để trống.",
    }
    assert snapshot(db) == before


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"applicant_id": "0380900012345"}, "applicant_id", "Số giấy tờ tùy thân phải gồm 9 hoặc 12 chữ số."),
    ({"applicant_id": "03809000123A"}, "applicant_id", "Số giấy tờ tùy thân phải gồm 9 hoặc 12 chữ số."),
    ({"phone": "091234567890"}, "phone",
     "Số điện thoại phải gồm 10 hoặc 11 chữ số (có thể viết cách bằng dấu cách, dấu chấm)."),
    ({"procedure_code": " "}, "procedure_code", "Hãy chọn thủ tục hành chính."),
    ({"received_at": datetime(1999, 12, 31, 9)}, "received_at", "Thời điểm tiếp nhận không hợp lệ (trước năm 2000)."),
    ({"channel": "fax"}, "channel", "Hình thức nộp hồ sơ không hợp lệ."),
    ({"documents": (DossierDocument("Tờ khai"), DossierDocument("Giấy chứng sinh", count=0))}, "documents",
     "Thành phần hồ sơ thứ 2: số lượng phải từ 1 đến 99."),
])
def test_one_bad_field(service: ReceptionService, db: Database, changes: dict[str, Any], field: str,
                       message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        service.register(form(**changes))
    assert caught.value.errors == {field: message}
    assert db["dossier"].count == 0


@pytest.mark.parametrize(("applicant_id", "phone", "stored"), [
    ("038090001234", "0912345678", ("038090001234", "0912345678")),
    ("172 345 678", "+84 912 345 678", ("172345678", "0912345678")),
    ("", " 0237.3 861 234 ", (None, "02373861234")),
])
def test_numbers_are_stored_without_separators(
    service: ReceptionService, db: Database, applicant_id: str, phone: str, stored: tuple[str | None, str],
) -> None:
    done = service.register(form(applicant_id=applicant_id, phone=phone))
    row = dossier_row(db, done.code)
    assert (row["applicant_id"], row["phone"]) == stored


def test_a_procedure_no_longer_applied_and_a_unit_without_code_are_refused(
    service: ReceptionService, db: Database,
) -> None:
    procedure_id = next(db["procedure"].rows_where("code = ?", [THREE_DAYS]))["id"]
    db["procedure"].update(procedure_id, {"active": 0})
    SettingsService(db).update(code="")
    with pytest.raises(ValidationError) as caught:
        service.register(form())
    assert caught.value.errors == {
        "procedure_code": f"Thủ tục «{THREE_DAYS}» đã ngừng áp dụng.",
        "unit_code": "Chưa cài đặt mã định danh của đơn vị (Cài đặt → Mã định danh) nên chưa cấp được mã hồ sơ.",
    }
    assert service.preview(form()).code is None


def test_registering_continues_the_demo_counter(demo_path: Path) -> None:
    db = open_db(demo_path)
    try:
        day, last = max((r["day"], r["last_seq"]) for r in db["dossier_code_counter"].rows)
        received = datetime.combine(date.fromisoformat(day), datetime.min.time()).replace(hour=16)
        service = ReceptionService(db, clock=lambda: datetime(2025, 1, 2, 9, 0))
        done = service.register(form(received_at=received))
        unit = SettingsService(db).load().code
        assert done.code == dossier_code("{unit}-{yymmdd}-{seq:04d}", unit=unit, day=received.date(), seq=last + 1)
        assert db["dossier"].count_where("code LIKE ?", [done.code[:-4] + "%"]) == last + 1
    finally:
        db.close()


# -- the life of a dossier -------------------------------------------------------------------------------


def test_the_whole_life_received_to_returned(service: ReceptionService, db: Database, clock: Clock) -> None:
    clock.set("03/06/2024 08:00")
    # Mon 8:00 + 22.5 h: Mon 7 h, Tue 7.5 h, Wed 7.5 h, then 0.5 h of Thursday → end of Thursday morning.
    code = service.register(form(received_at=at("03/06/2024 08:00"))).code
    assert service.get(code).dossier.due_at == at("06/06/2024 11:30")
    clock.set("03/06/2024 09:00")
    service.transition(code, EventKind.TRANSFERRED)
    clock.set("04/06/2024 10:00")
    asked = service.transition(code, EventKind.SUPPLEMENT_REQUESTED, reason=" Bản sao giấy chứng sinh ")
    assert (asked.to_status, asked.due_changed) == (DossierStatus.WAITING_SUPPLEMENT, False)
    clock.set("10/06/2024 14:00")
    back = service.transition(code, EventKind.SUPPLEMENT_RECEIVED)
    # Restart: 22.5 h from Mon 10/6 14:00: Mon 3 h, Tue 7.5, Wed 7.5, Thu 4 h morning + 0.5 h → 14:00 → 17:00.
    assert (back.due_before, back.due_at) == (at("06/06/2024 11:30"), at("13/06/2024 17:00"))
    assert back.explanation == "Tính lại từ khi nhận hồ sơ bổ sung: 3 ngày làm việc"
    clock.set("12/06/2024 16:00")
    ready = service.transition(code, EventKind.RESULT_READY)
    assert ready.to_status is DossierStatus.RESULT_READY
    clock.set("13/06/2024 08:15")
    service.transition(code, EventKind.RETURNED)
    view = service.get(code)
    dossier = view.dossier
    assert dossier.status is DossierStatus.RETURNED
    assert (dossier.resolved_at, dossier.returned_at, dossier.outcome) == (
        at("12/06/2024 16:00"), at("13/06/2024 08:15"), Outcome.GRANTED)
    assert dossier.due_at == at("13/06/2024 17:00")
    assert view.timeliness is Timeliness.EARLY
    assert view.allowed == (EventKind.PRINTED, EventKind.NOTE)
    steps = [(e.kind, e.from_status, e.to_status, e.reason, e.due_before, e.due_after) for e in view.events]
    assert steps == [
        (EventKind.RECEIVED, None, DossierStatus.RECEIVED, None, None, at("06/06/2024 11:30")),
        (EventKind.TRANSFERRED, DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, None,
         at("06/06/2024 11:30"), None),
        (EventKind.SUPPLEMENT_REQUESTED, DossierStatus.IN_PROGRESS, DossierStatus.WAITING_SUPPLEMENT,
         "Bản sao giấy chứng sinh", at("06/06/2024 11:30"), None),
        (EventKind.SUPPLEMENT_RECEIVED, DossierStatus.WAITING_SUPPLEMENT, DossierStatus.IN_PROGRESS, None,
         at("06/06/2024 11:30"), at("13/06/2024 17:00")),
        (EventKind.RESULT_READY, DossierStatus.IN_PROGRESS, DossierStatus.RESULT_READY, None,
         at("13/06/2024 17:00"), None),
        (EventKind.RETURNED, DossierStatus.RESULT_READY, DossierStatus.RETURNED, None, at("13/06/2024 17:00"), None),
    ]
    assert [e.at for e in view.events] == sorted(e.at for e in view.events)
    assert all(e.user_name == "Lê Thị Hoa" for e in view.events)
    # Tue 10:00 → Thu 11:30: Tue 5 h, Wed 7.5 h, Thu 4 h = 16.5 h left when the supplement was requested.
    assert view.events[2].data["remaining_seconds"] == 16.5 * 3600
    assert view.events[3].data["rule"] == "restart"


def _to_waiting(service: ReceptionService, clock: Clock, code: str) -> None:
    clock.set("03/06/2024 09:00")
    service.transition(code, EventKind.TRANSFERRED)
    clock.set("04/06/2024 10:00")
    service.transition(code, EventKind.SUPPLEMENT_REQUESTED, reason="Bản sao giấy chứng sinh")


def test_a_pausing_procedure_resumes_with_the_time_that_was_left(
    service: ReceptionService, db: Database, clock: Clock,
) -> None:
    procedure_id = next(db["procedure"].rows_where("code = ?", [THREE_DAYS]))["id"]
    db["procedure"].update(procedure_id, {"supplement_rule": "pause"})
    clock.set("03/06/2024 08:00")
    code = service.register(form()).code
    _to_waiting(service, clock, code)
    clock.set("10/06/2024 14:00")
    back = service.transition(code, EventKind.SUPPLEMENT_RECEIVED)
    # 16.5 h left (Tue 10:00 → Thu 11:30), from Mon 10/6 14:00: Mon 3 h, Tue 7.5 h, Wed 4 h morning + 2 h
    # → 15:30, rounded up to the end of the afternoon. (Restarting would give Thu 13/6 17:00.)
    assert back.due_at == at("12/06/2024 17:00")
    assert back.explanation == (
        "Tạm dừng khi yêu cầu bổ sung, còn 16 giờ 30 phút làm việc, tính tiếp từ khi nhận hồ sơ bổ sung")
    assert step_data(service.get(code).events[-1]) == {
        "rule": "pause", "remaining_seconds": 59400, "explanation": back.explanation}


def test_a_seven_day_pausing_procedure_by_hand(service: ReceptionService, clock: Clock) -> None:
    clock.set("03/06/2024 08:00")
    code = service.register(form(procedure_code=SEVEN_DAYS_PAUSE)).code
    # 52.5 h from Mon 8:00: Mon 7 h + 6 days (45 h) → Wed 12/6, 0.5 h in → 08:00 → end of the morning.
    assert service.get(code).dossier.due_at == at("12/06/2024 11:30")
    clock.set("03/06/2024 09:00")
    service.transition(code, EventKind.TRANSFERRED)
    clock.set("05/06/2024 09:30")
    service.transition(code, EventKind.SUPPLEMENT_REQUESTED, reason="Sơ đồ thửa đất")
    clock.set("10/06/2024 14:00")
    back = service.transition(code, EventKind.SUPPLEMENT_RECEIVED)
    # Left at the request: Wed 5/6 5.5 h + Thu, Fri, Mon, Tue 30 h + Wed 12/6 morning 4 h = 39.5 h.
    # From Mon 10/6 14:00: Mon 3, Tue–Fri 30 → 33 h, Mon 17/6 morning 4 → 37 h, 2.5 h more → 16:00 → 17:00.
    assert back.due_at == at("17/06/2024 17:00")
    assert step_data(service.get(code).events[-2]) == {"remaining_seconds": 39.5 * 3600}


def test_an_appointment_set_by_hand_on_supplement(service: ReceptionService, clock: Clock) -> None:
    clock.set("03/06/2024 08:00")
    code = service.register(form()).code
    _to_waiting(service, clock, code)
    clock.set("10/06/2024 14:00")
    with pytest.raises(ValidationError) as caught:
        service.transition(code, EventKind.SUPPLEMENT_RECEIVED, new_due_at=at("10/06/2024 13:00"))
    assert caught.value.errors == {
        "new_due_at": "Ngày hẹn trả mới không được trước thời điểm nhận hồ sơ bổ sung."}
    back = service.transition(code, EventKind.SUPPLEMENT_RECEIVED, new_due_at=at("14/06/2024 17:00"))
    assert back.due_at == at("14/06/2024 17:00")
    assert service.get(code).events[-1].data["computed_due_at"] == "2024-06-13T17:00"


@pytest.mark.parametrize(("path", "event", "message"), [
    ((), EventKind.RESULT_READY, "Không thể ghi nhận có kết quả khi hồ sơ đang ở trạng thái «Đã tiếp nhận»."),
    ((), EventKind.RETURNED, "Không thể trả kết quả khi hồ sơ đang ở trạng thái «Đã tiếp nhận»."),
    ((), EventKind.SUPPLEMENT_RECEIVED, "Không thể nhận hồ sơ bổ sung khi hồ sơ đang ở trạng thái «Đã tiếp nhận»."),
    ((EventKind.TRANSFERRED,), EventKind.TRANSFERRED,
     "Không thể chuyển xử lý khi hồ sơ đang ở trạng thái «Đang giải quyết»."),
    ((EventKind.TRANSFERRED, EventKind.SUPPLEMENT_REQUESTED), EventKind.RESULT_READY,
     "Không thể ghi nhận có kết quả khi hồ sơ đang ở trạng thái «Chờ bổ sung»."),
    ((EventKind.TRANSFERRED, EventKind.RESULT_READY), EventKind.WITHDRAWN,
     "Không thể rút hồ sơ khi hồ sơ đang ở trạng thái «Đã có kết quả»."),
    ((EventKind.TRANSFERRED, EventKind.RESULT_READY, EventKind.RETURNED), EventKind.REFUSED,
     "Không thể từ chối giải quyết khi hồ sơ đang ở trạng thái «Đã trả kết quả»."),
])
def test_a_transition_the_table_does_not_allow_is_refused(
    service: ReceptionService, db: Database, path: tuple[EventKind, ...], event: EventKind, message: str,
) -> None:
    code = service.register(form()).code
    for step in path:
        service.transition(code, step, reason="Lý do")
    before = snapshot(db)
    with pytest.raises(ValidationError) as caught:
        service.transition(code, event, reason="Lý do")
    assert caught.value.errors == {"event": message}
    assert snapshot(db) == before


def test_apologies_and_corrections_have_their_own_methods(service: ReceptionService) -> None:
    code = service.register(form()).code
    for event in (EventKind.RECEIVED, EventKind.APOLOGISED, EventKind.CORRECTED):
        with pytest.raises(ValueError):
            service.transition(code, event)


def test_step_times_and_reasons_are_checked(service: ReceptionService, db: Database, clock: Clock) -> None:
    clock.set("03/06/2024 08:00")
    code = service.register(form()).code
    clock.set("04/06/2024 10:00")
    before = snapshot(db)
    cases = [
        ({"at": at("04/06/2024 10:01")}, "at", "Thời điểm chuyển xử lý không được sau thời điểm hiện tại."),
        ({"at": at("03/06/2024 07:59")}, "at",
         "Thời điểm chuyển xử lý không được trước thời điểm tiếp nhận hồ sơ (03/06/2024 08:00)."),
        ({"new_due_at": at("10/06/2024 17:00")}, "new_due_at",
         "Chỉ đặt lại ngày hẹn trả khi nhận hồ sơ bổ sung; hồ sơ sắp trễ hoặc đã trễ hạn thì lập phiếu xin lỗi "
         "và hẹn lại ngày trả."),
        ({"outcome": Outcome.REFUSED}, "outcome", "Kết quả «Từ chối» không phù hợp với thao tác chuyển xử lý."),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            service.transition(code, EventKind.TRANSFERRED, **kwargs)
        assert caught.value.errors == {field: message}
    assert snapshot(db) == before
    service.transition(code, EventKind.TRANSFERRED, at=at("03/06/2024 09:00"))
    with pytest.raises(ValidationError) as caught:
        service.transition(code, EventKind.SUPPLEMENT_REQUESTED, at=at("03/06/2024 08:30"), reason="  ")
    assert caught.value.errors == {
        "at": "Thời điểm yêu cầu bổ sung không được trước bước xử lý trước đó (03/06/2024 09:00).",
        "reason": "Hãy ghi rõ những giấy tờ cần bổ sung, hoàn thiện.",
    }
    with pytest.raises(ValidationError) as caught:
        service.transition(code, EventKind.WITHDRAWN)
    assert caught.value.errors == {"reason": "Hãy ghi rõ lý do rút hồ sơ."}
    with pytest.raises(NotFoundError) as missing:
        service.transition(f"{UNIT}-240603-0099", EventKind.TRANSFERRED)
    assert str(missing.value) == "Không tìm thấy hồ sơ có mã «000.21.31.H56-240603-0099»."


def test_withdraw(service: ReceptionService, db: Database, clock: Clock) -> None:
    clock.set("03/06/2024 08:00")
    code = service.register(form()).code
    _to_waiting(service, clock, code)
    clock.set("05/06/2024 15:20")
    done = service.transition(code, EventKind.WITHDRAWN, reason="Công dân xin rút để bổ sung sau")
    assert (done.from_status, done.to_status) == (DossierStatus.WAITING_SUPPLEMENT, DossierStatus.WITHDRAWN)
    row = dossier_row(db, code)
    assert (row["status"], row["withdrawn_at"], row["resolved_at"]) == ("withdrawn", "2024-06-05T15:20", None)
    assert service.get(code).events[-1].reason == "Công dân xin rút để bổ sung sau"
    with pytest.raises(ValidationError) as caught:
        service.transition(code, EventKind.SUPPLEMENT_RECEIVED)
    assert caught.value.errors == {"event": "Không thể nhận hồ sơ bổ sung khi hồ sơ đang ở trạng thái «Rút hồ sơ»."}


def test_refuse_then_hand_over_the_refusal(service: ReceptionService, db: Database, clock: Clock) -> None:
    clock.set("03/06/2024 08:00")
    code = service.register(form()).code
    clock.set("03/06/2024 09:00")
    service.transition(code, EventKind.TRANSFERRED)
    clock.set("04/06/2024 14:00")
    with pytest.raises(ValidationError) as caught:
        service.transition(code, EventKind.REFUSED)
    assert caught.value.errors == {"reason": "Hãy ghi rõ lý do từ chối giải quyết."}
    service.transition(code, EventKind.REFUSED, reason="Không thuộc thẩm quyền", outcome=Outcome.REFUSED)
    clock.set("05/06/2024 08:00")
    service.transition(code, EventKind.RETURNED)
    row = dossier_row(db, code)
    assert (row["status"], row["outcome"], row["resolved_at"], row["returned_at"]) == (
        "returned", "refused", "2024-06-04T14:00", "2024-06-05T08:00")
    assert service.get(code).timeliness is Timeliness.EARLY


# -- apologies -------------------------------------------------------------------------------------------


def test_apology_rules(service: ReceptionService, db: Database, clock: Clock) -> None:
    clock.set("03/06/2024 08:00")
    code = service.register(form()).code  # due Thu 06/06 11:30
    clock.set("03/06/2024 09:00")
    service.transition(code, EventKind.TRANSFERRED)
    clock.set("05/06/2024 11:00")  # 8 h of work left: more than a working day
    before = snapshot(db)
    with pytest.raises(ValidationError) as caught:
        service.apologise(code, reason="Chờ xác minh", new_due_at=at("10/06/2024 17:00"))
    assert caught.value.errors == {"event": (
        "Chỉ lập phiếu xin lỗi khi hồ sơ đã trễ hạn hoặc còn không quá 1 ngày làm việc đến hạn "
        "(hẹn trả: 06/06/2024 11:30).")}
    clock.set("05/06/2024 13:30")  # exactly one working day left
    bad_dates = [
        (at("06/06/2024 11:30"), "Ngày hẹn trả mới phải sau ngày hẹn trả cũ (06/06/2024 11:30)."),
        (at("09/06/2024 10:00"), "Ngày hẹn trả mới phải là một ngày làm việc, trong giờ làm việc."),  # Sunday
        (at("10/06/2024 12:00"), "Ngày hẹn trả mới phải là một ngày làm việc, trong giờ làm việc."),  # lunch
    ]
    for new_due, message in bad_dates:
        with pytest.raises(ValidationError) as caught:
            service.apologise(code, reason="", new_due_at=new_due)
        assert caught.value.errors == {"reason": "Hãy ghi rõ lý do chậm trả kết quả.", "new_due_at": message}
    assert snapshot(db) == before
    done = service.apologise(code, reason=" Chờ kết quả xác minh của Công an ", new_due_at=at("10/06/2024 17:00"))
    assert (done.original_due_at, done.new_due_at) == (at("06/06/2024 11:30"), at("10/06/2024 17:00"))
    letter = db["apology_letter"].get(done.letter_id)
    assert tuple(letter[key] for key in ("issued_on", "reason", "old_due_at", "new_due_at", "signer_name")) == (
        "2024-06-05", "Chờ kết quả xác minh của Công an", "2024-06-06T11:30", "2024-06-10T17:00", "Lê Văn Minh")
    view = service.get(code)
    assert view.dossier.due_at == at("06/06/2024 11:30")  # timeliness keeps the original appointment
    assert view.promised_at == at("10/06/2024 17:00")
    event = view.events[-1]
    assert (event.kind, event.from_status, event.to_status, event.due_before, event.due_after) == (
        EventKind.APOLOGISED, DossierStatus.IN_PROGRESS, DossierStatus.IN_PROGRESS, at("06/06/2024 11:30"),
        at("10/06/2024 17:00"))
    clock.set("07/06/2024 08:00")
    with pytest.raises(ValidationError) as caught:
        service.apologise(code, reason="Lần nữa", new_due_at=at("12/06/2024 17:00"))
    assert caught.value.errors == {"event": "Hồ sơ đã có phiếu xin lỗi và hẹn lại ngày trả; chỉ được hẹn lại một lần."}
    clock.set("10/06/2024 16:00")
    service.transition(code, EventKind.RESULT_READY)
    assert service.get(code).timeliness is Timeliness.LATE  # still late despite the apology


def test_a_late_dossier_may_be_apologised_for_but_not_a_closed_one(service: ReceptionService, clock: Clock) -> None:
    clock.set("03/06/2024 08:00")
    late = service.register(form()).code
    closed = service.register(form()).code
    clock.set("03/06/2024 09:00")
    service.transition(closed, EventKind.TRANSFERRED)
    service.transition(closed, EventKind.RESULT_READY)
    clock.set("07/06/2024 09:00")  # a day after the appointment
    assert service.apologise(late, reason="Thiếu cán bộ", new_due_at=at("11/06/2024 11:30")).letter_id
    with pytest.raises(ValidationError) as caught:
        service.apologise(closed, reason="Thiếu cán bộ", new_due_at=at("11/06/2024 11:30"))
    assert caught.value.errors == {
        "event": "Không thể xin lỗi, hẹn lại ngày trả khi hồ sơ đang ở trạng thái «Đã có kết quả»."}


# -- corrections -----------------------------------------------------------------------------------------


def test_correction_after_printing(service: ReceptionService, db: Database, clock: Clock) -> None:
    done = service.register(form(phone="0912345678"))
    db["dossier_form"].insert({"dossier_id": done.dossier_id, "form": "01", "issued_at": "2024-04-26T10:01"})
    before = snapshot(db)
    for changes, reason, errors in [
        ({"applicant_name": "Nguyễn Văn Ân"}, " ", {"reason": "Hãy ghi rõ lý do sửa thông tin."}),
        ({"applicant_name": "Nguyễn Văn Ấn"}, "Gõ sai", {"changes": "Không có thông tin nào thay đổi."}),
        ({"code": "X", "phone": "12"}, "Gõ sai", {
            "code": "Không sửa được trường «code» bằng thao tác sửa thông tin.",
            "phone": "Số điện thoại phải gồm 10 hoặc 11 chữ số (có thể viết cách bằng dấu cách, dấu chấm)."}),
    ]:
        with pytest.raises(ValidationError) as caught:
            service.correct(done.code, changes=changes, reason=reason)
        assert caught.value.errors == errors
    assert snapshot(db) == before
    clock.set("26/04/2024 10:30")
    fixed = service.correct(
        done.code, changes={"applicant_name": "Đặng Văn Ân", "phone": "0912 345 679", "address": ""},
        reason="Gõ sai họ tên và số điện thoại",
    )
    assert set(fixed.changed) == {"applicant_name", "phone"} and fixed.voided_forms == 1
    row = dossier_row(db, done.code)
    assert (row["applicant_name"], row["applicant_folded"], row["phone"]) == (
        "Đặng Văn Ân", "dang van an", "0912345679")
    receipt = next(db["dossier_form"].rows)
    assert (receipt["voided_at"], receipt["void_reason"]) == ("2024-04-26T10:30", "Gõ sai họ tên và số điện thoại")
    event = service.get(done.code).events[-1]
    assert (event.kind, event.reason, event.from_status, event.to_status) == (
        EventKind.CORRECTED, "Gõ sai họ tên và số điện thoại", DossierStatus.RECEIVED, DossierStatus.RECEIVED)
    assert event.data == {
        "before": {"applicant_name": "Nguyễn Văn Ấn", "phone": "0912345678"},
        "after": {"applicant_name": "Đặng Văn Ân", "phone": "0912345679"},
        "voided_forms": 1,
    }


def test_a_returned_dossier_cannot_be_corrected(service: ReceptionService) -> None:
    code = service.register(form()).code
    for step in (EventKind.TRANSFERRED, EventKind.RESULT_READY, EventKind.RETURNED):
        service.transition(code, step)
    with pytest.raises(ValidationError) as caught:
        service.correct(code, changes={"phone": "0912345678"}, reason="Bổ sung số điện thoại")
    assert caught.value.errors == {"event": "Không thể sửa thông tin khi hồ sơ đang ở trạng thái «Đã trả kết quả»."}


# -- reading ---------------------------------------------------------------------------------------------


def test_get_finds_a_code_typed_in_lower_case_and_refuses_an_unknown_one(service: ReceptionService) -> None:
    code = service.register(form()).code
    assert service.get(f"  {code.lower()} ").code == code
    with pytest.raises(NotFoundError):
        service.get("000.21.31.H56-240426-9999")


@pytest.mark.parametrize("typed", ["khai sinh", "Khai Sinh", "khái sinh", "KHAI SINH", "đăng ký khai sinh",
                                   "sinh khai", "1.001193"])
def test_procedure_search_ignores_case_and_diacritics(service: ReceptionService, typed: str) -> None:
    names = [choice.name for choice in service.find_procedures(typed)]
    assert "Thủ tục đăng ký khai sinh" in names


def test_procedure_search_ranks_and_limits(service: ReceptionService, db: Database) -> None:
    assert service.find_procedures("1.001193")[0].code == BIRTH
    assert service.find_procedures("khai sinh")[0].name == "Thủ tục đăng ký khai sinh"  # shortest whole match
    assert len(service.find_procedures("thu tuc", limit=3)) == 3
    assert service.find_procedures("  ") == []
    assert service.find_procedures("xyz không có") == []
    assert service.find_procedures("50%") == []
    procedure_id = next(db["procedure"].rows_where("code = ?", [BIRTH]))["id"]
    db["procedure"].update(procedure_id, {"active": 0})
    assert BIRTH not in [choice.code for choice in service.find_procedures("khai sinh")]


# -- the pure helpers ------------------------------------------------------------------------------------


def test_working_time_helpers_agree_with_the_calendar() -> None:
    calendar = WorkCalendar()
    start = at("26/04/2024 10:00")
    for minutes in (0, 1, 90, 300, 450, 451, 1350, 5000):
        end = calendar.add_working_minutes(start, minutes)
        assert working_seconds_between(calendar, start, end) == minutes * 60
    assert working_seconds_between(calendar, at("27/04/2024 10:00"), at("02/05/2024 07:00")) == 0
    assert end_of_session(calendar, at("02/05/2024 09:00")) == at("02/05/2024 11:30")
    assert end_of_session(calendar, at("02/05/2024 12:00")) == at("02/05/2024 17:00")
    assert end_of_session(calendar, at("03/05/2024 17:30")) == at("04/05/2024 11:30")
    assert in_office_hours(calendar, at("04/05/2024 11:30"))
    assert in_office_hours(calendar, at("04/05/2024 13:30"))  # the make-up Saturday is a full working day
    assert not in_office_hours(calendar, at("02/05/2024 12:00"))  # lunch
    assert not in_office_hours(calendar, at("11/05/2024 10:00"))  # an ordinary Saturday
    assert dossier_code("{unit}-{yymmdd}", unit=UNIT, day=date(2024, 6, 4), seq=7) == f"{UNIT}-240604-0007"


# -- two windows saving at once --------------------------------------------------------------------------

def test_two_processes_saving_at_once_get_unique_gap_free_codes(service: ReceptionService,
                                                                 db_location: Path | str) -> None:
    """Two desks' processes (benchmarks.desks, as the five desks' test on a server) registering at once."""
    per_worker = 50
    found = run_desks(str(db_location), 2, per_worker, timeout_s=60)
    codes = [code for desk in found for code in desk["codes"]]
    assert len(codes) == len(set(codes)) == 2 * per_worker
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, 2 * per_worker + 1))
    assert all(code.startswith(f"{UNIT}-240426-") for code in codes)
    db = open_db(db_location)
    try:
        assert db["dossier"].count == 2 * per_worker
        assert [(r["day"], r["last_seq"]) for r in db["dossier_code_counter"].rows] == [("2024-04-26", 2 * per_worker)]
    finally:
        db.close()


# -- undoing the last step (issue 18): within ten minutes of writing it, by whoever wrote it, never past a paper
# printed for it; the dossier goes back field by field, the history stays append-only (an 'undone' event names the
# step) and audited, and the figures, the papers and the next step read the history without the undone step.

FIELDS = ("status", "due_at", "resolved_at", "returned_at", "withdrawn_at", "outcome")


def fields(db: Database, code: str) -> dict[str, Any]:
    row = dossier_row(db, code)
    return {key: row[key] for key in FIELDS}


@pytest.fixture
def code(service: ReceptionService) -> str:  # a dossier of three working days, received
    return service.register(form(procedure_code=THREE_DAYS)).code


@pytest.mark.parametrize("steps", [
    [(EventKind.TRANSFERRED, "")],
    [(EventKind.TRANSFERRED, ""), (EventKind.SUPPLEMENT_REQUESTED, "Bổ sung giấy chứng sinh")],
    [(EventKind.TRANSFERRED, ""), (EventKind.SUPPLEMENT_REQUESTED, "Bổ sung giấy chứng sinh"),
     (EventKind.SUPPLEMENT_RECEIVED, "")],
    [(EventKind.TRANSFERRED, ""), (EventKind.RESULT_READY, "")],
    [(EventKind.TRANSFERRED, ""), (EventKind.REFUSED, "Không đủ điều kiện")],
    [(EventKind.TRANSFERRED, ""), (EventKind.RESULT_READY, ""), (EventKind.RETURNED, "Người nhận: A")],
    [(EventKind.WITHDRAWN, "Người nộp xin rút")],
])
def test_the_last_step_is_undone_field_by_field(
    service: ReceptionService, db: Database, clock: Clock, code: str, steps: list[tuple[EventKind, str]],
) -> None:
    *earlier, (last, reason) = steps
    for event, why in earlier:
        clock.now += timedelta(minutes=30)
        service.transition(code, event, reason=why)
    clock.now += timedelta(minutes=30)
    before = fields(db, code)
    service.transition(code, last, reason=reason)
    assert fields(db, code) != before
    offer = service.undo_offer(code)
    assert offer is not None and offer.event is last and offer.until == clock.now + UNDO_WINDOW
    clock.now += timedelta(minutes=9)
    undone = service.undo(code)
    assert fields(db, code) == before
    assert (undone.event, undone.to_status) == (EventKind.UNDONE, DossierStatus(before["status"]))
    view = service.get(code)
    assert [entry.kind for entry in view.history] == [EventKind.RECEIVED, *(event for event, _ in earlier)]
    assert view.events[-2].kind is last and view.events[-2].undone and view.events[-1].undoes == view.events[-2].id
    assert audit.replay_problems(db) == []
    entries = db.execute("SELECT table_name, action FROM audit_log ORDER BY id DESC LIMIT 2").fetchall()
    assert sorted(entries) == [("dossier", "update"), ("dossier_event", "insert")]
    clock.now += timedelta(minutes=1)
    again = service.transition(code, last, reason=reason)  # the step can be written again, as if new
    assert again.from_status is DossierStatus(before["status"])


def test_too_late_someone_elses_or_a_numbered_paper_is_refused_and_changes_nothing(
    service: ReceptionService, db: Database, clock: Clock, code: str, officer: int,
) -> None:
    for event, reason in ((EventKind.TRANSFERRED, ""), (EventKind.SUPPLEMENT_REQUESTED, "Bổ sung tờ khai")):
        clock.now += timedelta(minutes=5)
        service.transition(code, event, reason=reason)
    other = db["user"].insert({"username": "lan", "full_name": "Hà Thị Lan", "role": "desk",
                               "created_at": "2024-01-02T08:00"}).last_pk
    colleague = ReceptionService(db, clock=clock, user_id=other)
    cases = [
        (colleague, "Chỉ người đã ghi bước «Yêu cầu bổ sung» mới hoàn tác được."),
    ]
    for who, message in cases:
        before = snapshot(db)
        assert who.undo_offer(code) is None
        with pytest.raises(ValidationError) as caught:
            who.undo(code)
        assert caught.value.errors == {"undo": message}
        assert snapshot(db) == before
    # the request's paper is printed: the step is on paper now, in the citizen's hands
    PrintingService(db, clock=clock, user_id=officer).print_paper(code, PaperKind.CONTROL)  # not the step's own
    assert service.undo_offer(code) is not None
    PrintingService(db, clock=clock, user_id=officer).print_paper(code, PaperKind.SUPPLEMENT)
    assert service.undo_offer(code) is None
    with pytest.raises(ValidationError, match=r"^undo: Đã in Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ cho bước «Yêu"
                                              r" cầu bổ sung»: không hoàn tác được.$"):
        service.undo(code)
    clock.now += timedelta(minutes=5)
    service.transition(code, EventKind.SUPPLEMENT_RECEIVED)
    clock.now += UNDO_WINDOW + timedelta(seconds=1)
    before = snapshot(db)
    assert service.undo_offer(code) is None
    with pytest.raises(ValidationError, match="Đã quá 10 phút kể từ khi ghi bước «Nhận hồ sơ bổ sung»"):
        service.undo(code)
    assert snapshot(db) == before


def test_nothing_to_undo_after_the_receipt_nor_a_step_written_before_undo_existed(
    service: ReceptionService, db: Database, clock: Clock, code: str,
) -> None:
    with pytest.raises(ValidationError, match="chưa có bước nào sau tiếp nhận"):
        service.undo(code)
    clock.now += timedelta(minutes=1)
    step = service.transition(code, EventKind.TRANSFERRED)
    with db.atomic():  # as an earlier version wrote it: no «before» in the data (the history is append-only:
        db.execute("DROP TRIGGER dossier_event_no_update"  # the test lifts the guard to make such a row)
                   + (" ON dossier_event" if db.dialect == "postgresql" else ""))
        db.execute("UPDATE dossier_event SET data = NULL WHERE id = ?", [step.event_id])
    with pytest.raises(ValidationError, match="được ghi trước khi có chức năng hoàn tác"):
        service.undo(code)


def test_a_backdated_step_counts_its_minutes_from_when_it_was_written(
    service: ReceptionService, clock: Clock, code: str,
) -> None:
    clock.set("26/04/2024 16:00")
    service.transition(code, EventKind.TRANSFERRED, at=at("26/04/2024 10:30"))  # done on paper this morning
    clock.now += timedelta(minutes=5)
    assert service.undo_offer(code) is not None
    service.undo(code)


def test_an_undone_supplement_request_is_not_counted_as_waiting(
    service: ReceptionService, db: Database, clock: Clock, code: str,
) -> None:
    """At a later cut-off the dossier is in progress with its clock running, not «chờ bổ sung» (the history read
    at a cut-off leaves the undone request out); the next step is checked against the step before it."""
    clock.now += timedelta(minutes=5)
    service.transition(code, EventKind.TRANSFERRED)
    service.transition(code, EventKind.SUPPLEMENT_REQUESTED, reason="Bổ sung tờ khai")
    later = "2024-04-27"
    assert statistics.open_at(db, moment=later, due_before=later) == (1, 0, 1)
    clock.now += timedelta(minutes=2)
    service.undo(code)
    assert statistics.open_at(db, moment=later, due_before=later) == (1, 0, 0)
    assert dossier_row(db, code)["status"] == "in_progress"
    clock.now += timedelta(minutes=1)
    step = service.transition(code, EventKind.RESULT_READY, at=clock.now - timedelta(minutes=2))
    assert step.to_status is DossierStatus.RESULT_READY  # dated before the undo, after the transfer: allowed
