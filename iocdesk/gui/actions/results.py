"""The results table's context menu and keyboard shortcuts.

The table selects many rows (Shift/Ctrl-click, Ctrl+A: the lead sets
``ExtendedSelection``). Copy (Ctrl+C) puts the selected indicators on the
clipboard one per line through :mod:`iocdesk.gui.clipboard`, defanged or live
as the setting "Copy indicators defanged" says (defanged by default: safe to
paste into tickets, chat and e-mail); Ctrl+Shift+C gives the other form.
"Copy as blocklist" copies every result of the run at or above a chosen risk
(the worse of its own and its host's), whatever the filter shows or the
selection, by the same rule. Scans are only offered for results
Pulsedive does not know, and an active scan (which makes Pulsedive's
infrastructure connect to the target) needs an explicit confirmation. The only
URL ever asked to open is ``https://pulsedive.com/indicator/?iid=N`` built from
the numeric iid, never a URL from the data.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QTableView, QWidget

from iocdesk.gui.clipboard import copy_indicators
from iocdesk.gui.models import ResultsFilter, ResultsModel
from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.gui.widgets.detail import is_pulsedive_url
from iocdesk.indicators.results import LookupResult, Risk, Status
from iocdesk.lookup.engine import ScanPolicy

__all__ = ["ACTIVE_SCAN_WARNING", "BLOCKLIST_LEVELS", "MAX_OPEN", "ResultActions", "blocklist", "pulsedive_url"]

MAX_OPEN = 10  # browser tabs opened by one "Open in Pulsedive"
# In English; shown translated (context "ResultActions"), ``{n}`` filled in with str.format.
ACTIVE_SCAN_TITLE = QT_TRANSLATE_NOOP("ResultActions", "Scan actively?")
ACTIVE_SCAN_WARNING = QT_TRANSLATE_NOOP(
    "ResultActions",
    "An active scan connects to the target: Pulsedive's infrastructure will port-scan it "
    "and fetch it over HTTP. The target's owner, possibly the attacker, can see this.\n\n"
    "A passive scan (WHOIS, DNS) does not contact the target.\n\n"
    "Scan {n} indicator(s) actively?",
)


# "Copy as blocklist" levels, most severe first: a result is copied when its verdict risk is at
# or above the level (retired, unknown and none never are).
BLOCKLIST_LEVELS = (Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW)


def blocklist(results: list[LookupResult], level: Risk) -> list[LookupResult]:
    """The results whose verdict risk (the worse of their own and their host's) is at or above
    ``level``, in the order given."""
    floor = Risk(level).severity
    return [r for r in results if r.verdict_risk is not None and r.verdict_risk.severity >= floor]


def pulsedive_url(result: LookupResult) -> str | None:
    """Pulsedive's page for this result, from its numeric iid only; None without one."""
    iid = result.intel.iid if result.intel else None
    if not isinstance(iid, int) or isinstance(iid, bool) or iid <= 0:
        return None
    url = f"https://pulsedive.com/indicator/?iid={iid}"
    return url if is_pulsedive_url(url) else None


def _ask(parent: QWidget | None) -> Callable[[str, str], bool]:
    def confirm(title: str, text: str) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        answer = QMessageBox.warning(parent, title, text, buttons, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    return confirm


class ResultActions(QObject):
    """Context menu + shortcuts for a results QTableView showing ``proxy`` over ``model``.

    ``copy_defanged()`` says whether Copy gives defanged indicators (the setting
    ``AppSettings.copy_defanged``; read at every copy, so a change applies at once).

    Signals:
      ``requeryRequested(list)``: look these LookupResults up again.
      ``scanRequested(list, str)``: scan these (status not_found) with policy "passive"/"active".
      ``openRequested(str)``: open this https://pulsedive.com/indicator/?iid=N page.
      ``copied(str)``: this text was put on the clipboard.
      ``message(str)``: a sentence for the status line ("Copied 3 indicators (defanged).").
    """

    requeryRequested = Signal(list)
    scanRequested = Signal(list, str)
    openRequested = Signal(str)
    copied = Signal(str)
    message = Signal(str)

    def __init__(
        self,
        view: QTableView,
        proxy: ResultsFilter,
        model: ResultsModel,
        parent: QObject | None = None,
        confirm: Callable[[str, str], bool] | None = None,
        *,
        copy_defanged: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(parent if parent is not None else view)
        self._view = view
        self._proxy = proxy
        self._model = model
        self._confirm = confirm if confirm is not None else _ask(view)
        self._copy_defanged = copy_defanged
        self._menu: QMenu | None = None
        self._worded_for: bool | None = None  # the copy setting the copy actions' texts say

        def action(text: str, tip: str, slot, shortcut: QKeySequence | None = None) -> QAction:
            act = QAction(text, view)
            act.setToolTip(tip)
            act.setStatusTip(tip)
            if shortcut is not None:
                act.setShortcut(shortcut)
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            view.addAction(act)  # shortcuts work while the table has focus
            return act

        # Texts and tips of the two copy actions say which form each gives: set by _refresh_copy_texts.
        self.copy_action = action("", "", lambda: self.copy(), QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_other_action = action(
            "", "", lambda: self.copy(defanged=not self._copy_defanged()), QKeySequence("Ctrl+Shift+C")
        )
        self.copy_refanged_action = self.copy_other_action  # the name before the setting existed
        self.select_all_action = action(
            self.tr("Select &all"),
            self.tr("Select every row the table shows (the filter decides which)"),
            self._view.selectAll,
            QKeySequence(QKeySequence.StandardKey.SelectAll),
        )
        self.blocklist_menu = QMenu(view)
        self.blocklist_menu.setObjectName("blocklistMenu")
        self.blocklist_menu.setToolTipsVisible(True)
        self.blocklist_menu.aboutToShow.connect(self._refresh_copy_texts)
        self.blocklist_actions: dict[Risk, QAction] = {}
        for level in BLOCKLIST_LEVELS:
            act = QAction(self._level_menu_text(level), self.blocklist_menu)
            act.setObjectName(f"blocklist_{level}")
            act.triggered.connect(lambda _=False, lv=level: self.copy_blocklist(lv))
            self.blocklist_menu.addAction(act)
            self.blocklist_actions[level] = act
        self.requery_action = action(
            self.tr("Re-&query"),
            self.tr("Look the selected indicators up on Pulsedive again"),
            self.requery,
            QKeySequence("Ctrl+R"),
        )
        self.scan_passive_action = action(
            self.tr("Scan &passively"),
            self.tr(
                "Ask Pulsedive for a passive scan (WHOIS, DNS) of the selected indicators it does not know; "
                "the target is not contacted"
            ),
            lambda: self.scan(ScanPolicy.PASSIVE),
        )
        self.scan_active_action = action(
            self.tr("Scan &actively…"),
            self.tr(
                "Ask Pulsedive for an active scan (port scan and HTTP fetch) of the selected indicators it does "
                "not know; this connects to the target"
            ),
            lambda: self.scan(ScanPolicy.ACTIVE),
        )
        self.open_action = action(
            self.tr("&Open in Pulsedive"),
            self.tr("Open Pulsedive's page of the selected indicators in the browser"),
            self.open_in_pulsedive,
            QKeySequence("Ctrl+Shift+O"),
        )
        self._refresh_copy_texts()

        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.show_menu)
        self._watched_selection: QItemSelectionModel | None = None
        self._watch_selection()
        for signal in (proxy.modelReset, proxy.dataChanged, proxy.layoutChanged, proxy.rowsRemoved, proxy.rowsInserted):
            signal.connect(self.update_actions)
        for signal in (model.modelReset, model.dataChanged):  # the blocklist counts rows the filter hides too
            signal.connect(self.update_actions)
        self.update_actions()

    # -- API -------------------------------------------------------------------------------
    def actions(self) -> list[QAction]:
        return [
            self.copy_action,
            self.copy_other_action,
            self.select_all_action,
            self.requery_action,
            self.scan_passive_action,
            self.scan_active_action,
            self.open_action,
        ]

    def selected_results(self) -> list[LookupResult]:
        """The selected rows' results, in the order the table shows them."""
        selection = self._view.selectionModel()
        if selection is None:
            return []
        rows = sorted({index.row() for index in selection.selectedIndexes()})
        results = []
        for row in rows:
            source = self._proxy.mapToSource(self._proxy.index(row, 0))
            if source.isValid():
                results.append(self._model.result_at(source.row()))
        return results

    def copy(self, defanged: bool | None = None) -> str:
        """Put the selected indicators on the clipboard, one per line, in the table's order;
        defanged or live as ``defanged`` says (None: as the setting says). Returns the text."""
        results = self.selected_results()
        if not results:
            return ""
        self._refresh_copy_texts()  # the setting may have changed since the menu was worded
        defanged = bool(self._copy_defanged()) if defanged is None else defanged
        text = copy_indicators(((r.indicator, r.type) for r in results), defanged=defanged)
        if text:
            n = len(text.splitlines())
            form = self._form_words(defanged)
            if n == 1:  # English picks its form here; a translation has every plural form of its language
                status = self.tr("Copied %n indicator ({form}).", "", n)
            else:
                status = self.tr("Copied %n indicators ({form}).", "", n)
            self.copied.emit(text)
            self.message.emit(status.format(form=form))
        return text

    def copy_blocklist(self, level: Risk | str) -> str:
        """Copy every result of the run (not only the shown or selected rows) whose verdict risk
        is at or above ``level``, one per line, by the copy setting. Returns the text."""
        level = Risk(level)
        self._refresh_copy_texts()
        defanged = bool(self._copy_defanged())
        chosen = blocklist(self._model.results(), level)
        words = self._level_words(level)
        text = copy_indicators(((r.indicator, r.type) for r in chosen), defanged=defanged) if chosen else ""
        if not text:
            self.message.emit(self.tr("No result of this run is {level}: nothing copied.").format(level=words))
            return ""
        n = len(text.splitlines())
        if n == 1:
            status = self.tr("Copied %n indicator ({level}) as a blocklist, {form}.", "", n)
        else:
            status = self.tr("Copied %n indicators ({level}) as a blocklist, {form}.", "", n)
        self.copied.emit(text)
        self.message.emit(status.format(level=words, form=self._form_words(defanged)))
        return text

    def refresh_copy_texts(self) -> None:
        """Re-word the copy actions after the copy setting changed (also done before each menu shows)."""
        self._refresh_copy_texts()

    def requery(self) -> None:
        results = [r for r in self.selected_results() if r.done]
        if results:
            self.requeryRequested.emit(results)

    def scannable(self) -> list[LookupResult]:
        return [r for r in self.selected_results() if r.status is Status.NOT_FOUND]

    def scan(self, policy: ScanPolicy | str) -> None:
        policy = ScanPolicy(policy)
        if policy is ScanPolicy.OFF:
            return
        results = self.scannable()
        if not results:
            return
        if policy is ScanPolicy.ACTIVE:
            title = QCoreApplication.translate("ResultActions", ACTIVE_SCAN_TITLE)
            warning = QCoreApplication.translate("ResultActions", ACTIVE_SCAN_WARNING).format(n=len(results))
            if not self._confirm(title, warning):
                return
        self.scanRequested.emit(results, str(policy))

    def open_in_pulsedive(self) -> None:
        urls = list(dict.fromkeys(u for u in map(pulsedive_url, self.selected_results()) if u))
        for url in urls[:MAX_OPEN]:
            self.openRequested.emit(url)

    def update_actions(self, *_args) -> None:
        self._watch_selection()
        results = self.selected_results()
        has_any = bool(results)
        self._refresh_copy_texts()
        self.copy_action.setEnabled(has_any)
        self.copy_other_action.setEnabled(has_any)
        self.select_all_action.setEnabled(self._proxy.rowCount() > 0)
        worst = max((r.verdict_risk.severity for r in self._model.results() if r.verdict_risk is not None), default=-1)
        for level, act in self.blocklist_actions.items():
            act.setEnabled(worst >= level.severity)
        self.blocklist_menu.setEnabled(any(act.isEnabled() for act in self.blocklist_actions.values()))
        self.requery_action.setEnabled(any(r.done for r in results))
        scannable = any(r.status is Status.NOT_FOUND for r in results)
        self.scan_passive_action.setEnabled(scannable)
        self.scan_active_action.setEnabled(scannable)
        self.open_action.setEnabled(any(pulsedive_url(r) for r in results))

    def build_menu(self) -> QMenu:
        """The context menu with up-to-date enabled states (shown by :meth:`show_menu`)."""
        self.update_actions()
        if self._menu is None:
            menu = QMenu(self._view)
            menu.setObjectName("resultsContextMenu")
            menu.setToolTipsVisible(True)
            menu.addAction(self.copy_action)
            menu.addAction(self.copy_other_action)
            menu.addMenu(self.blocklist_menu)
            menu.addAction(self.select_all_action)
            menu.addSeparator()
            menu.addAction(self.requery_action)
            menu.addAction(self.scan_passive_action)
            menu.addAction(self.scan_active_action)
            menu.addSeparator()
            menu.addAction(self.open_action)
            self._menu = menu
        return self._menu

    def show_menu(self, pos: QPoint) -> None:
        menu = self.build_menu()
        menu.popup(self._view.viewport().mapToGlobal(pos))

    # -- internals --------------------------------------------------------------------------
    def _form_words(self, defanged: bool) -> str:
        return self.tr("defanged") if defanged else self.tr("live values")

    def _level_words(self, level: Risk) -> str:
        words = {
            Risk.CRITICAL: self.tr("critical"),
            Risk.HIGH: self.tr("high and above"),
            Risk.MEDIUM: self.tr("medium and above"),
            Risk.LOW: self.tr("low and above"),
        }
        return words[level]

    def _level_menu_text(self, level: Risk) -> str:
        texts = {
            Risk.CRITICAL: self.tr("&Critical"),
            Risk.HIGH: self.tr("&High and above"),
            Risk.MEDIUM: self.tr("&Medium and above"),
            Risk.LOW: self.tr("&Low and above"),
        }
        return texts[level]

    def _refresh_copy_texts(self) -> None:
        defanged = bool(self._copy_defanged())
        if defanged is self._worded_for:
            return
        self._worded_for = defanged
        if defanged:
            main = (
                self.tr("&Copy (defanged)"),
                self.tr(
                    "Copy the selected indicators, defanged (safe to paste), one per line; Settings > Appearance "
                    "decides"
                ),
            )
            other = (
                self.tr("Copy &refanged"),
                self.tr("Copy the selected indicators as live values (clickable, resolvable), one per line"),
            )
            menu = self.tr("Copy as &blocklist (defanged)")
        else:
            main = (
                self.tr("&Copy (live values)"),
                self.tr(
                    "Copy the selected indicators as live values (clickable, resolvable), one per line; "
                    "Settings > Appearance decides"
                ),
            )
            other = (
                self.tr("Copy &defanged"),
                self.tr("Copy the selected indicators, defanged (safe to paste), one per line"),
            )
            menu = self.tr("Copy as &blocklist (live values)")
        form = self._form_words(defanged)
        for act, (text, tip) in ((self.copy_action, main), (self.copy_other_action, other)):
            act.setText(text)
            act.setToolTip(tip)
            act.setStatusTip(tip)
        self.blocklist_menu.setTitle(menu)
        for level, act in self.blocklist_actions.items():
            tip = self.tr(
                "Copy every result of the run whose risk (its own or its host's) is {level}, one per line, "
                "{form}: all of the run, whatever the filter shows or the selection"
            ).format(level=self._level_words(level), form=form)
            act.setToolTip(tip)
            act.setStatusTip(tip)
        self.blocklist_menu.menuAction().setToolTip(
            self.tr("Copy every result of the run at or above a risk, whatever the filter shows or the selection")
        )

    def _watch_selection(self) -> None:
        """Follow the view's selection model (setModel() on the view replaces it)."""
        selection = self._view.selectionModel()
        if selection is self._watched_selection:
            return
        if self._watched_selection is not None:
            try:
                self._watched_selection.selectionChanged.disconnect(self.update_actions)
            except (RuntimeError, TypeError):
                pass
        self._watched_selection = selection
        if selection is not None:
            selection.selectionChanged.connect(self.update_actions)
