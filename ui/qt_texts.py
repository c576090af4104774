"""Qt's own texts in Vietnamese: the text fields' context menu, the standard dialog buttons, «Show Details…», the
file dialog. Qt ships no Vietnamese translation of them (no ``qtbase_vi.qm``), so this translator answers from
the table below; anything else keeps its English source. Installed when the interface is Vietnamese.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

_EDITING = {
    "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "&Cắt", "&Copy": "&Sao chép", "&Paste": "&Dán",
    "Delete": "Xóa", "Select All": "Chọn tất cả", "Copy &Link Location": "Sao chép địa chỉ &liên kết",
}
_BUTTONS = {
    "OK": "Đồng ý", "Save": "Lưu", "Save All": "Lưu tất cả", "Open": "Mở", "&Yes": "&Có",
    "Yes to &All": "Có với &tất cả", "&No": "&Không", "N&o to All": "K&hông với tất cả", "Abort": "Hủy bỏ",
    "Retry": "Thử lại", "Ignore": "Bỏ qua", "Close": "Đóng", "Cancel": "Hủy", "Discard": "Không lưu",
    "Help": "Trợ giúp", "Apply": "Áp dụng", "Reset": "Đặt lại", "Restore Defaults": "Khôi phục mặc định",
}
TEXTS: dict[str, dict[str, str]] = {
    "QLineEdit": _EDITING,
    "QWidgetTextControl": _EDITING,
    "QAbstractSpinBox": {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng", "Step &down": "&Giảm"},
    "QPlatformTheme": _BUTTONS,
    "QDialogButtonBox": _BUTTONS,
    "QMessageBox": {"Show Details...": "Xem chi tiết…", "Hide Details...": "Ẩn chi tiết…", "OK": "Đồng ý"},
    "QInputDialog": {"Enter a value:": "Nhập giá trị:"},
    "QFileDialog": {
        "&Look in:": "&Tìm trong:", "File &name:": "&Tên tệp:", "Files of &type:": "&Loại tệp:",
        "&Open": "&Mở", "&Save": "&Lưu", "&Choose": "&Chọn", "Open": "Mở tệp", "Save As": "Lưu thành",
        "Find Directory": "Chọn thư mục", "Directory:": "Thư mục:", "Directories": "Thư mục", "Files": "Tệp",
        "All Files (*)": "Mọi tệp (*)", "Back": "Quay lại", "Forward": "Tiến tới", "Parent Directory": "Thư mục cha",
        "Create New Folder": "Tạo thư mục mới", "Create a New Folder": "Tạo thư mục mới",
        "List View": "Xem dạng danh sách", "Detail View": "Xem chi tiết",
        "Change to list view mode": "Xem dạng danh sách", "Change to detail view mode": "Xem chi tiết",
        "Go back": "Quay lại", "Go forward": "Tiến tới", "Go to the parent directory": "Lên thư mục cha",
        "List of places and bookmarks": "Các vị trí và dấu trang", "Sidebar": "Thanh bên",
        "&New Folder": "Thư mục &mới", "New Folder": "Thư mục mới", "&Rename": "Đổi &tên", "&Delete": "&Xóa",
        "Show &hidden files": "Hiện tệp &ẩn", "Recent Places": "Nơi mở gần đây", "My Computer": "Máy tính",
        "%1 already exists.\nDo you want to replace it?": "Tệp %1 đã có.\nGhi đè lên tệp đó?",
        "%1\nFile not found.\nPlease verify the correct file name was given.":
            "%1\nKhông tìm thấy tệp.\nHãy kiểm tra lại tên tệp.",
        "%1\nDirectory not found.\nPlease verify the correct directory name was given.":
            "%1\nKhông tìm thấy thư mục.\nHãy kiểm tra lại tên thư mục.",
        "Are you sure you want to delete '%1'?": "Xóa «%1»?",
        "'%1' is write protected.\nDo you want to delete it anyway?": "«%1» đang được chống ghi.\nVẫn xóa?",
        "Could not delete directory.": "Không xóa được thư mục.",
    },
    "QFileSystemModel": {"Name": "Tên", "Size": "Kích thước", "Type": "Loại", "Kind": "Loại",
                         "Date Modified": "Ngày sửa", "Computer": "Máy tính"},
    "QAbstractFileIconProvider": {"Drive": "Ổ đĩa", "Folder": "Thư mục", "File": "Tệp", "File Folder": "Thư mục"},
}


class QtVietnamese(QTranslator):
    """Answers Qt's own texts from :data:`TEXTS`. No answer (None, a null string) lets Qt keep its English source;
    an empty string would replace it with nothing."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return TEXTS.get(context, {}).get(source)


_installed: QtVietnamese | None = None


def install(app: QCoreApplication) -> QtVietnamese:
    """Install the translator on ``app`` once (kept here too, or Python would collect it)."""
    global _installed
    if _installed is None:
        _installed = QtVietnamese(app)
        app.installTranslator(_installed)
    return _installed
