"""The columns whose CHECK lists a domain enum's keys, and the assertion both engines' schema tests make with them
(tests/unit/test_migrations.py on SQLite, tests/unit/test_postgres_schema.py on PostgreSQL)."""

from __future__ import annotations

from cchc_desktop.domain.attachments import Media
from cchc_desktop.domain.catalogue import InterAgency, OnlineLevel, SupplementRule, TimeLimitUnit
from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.dossiers import Channel, DossierStatus, EventKind
from cchc_desktop.domain.fees import FeeMethod
from cchc_desktop.domain.inspections import CheckResult, InspectionKind, Measure
from cchc_desktop.domain.mappings import ImportKind
from cchc_desktop.domain.papers import PaperKind, ResultDelivery
from cchc_desktop.domain.plans import DirectiveKind, TaskSource, TaskStatus
from cchc_desktop.domain.records import AuditAction, OverrideKind, ReportKind
from cchc_desktop.domain.surveys import SurveyMethod
from cchc_desktop.domain.users import Role

ENUM_COLUMNS: list[tuple[str, str, type[Choice]]] = [
    ("user", "role", Role),
    ("procedure", "time_limit_unit", TimeLimitUnit),
    ("procedure", "supplement_rule", SupplementRule),
    ("procedure", "online_level", OnlineLevel),
    ("procedure", "inter_agency", InterAgency),
    ("calendar_override", "kind", OverrideKind),
    ("dossier", "channel", Channel),
    ("dossier", "status", DossierStatus),
    ("dossier_event", "kind", EventKind),
    ("survey", "method", SurveyMethod),
    ("inspection", "kind", InspectionKind),
    ("inspection_check", "result", CheckResult),
    ("finding", "measure", Measure),
    ("plan_task", "source", TaskSource),
    ("plan_task", "status", TaskStatus),
    ("directive_document", "kind", DirectiveKind),
    ("report", "kind", ReportKind),
    ("audit_log", "action", AuditAction),
    ("dossier", "result_delivery", ResultDelivery),
    ("paper", "kind", PaperKind),
    ("import_mapping", "kind", ImportKind),
    ("attachment", "media", Media),
    ("dossier", "fee_method", FeeMethod),
]


def enum_column_id(value: object) -> str:
    return getattr(value, "__name__", str(value))


def assert_checks_enum(schema: str, column: str, enum: type[Choice]) -> None:
    """``schema`` (a table's SQL, in SQLite's words) holds ``column IN ('a', 'b', ...)`` with the enum's keys, in
    its order."""
    sql = " ".join(schema.split()).replace("( ", "(").replace(" )", ")")
    assert f"{column} IN ({enum.sql_values()})" in sql
