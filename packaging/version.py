"""The program's version as pyproject.toml gives it, for the installer (``python packaging/version.py``).

pyproject.toml either states ``[project] version`` or names the attribute it is read from
(``[tool.setuptools.dynamic] version = {attr = "cchc_desktop.__version__"}``); the attribute is read from the
module's source without importing it, so the build machine needs nothing installed to ask.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def project_version(root: Path = ROOT) -> str:
    """The version string pyproject.toml in ``root`` declares; ValueError when it declares none."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    stated = config.get("project", {}).get("version")
    if stated:
        return str(stated)
    attr = config.get("tool", {}).get("setuptools", {}).get("dynamic", {}).get("version", {}).get("attr")
    if not attr:
        raise ValueError("pyproject.toml declares no version")
    module, _dot, name = attr.rpartition(".")
    source = root.joinpath(*module.split("."))
    source = source / "__init__.py" if source.is_dir() else source.with_suffix(".py")
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = ast.literal_eval(node.value)
            if isinstance(value, str) and value:
                return value
    raise ValueError(f"{source} assigns no string to {name}")


if __name__ == "__main__":
    print(project_version(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
