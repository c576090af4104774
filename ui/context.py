"""What every page is given: the office (``cchc_desktop.office``) — the open database, its path, the session,
the clock and the services on it. Pages ask it for services; they never build one from the database."""

from __future__ import annotations

from cchc_desktop.office import Office as AppContext

__all__ = ["AppContext"]
