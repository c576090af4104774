"""CCHC Desktop: the headless core (domain rules, services, reports, the ``cchc`` command)."""

__version__ = "0.1.0"
APP_NAME = "CCHC Desktop"
APP_ID = "cchc-desktop"
