"""The standalone bundle's recipe and smoke test, checked quickly (issue 23): the build itself runs only through
``./dev.sh bundle --check``. The spec's lists against the repository, the version the installer is given, the
smoke test's helpers, and an old database upgraded through the virtual environment's ``cchc``."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import struct
import subprocess
import sys
import tomllib
import zlib
from pathlib import Path
from types import ModuleType

import pytest

import cchc_desktop

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _module(name: str) -> ModuleType:
    """A script of packaging/ (a folder of scripts, not a package: its name would hide PyPI's ``packaging``)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name.removeprefix('cchc_')}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def smoke() -> ModuleType:
    return _module("cchc_smoke")


def spec_value(name: str) -> object:
    """A list the spec assigns as a literal."""
    tree = ast.parse((PACKAGING / "cchc.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"cchc.spec assigns no {name}")


def test_every_data_folder_the_code_reads_is_in_the_bundle_at_the_same_place() -> None:
    from cchc_desktop import i18n
    from db import migrations
    from ui import app, designer

    data_dirs = spec_value("DATA_DIRS")
    assert isinstance(data_dirs, list)
    for source, target in data_dirs:
        assert (ROOT / source).is_dir() and source == target
    read = [migrations.SQL_DIR, migrations.REFERENCE_DIR, designer.FORMS_DIR, i18n.TRANSLATIONS_DIR, app.RESOURCES,
            app.ICON]
    sources = [ROOT / source for source, _target in data_dirs]
    for path in read:
        assert path.exists() and any(path.is_relative_to(source) for source in sources), path


def test_no_test_or_build_tool_goes_into_the_bundle() -> None:
    excludes = spec_value("EXCLUDES")
    assert isinstance(excludes, list)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    test_extra = config["project"]["optional-dependencies"]["test"]
    tools = [re.split(r"[<>=!\[ ]", requirement)[0] for requirement in test_extra]
    modules = {"pytest-qt": "pytestqt"}
    assert {modules.get(tool, tool) for tool in tools} <= set(excludes)
    assert {"tests", "benchmarks", "PyInstaller", "PySide6.QtWebEngineCore", "PySide6.QtQml"} <= set(excludes)
    assert not any(name.startswith("pyinstaller") for name in config["project"]["dependencies"])


def test_every_library_loaded_lazily_is_named_to_the_bundle() -> None:
    """``lazy_import`` hides a module from PyInstaller's analysis: the program's own packages go in whole, and each
    other library loaded that way must be named in the spec."""
    packages = spec_value("PACKAGES")
    lazy = spec_value("LAZY_LIBRARIES")
    assert isinstance(packages, list) and isinstance(lazy, list)
    found = {
        name
        for folder in ("cchc_desktop", "db", "ui")
        for source in (ROOT / folder).rglob("*.py")
        for name in re.findall(r'lazy_import\("([\w.]+)"\)', source.read_text(encoding="utf-8"))
    }
    assert found
    assert {name for name in found if name.split(".")[0] not in packages} <= set(lazy)


def test_the_installer_gets_the_programs_version() -> None:
    version = _module("cchc_version")
    assert version.project_version(ROOT) == cchc_desktop.__version__
    done = subprocess.run([sys.executable, str(PACKAGING / "version.py")], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == cchc_desktop.__version__


def test_a_stated_version_wins_and_a_missing_one_is_refused(tmp_path: Path) -> None:
    version = _module("cchc_version")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "2.3.4"\n', encoding="utf-8")
    assert version.project_version(tmp_path) == "2.3.4"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no version"):
        version.project_version(tmp_path)


def test_the_clean_environment_holds_nothing_of_the_build(smoke: ModuleType, tmp_path: Path) -> None:
    env = smoke.clean_environment(tmp_path / "Nguyễn Thị Ưng")
    assert not {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CCHC_DB"} & set(env)
    assert str(Path(sys.executable).parent) not in env["PATH"].split(os.pathsep)
    assert Path(env["CCHC_HOME"]).is_relative_to(tmp_path / "Nguyễn Thị Ưng")
    assert env["QT_QPA_PLATFORM"] == "offscreen"


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_the_screenshot_is_read_as_a_png(smoke: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(_png(13, 7))
    assert smoke.png_size(tmp_path / "a.png") == (13, 7)
    (tmp_path / "b.png").write_text("không phải ảnh", encoding="utf-8")
    with pytest.raises(smoke.SmokeFailure, match="not a PNG"):
        smoke.png_size(tmp_path / "b.png")


def test_the_pdf_check_tells_embedded_fonts_from_the_others(smoke: ModuleType, tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from cchc_desktop.reports import fonts

    path = tmp_path / "thử.pdf"
    canvas = Canvas(str(path), initialFontName=fonts.face())
    canvas.drawString(72, 720, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    canvas.showPage()
    canvas.save()
    text, found = smoke.pdf_facts(path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert list(found.values()) == [True]

    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 12)  # one of the PDF's 14 standard fonts: never embedded
    canvas.drawString(72, 720, "Helvetica")
    canvas.showPage()
    canvas.save()
    assert smoke.pdf_facts(path)[1] == {"/Helvetica": False}


@pytest.mark.slow
def test_an_old_database_upgrades_through_the_installed_command(smoke: ModuleType, tmp_path: Path) -> None:
    """The smoke test's upgrade, run by the virtual environment's ``cchc`` instead of the bundle's: an early
    schema with its dossiers in the per-user data folder, ``cchc migrate``, the copy first and the data kept."""
    data = tmp_path / "Dữ liệu CCHC"
    smoke.make_old_database(data / "cchc.sqlite3")
    command = Path(sys.executable).with_name("cchc")
    args = [str(command)] if command.exists() else [sys.executable, "-m", "cchc_desktop"]
    env = {**os.environ, "CCHC_HOME": str(data), "PYTHONPATH": str(ROOT)}  # this repository's code, installed or not
    env.pop("CCHC_DB", None)
    done = subprocess.run([*args, "migrate"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert smoke.upgrade_problems(data / "cchc.sqlite3", smoke.migration_count()) == []


def test_the_upgrade_check_notices_a_missing_copy(smoke: ModuleType, tmp_path: Path) -> None:
    from db.connection import open_db

    path = tmp_path / "cchc.sqlite3"
    smoke.make_old_database(path)
    open_db(path).close()  # upgraded in place
    for copy in (tmp_path / "backups").glob("*"):
        copy.unlink()
    assert smoke.upgrade_problems(path, smoke.migration_count()) == ["no copy of the old database in backups/"]


def test_the_windows_build_runs_the_same_recipe_and_makes_a_per_user_installer() -> None:
    """The workflow cannot run here: it must at least call the scripts that run here, and the installer must
    need no administrator rights and leave the data folder alone."""
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    for called in ("packaging/cchc.spec", "packaging/smoke.py dist/cchc-desktop", "packaging/version.py",
                   'pip install -e ".[bundle]"', "/DAppVersion=", "packaging\\cchc.iss", "runs-on: windows-"):
        assert called in workflow, called
    script = (ROOT / "packaging" / "cchc.iss").read_text(encoding="utf-8")
    settings = dict(line.split("=", 1) for line in script.splitlines() if re.match(r"^\w+=", line))
    assert settings["PrivilegesRequired"] == "lowest"
    assert settings["DefaultDirName"].startswith("{localappdata}\\Programs\\")
    assert settings["AppVersion"] == "{#AppVersion}"
    assert "cchc-desktop" not in settings["DefaultDirName"]  # never the data folder (%LOCALAPPDATA%\cchc-desktop)
    assert "[UninstallDelete]" not in script
