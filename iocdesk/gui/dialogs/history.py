"""The run history window: every past run, newest first; open, resume or delete one.

``HistoryDialog(history)`` is non-modal friendly (the caller uses ``.open()`` or
``.show()``); it never touches the lookup engine itself, it only says what the
analyst asked for::

    dialog = HistoryDialog(history, parent=window)
    dialog.openRequested.connect(window.show_run)  # int run id
    dialog.resumeRequested.connect(window.resume_run)  # int run id
    dialog.open()

Open (button, Enter or double-click) and Resume emit their signal and then
close the dialog (``accept()``). Delete asks first (a window-modal box that does
not block the event loop), then calls ``History.delete_run``. Every string is
plain text; run sources come from file names and are escaped with ``safe_text``.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from iocdesk.gui.models.base import RowTableModel
from iocdesk.gui.models.common import ResultRole, SortRole, _Index, _Role, safe_text, tooltip_html
from iocdesk.gui.models.results import STATUS_LABELS, status_label
from iocdesk.gui.risk import risk_icon
from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.gui.widgets.tables import row_table
from iocdesk.indicators.results import Risk, Status
from iocdesk.store.history import History, RunState, RunSummary

__all__ = ["RUN_HEADERS", "HistoryDialog", "RunColumn", "RunsModel", "can_resume", "worst_risk"]

RunIdRole = int(_Role.UserRole) + 10  # the run id (int)


class RunColumn(IntEnum):
    CREATED = 0
    STATE = 1
    PROGRESS = 2  # done / total
    STATUSES = 3  # counts by status
    RISK = 4  # worst risk
    SOURCES = 5


# Column titles in English; headerData() translates them.
RUN_HEADERS = {
    RunColumn.CREATED: QT_TRANSLATE_NOOP("RunsModel", "Started"),
    RunColumn.STATE: QT_TRANSLATE_NOOP("RunsModel", "State"),
    RunColumn.PROGRESS: QT_TRANSLATE_NOOP("RunsModel", "Done"),
    RunColumn.STATUSES: QT_TRANSLATE_NOOP("RunsModel", "Results"),
    RunColumn.RISK: QT_TRANSLATE_NOOP("RunsModel", "Worst risk"),
    RunColumn.SOURCES: QT_TRANSLATE_NOOP("RunsModel", "Source"),
}
_STATE_ORDER = {RunState.RUNNING: 0, RunState.INTERRUPTED: 1, RunState.CANCELLED: 2, RunState.FINISHED: 3}


def local_time(iso: str | None) -> str:
    """A stored UTC ISO time as local ``YYYY-MM-DD HH:MM``; unparsable text is shown as is (escaped)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return safe_text(iso)
    if moment.tzinfo is None:  # not written by History; shown as written
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def worst_risk(run: RunSummary) -> Risk | None:
    """The most severe risk among the run's items (critical first; retired and unknown last)."""
    parsed = [Risk.parse(name) for name, n in run.by_risk.items() if n]
    risks = [r for r in parsed if r is not None]
    return max(risks, key=lambda r: r.severity) if risks else None


def pending_count(run: RunSummary) -> int:
    return int(run.by_status.get(str(Status.PENDING), 0))


def can_resume(run: RunSummary) -> bool:
    """An interrupted or cancelled run that still has items to look up."""
    return run.state in (RunState.INTERRUPTED, RunState.CANCELLED) and pending_count(run) > 0


def status_counts_text(run: RunSummary) -> str:
    parts = []
    for status in STATUS_LABELS:
        n = run.by_status.get(str(status), 0)
        if n:
            parts.append(f"{n} {status_label(status)}")
    known = {str(s) for s in STATUS_LABELS}
    parts += [f"{n} {safe_text(s)}" for s, n in sorted(run.by_status.items()) if s not in known and n]
    return ", ".join(parts)


class RunsModel(RowTableModel):
    COLUMNS = RunColumn
    HEADERS = RUN_HEADERS
    CONTEXT = "RunsModel"

    """The runs ``History.list_runs()`` returns, newest first, one row each."""

    Column = RunColumn
    SortRole = SortRole
    ResultRole = ResultRole  # the RunSummary
    RunIdRole = RunIdRole

    def __init__(self, history: History | None = None, parent=None, *, limit: int = 500) -> None:
        super().__init__(parent)
        self._history = history
        self._limit = limit
        self._runs: list[RunSummary] = []

    def refresh(self) -> None:
        """Re-read the history (a few small queries per run)."""
        self.set_runs(self._history.list_runs(self._limit) if self._history is not None else [])

    def set_runs(self, runs: list[RunSummary]) -> None:
        self.beginResetModel()
        self._runs = list(runs)
        self.endResetModel()

    def runs(self) -> list[RunSummary]:
        return list(self._runs)

    def run_at(self, row: int) -> RunSummary:
        return self._runs[row]

    def row_of(self, run_id: int) -> int:
        """The row showing ``run_id``, or -1."""
        for row, run in enumerate(self._runs):
            if run.id == run_id:
                return row
        return -1

    # -- Qt model ----------------------------------------------------------------------------
    def _rows(self) -> list:
        return self._runs

    def data(self, index: _Index, role: int = _Role.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._runs):
            return None
        run = self._runs[index.row()]
        col = RunColumn(index.column())
        if role == _Role.DisplayRole:
            return self._display(run, col)
        if role == SortRole:
            return self._sort_key(run, col)
        if role == _Role.ToolTipRole:
            return self._tooltip(run)
        if role == ResultRole:
            return run
        if role == RunIdRole:
            return run.id
        if role == _Role.DecorationRole and col is RunColumn.RISK:
            risk = worst_risk(run)
            return risk_icon(risk) if risk is not None else None
        return None

    def _display(self, run: RunSummary, col: RunColumn) -> str:
        if col is RunColumn.CREATED:
            return local_time(run.created)
        if col is RunColumn.STATE:
            state = str(run.state)
            return self.tr("{state} (resumable)").format(state=state) if can_resume(run) else state
        if col is RunColumn.PROGRESS:
            return f"{run.done}/{run.total}"
        if col is RunColumn.STATUSES:
            return status_counts_text(run)
        if col is RunColumn.RISK:
            risk = worst_risk(run)
            return "" if risk is None else f"{risk} ({run.by_risk.get(str(risk), 0)})"
        if col is RunColumn.SOURCES:
            return safe_text(", ".join(str(s) for s in run.sources))
        return ""

    @staticmethod
    def _sort_key(run: RunSummary, col: RunColumn) -> int | str:
        if col is RunColumn.CREATED:
            return run.id  # ids grow with time
        if col is RunColumn.STATE:
            return _STATE_ORDER.get(run.state, 9)
        if col is RunColumn.PROGRESS:
            return run.done
        if col is RunColumn.STATUSES:
            return run.by_status.get(str(Status.FOUND), 0)
        if col is RunColumn.RISK:
            risk = worst_risk(run)
            return -1 if risk is None else risk.severity
        return ", ".join(str(s) for s in run.sources).casefold()

    def _tooltip(self, run: RunSummary) -> str:
        if run.ended:
            state = self.tr("State: {state}, since {time}").format(state=run.state, time=local_time(run.ended))
        else:
            state = self.tr("State: {state}").format(state=run.state)
        pending = pending_count(run)
        if pending:
            done = self.tr("{done} of {total} looked up; %n still pending", "", pending)
        else:
            done = self.tr("{done} of {total} looked up")
        lines = [
            self.tr("Run {id}, started {time}").format(id=run.id, time=local_time(run.created)),
            state,
            done.format(done=run.done, total=run.total),
            status_counts_text(run),
        ]
        if run.by_risk:
            ranked = sorted(run.by_risk.items(), key=lambda kv: -(Risk.parse(kv[0]) or Risk.UNKNOWN).severity)
            lines.append(self.tr("Risk: {counts}").format(counts=", ".join(f"{n} {name}" for name, n in ranked)))
        if run.sources:
            lines.append(self.tr("Source: {sources}").format(sources=", ".join(str(s) for s in run.sources)))
        return tooltip_html(lines)


class HistoryDialog(QDialog):
    """Past runs; Open / Resume emit a run id, Delete asks and removes. See the module docstring."""

    openRequested = Signal(int)
    resumeRequested = Signal(int)
    runDeleted = Signal(int)

    def __init__(self, history: History, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(self.tr("Run history"))
        self.setAccessibleName(self.tr("Run history"))
        self._history = history
        self.model = RunsModel(history, self)
        self._build()
        self.refresh()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        widths = {
            RunColumn.CREATED: 130,
            RunColumn.STATE: 150,
            RunColumn.PROGRESS: 80,
            RunColumn.STATUSES: 260,
            RunColumn.RISK: 110,
        }
        self.view = row_table(
            self,
            self.model,
            name="historyTable",
            accessible_name=self.tr("Past runs, newest first"),
            widths=widths,
            interactive=RunColumn.STATUSES,
        )

        self.empty_label = QLabel(
            self.tr("No runs yet: runs appear here as soon as they start."), objectName="historyEmpty"
        )
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label = QLabel("", objectName="historyStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setAccessibleName(self.tr("History status"))

        self.open_button = QPushButton(self.tr("&Open"), objectName="historyOpen")
        self.open_button.setToolTip(self.tr("Show this run's results (Enter or double-click)"))
        self.resume_button = QPushButton(self.tr("&Resume"), objectName="historyResume")
        self.resume_button.setToolTip(self.tr("Look up what an interrupted or cancelled run has not looked up yet"))
        self.delete_button = QPushButton(self.tr("&Delete..."), objectName="historyDelete")
        self.delete_button.setToolTip(self.tr("Remove this run and its results from the history (Del)"))
        self.refresh_button = QPushButton(self.tr("Re&fresh"), objectName="historyRefresh")
        self.refresh_button.setToolTip(self.tr("Read the history again (F5)"))
        self.close_button = QPushButton(self.tr("Close"), objectName="historyClose")
        for button in (self.resume_button, self.delete_button, self.refresh_button, self.close_button):
            button.setAutoDefault(False)
        self.open_button.setDefault(True)  # Enter in the table opens the current run

        buttons = QHBoxLayout()
        for button in (self.open_button, self.resume_button, self.delete_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.resize(900, 420)

        self.open_button.clicked.connect(self.open_selected)
        self.resume_button.clicked.connect(self.resume_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.reject)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.view,
            activated=self.delete_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, activated=self.refresh)

    # -- state ----------------------------------------------------------------------------
    def selected_run(self) -> RunSummary | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.run_at(rows[0].row())

    def select_run(self, run_id: int) -> bool:
        row = self.model.row_of(run_id)
        if row < 0:
            return False
        self.view.selectRow(row)
        self.view.setCurrentIndex(self.model.index(row, 0))
        return True

    def refresh(self) -> None:
        """Re-read the history, keeping the selected run selected (else the newest)."""
        current = self.selected_run()
        try:
            self.model.refresh()
        except Exception as exc:  # noqa: BLE001 - a broken file must not take the window down
            self.model.set_runs([])
            self.status_label.setText(self.tr("Cannot read the history: {error}").format(error=safe_text(exc)))
            return
        if not (current is not None and self.select_run(current.id)) and self.model.rowCount():
            self.select_run(self.model.run_at(0).id)
        self.empty_label.setVisible(self.model.rowCount() == 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        run = self.selected_run()
        self.open_button.setEnabled(run is not None)
        self.resume_button.setEnabled(run is not None and can_resume(run))
        # a running run belongs to a live process (this window or a CLI run): not deleted under it
        self.delete_button.setEnabled(run is not None and run.state is not RunState.RUNNING)

    # -- actions --------------------------------------------------------------------------
    def open_selected(self) -> None:
        run = self.selected_run()
        if run is None:
            return
        self.openRequested.emit(run.id)
        self.accept()

    def resume_selected(self) -> None:
        run = self.selected_run()
        if run is None or not can_resume(run):
            return
        self.resumeRequested.emit(run.id)
        self.accept()

    def delete_selected(self) -> None:
        """Ask (window-modal, without blocking the event loop), then delete."""
        run = self.selected_run()
        if run is None or run.state is RunState.RUNNING:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete run"),
            self.tr(
                "Delete the run started {time} ({done}/{total} looked up) "
                "and all its results from the history? This cannot be undone."
            ).format(time=local_time(run.created), done=run.done, total=run.total),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmDelete")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        run_id = run.id
        box.finished.connect(lambda result: self._confirmed_delete(run_id, result))
        box.open()

    def _confirmed_delete(self, run_id: int, result: int) -> None:
        if result != QMessageBox.StandardButton.Yes:
            return
        self.delete_run(run_id)

    def delete_run(self, run_id: int) -> bool:
        """Delete without asking (the confirmation is in delete_selected)."""
        try:
            deleted = self._history.delete_run(run_id)
        except Exception as exc:  # noqa: BLE001
            self.status_label.setText(self.tr("Could not delete the run: {error}").format(error=safe_text(exc)))
            return False
        row = self.model.row_of(run_id)
        self.refresh()
        if deleted:
            if self.model.rowCount():  # keep the selection near where it was
                self.select_run(self.model.run_at(min(max(row, 0), self.model.rowCount() - 1)).id)
            self.status_label.setText(self.tr("Run deleted."))
            self.runDeleted.emit(run_id)
        return deleted

    def showEvent(self, event) -> None:
        self.refresh()  # a dialog kept around shows runs that ended since
        super().showEvent(event)
