"""The three kinds of failure and how each is told to the user.

1. ``ValidationError``: the user's input; every wrong field at once, each with its message.
2. ``StorageError``: the environment (the file is not a database, read-only, locked, too new...);
   ``user_message`` says what happened and what to do.
3. Anything else is a bug.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping

from cchc_desktop.i18n import _
from db.errors import StorageError, StorageProblem
from db.errors import classify as classify  # (re-exported: the window sorts an uncaught sqlite3 error with it)
from db.errors import from_environment as from_environment

__all__ = ["CchcError", "NotFoundError", "StorageError", "StorageProblem", "ValidationError", "file_reason",
           "user_message"]


class CchcError(Exception):
    """A failure the user can understand and act on."""


class ValidationError(CchcError):
    """Input that breaks the rules; ``errors`` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


class NotFoundError(CchcError):
    """A record named by the user does not exist."""


def _storage_message(exc: StorageError) -> str:
    path = str(exc.path) if exc.path else ""
    messages = {
        StorageProblem.NOT_SQLITE: _(
            "Tệp {path} không phải là cơ sở dữ liệu SQLite. Hãy chọn đúng tệp dữ liệu của CCHC Desktop "
            "hoặc khôi phục từ bản sao lưu. Tệp này không bị thay đổi."
        ),
        StorageProblem.EMPTY_FILE: _(
            "Tệp {path} rỗng (0 byte), không phải là cơ sở dữ liệu. Hãy xóa tệp này rồi chạy lại để tạo "
            "cơ sở dữ liệu mới, hoặc khôi phục từ bản sao lưu."
        ),
        StorageProblem.NOT_OURS: _(
            "Cơ sở dữ liệu {path} không phải của CCHC Desktop (nó có bảng của chương trình khác). Hãy chọn cơ sở dữ "
            "liệu khác. Dữ liệu không bị thay đổi."
        ),
        StorageProblem.TOO_NEW: _(
            "Cơ sở dữ liệu {path} được tạo bởi phiên bản CCHC Desktop mới hơn phiên bản này. "
            "Hãy cập nhật phần mềm lên phiên bản mới nhất. Dữ liệu không bị thay đổi."
        ),
        StorageProblem.READ_ONLY: _(
            "Không thể ghi vào cơ sở dữ liệu {path} (tệp hoặc thư mục chỉ cho phép đọc). Hãy cấp quyền ghi "
            "cho tệp và thư mục chứa nó, hoặc sao chép tệp sang thư mục khác."
        ),
        StorageProblem.LOCKED: _(
            "Cơ sở dữ liệu {path} đang bị một chương trình khác khóa. Hãy đóng chương trình đó "
            "(hoặc cửa sổ CCHC Desktop khác) rồi thử lại."
        ),
        StorageProblem.CORRUPT: _(
            "Cơ sở dữ liệu {path} bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất; đừng ghi thêm vào tệp này."
        ),
        StorageProblem.DISK_FULL: _(
            "Ổ đĩa chứa cơ sở dữ liệu {path} đã đầy. Hãy giải phóng dung lượng rồi thử lại; "
            "dữ liệu đã lưu không bị mất."
        ),
        StorageProblem.MIGRATION_FAILED: _(
            "Không nâng cấp được cơ sở dữ liệu {path}; tệp được giữ nguyên như trước khi nâng cấp và đã có "
            "bản sao lưu trong thư mục backups. Hãy báo cho quản trị viên kèm tệp nhật ký."
        ),
        StorageProblem.NOT_FOUND: _("Không tìm thấy cơ sở dữ liệu {path}. Hãy chạy lệnh «cchc init» để tạo mới."),
        StorageProblem.IMPORTING: _(
            "Chương trình đang nhập dữ liệu vào cơ sở dữ liệu {path} (tệp {detail}). Hãy chờ việc nhập xong (thường "
            "chỉ vài giây) rồi thử lại; dữ liệu đã lưu không bị mất."
        ),
        StorageProblem.IO: _(
            "Không đọc/ghi được cơ sở dữ liệu {path}: {detail}. Hãy kiểm tra ổ đĩa và quyền truy cập."
        ),
        # PostgreSQL (issue 22): {path} names the database, server and account, never a password.
        StorageProblem.PASSWORD_IN_URL: _(
            "Chuỗi kết nối tới {path} có chứa mật khẩu; chương trình không nhận và không lưu mật khẩu. Hãy bỏ mật "
            "khẩu khỏi chuỗi kết nối và ghi nó vào tệp mật khẩu của PostgreSQL (pgpass): trên Windows là "
            "%APPDATA%\\postgresql\\pgpass.conf, trên Linux là ~/.pgpass với quyền 0600 (dòng "
            "máy_chủ:cổng:cơ_sở_dữ_liệu:tài_khoản:mật_khẩu), hoặc dùng tệp dịch vụ (pg_service.conf, "
            "«postgresql://?service=cchc»)."
        ),
        StorageProblem.BAD_URL: _(
            "Chuỗi kết nối PostgreSQL không hợp lệ ({detail}). Hãy dùng dạng "
            "«postgresql://tài_khoản@máy_chủ:cổng/tên_cơ_sở_dữ_liệu» hoặc «postgresql://?service=cchc»."
        ),
        StorageProblem.UNREACHABLE: _(
            "Không kết nối được tới máy chủ PostgreSQL của cơ sở dữ liệu {path}: máy chủ không trả lời. Hãy kiểm "
            "tra máy chủ đã bật, địa chỉ, cổng và mạng, rồi thử lại. Chi tiết: {detail}"
        ),
        StorageProblem.REFUSED: _(
            "Máy chủ PostgreSQL từ chối tài khoản khi mở cơ sở dữ liệu {path} (sai mật khẩu, tài khoản không tồn "
            "tại hoặc chưa được cấp quyền). Hãy kiểm tra tệp mật khẩu (pgpass) hoặc tệp dịch vụ, hoặc nhờ quản trị "
            "viên máy chủ cấp quyền cho tài khoản. Chi tiết: {detail}"
        ),
        StorageProblem.NO_DATABASE: _(
            "Máy chủ PostgreSQL không có cơ sở dữ liệu {path}. Hãy kiểm tra tên cơ sở dữ liệu trong chuỗi kết nối, "
            "hoặc nhờ quản trị viên máy chủ tạo nó."
        ),
        StorageProblem.NOT_OWNER: _(
            "Tài khoản đang kết nối không phải chủ sở hữu cơ sở dữ liệu {path} ({detail}), nên không được nâng cấp "
            "hay phân quyền. Hãy chạy «cchc migrate --as-owner» bằng tài khoản chủ sở hữu cơ sở dữ liệu; các máy "
            "làm việc dùng tài khoản riêng của quầy. Cơ sở dữ liệu không bị thay đổi."
        ),
        StorageProblem.NOT_EMPTY: _(
            "Cơ sở dữ liệu {path} đã có dữ liệu (bảng {detail}): chỉ chuyển được vào một cơ sở dữ liệu mới tạo, "
            "đã nâng cấp bằng «cchc migrate --as-owner» và chưa có hồ sơ. Không có gì bị thay đổi."
        ),
        StorageProblem.OUTDATED: _(
            "Cơ sở dữ liệu {path} trên máy chủ PostgreSQL cũ hơn phiên bản phần mềm này (còn thiếu: {detail}). Quản "
            "trị viên máy chủ cần nâng cấp nó bằng tài khoản chủ sở hữu («cchc migrate --as-owner») trước khi các "
            "quầy làm việc tiếp. Cơ sở dữ liệu không bị thay đổi."
        ),
    }
    return messages[exc.problem].format(path=path, detail=exc.detail)


def user_message(exc: BaseException) -> str:
    """The Vietnamese text shown to the user for an error they can act on."""
    if isinstance(exc, StorageError):
        return _storage_message(exc)
    if isinstance(exc, ValidationError):
        return "\n".join(exc.errors.values())
    return str(exc)


def file_reason(exc: OSError) -> str:
    """Why a file could not be written (or read), as a Vietnamese phrase: the system's own words (``File too
    large``, ``No space left on device``) are in English, so the usual causes are said here."""
    reasons = {
        errno.ENOSPC: _("ổ đĩa đã đầy"),
        getattr(errno, "EDQUOT", errno.ENOSPC): _("đã dùng hết dung lượng được cấp trên ổ đĩa"),
        errno.EFBIG: _("tệp lớn hơn mức ổ đĩa hoặc tài khoản cho phép (ổ đĩa coi như đã đầy)"),
        errno.EACCES: _("không có quyền ghi vào đó"),
        errno.EPERM: _("không có quyền ghi vào đó"),
        errno.EROFS: _("ổ đĩa chỉ cho phép đọc"),
        errno.ENOENT: _("thư mục không tồn tại"),
        errno.EIO: _("lỗi đọc/ghi ổ đĩa"),
    }
    return reasons.get(exc.errno, exc.strerror or str(exc)) if exc.errno is not None else str(exc)
