"""InboxModel: one row per alert the inbox took (webhook, watched folder), newest first.

The window feeds it with ``upsert(alert)`` for every change the inbox reports
(``InboxBridge.alertChanged``); the Alert objects are the inbox's own, so a row
always shows the alert as it is now. Alert names and sources come from whoever
sent the alert: they are shown with ``safe_text`` and tooltips are built with
``tooltip_html``, never as rich text of their own.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt

from iocdesk.gui.models.base import RowTableModel
from iocdesk.gui.models.common import ResultRole, RiskColorRole, SortRole, _Index, _Role, safe_text, tooltip_html
from iocdesk.gui.risk import risk_color, risk_icon
from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.inbox.alert import Alert, AlertStatus

__all__ = ["INBOX_HEADERS", "InboxColumn", "InboxModel", "RunIdRole", "alert_status_text"]

RunIdRole = int(_Role.UserRole) + 11  # the alert's run id (int) or None
_NAME_MAX = 200  # alert names are cut at 200 by the inbox; the limit here only guards the layout


class InboxColumn(IntEnum):
    RECEIVED = 0
    SOURCE = 1
    NAME = 2
    IOCS = 3
    RISK = 4
    STATUS = 5


# Column titles in English; headerData() translates them.
INBOX_HEADERS = {
    InboxColumn.RECEIVED: QT_TRANSLATE_NOOP("InboxModel", "Received"),
    InboxColumn.SOURCE: QT_TRANSLATE_NOOP("InboxModel", "Source"),
    InboxColumn.NAME: QT_TRANSLATE_NOOP("InboxModel", "Name"),
    InboxColumn.IOCS: QT_TRANSLATE_NOOP("InboxModel", "IOCs"),
    InboxColumn.RISK: QT_TRANSLATE_NOOP("InboxModel", "Worst risk"),
    InboxColumn.STATUS: QT_TRANSLATE_NOOP("InboxModel", "Status"),
}
_STATUS_LABELS = {
    AlertStatus.QUEUED: QT_TRANSLATE_NOOP("InboxModel", "queued"),
    AlertStatus.RUNNING: QT_TRANSLATE_NOOP("InboxModel", "running"),
    AlertStatus.DONE: QT_TRANSLATE_NOOP("InboxModel", "done"),
    AlertStatus.DUPLICATE: QT_TRANSLATE_NOOP("InboxModel", "duplicate"),
    AlertStatus.FAILED: QT_TRANSLATE_NOOP("InboxModel", "failed"),
}
_STATUS_ORDER = {status: i for i, status in enumerate(_STATUS_LABELS)}


def _tr(text: str) -> str:
    return QCoreApplication.translate("InboxModel", text)


def alert_status_text(alert: Alert) -> str:
    """ "done", "duplicate (same IOCs as A2026...-0003)", "failed": the Status column."""
    label = _STATUS_LABELS.get(alert.status)
    text = _tr(label) if label else safe_text(alert.status)
    if alert.status is AlertStatus.DUPLICATE and alert.duplicate_of:
        text = QCoreApplication.translate("InboxModel", "{status} (same IOCs as {id})").format(
            status=text, id=safe_text(alert.duplicate_of)
        )
    return text


def short_time(iso: str) -> str:
    """A UTC ISO time as local ``HH:MM:SS`` today, ``YYYY-MM-DD HH:MM`` on other days."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return safe_text(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    if moment.date() == datetime.now().date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


class InboxModel(RowTableModel):
    COLUMNS = InboxColumn
    HEADERS = INBOX_HEADERS
    CONTEXT = "InboxModel"

    """The alerts passed to ``upsert``, newest first; at most ``limit`` rows (the oldest go)."""

    Column = InboxColumn

    def __init__(self, parent=None, *, limit: int = 1000) -> None:
        super().__init__(parent)
        self._limit = max(1, limit)
        self._alerts: list[Alert] = []  # oldest first: row r shows _alerts[-1 - r]
        self._position: dict[str, int] = {}  # alert id -> index in _alerts (shifted when old ones go)
        self._dropped = 0  # alerts removed from the front of _alerts so far

    # -- content ----------------------------------------------------------------------------
    def upsert(self, alert: Alert) -> None:
        """Add the alert at the top, or refresh its row (dataChanged for that row only)."""
        position = self._position.get(alert.id)
        if position is not None:
            index = position - self._dropped
            self._alerts[index] = alert  # usually the same object; a copy (a test, a reload) works too
            row = len(self._alerts) - 1 - index
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(InboxColumn) - 1))
            return
        if len(self._alerts) >= self._limit:  # a noisy SIEM must not grow the table without end
            last = len(self._alerts) - 1
            self.beginRemoveRows(QModelIndex(), last, last)
            oldest = self._alerts.pop(0)
            del self._position[oldest.id]
            self._dropped += 1
            self.endRemoveRows()
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._position[alert.id] = len(self._alerts) + self._dropped
        self._alerts.append(alert)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._alerts.clear()
        self._position.clear()
        self._dropped = 0
        self.endResetModel()

    def alert_at(self, row: int) -> Alert:
        if not 0 <= row < len(self._alerts):
            raise IndexError(row)
        return self._alerts[-1 - row]

    def row_of(self, alert_id: str) -> int:
        """The row showing ``alert_id``, or -1."""
        position = self._position.get(alert_id)
        return -1 if position is None else len(self._alerts) - 1 - (position - self._dropped)

    def alerts(self) -> list[Alert]:
        """Newest first, as shown."""
        return self._alerts[::-1]

    # -- Qt model ---------------------------------------------------------------------------
    def _rows(self) -> list:
        return self._alerts

    def data(self, index: _Index, role: int = _Role.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._alerts):
            return None
        alert = self.alert_at(index.row())
        col = InboxColumn(index.column())
        if role == _Role.DisplayRole:
            return self._display(alert, col)
        if role == SortRole:
            return self._sort_key(alert, col)
        if role == _Role.ToolTipRole:
            return self._tooltip(alert)
        if role == ResultRole:
            return alert
        if role == RunIdRole:
            return alert.run_id
        if col is InboxColumn.RISK and alert.worst_risk is not None:
            if role == _Role.DecorationRole:
                return risk_icon(alert.worst_risk)
            if role == RiskColorRole:
                return risk_color(alert.worst_risk)
        if role == _Role.TextAlignmentRole and col is InboxColumn.IOCS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(alert: Alert, col: InboxColumn) -> str:
        if col is InboxColumn.RECEIVED:
            return short_time(alert.received)
        if col is InboxColumn.SOURCE:
            return safe_text(alert.source, 120)
        if col is InboxColumn.NAME:
            return safe_text(alert.name, _NAME_MAX)
        if col is InboxColumn.IOCS:
            return str(alert.indicators)
        if col is InboxColumn.RISK:
            return "" if alert.worst_risk is None else str(alert.worst_risk)
        return alert_status_text(alert)

    @staticmethod
    def _sort_key(alert: Alert, col: InboxColumn) -> int | str:
        if col is InboxColumn.RECEIVED:
            return alert.id  # "A<UTC time>-<sequence>": sorts by arrival
        if col is InboxColumn.SOURCE:
            return safe_text(alert.source).casefold()
        if col is InboxColumn.NAME:
            return safe_text(alert.name).casefold()
        if col is InboxColumn.IOCS:
            return alert.indicators
        if col is InboxColumn.RISK:
            return -1 if alert.worst_risk is None else alert.worst_risk.severity
        return _STATUS_ORDER.get(alert.status, 9)

    @staticmethod
    def _tooltip(alert: Alert) -> str:
        lines = [
            QCoreApplication.translate("InboxModel", "Alert {id}, received {time}").format(
                id=alert.id, time=short_time(alert.received)
            ),
            QCoreApplication.translate("InboxModel", "Name: {name}").format(name=alert.name),
            QCoreApplication.translate("InboxModel", "Source: {source}").format(source=alert.source),
            QCoreApplication.translate("InboxModel", "Status: {status}").format(status=alert_status_text(alert)),
        ]
        if alert.counts:
            counts = ", ".join(f"{n} {status}" for status, n in sorted(alert.counts.items()))
            lines.append(QCoreApplication.translate("InboxModel", "Results: {counts}").format(counts=counts))
        if alert.worst_risk is not None:
            lines.append(QCoreApplication.translate("InboxModel", "Worst risk: {risk}").format(risk=alert.worst_risk))
        if alert.run_id is not None:
            lines.append(QCoreApplication.translate("InboxModel", "Run {id} in the history").format(id=alert.run_id))
        if alert.error:
            lines.append(QCoreApplication.translate("InboxModel", "Error: {error}").format(error=alert.error))
        return tooltip_html(lines)
