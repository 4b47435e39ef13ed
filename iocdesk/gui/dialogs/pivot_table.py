"""The table of the pivot views: a threat's or a feed's linked indicators, explore's results.

One line a row (long values elided in the middle, the whole value in an escaped
tooltip), risk as the palette's icon and word, many rows selectable. Its actions,
on the selected rows (buttons, context menu, keys): Look up (Enter, double-click),
Add to run, Copy (Ctrl+C, by the window's clipboard rule through
:mod:`iocdesk.gui.clipboard`), Open in Pulsedive (its page, built from the numeric
iid only). Rows whose type iocdesk does not look up (``artifact``) are left out of
Look up and Add to run, and the status line says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from iocdesk.gui.clipboard import copy_indicators
from iocdesk.gui.models.common import SortRole, _Index, _Role, safe_text, tooltip_html
from iocdesk.gui.risk import risk_icon, risk_text, risk_text_color
from iocdesk.gui.widgets.detail import is_pulsedive_url
from iocdesk.gui.widgets.elided_label import ElidedLabel
from iocdesk.gui.widgets.tables import default_widths, single_line_rows
from iocdesk.indicators.results import Intel, Risk
from iocdesk.indicators.types import Indicator, IndicatorType
from iocdesk.lookup.pivots import as_indicator, indicator_type, indicator_url
from iocdesk.pulsedive.parse import LinkedIndicator

__all__ = ["MAX_OPEN", "PivotColumn", "PivotModel", "PivotRow", "PivotTable"]

MAX_OPEN = 10  # browser tabs one "Open in Pulsedive" opens


@dataclass(frozen=True, slots=True)
class PivotRow:
    """One indicator of a pivot: what the table shows and acts on."""

    indicator: str
    pulsedive_type: str | None = None
    risk: Risk | None = None
    when: str | None = None  # linked (threat/feed) or last seen (explore)
    iid: int | None = None

    @classmethod
    def of_linked(cls, item: LinkedIndicator) -> PivotRow:
        return cls(item.indicator or "", item.pulsedive_type, item.risk, item.linked, item.iid)

    @classmethod
    def of_intel(cls, intel: Intel) -> PivotRow:
        return cls(intel.indicator or "", intel.pulsedive_type, intel.risk, intel.seen, intel.iid)

    @property
    def web_url(self) -> str | None:
        url = indicator_url(self.iid)
        return url if is_pulsedive_url(url) else None

    def as_indicator(self) -> Indicator | None:
        return as_indicator(self.indicator, self.pulsedive_type)

    def copy_pair(self) -> tuple[str, IndicatorType | str]:
        """(value, type) for the clipboard: iocdesk's type, so ``ip`` values are defanged too."""
        return self.indicator, indicator_type(self.pulsedive_type) or self.pulsedive_type or ""


class PivotColumn(IntEnum):
    INDICATOR = 0
    TYPE = 1
    RISK = 2
    WHEN = 3


class PivotModel(QAbstractTableModel):
    """PivotRows, read-only; ``when_header`` names the time column ("Linked", "Last seen")."""

    def __init__(self, when_header: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PivotRow] = []
        self._headers = {
            PivotColumn.INDICATOR: self.tr("Indicator"),
            PivotColumn.TYPE: self.tr("Type"),
            PivotColumn.RISK: self.tr("Risk"),
            PivotColumn.WHEN: when_header,
        }

    def set_rows(self, rows: Sequence[PivotRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[PivotRow]:
        return list(self._rows)

    def row_at(self, row: int) -> PivotRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(PivotColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _Role.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _Role.DisplayRole and 0 <= section < len(PivotColumn):
            return self._headers[PivotColumn(section)]
        return None

    def data(self, index: _Index, role: int = _Role.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], PivotColumn(index.column())
        if role == _Role.DisplayRole:
            return self._display(row, column)
        if role == SortRole:
            if column is PivotColumn.RISK:
                return row.risk.severity if row.risk is not None else -1
            return self._display(row, column).casefold()
        if role == _Role.ToolTipRole and column is PivotColumn.INDICATOR:
            return tooltip_html([row.indicator])  # the whole value, escaped: never rich text from data
        if column is PivotColumn.RISK:
            if role == _Role.DecorationRole:
                return risk_icon(row.risk)
            if role == _Role.ForegroundRole:
                return risk_text_color(row.risk)
        return None

    @staticmethod
    def _display(row: PivotRow, column: PivotColumn) -> str:
        if column is PivotColumn.INDICATOR:
            return safe_text(row.indicator)
        if column is PivotColumn.TYPE:
            return safe_text(row.pulsedive_type or "")
        if column is PivotColumn.RISK:
            return risk_text(row.risk)
        return safe_text(row.when or "")


class PivotTable(QWidget):
    """The rows with their actions; see the module docstring.

    ``copy_defanged()`` says whether Copy gives defanged values (the window's setting, read
    at every copy).

    Signals:
      ``addToRun(list)``: these :class:`Indicator` objects go into the input of the next run.
      ``lookupRequested(list)``: look these :class:`Indicator` objects up now.
      ``openRequested(str)``: open this https://pulsedive.com/indicator/?iid=N page.
      ``copied(str)``: this text was put on the clipboard.
      ``message(str)``: a sentence for a status line (also shown in ``status``).
    """

    addToRun = Signal(list)
    lookupRequested = Signal(list)
    openRequested = Signal(str)
    copied = Signal(str)
    message = Signal(str)

    def __init__(
        self,
        when_header: str,
        *,
        copy_defanged: Callable[[], bool] = lambda: True,
        name: str = "pivotTable",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._copy_defanged = copy_defanged
        self.model = PivotModel(when_header, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)

        self.view = QTableView(self)
        self.view.setObjectName(name)
        self.view.setAccessibleName(self.tr("Indicators"))
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # Pulsedive's order until the analyst sorts
        single_line_rows(self.view)
        default_widths(self.view, {PivotColumn.INDICATOR: 380, PivotColumn.TYPE: 70, PivotColumn.RISK: 100})
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda _index: self.look_up())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)

        def action(text: str, slot: Callable[[], None], key: QKeySequence | None = None) -> QAction:
            act = QAction(text, self)
            act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            if key is not None:
                act.setShortcut(key)
            act.triggered.connect(slot)
            self.view.addAction(act)  # its shortcut works while the table has focus
            return act

        self.look_up_action = action(self.tr("&Look up"), self.look_up, QKeySequence(Qt.Key.Key_Return))
        self.add_action = action(self.tr("&Add to run"), self.add_to_run)
        self.copy_action = action(self.tr("&Copy"), self.copy, QKeySequence(QKeySequence.StandardKey.Copy))
        self.open_action = action(self.tr("&Open in Pulsedive"), self.open_in_pulsedive)

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, act in (
            ("lookUp", self.look_up_action),
            ("addToRun", self.add_action),
            ("copy", self.copy_action),
            ("open", self.open_action),
        ):
            button = QPushButton(act.text())
            button.setObjectName(f"{name}_{key}")
            button.clicked.connect(act.trigger)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        self.status = ElidedLabel(objectName=f"{name}_status")
        self.message.connect(self.status.setText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self._enable()

    # -- rows ------------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[PivotRow]) -> None:
        self.model.set_rows(rows)
        self._enable()

    def selected_rows(self) -> list[PivotRow]:
        """The selected rows in the order shown."""
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()})
        shown = sorted(rows, key=lambda r: self.proxy.mapFromSource(self.model.index(r, 0)).row())
        return [self.model.row_at(r) for r in shown]

    def _enable(self) -> None:
        rows = self.selected_rows() if self.view.selectionModel() is not None else []
        for act in (self.look_up_action, self.add_action, self.copy_action):
            act.setEnabled(bool(rows))
        self.open_action.setEnabled(any(r.web_url for r in rows))
        for key, act in (
            ("lookUp", self.look_up_action),
            ("addToRun", self.add_action),
            ("copy", self.copy_action),
            ("open", self.open_action),
        ):
            self.buttons[key].setEnabled(act.isEnabled())

    # -- actions -----------------------------------------------------------------------------------
    def _indicators(self) -> list[Indicator]:
        rows = self.selected_rows()
        found = [i for i in (r.as_indicator() for r in rows) if i is not None]
        skipped = len(rows) - len(found)
        if skipped:
            types = sorted({safe_text(r.pulsedive_type or "?") for r in rows if r.as_indicator() is None})
            self.message.emit(
                self.tr("%n indicator(s) left out: iocdesk does not look up {types}.", "", skipped).format(
                    types=", ".join(types)
                )
            )
        return found

    def look_up(self) -> None:
        found = self._indicators()
        if found:
            self.lookupRequested.emit(found)

    def add_to_run(self) -> None:
        found = self._indicators()
        if found:
            self.addToRun.emit(found)
            self.message.emit(self.tr("Added %n indicator(s) to the input.", "", len(found)))

    def copy(self) -> None:
        rows = self.selected_rows()
        defanged = bool(self._copy_defanged())
        text = copy_indicators((r.copy_pair() for r in rows), defanged=defanged)
        if text:
            count = len(text.splitlines())
            self.message.emit(
                self.tr("Copied %n indicator(s), defanged.", "", count)
                if defanged
                else self.tr("Copied %n indicator(s), live.", "", count)
            )
            self.copied.emit(text)

    def open_in_pulsedive(self) -> None:
        urls = [u for u in (r.web_url for r in self.selected_rows()) if u]
        for url in urls[:MAX_OPEN]:
            self.openRequested.emit(url)
        if len(urls) > MAX_OPEN:
            self.message.emit(self.tr("Opened the first %n pages.", "", MAX_OPEN))

    def _menu(self, pos: QPoint) -> None:
        self.build_menu().popup(self.view.viewport().mapToGlobal(pos))

    def build_menu(self) -> QMenu:
        self._enable()
        menu = QMenu(self)
        menu.setObjectName("pivotMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for act in (self.look_up_action, self.add_action, self.copy_action, self.open_action):
            menu.addAction(act)
        return menu
