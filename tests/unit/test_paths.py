from pathlib import Path

import pytest

from cchc_desktop import paths


def test_explicit_path_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CCHC_DB", str(tmp_path / "env.sqlite3"))
    assert paths.resolve_db_path(tmp_path / "arg.sqlite3") == tmp_path / "arg.sqlite3"
    assert paths.resolve_db_path(None) == tmp_path / "env.sqlite3"


def test_default_is_in_the_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CCHC_DB", raising=False)
    monkeypatch.setenv("CCHC_HOME", str(tmp_path))
    assert paths.resolve_db_path() == tmp_path / "cchc.sqlite3"
    assert paths.log_dir() == tmp_path / "logs"


def test_without_overrides_platformdirs_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCHC_HOME", raising=False)
    assert paths.data_dir().name == "cchc-desktop"


def test_the_storage_layers_data_folder_is_the_programs() -> None:
    from cchc_desktop import APP_ID
    from db.home import APP_FOLDER

    assert APP_FOLDER == APP_ID
