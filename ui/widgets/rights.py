"""Controls that change what the signed-in account may not change are disabled, and say why in their tooltip.

Only a courtesy: the services check the same permission (``sessions.require``) whatever the window shows.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from cchc_desktop.domain.users import Permission
from cchc_desktop.services import sessions

OWN_TIP = "ownToolTip"  # the tooltip a control has when allowed


def why_not(session: sessions.Session, permission: Permission) -> str:
    """Empty when ``session`` may; else the sentence a disabled control shows."""
    return sessions.missing_right(session, permission)


def gate(session: sessions.Session, permission: Permission, *widgets: QWidget) -> bool:
    """Enable ``widgets`` when ``session`` (the window's) may, disable them with the reason as tooltip otherwise."""
    reason = why_not(session, permission)
    for widget in widgets:
        if widget.property(OWN_TIP) is None:
            widget.setProperty(OWN_TIP, widget.toolTip())
        widget.setEnabled(not reason)
        widget.setToolTip(reason or widget.property(OWN_TIP))
    return not reason
