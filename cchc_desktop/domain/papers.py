"""The papers of the one-stop desk by kind, and their numbers in each set of forms (DOMAIN.md "Printed forms").

A dossier records the set it was received under (``dossier.form_set``): Thông tư 01/2018/TT-VPCP or Thông tư
03/2025/TT-VPCP (Nghị định 118/2025). A paper is asked for by its kind, which does not change between the sets,
or by its number («Mẫu 05»), which does: the 2025 set inserted the stop notice as Mẫu 05 and moved the control
sheet and the ledger one number on. Numbered papers of the 2025 set take their «Số» from a yearly book of the
desk, one book per kind (``BOOKS``). Pure: no I/O.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

from cchc_desktop.domain.choices import Choice
from cchc_desktop.i18n import _


class FormSet(StrEnum):
    TT01_2018 = "TT01/2018"
    TT03_2025 = "TT03/2025"

    @property
    def label(self) -> str:
        return _("Thông tư 01/2018/TT-VPCP") if self is FormSet.TT01_2018 else _("Thông tư 03/2025/TT-VPCP")


SET_2025_FROM = date(2025, 7, 1)  # Nghị định 118/2025/NĐ-CP in force


def form_set_of(text: str | None) -> FormSet:
    """The set a dossier records; anything unknown (an old or foreign value) is read as the 2018 set."""
    try:
        return FormSet(text or FormSet.TT01_2018)
    except ValueError:
        return FormSet.TT01_2018


@functools.lru_cache(maxsize=4096)  # an import asks it of every row
def form_set_for(day: date, chosen: str = FormSet.TT03_2025) -> FormSet:
    """The set a dossier received on ``day`` gets: the unit's ``chosen`` set, except that the 2025 set did not
    exist before 1 July 2025 (a dossier received earlier, typed in late or imported, gets the 2018 set)."""
    if day < SET_2025_FROM:
        return FormSet.TT01_2018
    return form_set_of(chosen)


class PaperKind(Choice):
    RECEIPT = "receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    SUPPLEMENT = "supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    REFUSAL = "refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    APOLOGY = "apology", "Phiếu xin lỗi"
    STOP = "stop", "Thông báo dừng giải quyết hồ sơ"
    CONTROL = "control", "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    LEDGER = "ledger", "Sổ theo dõi hồ sơ"
    REFUSAL_NOTICE = "refusal_notice", "Văn bản từ chối giải quyết hồ sơ"


# Mẫu numbers of each set; a kind missing from a set has no form there (the 2018 set had no stop notice; the
# refusal after processing is the handling body's own letter in both).
NUMBERS: dict[FormSet, dict[PaperKind, str]] = {
    FormSet.TT01_2018: {
        PaperKind.RECEIPT: "01", PaperKind.SUPPLEMENT: "02", PaperKind.REFUSAL: "03", PaperKind.APOLOGY: "04",
        PaperKind.CONTROL: "05", PaperKind.LEDGER: "06",
    },
    FormSet.TT03_2025: {
        PaperKind.RECEIPT: "01", PaperKind.SUPPLEMENT: "02", PaperKind.REFUSAL: "03", PaperKind.APOLOGY: "04",
        PaperKind.STOP: "05", PaperKind.CONTROL: "06", PaperKind.LEDGER: "07",
    },
}


def form_number(kind: PaperKind, form_set: FormSet) -> str | None:
    """«06» for the control sheet of the 2025 set; None for a kind the set has no form for."""
    return NUMBERS[form_set].get(kind)


def kind_of_number(number: str, form_set: FormSet) -> PaperKind | None:
    """The kind Mẫu ``number`` is in ``form_set`` (``5`` and ``05`` alike), or None."""
    wanted = number.strip().zfill(2)
    return next((kind for kind, value in NUMBERS[form_set].items() if value == wanted), None)


def paper_title(kind: PaperKind, form_set: FormSet) -> str:
    """How the paper is named to the user: «Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ»."""
    number = form_number(kind, form_set)
    return f"{_('Mẫu {number}').format(number=number)} — {kind.label}" if number else kind.label


# The 2025 set's numbered papers and the book each takes its «Số» from: «Số: 07/TN-TTPVHCC» (the paper's
# suffix, then the desk's symbol where the form has one). One book a year per suffix.
BOOKS: dict[PaperKind, str] = {
    PaperKind.RECEIPT: "TN", PaperKind.SUPPLEMENT: "PBS", PaperKind.REFUSAL: "PTC", PaperKind.APOLOGY: "PXL",
    PaperKind.STOP: "TB", PaperKind.CONTROL: "PKS",
}
WITHOUT_DESK_SYMBOL = frozenset({PaperKind.APOLOGY})  # «Số: …/PXL»: the letter of the unit, not of the desk
LEDGER_BOOK = "STD"


def paper_number(kind: PaperKind, number: int | None, desk_code: str) -> str:
    """«07/TN-TTPVHCC» (a number under 10 with its 0, Nghị định 30/2020); without a number, the blank left
    for the pen («      /TN-TTPVHCC»)."""
    suffix = LEDGER_BOOK if kind is PaperKind.LEDGER else BOOKS[kind]
    symbol = suffix if kind in WITHOUT_DESK_SYMBOL or not desk_code.strip() else f"{suffix}-{desk_code.strip()}"
    shown = f"{number:02d}" if number else "\u00a0" * 8
    return f"{shown}/{symbol}"


# -- how the citizen takes the result, and who files for them ------------------------------------------


class ResultDelivery(Choice):
    DESK = "desk", "Tại Trung tâm Phục vụ hành chính công"
    POST = "post", "Qua dịch vụ bưu chính công ích"
    ONLINE = "online", "Trực tuyến (Cổng Dịch vụ công)"

    def place(self, desk: str) -> str:
        """What «Đăng ký nhận kết quả tại:» prints: the desk's own name for a result taken at the desk."""
        return desk if self is ResultDelivery.DESK and desk.strip() else self.label


@dataclass(frozen=True)
class Proxy:
    """The person who files for the applicant (Mẫu 01: «Trường hợp ủy quyền …») and the authorisation paper."""

    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    paper: str = ""  # «Giấy ủy quyền số 12/2026 ngày 02/01/2026»

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Proxy | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(**{name: str(data.get(name) or "") for name in cls.__dataclass_fields__})
