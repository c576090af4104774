"""The annual reform plan (DESIGN.md §1 «Kế hoạch CCHC», DOMAIN.md §6): plans, tasks, copying a plan, the
register of directive documents; and ``cchc plan``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.plans import (
    DirectiveKind,
    ReformArea,
    TaskSource,
    TaskStatus,
    natural_key,
    next_number,
    parse_area,
    same_day_in,
)
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.services.plans import DocumentInput, PlanService, TaskInput
from db.connection import open_db
from tests.unit.test_cli import cchc

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 6, 4, 9, 30)
TODAY = NOW.date()


@pytest.fixture
def service(db: Database) -> PlanService:
    return PlanService(db, clock=lambda: NOW)


@pytest.fixture
def plan2024(service: PlanService) -> PlanService:
    service.save_plan(year=2024, decision_number="01/QĐ-UBND", decision_date=date(2024, 1, 2))
    return service


def task(**changes: object) -> TaskInput:
    """A valid task of 2024's plan, with ``changes``."""
    base = TaskInput(title="Niêm yết công khai thủ tục hành chính", area=ReformArea.PROCEDURES,
                     lead="Văn phòng - Thống kê", deadline=date(2024, 3, 31))
    return replace(base, **changes)


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def refused(call: object, *args: object, **kwargs: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.errors


# -- pure rules --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "area"), [
    ("0", ReformArea.DIRECTION), ("6", ReformArea.E_GOVERNMENT), ("2.", ReformArea.PROCEDURES),
    ("Cải cách thể chế", ReformArea.INSTITUTIONS), ("cai cach the che", ReformArea.INSTITUTIONS),
    ("II. Cải cách thể chế", ReformArea.INSTITUTIONS), ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", ReformArea.DIRECTION),
    ("Thể chế", ReformArea.INSTITUTIONS), ("tài chính công", ReformArea.PUBLIC_FINANCE),
    ("Cải cách TTHC", ReformArea.PROCEDURES), ("Chính phủ số", ReformArea.E_GOVERNMENT),
    ("Chuyển đổi số", ReformArea.E_GOVERNMENT), ("chế độ công vụ", ReformArea.CIVIL_SERVICE),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", ReformArea.ORGANISATION),
])
def test_areas_by_number_or_name(text: str, area: ReformArea) -> None:
    assert parse_area(text) is area


@pytest.mark.parametrize("text", ["7", "-1", "", "II", "Cải cách", "hành chính", "Văn hóa"])
def test_unknown_or_ambiguous_areas_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_area(text)


def test_natural_order_next_number_and_the_same_day_next_year() -> None:
    numbers = ["10", "2", "1.10", "1.2", "1", "1.1.3"]
    assert sorted(numbers, key=natural_key) == ["1", "1.1.3", "1.2", "1.10", "2", "10"]
    assert next_number(["1", "2", "7", "3.1"]) == "8"
    assert next_number(["I.1"]) == "1"
    assert same_day_in(date(2024, 2, 29), 2025) == date(2025, 2, 28)
    assert same_day_in(date(2023, 2, 28), 2024) == date(2024, 2, 28)


# -- plans -------------------------------------------------------------------------------------------------


def test_a_plan_is_created_then_changed(service: PlanService, db: Database) -> None:
    assert service.plan(2024) is None and service.plans() == []
    created = service.save_plan(year=2024, decision_number=" 01/QĐ-UBND ", decision_date=date(2024, 1, 2))
    assert (created.decision_number, created.title) == ("01/QĐ-UBND", "Kế hoạch cải cách hành chính năm 2024")
    service.save_plan(year=2023, decision_number="02/QĐ-UBND", decision_date=date(2022, 12, 28), title="KH 2023")
    changed = service.save_plan(year=2024, decision_number="03/QĐ-UBND", decision_date=date(2024, 1, 5),
                                title="Kế hoạch CCHC năm 2024 (sửa đổi)")
    assert changed.id == created.id and service.plan(2024) == changed
    assert [plan.year for plan in service.plans()] == [2024, 2023]
    assert count(db, "plan") == 2


def test_bad_plans_are_refused_with_every_field_named(service: PlanService, db: Database) -> None:
    assert refused(service.save_plan, year=1999) == {"year": "Năm kế hoạch phải từ 2000 đến 2100."}
    assert refused(service.save_plan, year=2024, decision_number="01/QĐ-UBND") == {
        "decision_date": "Hãy ghi ngày của quyết định ban hành kế hoạch."}
    assert refused(service.save_plan, year=2024, decision_date=date(2024, 1, 2), title="x" * 501) == {
        "title": "Tên kế hoạch quá dài (tối đa 500 ký tự).",
        "decision_number": "Hãy ghi số quyết định ban hành kế hoạch."}
    assert refused(service.save_plan, year=2024, decision_number="01", decision_date=date(2022, 12, 30)) == {
        "decision_date": "Quyết định ban hành kế hoạch năm 2024 phải đề ngày trong năm 2024 hoặc năm 2023 (đang ghi "
                         "30/12/2022)."}
    assert refused(service.save_plan, year=2024, decision_number="01", decision_date=date(2024, 6, 5)) == {
        "decision_date": "Ngày quyết định 05/06/2024 ở tương lai."}
    assert count(db, "plan") == 0


# -- tasks -------------------------------------------------------------------------------------------------


def test_a_task_is_added_and_read_back(plan2024: PlanService) -> None:
    added = plan2024.add_task(year=2024, task=task(number="1", title="  Niêm yết  công khai TTHC ",
                                                   source=TaskSource.HIGHER_LEVEL, evidence="Danh mục TTHC"))
    assert added == plan2024.task(added.id)
    assert (added.number, added.title, added.area, added.source, added.status, added.completed_on) == (
        "1", "Niêm yết công khai TTHC", ReformArea.PROCEDURES, TaskSource.HIGHER_LEVEL, TaskStatus.NOT_STARTED, None)
    assert (added.lead, added.deadline, added.evidence) == ("Văn phòng - Thống kê", date(2024, 3, 31), "Danh mục TTHC")
    with pytest.raises(NotFoundError):
        plan2024.task(added.id + 1)


def test_a_task_without_a_plan_is_refused(service: PlanService, db: Database) -> None:
    assert refused(service.add_task, year=2024, task=task(title="")) == {
        "title": "Nội dung nhiệm vụ không được để trống.",
        "year": "Chưa có kế hoạch CCHC năm 2024: hãy tạo kế hoạch trước."}
    assert count(db, "plan_task") == 0


def test_every_bad_field_of_a_task_is_named_and_nothing_is_written(plan2024: PlanService, db: Database) -> None:
    plan2024.add_task(year=2024, task=task(number="3"))
    errors = refused(plan2024.add_task, year=2024, task=task(
        number="3", title="  ", area=None, deadline=date(2025, 1, 15), lead="x" * 301))
    assert errors == {
        "lead": "Nội dung quá dài (tối đa 300 ký tự).",
        "title": "Nội dung nhiệm vụ không được để trống.",
        "area": "Chưa chọn lĩnh vực cải cách hành chính.",
        "deadline": "Thời hạn 15/01/2025 không thuộc năm kế hoạch 2024.",
        "number": "Số thứ tự «3» đã có trong kế hoạch năm 2024.",
    }
    assert refused(plan2024.add_task, year=2024, task=task(area=7)) == {
        "area": "Lĩnh vực «7» không có (chọn số từ 0 đến 6)."}
    assert refused(plan2024.add_task, year=2024, task=task(status=TaskStatus.DONE, completed_on=date(2023, 12, 30),
                                                          deadline=date(2023, 12, 31))) == {
        "deadline": "Thời hạn 31/12/2023 không thuộc năm kế hoạch 2024.",
        "completed_on": "Ngày hoàn thành 30/12/2023 trước năm kế hoạch 2024."}
    assert refused(plan2024.add_task, year=2024, task=task(status=TaskStatus.DONE, completed_on=date(2024, 6, 5))) == {
        "completed_on": "Ngày hoàn thành 05/06/2024 ở tương lai."}
    assert refused(plan2024.add_task, year=2024, task=task(status=TaskStatus.IN_PROGRESS,
                                                          completed_on=date(2024, 5, 1))) == {
        "completed_on": "Chỉ ghi ngày hoàn thành khi tình trạng là «Hoàn thành»."}
    assert count(db, "plan_task") == 1


def test_tasks_come_by_area_then_number_in_natural_order(plan2024: PlanService) -> None:
    for number, area in (("10", 2), ("2", 2), ("1.10", 1), ("1.2", 1), ("1", 0), ("11", 6)):
        plan2024.add_task(year=2024, task=task(number=number, area=area))
    assert [item.number for item in plan2024.tasks(2024)] == ["1", "1.2", "1.10", "2", "10", "11"]
    assert [item.number for item in plan2024.tasks(2024, area=ReformArea.PROCEDURES)] == ["2", "10"]
    assert plan2024.tasks(2023) == []


def test_an_empty_number_gets_the_next_one_and_a_trailing_dot_is_dropped(plan2024: PlanService) -> None:
    assert plan2024.add_task(year=2024, task=task(number="7.")).number == "7"
    assert plan2024.add_task(year=2024, task=task(number="3.2")).number == "3.2"
    assert plan2024.add_task(year=2024, task=task()).number == "8"


def test_done_needs_a_date_and_leaving_done_clears_it(plan2024: PlanService) -> None:
    done = plan2024.add_task(year=2024, task=task(status=TaskStatus.DONE, evidence="Văn bản số 5"))
    assert done.completed_on == TODAY  # a «Hoàn thành» task without a date: today
    again = plan2024.set_status(done.id, status=TaskStatus.DONE)
    assert again.completed_on == TODAY
    undone = plan2024.set_status(done.id, status=TaskStatus.IN_PROGRESS, progress_note="Đang hoàn thiện")
    assert (undone.status, undone.completed_on, undone.evidence, undone.progress_note) == (
        TaskStatus.IN_PROGRESS, None, "Văn bản số 5", "Đang hoàn thiện")
    redone = plan2024.set_status(done.id, status=TaskStatus.DONE, completed_on=date(2024, 4, 2))
    assert (redone.status, redone.completed_on, redone.progress_note) == (
        TaskStatus.DONE, date(2024, 4, 2), "Đang hoàn thiện")
    cancelled = plan2024.set_status(done.id, status=TaskStatus.CANCELLED)
    assert (cancelled.status, cancelled.completed_on) == (TaskStatus.CANCELLED, None)
    assert refused(plan2024.set_status, done.id, status=TaskStatus.NOT_STARTED, completed_on=date(2024, 4, 2)) == {
        "completed_on": "Chỉ ghi ngày hoàn thành khi tình trạng là «Hoàn thành»."}


def test_a_task_of_last_year_may_be_completed_late_in_this_year(service: PlanService) -> None:
    service.save_plan(year=2023)
    late = service.add_task(year=2023, task=task(deadline=date(2023, 12, 15), status=TaskStatus.DONE,
                                                 completed_on=date(2024, 1, 10)))
    assert late.completed_on == date(2024, 1, 10)


def test_updating_a_task_keeps_its_number_unless_changed_and_refuses_a_taken_one(
    plan2024: PlanService, db: Database,
) -> None:
    first = plan2024.add_task(year=2024, task=task(number="1"))
    second = plan2024.add_task(year=2024, task=task(number="2"))
    changed = plan2024.update_task(second.id, task=replace(TaskInput.of(second), number="", title="Nội dung mới",
                                                           area=ReformArea.E_GOVERNMENT))
    assert (changed.number, changed.title, changed.area) == ("2", "Nội dung mới", ReformArea.E_GOVERNMENT)
    assert plan2024.update_task(second.id, task=replace(TaskInput.of(changed), number="2.1")).number == "2.1"
    assert refused(plan2024.update_task, second.id, task=replace(TaskInput.of(changed), number="1")) == {
        "number": "Số thứ tự «1» đã có trong kế hoạch năm 2024."}
    assert plan2024.task(first.id).number == "1" and plan2024.task(second.id).number == "2.1"
    with pytest.raises(NotFoundError):
        plan2024.update_task(999, task=task())
    assert count(db, "plan_task") == 2


# -- copying a plan ----------------------------------------------------------------------------------------


def test_copying_a_plan_starts_the_new_year(plan2024: PlanService, db: Database) -> None:
    plan2024.add_task(year=2024, task=task(
        number="1", title="Ban hành Kế hoạch CCHC năm 2024", area=0, deadline=date(2024, 2, 29),
        status=TaskStatus.DONE, completed_on=date(2024, 1, 2), evidence="Quyết định 01/QĐ-UBND",
        progress_note="Xong", source=TaskSource.HIGHER_LEVEL, cooperating="Các bộ phận"))
    plan2024.add_task(year=2024, task=task(number="2", deadline=None, status=TaskStatus.IN_PROGRESS))
    plan2024.add_task(year=2024, task=task(number="3", status=TaskStatus.CANCELLED))
    copied = plan2024.copy_plan(from_year=2024, to_year=2025)
    assert (copied.plan.year, copied.plan_created, copied.skipped, len(copied.tasks)) == (2025, True, 1, 2)
    assert copied.plan.decision_number == "" and copied.plan.decision_date is None
    first, second = copied.tasks
    assert (first.number, first.title, first.area, first.source, first.cooperating, first.lead) == (
        "1", "Ban hành Kế hoạch CCHC năm 2025", ReformArea.DIRECTION, TaskSource.HIGHER_LEVEL, "Các bộ phận",
        "Văn phòng - Thống kê")
    assert (first.deadline, first.status, first.completed_on, first.evidence, first.progress_note) == (
        date(2025, 2, 28), TaskStatus.NOT_STARTED, None, "", "")
    assert (second.number, second.deadline, second.status) == ("2", None, TaskStatus.NOT_STARTED)
    assert plan2024.tasks(2025) == list(copied.tasks)
    assert len(plan2024.tasks(2024)) == 3  # the old plan is untouched


def test_copying_into_a_plan_with_tasks_is_refused_and_writes_nothing(plan2024: PlanService, db: Database) -> None:
    plan2024.add_task(year=2024, task=task(number="1"))
    plan2024.save_plan(year=2025, decision_number="01/QĐ-UBND", decision_date=date(2024, 5, 30))
    assert plan2024.copy_plan(from_year=2024, to_year=2025).plan_created is False
    assert plan2024.plan(2025).decision_number == "01/QĐ-UBND"
    before = count(db, "plan_task")
    assert refused(plan2024.copy_plan, from_year=2024, to_year=2025) == {
        "to_year": "Kế hoạch năm 2025 đã có 1 nhiệm vụ: chỉ sao chép vào kế hoạch chưa có nhiệm vụ."}
    assert refused(plan2024.copy_plan, from_year=2022, to_year=2026) == {
        "from_year": "Kế hoạch năm 2022 chưa có nhiệm vụ nào để sao chép."}
    assert refused(plan2024.copy_plan, from_year=2024, to_year=2024) == {
        "to_year": "Năm sao chép đến phải khác năm 2024."}
    assert refused(plan2024.copy_plan, from_year=2024, to_year=2200) == {
        "to_year": "Năm kế hoạch phải từ 2000 đến 2100."}
    assert (count(db, "plan_task"), count(db, "plan")) == (before, 2)


# -- directive documents -----------------------------------------------------------------------------------


def document(**changes: object) -> DocumentInput:
    base = DocumentInput(number="01/QĐ-UBND", issued_on=date(2024, 1, 2), kind=DirectiveKind.DECISION,
                         title="Quyết định ban hành Kế hoạch cải cách hành chính năm 2024", area=ReformArea.DIRECTION)
    return replace(base, **changes)


def test_documents_are_registered_listed_by_year_and_changed(service: PlanService) -> None:
    first = service.add_document(document=document())
    second = service.add_document(document=document(number="02/KH-UBND", issued_on=date(2024, 1, 4),
                                                    kind=DirectiveKind.PLAN, title="Kế hoạch tự kiểm tra", area=None))
    old = service.add_document(document=document(issued_on=date(2023, 1, 3)))
    assert [item.id for item in service.documents(2024)] == [first.id, second.id]
    assert [item.id for item in service.documents()] == [old.id, first.id, second.id]
    assert (second.kind, second.area, second.title) == (DirectiveKind.PLAN, None, "Kế hoạch tự kiểm tra")
    changed = service.update_document(second.id, document=document(number="02/KH-UBND", issued_on=date(2024, 1, 4),
                                                                   kind=DirectiveKind.PLAN, title="Sửa"))
    assert (changed.title, changed.area) == ("Sửa", ReformArea.DIRECTION)
    assert service.update_document(first.id, document=document(title="Cùng số, cùng ngày: chính nó")).id == first.id
    with pytest.raises(NotFoundError):
        service.update_document(999, document=document())


def test_bad_documents_are_refused_with_every_field_named(service: PlanService, db: Database) -> None:
    service.add_document(document=document())
    assert refused(service.add_document, document=DocumentInput(number=" ", issued_on=None, kind=None, title="")) == {
        "number": "Số, ký hiệu văn bản không được để trống.",
        "issued_on": "Hãy ghi ngày ban hành văn bản.",
        "kind": "Hãy chọn loại văn bản.",
        "title": "Trích yếu nội dung văn bản không được để trống.",
    }
    assert refused(service.add_document, document=document(number="01/qd-ubnd")) == {
        "number": "Sổ đã có văn bản số 01/QĐ-UBND ngày 02/01/2024."}
    assert refused(service.add_document, document=document(issued_on=date(2024, 7, 1), area=9)) == {
        "issued_on": "Ngày ban hành 01/07/2024 ở tương lai.",
        "area": "Lĩnh vực «9» không có (chọn số từ 0 đến 6)."}
    assert count(db, "directive_document") == 1


# -- the real command --------------------------------------------------------------------------------------


@pytest.fixture
def cli_db(db_path: Path) -> Path:
    database = open_db(db_path)
    service = PlanService(database, clock=lambda: NOW)
    service.save_plan(year=2024, decision_number="01/QĐ-UBND", decision_date=date(2024, 1, 2))
    service.add_task(year=2024, task=task(number="2", area=2, status=TaskStatus.DONE, completed_on=date(2024, 3, 1)))
    service.add_task(year=2024, task=task(number="10", area=2, lead="", deadline=date(2024, 2, 29)))
    service.add_task(year=2024, task=task(number="1", area=0, title="Ban hành kế hoạch năm 2024",
                                          source=TaskSource.HIGHER_LEVEL))
    database.close()
    return db_path


def test_cli_plan_copy_then_refusal(cli_db: Path) -> None:
    result = cchc("plan", "copy", "--from", "2024", "--to", "2025", "--db", str(cli_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Đã sao chép 3 nhiệm vụ của kế hoạch năm 2024 sang kế hoạch năm 2025.",
        "Đã tạo kế hoạch năm 2025: hãy ghi số, ngày quyết định ban hành.",
    ]
    again = cchc("plan", "copy", "--from", "2024", "--to", "2025", "--db", str(cli_db))
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr.strip() == (
        "Lỗi: Kế hoạch năm 2025 đã có 3 nhiệm vụ: chỉ sao chép vào kế hoạch chưa có nhiệm vụ.")
    usage = cchc("plan", "copy", "--from", "2024", "--db", str(cli_db))
    assert usage.returncode == 2 and "Lỗi: thiếu tham số bắt buộc: --to" in usage.stderr
    bad = cchc("plan", "copy", "--from", "hai", "--to", "2025", "--db", str(cli_db))
    assert bad.returncode == 2 and "Lỗi: --from: giá trị không hợp lệ 'hai'" in bad.stderr


def test_cli_plan_show(cli_db: Path) -> None:
    result = cchc("plan", "show", "--year", "2024", "--db", str(cli_db))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "Kế hoạch cải cách hành chính năm 2024 — Quyết định số 01/QĐ-UBND ngày 02/01/2024",
        "3 nhiệm vụ: 2 chưa thực hiện, 0 đang thực hiện, 1 hoàn thành, 0 không thực hiện.",
    ]
    assert lines[3] == "0. Công tác chỉ đạo, điều hành"
    assert lines[5].split() == ["1", "31/03/2024", "Chưa", "thực", "hiện", "Văn", "phòng", "-", "Thống", "kê",
                                "Ban", "hành", "kế", "hoạch", "năm", "2024", "[Cấp", "trên", "giao]"]
    assert lines[7] == "2. Cải cách thủ tục hành chính"
    assert [line.split()[0] for line in lines[9:]] == ["2", "10"]
    assert lines[9].split()[1:5] == ["31/03/2024", "Hoàn", "thành", "01/03/2024"]
    missing = cchc("plan", "show", "--year", "2023", "--db", str(cli_db))
    assert (missing.returncode, missing.stderr.strip()) == (1, "Lỗi: Chưa có kế hoạch CCHC năm 2023.")
