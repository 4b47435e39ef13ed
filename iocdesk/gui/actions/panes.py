"""The window's panes: input, results and detail; shown, hidden, placed and remembered.

An analyst who triages all day wants the results table as tall as the screen
allows: the input pane and the detail pane can be hidden (View menu, Ctrl+1 /
Ctrl+2), the detail pane sits below the table or beside it, and every choice,
splitter position and column layout comes back at the next start.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QSplitter, QTableView, QWidget

from iocdesk.gui.settings import AppSettings

__all__ = ["RESULTS_HEADER", "Panes"]

# The saved column layout of the results table. "-v4": the risk column moved next to the
# indicator (issue 16); an older layout would give its widths and order to the wrong columns.
RESULTS_HEADER = "results-v4"
INDICATORS_HEADER = "indicators-v2"  # the check box moved onto the indicator, first (issue 16)
WIDE = 1600  # px: from this window width on, the detail pane starts beside the table


class Panes(QObject):
    """Owns the two splitters' choices: ``main`` (input | results) and ``results`` (table, detail)."""

    def __init__(
        self,
        settings: AppSettings,
        *,
        main: QSplitter,
        results: QSplitter,
        input_pane: QWidget,
        detail: QWidget,
        tables: dict[str, QTableView],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._main, self._results = main, results
        self._input, self._detail = input_pane, detail
        self._tables = tables  # header-state name -> table
        owner = parent if isinstance(parent, QWidget) else None
        self.input_action = QAction(self.tr("&Input pane"), owner, checkable=True, checked=True)
        self.input_action.setShortcut(QKeySequence("Ctrl+1"))
        self.input_action.setToolTip(self.tr("Show or hide the pasted text and the extracted indicators"))
        self.input_action.toggled.connect(self._input.setVisible)
        self.detail_action = QAction(self.tr("&Detail pane"), owner, checkable=True, checked=True)
        self.detail_action.setShortcut(QKeySequence("Ctrl+2"))
        self.detail_action.setToolTip(self.tr("Show or hide what Pulsedive knows about the selected result"))
        self.detail_action.toggled.connect(self._detail.setVisible)
        self.beside_action = QAction(self.tr("Detail pane &beside the table"), owner, checkable=True)
        self.beside_action.setToolTip(self.tr("On a wide screen: the detail pane right of the table, not below it"))
        self.beside_action.toggled.connect(self.set_beside)

    def fill_menu(self, menu: QMenu) -> None:
        for action in (self.input_action, self.detail_action, self.beside_action):
            menu.addAction(action)

    def set_beside(self, beside: bool) -> None:
        orientation = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
        if self._results.orientation() != orientation:
            self._results.setOrientation(orientation)
            self._default_results_sizes()
        if self.beside_action.isChecked() != beside:
            self.beside_action.setChecked(beside)

    # -- remembered -------------------------------------------------------------------------
    def restore(self) -> None:
        """The last session's layout, or the default: input a quarter of the width, the table
        60 % of the height (three times the rows of 0.1's half-and-half)."""
        settings = self._settings
        # a wide window reads the detail beside the table; a laptop's below it
        self.set_beside(settings.layout_flag("detail_beside", self._main.window().width() >= WIDE))
        if state := settings.splitter_state("main"):
            self._main.restoreState(state)
        else:
            width = max(self._main.width(), 1200)
            self._main.setSizes([width // 4, width - width // 4])
        if state := settings.splitter_state("results"):
            self._results.restoreState(state)
        else:
            self._default_results_sizes()
        for name, table in self._tables.items():
            if header := settings.header_state(name):
                table.horizontalHeader().restoreState(header)
        self.input_action.setChecked(settings.layout_flag("input_visible", True))
        self.detail_action.setChecked(settings.layout_flag("detail_visible", True))

    def save(self) -> None:
        settings = self._settings
        settings.set_splitter_state("main", self._main.saveState())
        settings.set_splitter_state("results", self._results.saveState())
        settings.set_layout_flag("input_visible", self.input_action.isChecked())
        settings.set_layout_flag("detail_visible", self.detail_action.isChecked())
        settings.set_layout_flag("detail_beside", self.beside_action.isChecked())
        for name, table in self._tables.items():
            settings.set_header_state(name, table.horizontalHeader().saveState())

    def _default_results_sizes(self) -> None:
        total = 1000
        table = 600 if self._results.orientation() == Qt.Orientation.Vertical else 650
        self._results.setSizes([table, total - table])
