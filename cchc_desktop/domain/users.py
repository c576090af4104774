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
