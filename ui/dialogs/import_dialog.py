"""Tệp › Nhập dữ liệu… (issue 19): a file of dossiers, procedures, tasks, surveys or inspections imported from the
window. The first rows are shown with, above each column, what it is read as; another system's headers are mapped
there once and remembered (``services.mappings``: the next file with that header row is read the same way without
asking, and ``cchc import … --mapping TÊN`` reads it too). The import runs off the window's thread with its progress
and «Hủy» (nothing written then); the bad rows are listed (line, column, reason) and can be saved as a file.

Every step is a call of the office's services (``import_runner``, ``mappings``): the dialog holds no rule."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.mappings import ImportKind
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import CchcError, ValidationError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.office import Office
from cchc_desktop.progress import Cancelled, Progress
from cchc_desktop.services.import_runs import ImportOptions, result_message
from cchc_desktop.services.imports import ImportRejected
from cchc_desktop.services.tables import (
    ImportResult,
    Preview,
    RowProblem,
    header_key,
    header_keys,
    write_problems,
)
from ui import messages
from ui.widgets.background import run_with_progress
from ui.widgets.buttons import named_button

IMPORT_FOLDER_KEY = "import/folder"
NOT_READ = ""  # the key of «(không đọc cột này)»
ERRORS_SHOWN = 1_000  # bad rows listed in the dialog; the saved list has every one


class ImportDialog(QDialog):
    """Choose a kind and a file, check the columns on its first rows, import; the result or the bad rows below."""

    def __init__(self, office: Office, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office = office
        self.setObjectName("importDialog")
        self.setWindowTitle(_("Nhập dữ liệu từ tệp Excel/CSV"))
        self.resize(1100, 640)
        self.preview: Preview | None = None
        self.mapped_as = ""  # the saved mapping the columns were read by
        self.problems: list[RowProblem] = []

        self.kind = QComboBox()
        self.kind.setObjectName("importKind")
        for kind in ImportKind:
            self.kind.addItem(kind.label, kind.value)
        self.path = QLineEdit()
        self.path.setObjectName("importPath")
        self.path.setPlaceholderText(_("Đường dẫn tệp .xlsx hoặc .csv (Enter để xem trước)"))
        self.browse = named_button(_("Chọn &tệp…"), "importBrowse")
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow(_("&Loại dữ liệu:"), self.kind)
        form.addRow(_("Tệp:"), file_row)

        self.status = QLabel()
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("importPreview")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(150)

        self.remember = QCheckBox(_("&Ghi nhớ cách ghép cột này với tên:"))
        self.remember.setObjectName("importRemember")
        self.mapping_name = QLineEdit()
        self.mapping_name.setObjectName("importMappingName")
        self.skip_invalid = QCheckBox(_("Chỉ nhập các dòng đúng, &bỏ qua các dòng sai"))
        self.skip_invalid.setObjectName("importSkipInvalid")
        self.update_existing = QCheckBox(_("&Cập nhật hồ sơ đã có (cùng mã) khi dữ liệu khác"))
        self.update_existing.setObjectName("importUpdate")
        self.year = QSpinBox()
        self.year.setObjectName("importYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(office.now().year)
        self.year.setPrefix(_("Năm kế hoạch: "))
        options = QHBoxLayout()
        options.addWidget(self.remember)
        options.addWidget(self.mapping_name, 1)
        options_row = QHBoxLayout()
        options_row.addWidget(self.skip_invalid)
        options_row.addWidget(self.update_existing)
        options_row.addWidget(self.year)
        options_row.addStretch(1)

        self.errors = QTableWidget(0, 3)
        self.errors.setObjectName("importErrors")
        self.errors.setHorizontalHeaderLabels([_("Dòng"), _("Cột"), _("Lý do")])
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.errors.verticalHeader().hide()
        self.errors.hide()
        self.save_errors = named_button(_("&Lưu danh sách lỗi…"), "importSaveErrors")
        self.save_errors.hide()
        self.run_button = named_button(_("&Nhập"), "importRun")
        self.close_button = named_button(_("Đóng"), "importClose")
        for button in (self.browse, self.save_errors, self.run_button, self.close_button):
            button.setAutoDefault(False)  # Enter in the path previews the file; Alt+N imports
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_errors)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 2)
        layout.addLayout(options)
        layout.addLayout(options_row)
        layout.addWidget(self.errors, 1)
        layout.addLayout(buttons)

        self.kind.currentIndexChanged.connect(lambda _index: self.load())
        self.path.returnPressed.connect(self.load)
        self.path.textEdited.connect(lambda _text: self._forget())  # a path typed anew: previewed again first
        self.browse.clicked.connect(self.choose)
        self.run_button.clicked.connect(self.run)
        self.close_button.clicked.connect(self.reject)
        self.save_errors.clicked.connect(self.save_problems)
        allowed = office.session.may(Permission.IMPORT)
        self.run_button.setEnabled(False)
        self._allowed = allowed
        self._show_options()
        if not allowed:
            self.status.setText(_("Tài khoản {user} không có quyền nhập dữ liệu.").format(
                user=office.session.actor))

    # -- what is being imported ------------------------------------------------------------------------------

    def chosen_kind(self) -> ImportKind:
        return ImportKind(self.kind.currentData())

    def source(self) -> Path | None:
        text = self.path.text().strip().strip('"')
        return Path(text) if text else None

    def choose(self) -> None:
        path = messages.choose_file(self, _("Chọn tệp cần nhập"), _("Bảng tính (*.xlsx *.csv);;Mọi tệp (*)"),
                                    str(messages.last_folder(IMPORT_FOLDER_KEY)))
        if path is not None:
            messages.keep_folder(IMPORT_FOLDER_KEY, path)
            self.path.setText(str(path))
            self.load()

    def _forget(self) -> None:
        """The preview no longer is the file's: «Nhập» waits for Enter (or «Chọn tệp…») to preview it."""
        if self.preview is not None:
            self.preview = None
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.run_button.setEnabled(False)
            self.status.setText(_("Nhấn Enter để xem trước tệp."))

    def _show_options(self) -> None:
        kind = self.chosen_kind()
        self.update_existing.setVisible(kind is ImportKind.DOSSIERS)
        self.year.setVisible(kind is ImportKind.TASKS)

    def load(self) -> None:
        """Preview the file: read with the mapping saved for its header row, if any; else as our own headers."""
        self._show_options()
        self._show_problems([])
        path = self.source()
        self.preview, self.mapped_as = None, ""
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.run_button.setEnabled(False)
        if path is None:
            return
        kind = self.chosen_kind()
        runner = self.office.import_runner
        try:
            preview = runner.preview(kind, path)
            saved = self.office.mappings.for_rows(kind, preview.top)
            if saved is not None:
                preview = runner.preview(kind, path, saved.headers)
                self.mapped_as = saved.name
        except (CchcError, OSError) as exc:
            self.status.setText(user_message(exc))
            return
        self.preview = preview
        self._fill(preview)
        self.mapping_name.setText(self.mapped_as or path.stem)
        self.remember.setChecked(False)
        self._describe()
        self.run_button.setEnabled(self._allowed)

    def _fill(self, preview: Preview) -> None:
        keys = self.office.import_runner.keys(self.chosen_kind())
        self.table.setColumnCount(len(preview.header))
        self.table.setRowCount(len(preview.rows) + 1)
        self.table.setHorizontalHeaderLabels(preview.header)
        self.table.setVerticalHeaderLabels([_("Đọc là"), *(str(n) for n in range(1, len(preview.rows) + 1))])
        for position, key in enumerate(preview.keys):
            choice = QComboBox()
            choice.setObjectName(f"importColumn{position}")
            choice.addItem(_("(không đọc cột này)"), NOT_READ)
            for column_key, header in keys.items():
                choice.addItem(header, column_key)
            choice.setCurrentIndex(max(choice.findData(key), 0))
            choice.currentIndexChanged.connect(lambda _index: self._mapping_changed())
            self.table.setCellWidget(0, position, choice)
        for row, cells in enumerate(preview.rows, start=1):
            for position, text in enumerate(cells):
                self.table.setItem(row, position, QTableWidgetItem(text))

    def column_choice(self, position: int) -> QComboBox:
        widget = self.table.cellWidget(0, position)
        assert isinstance(widget, QComboBox)
        return widget

    def mapping(self) -> dict[str, str]:
        """Each header of the file read as one of our columns → that column (what the boxes above the columns say),
        and the headers left unread that would otherwise be read by their own name; ValueError for two columns of
        one header (a header is what a mapping keys on)."""
        assert self.preview is not None
        columns, _required = self.office.import_runner.contract(self.chosen_kind())
        own = header_keys(columns)
        chosen: dict[str, str] = {}
        seen: dict[str, str] = {}
        for position, header in enumerate(self.preview.header):
            if not header:
                continue
            key = str(self.column_choice(position).currentData())
            folded = header_key(header)
            if folded in seen and (key or chosen.get(seen[folded])):
                raise ValueError(_("Tệp có hai cột cùng tiêu đề «{header}»: hãy đổi tên một cột trong tệp rồi mở lại."
                                   ).format(header=header))
            seen.setdefault(folded, header)
            if key or own.get(folded):
                chosen[header] = key
        return chosen

    def _mapping_changed(self) -> None:
        self.remember.setChecked(True)
        self._describe()

    def _describe(self) -> None:
        assert self.preview is not None
        try:
            chosen = {key for key in self.mapping().values() if key}
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        missing = self.office.import_runner.missing(self.chosen_kind(), chosen)
        if self.mapped_as and not self.remember.isChecked():
            said = _("Đọc các cột theo cách ghép cột đã lưu «{name}».").format(name=self.mapped_as)
        elif self.preview.found and not self.remember.isChecked():
            said = _("Đã nhận ra {n} cột.").format(n=len(chosen))
        else:
            said = _("Tiêu đề cột của tệp khác với mẫu: hãy chọn ở dòng «Đọc là» mỗi cột của tệp ứng với cột nào "
                     "(làm một lần, chương trình ghi nhớ cho các lần sau).")
        if missing:
            said += " " + _("Còn thiếu cột bắt buộc: {columns}.").format(
                columns=", ".join(f"«{column}»" for column in missing))
        self.status.setText(said)

    # -- the import ----------------------------------------------------------------------------------------

    def run(self) -> ImportResult | None:
        """Save the mapping if asked, then import off the window's thread; the outcome said in the dialog."""
        path, kind = self.source(), self.chosen_kind()
        if path is None or self.preview is None:
            return None
        try:
            mapping = self.mapping()
        except ValueError as exc:
            messages.error(self, str(exc))
            return None
        office = self.office
        if self.remember.isChecked():
            try:
                saved = office.mappings.save(kind, self.mapping_name.text(), mapping,
                                             office.import_runner.keys(kind), self.preview.header)
            except ValidationError as exc:
                messages.error(self, " ".join(exc.errors.values()))
                return None
            except CchcError as exc:
                messages.error(self, user_message(exc))
                return None
            self.mapped_as = saved.name
            self.remember.setChecked(False)
        options = ImportOptions(skip_invalid=self.skip_invalid.isChecked(),
                                update=self.update_existing.isChecked() and kind is ImportKind.DOSSIERS,
                                year=self.year.value() if kind is ImportKind.TASKS else None, mapping=mapping)

        def work(progress: Progress) -> ImportResult:
            with office.companion() as other:  # this thread's own connection, the same account
                return other.import_runner.run(kind, path, options, progress)

        self.run_button.setEnabled(False)
        try:
            result = run_with_progress(self, _("Nhập dữ liệu"), _("Đang nhập {kind} từ {name}…").format(
                kind=kind.label.lower(), name=path.name), work)
        except Cancelled:
            self.status.setText(_("Đã hủy nhập: chưa ghi dữ liệu nào."))
            return None
        except ImportRejected as exc:
            self._show_problems(list(exc.problems))
            said = _("Không ghi dữ liệu nào: có {n} dòng lỗi (danh sách bên dưới). Hãy sửa tệp rồi nhập lại, hoặc "
                     "chọn «Chỉ nhập các dòng đúng».").format(n=formatting.number(exc.bad_rows))
            if len(exc.problems) > ERRORS_SHOWN:
                said += " " + _("Bảng chỉ hiện {shown} lỗi đầu; «Lưu danh sách lỗi» ghi đủ {n} lỗi.").format(
                    shown=formatting.number(ERRORS_SHOWN), n=formatting.number(len(exc.problems)))
            self.status.setText(said)
            return None
        except (CchcError, OSError) as exc:
            self.status.setText(user_message(exc))
            return None
        finally:
            self.run_button.setEnabled(self._allowed)
        self._show_problems(list(result.problems))
        said = result_message(kind, result)
        if result.rejected:
            said += " " + _("Bỏ qua {n} dòng lỗi (danh sách bên dưới).").format(n=formatting.number(result.rejected))
        self.status.setText(said)
        return result

    def _show_problems(self, problems: list[RowProblem]) -> None:
        """The bad rows in the table, the first ``ERRORS_SHOWN`` of them (a file of 100,000 bad rows would fill it
        for seconds); «Lưu danh sách lỗi» saves them all."""
        self.problems = problems
        shown = problems[:ERRORS_SHOWN]
        self.errors.setRowCount(len(shown))
        self.errors.setToolTip(_("Bảng chỉ hiện {shown} lỗi đầu trong {n} lỗi; «Lưu danh sách lỗi» ghi đủ.").format(
            shown=formatting.number(len(shown)), n=formatting.number(len(problems)))
            if len(problems) > len(shown) else "")
        for row, problem in enumerate(shown):
            line = QTableWidgetItem(formatting.number(problem.line))
            line.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.errors.setItem(row, 0, line)
            self.errors.setItem(row, 1, QTableWidgetItem(problem.column or ""))
            self.errors.setItem(row, 2, QTableWidgetItem(problem.message))
        self.errors.setVisible(bool(problems))
        self.save_errors.setVisible(bool(problems))

    def save_problems(self) -> Path | None:
        suggested = messages.last_folder(IMPORT_FOLDER_KEY) / f"danh-sach-loi-{datetime.now():%Y%m%d-%H%M}.xlsx"
        target = messages.choose_save_file(self, _("Lưu danh sách lỗi"), suggested,
                                           _("Bảng tính Excel (*.xlsx);;Tệp CSV (*.csv)"))
        if target is None:
            return None
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + ".xlsx")
        try:
            write_problems(target, self.problems)
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        messages.file_written(self, _("Lưu danh sách lỗi"), _("Đã ghi {n} lỗi vào tệp {path}.").format(
            n=formatting.number(len(self.problems)), path=target), target)
        return target


def open_import(office: Office, parent: QWidget | None = None) -> ImportDialog:
    """Tệp › Nhập dữ liệu…: the dialog, shown (the caller's window stays usable behind it only when it ends)."""
    dialog = ImportDialog(office, parent)
    dialog.open()
    dialog.path.setFocus()
    return dialog
