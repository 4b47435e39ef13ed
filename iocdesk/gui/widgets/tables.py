"""How the window's tables are set up: read-only lists of rows (past runs, received alerts),
single-line rows, and a header menu to choose the columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, QObject, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

_Column = TypeVar("_Column", bound=int)  # a model's column enum (an IntEnum)


def row_table(
    parent: QWidget,
    model: QAbstractItemModel,
    *,
    name: str,
    accessible_name: str,
    widths: Mapping[_Column, int] | None = None,
    interactive: int | None = None,
) -> QTableView:
    """A table of whole rows, one selected at a time, never edited; Tab leaves it for the buttons
    around it. ``widths`` sets column widths; ``interactive`` is the column the analyst resizes
    (the last one stretches)."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setAccessibleName(accessible_name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    single_line_rows(view)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    if interactive is not None:
        header.setSectionResizeMode(interactive, QHeaderView.ResizeMode.Interactive)
    for column, width in (widths or {}).items():
        view.setColumnWidth(column, width)
    return view


def single_line_rows(view: QTableView) -> None:
    """One line per row, however long the value: more rows on a laptop screen, and a long URL
    elided in the middle (its scheme and host on the left, its end on the right); the whole
    value is in the tooltip and the detail pane."""
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    rows = view.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setMinimumSectionSize(1)
    rows.setDefaultSectionSize(max(20, view.fontMetrics().height() + 6))  # 16 px risk icons fit


def default_widths(view: QTableView, widths: Mapping[_Column, int]) -> None:
    """Column widths before the analyst sets any (a saved header state replaces them)."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setDefaultSectionSize(110)
    for column, width in widths.items():
        view.setColumnWidth(column, width)


class ColumnChooser(QObject):
    """Right-click on a table's header: a menu to show or hide its columns (the first one,
    the indicator, always stays). The choice lives in the header's saveState()."""

    def __init__(self, view: QTableView, *, keep: int = 0) -> None:
        super().__init__(view)
        self._view = view
        self._keep = keep
        self.menu: QMenu | None = None
        header = view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show)

    def build_menu(self) -> QMenu:
        header = self._view.horizontalHeader()
        model = self._view.model()
        menu = self.menu or QMenu(self._view)
        menu.setObjectName("columnMenu")
        menu.clear()
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or column)
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != self._keep)
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
        self.menu = menu
        return menu

    def _show(self, pos: QPoint) -> None:
        self.build_menu().popup(self._view.horizontalHeader().mapToGlobal(pos))
