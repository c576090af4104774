"""Staff accounts and their roles (DESIGN.md §1)."""

from __future__ import annotations

from dataclasses import dataclass

from cchc_desktop.domain.choices import Choice


class Role(Choice):
    DESK = "desk", "Cán bộ một cửa"
    OFFICER = "officer", "Công chức phụ trách CCHC"
    CHAIR = "chair", "Lãnh đạo UBND"
    ADMIN = "admin", "Quản trị hệ thống"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    role: Role
    title: str = ""
    active: bool = True


class Permission(Choice):
    """What a role may change (reading is open to every signed-in account)."""

    DOSSIERS = "dossiers", "Tiếp nhận và xử lý hồ sơ"
    SURVEYS = "surveys", "Nhập phiếu khảo sát"
    INSPECTIONS = "inspections", "Ghi nhận kiểm tra kỷ luật, kỷ cương"
    PLAN = "plan", "Sửa kế hoạch CCHC"
    CATALOGUE = "catalogue", "Sửa danh mục thủ tục, lịch làm việc"
    IMPORT = "import", "Nhập dữ liệu từ tệp"
    REPORT_EDIT = "report_edit", "Soạn báo cáo"
    REPORT_APPROVE = "report_approve", "Duyệt và xuất báo cáo gửi cấp trên"
    PERSONAL_EXPORT = "personal_export", "Xuất danh sách có thông tin cá nhân"
    PERSONAL_EXPORT_ALL = "personal_export_all", "Xuất toàn bộ sổ hồ sơ có thông tin cá nhân"
    SETTINGS = "settings", "Cài đặt đơn vị, sao lưu, khôi phục"
    ACCOUNTS = "accounts", "Quản lý tài khoản"


# DESIGN.md §1: desk staff cannot edit the plan; the chair sees everything read-only plus report approval;
# only an admin manages accounts and settings. The reform officer prepares the report and keeps the plan.
# Personal data: the desk exports the register of one month at most (its own work: PERSONAL_EXPORT); the whole
# register, or any longer period, only the reform officer and the admin (PERSONAL_EXPORT_ALL).
RIGHTS: dict[Role, frozenset[Permission]] = {
    Role.DESK: frozenset({Permission.DOSSIERS, Permission.SURVEYS, Permission.PERSONAL_EXPORT}),
    Role.OFFICER: frozenset({
        Permission.DOSSIERS, Permission.SURVEYS, Permission.INSPECTIONS, Permission.PLAN, Permission.CATALOGUE,
        Permission.IMPORT, Permission.REPORT_EDIT, Permission.REPORT_APPROVE, Permission.PERSONAL_EXPORT,
        Permission.PERSONAL_EXPORT_ALL,
    }),
    Role.CHAIR: frozenset({Permission.REPORT_APPROVE}),
    Role.ADMIN: frozenset(Permission),
}


def may(role: Role, permission: Permission) -> bool:
    return permission in RIGHTS[role]


MIN_PASSWORD_LENGTH = 8
DESK_EXPORT_DAYS = 31  # the longest period whose register a desk account may export (a month)
MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 15
