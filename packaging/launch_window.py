"""The bundle's ``cchc-desktop`` window (PyInstaller needs a script; this is the ``cchc-desktop`` entry point)."""

import sys

from ui.app import main

sys.exit(main())
