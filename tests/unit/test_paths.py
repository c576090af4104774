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


def test_on_windows_the_data_folder_is_the_users_local_appdata(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """Windows faked: platformdirs' Windows rules, the known folders read from the environment as on a runner. The
    database goes to %LOCALAPPDATA%\\cchc-desktop (not the roaming profile, not beside the program), through a user
    folder whose name has Vietnamese letters and a space."""
    from platformdirs import windows

    from db import home

    local = tmp_path / "Users" / "Nguyễn Thị Ưng" / "AppData" / "Local"
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.setenv("APPDATA", str(tmp_path / "Users" / "Nguyễn Thị Ưng" / "AppData" / "Roaming"))
    monkeypatch.delenv("CCHC_HOME", raising=False)
    monkeypatch.delenv("CCHC_DB", raising=False)
    monkeypatch.setattr(windows, "get_win_folder", windows.get_win_folder_from_env_vars)
    monkeypatch.setattr(home, "user_data_dir", lambda *args, **kwargs: windows.Windows(*args, **kwargs).user_data_dir)
    assert paths.default_db_path() == local / "cchc-desktop" / "cchc.sqlite3"
    assert paths.log_dir() == local / "cchc-desktop" / "logs"


def test_a_database_path_with_vietnamese_letters_and_spaces_is_kept_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_DB", "~/Tài liệu/Một cửa xã Hoằng Hợp.sqlite3")
    assert paths.resolve_db_path() == Path.home() / "Tài liệu" / "Một cửa xã Hoằng Hợp.sqlite3"
