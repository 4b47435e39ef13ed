"""The results table's context menu and keyboard shortcuts.

Copy puts the selected indicators on the clipboard *defanged* by default (safe
to paste into tickets, chat and e-mail); scans are only offered for results
Pulsedive does not know, and an active scan (which makes Pulsedive's
infrastructure connect to the target) needs an explicit confirmation. The only
URL ever asked to open is ``https://pulsedive.com/indicator/?iid=N`` built from
the numeric iid, never a URL from the data.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QTableView, QWidget

from iocdesk.extraction.refang import defang, refang_value
from iocdesk.gui.models import ResultsFilter, ResultsModel
from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.gui.widgets.detail import is_pulsedive_url
from iocdesk.indicators.results import LookupResult, Status
from iocdesk.lookup.engine import ScanPolicy

__all__ = ["ACTIVE_SCAN_WARNING", "MAX_OPEN", "ResultActions", "pulsedive_url"]

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

    Signals:
      ``requeryRequested(list)``: look these LookupResults up again.
      ``scanRequested(list, str)``: scan these (status not_found) with policy "passive"/"active".
      ``openRequested(str)``: open this https://pulsedive.com/indicator/?iid=N page.
      ``copied(str)``: this text was put on the clipboard (for a status-bar message).
    """

    requeryRequested = Signal(list)
    scanRequested = Signal(list, str)
    openRequested = Signal(str)
    copied = Signal(str)

    def __init__(
        self,
        view: QTableView,
        proxy: ResultsFilter,
        model: ResultsModel,
        parent: QObject | None = None,
        confirm: Callable[[str, str], bool] | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else view)
        self._view = view
        self._proxy = proxy
        self._model = model
        self._confirm = confirm if confirm is not None else _ask(view)
        self._menu: QMenu | None = None

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

        self.copy_action = action(
            self.tr("&Copy (defanged)"),
            self.tr("Copy the selected indicators, defanged (safe to paste), one per line"),
            lambda: self.copy(defanged=True),
            QKeySequence(QKeySequence.StandardKey.Copy),
        )
        self.copy_refanged_action = action(
            self.tr("Copy &refanged"),
            self.tr("Copy the selected indicators as live values (clickable, resolvable), one per line"),
            lambda: self.copy(defanged=False),
            QKeySequence("Ctrl+Shift+C"),
        )
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

        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.show_menu)
        self._watched_selection: QItemSelectionModel | None = None
        self._watch_selection()
        for signal in (proxy.modelReset, proxy.dataChanged, proxy.layoutChanged, proxy.rowsRemoved, proxy.rowsInserted):
            signal.connect(self.update_actions)
        self.update_actions()

    # -- API -------------------------------------------------------------------------------
    def actions(self) -> list[QAction]:
        return [
            self.copy_action,
            self.copy_refanged_action,
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

    def copy(self, defanged: bool = True) -> str:
        """Put the selected indicators on the clipboard, one per line; returns the text."""
        results = self.selected_results()
        if not results:
            return ""
        if defanged:
            lines = [defang(r.indicator, r.type) for r in results]
        else:
            lines = [refang_value(r.indicator) for r in results]
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(text)
        return text

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
        self.copy_action.setEnabled(has_any)
        self.copy_refanged_action.setEnabled(has_any)
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
            menu.addAction(self.copy_refanged_action)
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
