"""The bundle's ``cchc`` command (PyInstaller needs a script; this is the ``cchc`` entry point of pyproject)."""

import sys

from cchc_desktop.cli import main

sys.exit(main())
