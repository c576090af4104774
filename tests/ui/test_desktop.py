"""Files and folders handed to the system, with the paths a commune's PC has (issue 23)."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest
from PySide6.QtCore import QUrl

from ui import desktop


@pytest.mark.parametrize(("path", "url"), [
    (PureWindowsPath(r"C:\Users\Nguyễn Thị Ưng\Tài liệu\Báo cáo 6 tháng.pdf"),
     "file:///C:/Users/Nguyễn Thị Ưng/Tài liệu/Báo cáo 6 tháng.pdf"),
    (PureWindowsPath(r"\\may-chu\Một cửa\Sổ theo dõi.pdf"), "file://may-chu/Một cửa/Sổ theo dõi.pdf"),
    (Path("/home/cán bộ/Bản sao lưu"), "file:///home/cán bộ/Bản sao lưu"),
])
def test_a_path_becomes_the_url_of_that_very_file(path, url: str) -> None:
    made = desktop.file_url(path)
    assert made.isLocalFile() and made.toString() == url


def test_opening_hands_the_url_to_the_system(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(desktop.QDesktopServices, "openUrl", opened.append)
    folder = tmp_path / "Xã Hoằng Hợp"
    desktop.open_file(folder)
    assert [url.toLocalFile() for url in opened] == [str(folder)]
