"""Shared pieces of the item models: custom roles, safe display text, risk colours.

Every string the models show may come from an attacker (pasted text, Pulsedive
intel): display text is plain, with control characters and bidi/zero-width
format characters replaced by visible escapes (``\\u202e``); tooltips are
HTML-escaped rich text, because Qt renders a tooltip as HTML when it merely
looks like HTML. Display text is cut at ``DISPLAY_MAX`` characters (saying how
many are left out): Qt lays out a cell's whole text on every paint, and forty
100 kB values made one repaint of the table take seven seconds. Risk is shown
as text plus a colour icon, never colour alone.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from iocdesk.indicators.display import reveal
from iocdesk.indicators.results import Risk

_Role = Qt.ItemDataRole
SortRole = int(_Role.UserRole) + 1  # int / str sort keys (QSortFilterProxyModel compares them natively)
ResultRole = int(_Role.UserRole) + 2  # the LookupResult (ResultsModel) or Indicator (IndicatorsModel)
RiskColorRole = int(_Role.UserRole) + 3  # QColor of the risk, for delegates and charts
_Index = QModelIndex | QPersistentModelIndex

# -- safe text -------------------------------------------------------------------------------
_TOOLTIP_MAX = 4000
DISPLAY_MAX = 1000


def safe_text(value: object, limit: int | None = DISPLAY_MAX) -> str:
    """One line of plain text showing what ``value`` really is (see iocdesk.indicators.display),
    at most ``limit`` characters and a note of how many more there are."""
    return reveal(value, limit=limit)


def tooltip_html(lines: Iterable[object]) -> str:
    """A tooltip that Qt renders as rich text, built from escaped plain lines (no injected HTML)."""
    text = "\n".join(safe_text(line, None) for line in lines if line not in (None, ""))
    if not text:
        return ""
    if len(text) > _TOOLTIP_MAX:
        text = text[:_TOOLTIP_MAX] + "\n…"
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


# -- risk colours ----------------------------------------------------------------------------
RISK_COLORS: dict[Risk, str] = {
    Risk.CRITICAL: "#7b1fa2",
    Risk.HIGH: "#d32f2f",
    Risk.MEDIUM: "#f57c00",
    Risk.LOW: "#fbc02d",
    Risk.NONE: "#388e3c",
    Risk.UNKNOWN: "#9e9e9e",
    Risk.RETIRED: "#607d8b",
}
_icons: dict[Risk, QIcon] = {}


def risk_icon(risk: Risk) -> QIcon:
    """A filled circle in the risk's colour (drawn once per risk, then cached)."""
    icon = _icons.get(risk)
    if icon is None:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor("#00000060"))
        painter.setBrush(QColor(RISK_COLORS[risk]))
        painter.drawEllipse(1, 1, 14, 14)
        painter.end()
        icon = _icons[risk] = QIcon(pixmap)
    return icon
