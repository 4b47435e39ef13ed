"""The window an analyst keeps open all day: paste or open, extract, run, read.

A thin view: extraction, lookups, cache and history all live in
the Qt-free packages (a ``LookupSession`` per run); this module lays out and wires. Blocking work runs
in executor threads (``asyncio`` on the qasync loop), so the window never
freezes; engine events reach the widgets through ``RunController`` signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from iocdesk.gui.actions.exports import ExportActions, ExportScope
from iocdesk.gui.actions.input import InputActions, InputSource, SourceKind
from iocdesk.gui.actions.panes import INDICATORS_HEADER, RESULTS_HEADER, Panes
from iocdesk.gui.actions.pivots import PivotActions
from iocdesk.gui.actions.quota_resume import QuotaResume
from iocdesk.gui.actions.results import ResultActions
from iocdesk.gui.demo import DemoService
from iocdesk.gui.inbox.dock import InboxDock
from iocdesk.gui.models import IndicatorColumn, IndicatorsModel, ResultColumn, ResultsFilter, ResultsModel
from iocdesk.gui.runner import RunController
from iocdesk.gui.settings import AppSettings
from iocdesk.gui.tasks import Tasks
from iocdesk.gui.theme import apply_theme
from iocdesk.gui.widgets.detail import DetailPane
from iocdesk.gui.widgets.elided_label import ElidedLabel
from iocdesk.gui.widgets.filter_bar import FilterBar
from iocdesk.gui.widgets.paste_box import PasteBox
from iocdesk.gui.widgets.summary_strip import SummaryStrip
from iocdesk.gui.widgets.tables import ColumnChooser, default_widths, single_line_rows
from iocdesk.indicators.results import LookupResult, Status
from iocdesk.indicators.types import Indicator
from iocdesk.lookup.engine import LookupEngine, ScanPolicy
from iocdesk.lookup.pace import Pace, PaceSource
from iocdesk.lookup.session import LookupSession, NoApiKey
from iocdesk.platform.credentials import get_key, session_reason
from iocdesk.pulsedive.client import Outcome, PulsediveClient
from iocdesk.pulsedive.parse import parse_links
from iocdesk.reports.report import Report
from iocdesk.store import History, LookupCache
from iocdesk.store.answers import AnswerCache

log = logging.getLogger(__name__)

_PRODUCT = "iocdesk"  # a name, the same in every language
# Default column widths: the indicator widest (elided in the middle beyond that), its verdict next.
_RESULT_WIDTHS = {
    ResultColumn.INDICATOR: 330,
    ResultColumn.RISK: 90,
    ResultColumn.TYPE: 60,
    ResultColumn.STATUS: 100,
    ResultColumn.HOST: 170,
    ResultColumn.RISK_FACTORS: 200,
    ResultColumn.THREATS: 150,
    ResultColumn.FEEDS: 150,
}
_INDICATOR_WIDTHS = {IndicatorColumn.VALUE: 190, IndicatorColumn.TYPE: 55, IndicatorColumn.LOOKUP: 90}


def _take_answer(shown: LookupResult, fresh: LookupResult) -> None:
    """A result on screen takes a newer lookup's answer (a re-query, a pivot's look-up) in place."""
    for name in ("status", "intel", "error", "scan", "from_cache", "attempts"):
        setattr(shown, name, getattr(fresh, name))


class MainWindow(QMainWindow):
    def __init__(
        self,
        *,
        demo: DemoService | None = None,
        settings: QSettings | None = None,
        open_files: list[str] | None = None,
    ) -> None:
        """``open_files``: files to read at start (``iocdesk-gui FILE...``); they are the input, so
        the demo's sample text is not put in the editor (it would race them and win)."""
        super().__init__()
        self.setWindowTitle(self.tr("iocdesk — demo data") if demo else _PRODUCT)
        self.setObjectName("mainWindow")
        self._demo = demo
        self._owned = contextlib.ExitStack()  # a demo sandbox started from the menu
        self.settings = AppSettings(settings or QSettings())
        self.indicators = IndicatorsModel(self)
        self.results = ResultsModel(self)
        self.filter = ResultsFilter(self)
        self.filter.setSourceModel(self.results)
        self.controller = RunController(self)
        self.tasks = Tasks()  # every background coroutine: kept until done, cancelled on close
        self.exports = ExportActions(self.report, self.settings, self.tasks, self, total=self.results.rowCount)
        self._engine: LookupEngine | None = None
        self._session: LookupSession | None = None  # of the last run: re-query and links use it
        self._history: History | None = None  # the window's, lent to each run's session
        self._run_id: int | None = None
        self._close_when_done = False
        self._build()
        self._connect()
        self._setup_inbox()
        self._restore_layout()
        self.setAcceptDrops(True)
        apply_theme(self.settings.theme)
        if open_files:
            for path in open_files:
                self.input.open_later(path)
        elif demo is not None:
            self.paste.setPlainText(demo.sample_text)

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        self.banner = QLabel(
            self.tr(
                "Demo data: lookups go to a built-in sandbox on this computer, not to Pulsedive. "
                "No account is needed and nothing leaves this machine."
            ),
            objectName="demoBanner",
        )
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3cd; color: #5c4400; padding: 6px; border-radius: 4px;")
        self.banner.setVisible(self._demo is not None)
        outer.addWidget(self.banner)

        # Where the indicators shown came from when it is not the editor: a file, a run.
        self.source_label = ElidedLabel(objectName="inputSource")
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        self.source_label.setStyleSheet("font-weight: bold;")
        self.source_label.setVisible(False)
        self.paste = PasteBox(objectName="pasteBox")
        self._placeholder = self.tr("Paste an alert, an e-mail, a report or a log excerpt; or open a file (Ctrl+O).")
        self.paste.setPlaceholderText(self._placeholder)
        self.paste.setAccessibleName(self.tr("Text to extract indicators from"))
        self.counts = ElidedLabel(self.tr("No indicators yet."), objectName="extractCounts")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.indicator_view = QTableView(objectName="indicatorTable")
        self.indicator_view.setModel(self.indicators)
        self.indicator_view.setAccessibleName(self.tr("Extracted indicators"))
        single_line_rows(self.indicator_view)
        default_widths(self.indicator_view, _INDICATOR_WIDTHS)
        for column in (IndicatorColumn.DEFANGED, IndicatorColumn.COUNT, IndicatorColumn.SOURCE):
            self.indicator_view.setColumnHidden(column, True)  # in the tooltip; the header menu shows them
        ColumnChooser(self.indicator_view)
        left = QWidget(objectName="inputPane")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.source_label)
        left_layout.addWidget(self.paste, 2)
        left_layout.addWidget(self.counts)
        left_layout.addWidget(self.indicator_view, 3)

        self.run_button = QPushButton(self.tr("Run"), objectName="runButton")
        self.run_button.setToolTip(self.tr("Look the checked indicators up (Ctrl+Enter)"))
        self.pause_button = QPushButton(self.tr("Pause"), objectName="pauseButton", enabled=False)
        self.cancel_button = QPushButton(self.tr("Cancel"), objectName="cancelButton", enabled=False)
        self.cancel_button.setToolTip(self.tr("Stop the run (Esc); what was fetched is kept"))
        self.progress = QProgressBar(objectName="progressBar")
        self.progress.setAccessibleName(self.tr("Lookup progress"))
        self.status = ElidedLabel(self.tr("Ready."), objectName="statusLine")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName(self.tr("Run status"))
        controls = QHBoxLayout()
        for widget in (self.run_button, self.pause_button, self.cancel_button):
            controls.addWidget(widget)
        controls.addWidget(self.progress, 1)

        self.filter_bar = FilterBar(self.filter, self)
        self.search = self.filter_bar.findChild(QLineEdit, "resultFilter")
        self.summary = SummaryStrip(self)
        for signal in (
            self.filter.rowsInserted,
            self.filter.rowsRemoved,
            self.filter.modelReset,
            self.filter.layoutChanged,
        ):  # "4 of 18 results" while a filter hides rows
            signal.connect(lambda *_: self.summary.set_shown(self.filter.rowCount()))
        self.result_view = QTableView(objectName="resultTable")
        self.result_view.setModel(self.filter)
        self.result_view.setSortingEnabled(True)
        # Riskiest first until the analyst picks another order (remembered with the columns).
        self.result_view.sortByColumn(ResultColumn.RISK, Qt.SortOrder.DescendingOrder)
        self.result_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.result_view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.result_view.setAccessibleName(self.tr("Lookup results"))
        single_line_rows(self.result_view)
        default_widths(self.result_view, _RESULT_WIDTHS)
        self.result_view.setColumnHidden(ResultColumn.DEFANGED, True)  # the indicator's tooltip says it
        ColumnChooser(self.result_view)
        self.result_actions = ResultActions(
            self.result_view, self.filter, self.results, self, copy_defanged=lambda: self.settings.copy_defanged
        )
        self.detail = DetailPane(self)
        self.results_splitter = QSplitter(Qt.Orientation.Vertical, objectName="resultsSplitter")
        self.results_splitter.addWidget(self.result_view)
        self.results_splitter.addWidget(self.detail)
        self.results_splitter.setStretchFactor(0, 3)
        self.results_splitter.setStretchFactor(1, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.filter_bar)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.results_splitter, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 3)
        self.panes = Panes(
            self.settings,
            main=self.splitter,
            results=self.results_splitter,
            input_pane=left,
            detail=self.detail,
            tables={RESULTS_HEADER: self.result_view, INDICATORS_HEADER: self.indicator_view},
            parent=self,
        )
        outer.addWidget(self.splitter, 1)
        outer.addLayout(controls)
        outer.addWidget(self.status)
        self.setCentralWidget(central)
        # The first start's size, inside the screen with its title bar (a saved geometry replaces it).
        screen = self.screen().availableGeometry()
        width = min(max(1200, int(screen.width() * 0.85)), screen.width() - 40)
        self.resize(width, min(max(760, int(screen.height() * 0.85)), screen.height() - 60))

        # Keyboard-only use: text -> indicators -> run controls -> filter -> results -> detail.
        chain = [
            self.paste,
            self.indicator_view,
            self.run_button,
            self.pause_button,
            self.cancel_button,
            self.search,
            self.result_view,
            self.detail,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.input = InputActions(self.paste, self.settings, self.tasks, self)
        self._add_actions()

    def _add_actions(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&File"))
        open_action = QAction(
            self.tr("&Open file..."), self, shortcut=QKeySequence.StandardKey.Open, triggered=self.input.open_file
        )
        menu.addAction(open_action)
        self.recent_menu = menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(lambda: self.input.fill_recent_menu(self.recent_menu))
        self.demo_action = QAction(self.tr("Try &demo data"), self, triggered=self.start_demo)
        self.demo_action.setEnabled(self._demo is None)
        menu.addAction(self.demo_action)
        self.exports.fill_menu(menu.addMenu(self.tr("&Export")))
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setAccessibleName(self.tr("Main actions"))
        toolbar.addAction(open_action)
        toolbar.addSeparator()
        self.exports.fill_toolbar(toolbar)
        history_action = QAction(
            self.tr("&History..."), self, shortcut=QKeySequence("Ctrl+H"), triggered=self.open_history
        )
        menu.addAction(history_action)
        explore_action = QAction(
            self.tr("E&xplore Pulsedive..."),
            self,
            shortcut=QKeySequence("Ctrl+Shift+E"),
            triggered=lambda: self.pivots.open_explore(),
        )
        explore_action.setToolTip(self.tr("Search Pulsedive with its query language: threat=…, feed=…, risk=…"))
        menu.addAction(explore_action)
        settings_action = QAction(
            self.tr("&Settings..."), self, shortcut=QKeySequence("Ctrl+,"), triggered=self.open_settings
        )
        menu.addAction(settings_action)
        menu.addSeparator()
        menu.addAction(QAction(self.tr("&Quit"), self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close))
        run_action = QAction(self.tr("Run"), self, shortcut=QKeySequence("Ctrl+Return"), triggered=self.start_run)
        cancel_action = QAction(self.tr("Cancel"), self, shortcut=QKeySequence("Esc"), triggered=self.cancel_run)
        find_action = QAction(
            self.tr("Filter results"),
            self,
            shortcut=QKeySequence.StandardKey.Find,
            triggered=lambda: self.filter_bar.focus_text(),
        )
        self.addActions([run_action, cancel_action, find_action])
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.panes.fill_menu(view_menu)
        self.addActions(view_menu.actions())  # their shortcuts work wherever the focus is

    def _connect(self) -> None:
        self.input.found.connect(self._show_indicators)
        self.input.sourceChanged.connect(self._source_changed)
        self.input.message.connect(self.status.setText)
        self.input.failed.connect(self._notice)
        self.run_button.clicked.connect(self.start_run)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button.clicked.connect(self.cancel_run)
        self.summary.riskClicked.connect(self.filter_bar.show_only_risk)
        self.result_actions.requeryRequested.connect(self.requery)
        self.result_actions.scanRequested.connect(self.requery)
        self.result_actions.openRequested.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.exports.message.connect(self.status.setText)
        self.exports.failed.connect(self._failed)
        self.result_actions.message.connect(self.status.setText)
        self.result_view.selectionModel().currentRowChanged.connect(self._show_selected)
        self.controller.runStarted.connect(self.results.set_results)
        self.controller.resultsReady.connect(self.results.update_rows)
        self.controller.resultsReady.connect(lambda _rows: self.summary.update_counts(self.results.results()))
        self.controller.progressChanged.connect(self._progress)
        self.controller.finished.connect(self._finished)
        self.controller.failed.connect(self._failed)
        self.controller.quotaSpent.connect(self._quota_spent)
        self.quota_resume = QuotaResume(self)
        self.quota_resume.resumeDue.connect(self.resume_run)
        self.quota_resume.scheduleChanged.connect(lambda line: self.status.setText(line) if line else None)
        self.controller.stateChanged.connect(self._state_changed)
        self.detail.openRequested.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.detail.linksRequested.connect(self._load_links)
        self.detail.copy_defanged_rule = lambda: self.settings.copy_defanged
        self.pivots = PivotActions(self.settings, self._demo_url, self, self._no_key_message)
        self.detail.threatRequested.connect(self.pivots.open_threat)
        self.detail.feedRequested.connect(self.pivots.open_feed)
        for source in (self.detail, self.pivots):
            source.addToRun.connect(self.add_to_run)
            source.lookupRequested.connect(self.look_up)
        self.pivots.openRequested.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.pivots.message.connect(self.status.setText)
        self.pivots.failed.connect(self._failed)
        self.detail.hostRequested.connect(self.select_result)
        self.controller.resultsReady.connect(lambda _rows: self.detail.refresh_host())

    # -- input (read off the GUI thread by InputActions) ----------------------------------------
    def _show_indicators(self, found: list[Indicator]) -> None:
        self.indicators.set_indicators(found)
        self._show_counts()

    def _show_counts(self) -> None:
        found = self.indicators.indicators()
        counts = self.indicators.counts()
        summary = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
        if found:
            self.counts.setText(self.tr("%n indicators: {summary}", "", len(found)).format(summary=summary))
        else:
            self.counts.setText(self.tr("No indicators found."))

    def _source_changed(self, source: InputSource) -> None:
        """The input is the editor, a file or a run: say which, and drop results of another input."""
        self.source_label.setText(source.label)
        self.source_label.setToolTip(source.name)
        self.source_label.setVisible(source.kind is not SourceKind.TEXT)
        if source.kind is SourceKind.TEXT:
            self.paste.setPlaceholderText(self._placeholder)
            return
        self.paste.setPlaceholderText(
            self.tr("Paste or type here to look up other indicators instead (Ctrl+Z brings the earlier text back).")
        )
        if source.kind in (SourceKind.FILE, SourceKind.PASTE) and not self.controller.is_running:
            # the previous run's results are in History; the table now waits for this input's run
            self.results.set_results([])
            self.summary.update_counts([])
            self.detail.show_result(None)

    async def load_file(self, path: str) -> None:
        await self.input.load_file(path)

    def start_demo(self) -> None:
        """Switch this window to the built-in sandbox (no account needed)."""
        if self._demo is not None or self.controller.is_running:
            return
        from iocdesk.gui.demo import demo_service

        self._demo = self._owned.enter_context(demo_service())
        self.inbox_dock.set_demo(self._demo)
        self.pivots.settings_changed()
        self.setWindowTitle(self.tr("iocdesk — demo data"))
        self.banner.setVisible(True)
        self.demo_action.setEnabled(False)
        self.paste.setPlainText(self._demo.sample_text)
        self.status.setText(
            self.tr("Demo data loaded: press Run (Ctrl+Enter) to look the indicators up in the sandbox.")
        )

    # -- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        if files:
            for path in files:
                self.input.open_later(path)
        elif mime.hasText():
            self.paste.replace_text(mime.text())
        event.acceptProposedAction()

    # -- running ------------------------------------------------------------------------------
    def start_run(self) -> None:
        if self.controller.is_running:
            return
        items = self.indicators.checked()
        if not items:
            self.status.setText(self.tr("Nothing to look up: paste text or open a file first."))
            return
        self._launch(items)

    def _launch(self, items: list, run_id: int | None = None) -> None:
        """Run the engine over ``items`` (Indicators, or a saved run's LookupResults to resume)."""
        self.quota_resume.cancel()  # a run the analyst starts replaces one waiting for the quota
        session = self._new_session()
        if session is None:
            return
        self._run_id = self._plan_run(session, items, run_id)
        overrides = {}
        if any(isinstance(item, Indicator) and not item.lookup_by_default for item in items):
            overrides["include_private"] = True  # the analyst ticked a private address on purpose
        self._engine = session.engine(self._run_id, listener=self.controller, **overrides)
        self.detail.show_result(None)
        self.controller.start(self._engine, items)

    def _new_session(self) -> LookupSession | None:
        """A session for a run (it replaces the last run's), or None having said why not."""
        try:
            self._history = self._history or History()
        except Exception:  # history is a convenience: a run works without it
            log.exception("could not open the history")
        try:
            session = LookupSession.open(
                self.settings.session_config(self._demo_url()), history=self._history, optional_stores=True
            )
        except NoApiKey as exc:
            self._failed(self._no_key_message(exc.problem))
            return None
        if self._session is not None:
            self._session.close()
        self._session = session
        return session

    def _demo_url(self) -> str | None:
        return self._demo.base_url if self._demo is not None else None

    # -- pivots: indicators from linked lists, threats, feeds and explore ------------------------
    def add_to_run(self, items: list[Indicator]) -> int:
        """Add these to the indicator list (checked), each once; the number added."""
        added = self.indicators.add_indicators(items)
        self._show_counts()
        self.status.setText(
            self.tr("Added %n indicators to the run; press Run to look them up.", "", added)
            if added
            else self.tr("Those indicators are in the run already.")
        )
        return added

    def look_up(self, items: list[Indicator]) -> None:
        """Look these up now and add their rows to the results (and the indicators to the list)."""
        self.add_to_run(items)
        if self.controller.is_running:
            self.status.setText(self.tr("A run is going on: the indicators were added for the next run."))
            return
        session = self._session or self._new_session()
        if session is not None and items:
            self.tasks.spawn(self._look_up(session, items), name="look up pivots")

    async def _look_up(self, session: LookupSession, items: list[Indicator]) -> None:
        self.status.setText(self.tr("Looking up %n indicators...", "", len(items)))
        results = await session.engine(None, include_private=True).run(items)
        shown = {(str(r.type), r.indicator): r for r in self.results.results()}
        fresh = [r for r in results if (str(r.type), r.indicator) not in shown]
        for r in results:  # one already in the table gets the new answer
            old = shown.get((str(r.type), r.indicator))
            if old is not None:
                _take_answer(old, r)
        self.results.set_results([*self.results.results(), *fresh])
        self.results.resort()
        self.summary.update_counts(self.results.results())
        first = results[0] if results else None
        if first is not None:
            self.select_result(shown.get((str(first.type), first.indicator), first))
        self.status.setText(self.tr("Looked up %n indicators.", "", len(results)))

    def _no_key_message(self, problem: str | None) -> str:
        if problem:  # a failing keyring: say how it fails
            return self.tr(
                "No Pulsedive API key: {problem}. Add one in Settings (Ctrl+,), where it can be kept for "
                "this session only, or choose File > Try demo data to see iocdesk work without an account."
            ).format(problem=problem)
        return self.tr(
            "No Pulsedive API key yet. Add one in Settings (Ctrl+,), where it can be kept for "
            "this session only, or choose File > Try demo data to see iocdesk work without an account."
        )

    def _plan_run(self, session: LookupSession, items: list, resume: int | None) -> int | None:
        """The run in history: a new one named after its input (the pasted text, a file), or
        ``resume`` made running again."""
        try:
            if resume is not None:
                session.resume_run(resume)
                return resume
            return session.start_run([self.input.source.name], items)
        except Exception:  # history is a convenience: a run works without it
            log.exception("could not record the run in history")
            return None

    def requery(self, results: list, policy: str | None = None) -> None:
        """Look these results up again (cache bypassed); ``policy`` scans the unknown ones."""
        if self.controller.is_running or self._session is None or not results:
            self.status.setText(self.tr("Re-query works on results of a finished run."))
            return
        self.tasks.spawn(self._requery(results, policy))

    async def _requery(self, originals: list, policy: str | None) -> None:
        if self._session is None:
            return
        overrides: dict[str, Any] = {"use_cache": False, "include_private": True}  # the analyst picked these rows
        if policy:
            overrides["scan"] = ScanPolicy(policy)
        engine = self._session.engine(self._run_id, **overrides)
        items = [Indicator(r.type, r.indicator, r.indicator, defanged=r.defanged) for r in originals]
        n = len(items)
        if policy == ScanPolicy.PASSIVE:
            started = self.tr("Passive scan of %n indicators...", "", n)
            done = self.tr("Passive scan of %n indicators: done.", "", n)
        elif policy == ScanPolicy.ACTIVE:
            started = self.tr("Active scan of %n indicators...", "", n)
            done = self.tr("Active scan of %n indicators: done.", "", n)
        else:
            started = self.tr("New lookup of %n indicators...", "", n)
            done = self.tr("New lookup of %n indicators: done.", "", n)
        self.status.setText(started)
        fresh = {(str(r.type), r.indicator): r for r in await engine.run(items)}
        rows = []
        for row in range(self.results.rowCount()):
            current = self.results.result_at(row)
            new = fresh.get((str(current.type), current.indicator))
            if new is not None:
                _take_answer(current, new)
                rows.append(row)
        self.results.update_rows(rows)
        self.results.resort()
        self.summary.update_counts(self.results.results())
        self._show_selected(self.result_view.currentIndex(), None)
        self.status.setText(done)

    def toggle_pause(self) -> None:
        if self._engine is None:
            return
        if self._engine.paused:
            self.controller.resume()
        else:
            self.controller.pause()

    def cancel_run(self) -> None:
        if self.controller.is_running:
            self.controller.cancel()

    def _progress(self, progress: Any) -> None:
        self.progress.setMaximum(max(progress.total, 1))
        self.progress.setValue(progress.done)
        parts = [self.tr("{done} of {total} looked up").format(done=progress.done, total=progress.total)]
        # the engine's status names (found, not found, ...), as the CLI shows them
        parts += [f"{n} {s.replace('_', ' ')}" for s, n in sorted(progress.counts.items()) if s != "pending"]
        if progress.rate:
            parts.append(self.tr("{rate} per second").format(rate=f"{progress.rate:.1f}"))
        if progress.eta:
            parts.append(self.tr("about {seconds} s left").format(seconds=f"{progress.eta:.0f}"))
        quota = progress.quota
        if quota is not None and getattr(quota, "day", None) is not None:
            # not %n: the number is the server's, and %n takes a 32-bit int (OverflowError beyond)
            parts.append(self.tr("{count} requests left today").format(count=quota.day))
        if progress.pace is not None:
            parts.append(self._pace_text(progress.pace))
        if progress.paused:
            parts.append(self.tr("paused"))
        self.status.setText(". ".join(parts) + ".")

    def _pace_text(self, pace: Pace) -> str:
        """The pace next to the quota: "pace 25/s, learnt from Pulsedive"."""
        rate = f"{pace.rate:g}" if pace.rate is not None else ""
        return {
            PaceSource.START: self.tr("pace {rate}/s until Pulsedive says more"),
            PaceSource.LEARNT: self.tr("pace {rate}/s, learnt from Pulsedive"),
            PaceSource.CEILING: self.tr("pace {rate}/s, your maximum"),
            PaceSource.UNLIMITED: self.tr("no per-second limit"),
        }[pace.source].format(rate=rate)

    def _remember_pace(self) -> None:
        """The pace this run learnt, for Settings > Lookups ("Last pace learnt")."""
        pace = self._engine.limiter.learnt_pace() if self._engine is not None else None
        if pace is not None and pace.source in (PaceSource.LEARNT, PaceSource.UNLIMITED):
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.settings.set_last_pace(pace.rate, stamp)

    def _finished(self, results: list) -> None:
        self._remember_pace()
        self.summary.update_counts(results)
        answered = [r for r in results if r.status in (Status.FOUND, Status.NOT_FOUND, Status.SCANNED)]
        failed = [r for r in results if r.status is Status.ERROR]
        if failed and not answered and not (self._engine and self._engine.stop_reason):
            # Nothing got through (network down, proxy refusing...): say it once, not per row.
            self._failed(
                self.tr("No lookup succeeded: {error}. Check the network, proxy and API URL in Settings.").format(
                    error=failed[0].error
                )
            )
        self.results.resort()  # rows kept their place during the run; now the chosen order
        # the riskiest result's detail, not an empty pane; on the next turn of the event loop, so
        # the re-sort and the detail's first drawing are two short stalls rather than one long one
        QTimer.singleShot(0, self._select_first)
        if self._session is not None and self._engine is not None:
            self._session.finish_run(self._run_id, self._engine)
        if self._close_when_done:
            QTimer.singleShot(0, self.close)

    def _select_first(self) -> None:
        if not self.result_view.currentIndex().isValid() and self.filter.rowCount():
            self.result_view.selectRow(0)

    def _quota_spent(self, reason: str) -> None:
        """The quota ran out: a notice with "Resume when the quota resets" (with a history to resume)."""
        left = sum(r.status is Status.PENDING for r in self.results.results())
        resets_at = self._engine.resets_at if self._engine is not None else None
        run_id = self._run_id if self._history is not None else None
        self.status.setText(
            self.tr("The Pulsedive quota is used up: {left} indicators not looked up yet.").format(left=left)
        )
        self.quota_resume.offer(run_id, reason, resets_at, left)

    def _failed(self, message: str) -> None:
        self._notice(_PRODUCT, message)

    def _notice(self, title: str, message: str) -> None:
        self.status.setText(message)
        self._notify(title, message)

    def _notify(self, title: str, message: str) -> None:
        """A window-modal message that does not block the event loop (runs keep going)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("notice")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _state_changed(self, state: str) -> None:
        running = state in ("running", "paused", "cancelling")
        self.run_button.setEnabled(not running)
        self.pause_button.setEnabled(state in ("running", "paused"))
        self.pause_button.setText(self.tr("Resume") if state == "paused" else self.tr("Pause"))
        self.cancel_button.setEnabled(state in ("running", "paused"))

    def select_result(self, result: LookupResult) -> None:
        """Select ``result``'s row (a URL's host, from the detail pane), clearing filters that hide it."""
        row = self.results.row_of(result)
        if row is None:
            return
        index = self.filter.mapFromSource(self.results.index(row, 0))
        if not index.isValid():
            self.filter_bar.clear()
            index = self.filter.mapFromSource(self.results.index(row, 0))
        if index.isValid():
            self.result_view.setCurrentIndex(index)
            self.result_view.scrollTo(index)

    def _show_selected(self, current, _previous) -> None:
        source = self.filter.mapToSource(current)
        self.detail.show_result(self.results.result_at(source.row()) if source.isValid() else None)

    # -- settings, closing ---------------------------------------------------------------------
    def open_settings(self) -> None:
        from iocdesk.gui.dialogs.settings import SettingsDialog

        def test_key(key: str):
            with self.settings.connection().client(key) as client:
                return client.indicator("pulsedive.com")

        def clear_cache() -> int:
            with LookupCache() as cache, AnswerCache() as answers:
                return cache.clear() + answers.clear()  # lookups, and threats, feeds, explore queries

        dialog = SettingsDialog(self.settings, test_key=test_key, clear_cache=clear_cache, parent=self)
        dialog.settingsApplied.connect(lambda: apply_theme(self.settings.theme))
        dialog.settingsApplied.connect(self.inbox_dock.settings_applied)
        dialog.settingsApplied.connect(self.pivots.settings_changed)
        dialog.keyChanged.connect(self._key_changed)
        dialog.keyChanged.connect(self.pivots.settings_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _key_changed(self) -> None:
        """A session-only key is a compromise the analyst should keep in mind: say so, and why."""
        info = get_key()
        if info.source == "session":
            self.status.setText(
                self.tr(
                    "The API key is kept for this session only ({reason}); iocdesk forgets it when it quits."
                ).format(reason=session_reason())
            )

    # -- reports ---------------------------------------------------------------------------------
    def report(self, scope: ExportScope = ExportScope.SHOWN) -> Report | None:
        """The results of ``scope`` as a report (exports, drafts, chat): the rows the table shows
        (in its order), the selected ones, or the whole run; None with a word why not."""
        if not self.results.rowCount() or self.controller.is_running:
            self.status.setText(
                self.tr("Reports are made from a finished run: run a lookup (or open one from History) first.")
            )
            return None
        if scope is ExportScope.SELECTED:
            results = self.result_actions.selected_results()
        elif scope is ExportScope.SHOWN:
            shown = (self.filter.mapToSource(self.filter.index(row, 0)) for row in range(self.filter.rowCount()))
            results = [self.results.result_at(index.row()) for index in shown]
        else:
            results = self.results.results()
        api_url = self._session.base_url if self._session is not None else self.settings.api_base_url
        return Report(results, run_id=self._run_id, scan=self.settings.scan_policy, api_url=api_url)

    def open_history(self) -> None:
        from iocdesk.gui.dialogs.history import HistoryDialog

        self._history = self._history or History()
        self._history.mark_interrupted_runs()
        dialog = HistoryDialog(self._history, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.openRequested.connect(self.reopen_run)
        dialog.resumeRequested.connect(self.resume_run)
        dialog.open()
        self.history_dialog = dialog

    def reopen_run(self, run_id: int) -> None:
        if self.controller.is_running:
            return
        assert self._history is not None  # open_history() made it; its dialog asks for this
        meta, results = self._history.load_run(run_id)
        when = meta.created[:16].replace("T", " ")
        # The run is the input now: its indicators on the left, its results on the right, no old text.
        indicators = [
            Indicator(r.type, r.indicator, r.indicator, defanged=r.defanged, derived_from=list(r.derived_from))
            for r in results
        ]
        label = self.tr("Run {id} of {time} UTC ({sources})").format(
            id=run_id, time=when, sources=", ".join(meta.sources) or "?"
        )
        self.input.show_run(indicators, f"run {run_id}", label)
        self._run_id = run_id
        self.results.set_results(results)
        self.results.resort()
        self.summary.update_counts(results)
        self.detail.show_result(None)
        self._select_first()
        self.status.setText(
            self.tr("Run {id} of {time} UTC reopened: %n indicators.", "", len(results)).format(id=run_id, time=when)
        )

    def resume_run(self, run_id: int) -> None:
        """Look up what an interrupted run has not yet; what it fetched stays as it was."""
        if self.controller.is_running:
            return
        assert self._history is not None  # open_history() made it; its dialog asks for this
        _, results = self._history.load_run(run_id)
        pending = sum(r.status == "pending" for r in results)
        self.status.setText(self.tr("Resuming run {id}: %n indicators left.", "", pending).format(id=run_id))
        self._launch(results, run_id=run_id)

    def _load_links(self, iid: int) -> None:
        if self._session is None:
            return
        self.tasks.spawn(self._fetch_links(self._session.client, iid))

    async def _fetch_links(self, client: PulsediveClient, iid: int) -> None:
        answer = await asyncio.get_running_loop().run_in_executor(None, client.links, iid)
        if answer.outcome is Outcome.OK:
            self.detail.show_links(parse_links(answer.data), iid=iid)
        else:
            self.detail.show_links_error(answer.message, iid=iid)

    def _restore_layout(self) -> None:
        if geometry := self.settings.window_geometry:
            self.restoreGeometry(geometry)
        self.panes.restore()

    # -- the alert inbox ----------------------------------------------------------------------
    def _setup_inbox(self) -> None:
        self.inbox_dock = InboxDock(self.settings, demo=self._demo, parent=self)
        self.inbox_action = self.inbox_dock.install(self, self.tasks)
        self.inbox_dock.openRun.connect(self._open_alert_run)
        self.inbox_dock.failed.connect(self._failed)
        notifier = self.inbox_dock.controller.notifier
        notifier.fallback.connect(
            lambda title, text: self.status.setText(self.tr("{title}: {text}").format(title=title, text=text))
        )

        def bring_to_front() -> None:
            self.showNormal()
            self.raise_()
            self.activateWindow()

        notifier.messageClicked.connect(bring_to_front)

    def _open_alert_run(self, run_id: int) -> None:
        self._history = self._history or History()
        self.reopen_run(run_id)

    async def _close_after_inbox(self) -> None:
        await self.inbox_dock.stop()
        self.close()

    def closeEvent(self, event) -> None:
        if self.inbox_dock.controller.running:  # stop it first (about a second): its stores close cleanly
            event.ignore()
            self.tasks.spawn(self._close_after_inbox())
            return
        if self.controller.is_running:
            # Cancel, and close for real once the run has recorded its end (well within 2 s).
            self._close_when_done = True
            self.controller.cancel()
            event.ignore()
            return
        self.settings.window_geometry = self.saveGeometry()
        self.panes.save()
        self.settings.sync()
        self.tasks.cancel_all()
        self.pivots.close()
        if self._session is not None:
            self._session.close()
        if self._history is not None:
            self._history.close()
        self._owned.close()
        super().closeEvent(event)
