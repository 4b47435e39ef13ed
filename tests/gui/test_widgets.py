"""Filter bar, summary strip and the results table's context actions, driven through the widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView, QVBoxLayout, QWidget

from iocdesk.gui.actions.results import ACTIVE_SCAN_WARNING, ResultActions, pulsedive_url
from iocdesk.gui.models import ResultsFilter, ResultsModel
from iocdesk.gui.widgets.filter_bar import FilterBar
from iocdesk.gui.widgets.summary_strip import SummaryStrip
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType as T


def _found(value: str, kind: T, risk: Risk, iid: int | None, **kw) -> LookupResult:
    intel = Intel(iid=iid, indicator=value, risk=risk, web_url=kw.pop("web_url", None))
    return LookupResult(value, kind, Status.FOUND, intel=intel, **kw)


def _results() -> list[LookupResult]:
    return [
        _found("evil.example", T.DOMAIN, Risk.HIGH, 101),  # 0
        _found("203.0.113.5", T.IPV4, Risk.CRITICAL, 102),  # 1
        _found("https://bad.example/x.php", T.URL, Risk.MEDIUM, 103),  # 2
        _found("2001:db8::1", T.IPV6, Risk.LOW, 104),  # 3
        _found("good.example", T.DOMAIN, Risk.NONE, 105),  # 4
        _found("odd.example", T.DOMAIN, Risk.UNKNOWN, 106),  # 5
        _found("old.example", T.DOMAIN, Risk.RETIRED, 107),  # 6
        _found("198.51.100.7", T.IPV4, Risk.HIGH, 108),  # 7
        # a hostile web_url must never be opened: only the iid counts
        _found("phish.example", T.DOMAIN, Risk.HIGH, None, web_url="https://evil.example/"),  # 8
        LookupResult("unknown.example", T.DOMAIN, Status.NOT_FOUND),  # 9
        LookupResult("192.0.2.44", T.IPV4, Status.NOT_FOUND),  # 10
        LookupResult("http://new.example/a", T.URL, Status.NOT_FOUND),  # 11
        LookupResult(
            "scanned.example", T.DOMAIN, Status.SCANNED, intel=Intel(iid=109, risk=Risk.LOW), scan="passive"
        ),  # 12
        LookupResult("d41d8cd98f00b204e9800998ecf8427e", T.MD5, Status.UNSUPPORTED),  # 13
        LookupResult("analyst@example.org", T.EMAIL, Status.UNSUPPORTED),  # 14
        LookupResult("10.0.0.1", T.IPV4, Status.SKIPPED, error="private"),  # 15
        LookupResult("broken.example", T.DOMAIN, Status.ERROR, error="timeout"),  # 16
        LookupResult("waiting.example", T.DOMAIN, Status.PENDING),  # 17
        _found("cached.example", T.DOMAIN, Risk.MEDIUM, 110, from_cache=True),  # 18
        _found("2001:db8::bad", T.IPV6, Risk.CRITICAL, 111),  # 19
    ]


class Harness:
    def __init__(self, qtbot, confirm=None):
        self.results = _results()
        self.model = ResultsModel()
        self.model.set_results(self.results)
        self.proxy = ResultsFilter()
        self.proxy.setSourceModel(self.model)
        self.window = QWidget()
        layout = QVBoxLayout(self.window)
        self.bar = FilterBar(self.proxy, self.window)
        self.strip = SummaryStrip(self.window)
        self.view = QTableView(self.window)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for widget in (self.bar, self.strip, self.view):
            layout.addWidget(widget)
        self.confirm_calls: list[tuple[str, str]] = []
        self.confirm_answer = False

        def confirm(title, text):
            self.confirm_calls.append((title, text))
            return self.confirm_answer

        self.actions = ResultActions(self.view, self.proxy, self.model, self.window, confirm=confirm)
        qtbot.addWidget(self.window)
        self.window.resize(1000, 600)
        self.window.show()
        qtbot.waitExposed(self.window)

    def shown(self) -> list[str]:
        return [
            self.model.result_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row()).indicator
            for row in range(self.proxy.rowCount())
        ]

    def select(self, *indicators: str) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        for row in range(self.proxy.rowCount()):
            r = self.proxy.index(row, 0).data(ResultsModel.ResultRole)
            if r.indicator in indicators:
                flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
                selection.select(self.proxy.index(row, 0), flags)


@pytest.fixture
def h(qtbot):
    return Harness(qtbot)


# -- filter bar ----------------------------------------------------------------------------


def test_filter_bar_risk_menu_filters_rows(h):
    assert h.proxy.rowCount() == 20
    assert h.bar.risk_button().text() == "Risk"
    actions = h.bar.risk_actions()
    assert set(actions) == set(Risk) | {None}
    actions[Risk.HIGH].trigger()
    assert sorted(h.shown()) == ["198.51.100.7", "evil.example", "phish.example"]
    actions[Risk.CRITICAL].trigger()
    assert h.bar.risk_button().text() == "Risk (2)"
    assert len(h.shown()) == 5
    actions[None].trigger()  # "no risk": results without a verdict
    assert "unknown.example" in h.shown() and "waiting.example" in h.shown()
    assert h.bar.risk_button().text() == "Risk (3)"
    actions[None].trigger()
    actions[Risk.CRITICAL].trigger()
    actions[Risk.HIGH].trigger()  # nothing checked: no filter
    assert h.proxy.rowCount() == 20
    assert h.bar.risk_button().text() == "Risk"


def test_filter_bar_type_and_status_menus(h):
    types = h.bar.type_actions()
    assert [t for t in (T.IPV4, T.IPV6, T.DOMAIN, T.URL) if t in types] == [T.IPV4, T.IPV6, T.DOMAIN, T.URL]
    assert T.MD5 in types and T.EMAIL in types  # they appear in the results
    assert T.SHA512 not in types
    statuses = h.bar.status_actions()
    assert set(statuses) == set(Status) - {Status.PENDING}

    types[T.IPV4].trigger()
    assert sorted(h.shown()) == ["10.0.0.1", "192.0.2.44", "198.51.100.7", "203.0.113.5"]
    assert h.bar.type_button().text() == "Type (1)"
    statuses[Status.NOT_FOUND].trigger()
    assert h.shown() == ["192.0.2.44"]
    assert h.bar.status_button().text() == "Status (1)"
    types[T.IPV4].trigger()
    assert sorted(h.shown()) == ["192.0.2.44", "http://new.example/a", "unknown.example"]


def test_filter_bar_text_and_clear(h, qtbot):
    assert not h.bar.clear_button().isEnabled()
    qtbot.keyClicks(h.bar.text_edit(), "EXAMPLE.org")
    assert h.shown() == ["analyst@example.org"]
    assert h.bar.clear_button().isEnabled()
    h.bar.risk_actions()[Risk.HIGH].trigger()
    assert h.shown() == []
    with qtbot.waitSignal(h.bar.filtersChanged):
        qtbot.mouseClick(h.bar.clear_button(), Qt.MouseButton.LeftButton)
    assert h.proxy.rowCount() == 20
    assert h.bar.text_edit().text() == ""
    assert h.bar.selected_risks() == [] and h.bar.risk_button().text() == "Risk"
    assert not h.bar.clear_button().isEnabled()


def test_filter_bar_accessibility_and_tab_order(h, qtbot):
    bar = h.bar
    assert bar.findChild(QWidget, "resultFilter") is bar.text_edit()
    for widget in (bar.text_edit(), bar.risk_button(), bar.type_button(), bar.status_button(), bar.clear_button()):
        assert widget.accessibleName()
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    bar.text_edit().setFocus()
    qtbot.waitUntil(bar.text_edit().hasFocus)
    for widget in (bar.risk_button(), bar.type_button(), bar.status_button()):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is widget
    bar.set_risks(["medium"])
    assert "medium" in bar.risk_button().accessibleDescription()


def test_filter_bar_show_only_risk_toggles(h):
    h.bar.show_only_risk("critical")
    assert sorted(h.shown()) == ["2001:db8::bad", "203.0.113.5"]
    h.bar.show_only_risk("critical")
    assert h.proxy.rowCount() == 20


# -- summary strip ---------------------------------------------------------------------------


def test_summary_strip_counts_and_click(h, qtbot):
    h.strip.update_counts(h.results)
    counts = h.strip.risk_counts()
    assert counts == {
        Risk.CRITICAL: 2,
        Risk.HIGH: 3,
        Risk.MEDIUM: 2,
        Risk.LOW: 2,
        Risk.NONE: 1,
        Risk.UNKNOWN: 1,
        Risk.RETIRED: 1,
    }
    chip = h.strip.chip("high")
    assert chip.text() == "high: 3"  # text, not colour alone
    assert not chip.icon().isNull()
    assert chip.accessibleName() == "3 high risk"
    assert h.strip.status_counts()[Status.NOT_FOUND] == 3
    assert "not found: 3" in h.strip.status_label().text()
    assert h.strip.status_label().textFormat() == Qt.TextFormat.PlainText
    with qtbot.waitSignal(h.strip.riskClicked) as blocker:
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert blocker.args == ["high"]
    # wired like the main window would: the click filters the table
    h.strip.riskClicked.connect(h.bar.show_only_risk)
    qtbot.mouseClick(h.strip.chip("retired"), Qt.MouseButton.LeftButton)
    assert h.shown() == ["old.example"]
    h.strip.update_counts([])
    assert h.strip.chip("high").text() == "high: 0"
    assert h.strip.status_label().text() == "no results"


# -- result actions ---------------------------------------------------------------------------


def test_ctrl_c_copies_defanged_and_ctrl_shift_c_refanged(h, qtbot):
    h.select("evil.example", "https://bad.example/x.php", "2001:db8::1")
    h.view.setFocus()
    qtbot.waitUntil(h.view.hasFocus)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(h.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    assert text.splitlines() == ["evil[.]example", "hxxps[://]bad[.]example/x.php", "2001[:]db8[:][:]1"]
    qtbot.keyClick(h.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text().splitlines() == [
        "evil.example",
        "https://bad.example/x.php",
        "2001:db8::1",
    ]
    with qtbot.waitSignal(h.actions.copied):
        assert h.actions.copy() == text


def test_copy_follows_the_visible_order_of_a_filtered_table(h):
    h.bar.set_types(["ipv4"])
    h.view.selectAll()
    assert h.actions.copy(defanged=True).splitlines() == [
        "203[.]0[.]113[.]5",
        "198[.]51[.]100[.]7",
        "192[.]0[.]2[.]44",
        "10[.]0[.]0[.]1",
    ]


def test_requery_signal_carries_selected_results(h, qtbot):
    h.select("evil.example", "broken.example", "waiting.example")
    with qtbot.waitSignal(h.actions.requeryRequested) as blocker:
        h.actions.requery_action.trigger()
    assert [r.indicator for r in blocker.args[0]] == ["evil.example", "broken.example"]  # pending is in flight
    assert all(isinstance(r, LookupResult) for r in blocker.args[0])


def test_scan_actions_only_for_not_found(h, qtbot):
    h.select("evil.example", "203.0.113.5")
    assert h.actions.copy_action.isEnabled()
    assert not h.actions.scan_passive_action.isEnabled()
    assert not h.actions.scan_active_action.isEnabled()
    h.select("evil.example", "unknown.example")
    assert h.actions.scan_passive_action.isEnabled() and h.actions.scan_active_action.isEnabled()
    with qtbot.waitSignal(h.actions.scanRequested) as blocker:
        h.actions.scan_passive_action.trigger()
    assert [r.indicator for r in blocker.args[0]] == ["unknown.example"]
    assert blocker.args[1] == "passive"
    assert h.confirm_calls == []  # passive needs no confirmation


def test_active_scan_needs_confirmation(h, qtbot):
    h.select("unknown.example", "192.0.2.44")
    h.confirm_answer = False
    with qtbot.assertNotEmitted(h.actions.scanRequested):
        h.actions.scan_active_action.trigger()
    assert len(h.confirm_calls) == 1
    _title, text = h.confirm_calls[0]
    assert "connects to the target" in text and "port-scan" in text and "HTTP" in text
    assert text == ACTIVE_SCAN_WARNING.format(n=2)
    h.confirm_answer = True
    with qtbot.waitSignal(h.actions.scanRequested) as blocker:
        h.actions.scan_active_action.trigger()
    assert sorted(r.indicator for r in blocker.args[0]) == ["192.0.2.44", "unknown.example"]
    assert blocker.args[1] == "active"


def test_open_emits_only_pulsedive_urls(h, qtbot):
    h.select("phish.example", "unknown.example")  # hostile web_url, no iid / no intel
    assert not h.actions.open_action.isEnabled()
    with qtbot.assertNotEmitted(h.actions.openRequested):
        h.actions.open_action.trigger()
        h.actions.open_in_pulsedive()
    h.select("phish.example", "evil.example", "scanned.example")
    assert h.actions.open_action.isEnabled()
    urls = []
    h.actions.openRequested.connect(urls.append)
    h.actions.open_action.trigger()
    assert urls == ["https://pulsedive.com/indicator/?iid=101", "https://pulsedive.com/indicator/?iid=109"]
    bogus = LookupResult("x.example", T.DOMAIN, Status.FOUND, intel=Intel(iid=True))
    assert pulsedive_url(bogus) is None


# Popping a menu up on the offscreen platform warns that it cannot raise it or grab the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing the keyboard")
def test_context_menu_lists_actions_with_states(h, qtbot):
    h.select("good.example")
    rect = h.view.visualRect(h.proxy.index(0, 0))
    assert h.view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    h.actions.show_menu(rect.center())
    menu = h.actions.build_menu()
    qtbot.waitUntil(menu.isVisible)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Copy (defanged)",
        "Copy &refanged",
        "Copy as &blocklist (defanged)",
        "Select &all",
        "Re-&query",
        "Scan &passively",
        "Scan &actively…",
        "&Open in Pulsedive",
    ]
    enabled = {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}
    assert enabled["&Copy (defanged)"] and enabled["&Open in Pulsedive"]
    assert not enabled["Scan &passively"]
    assert all(a.toolTip() for a in h.actions.actions())
    menu.close()
    h.view.selectionModel().clearSelection()
    assert not h.actions.copy_action.isEnabled()
    h.view.customContextMenuRequested.emit(QPoint(5, 5))
    assert not menu.actions()[0].isEnabled()
    menu.close()
