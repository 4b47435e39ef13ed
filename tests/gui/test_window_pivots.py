"""Pivots from the window (issue 16): a threat of a result opens its view, whose linked
indicators go into the run or are looked up at once; Explore opens from the File menu;
a linked indicator looked up from the detail pane becomes a result row of its own."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from iocdesk.gui.dialogs.pivot_views import ExploreView, ThreatView
from iocdesk.indicators.results import Status
from iocdesk.indicators.types import Indicator, IndicatorType


def _run_demo(win, qtbot) -> None:
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 10, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=30000)


def _select(view, rows) -> None:
    table = view.table.view
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        table.selectionModel().select(table.model().index(row, 0), flags)


def test_a_results_threat_opens_and_its_indicators_join_the_run(make_window, qtbot):
    win = make_window(demo=True)
    _run_demo(win, qtbot)
    with_threat = next(r for r in win.results.results() if r.intel and r.intel.threats)
    threat = with_threat.intel.threats[0]
    win.select_result(with_threat)
    win.detail.threatRequested.emit(threat.tid if threat.tid is not None else threat.name)  # double-click
    (view,) = [v for v in win.pivots.views if isinstance(v, ThreatView)]
    qtbot.waitUntil(lambda: view.table.model.rowCount() > 0, timeout=10000)
    assert threat.name in view.windowTitle()
    before = win.indicators.rowCount()
    _select(view, range(min(3, view.table.model.rowCount())))
    view.table.add_to_run()
    assert win.indicators.rowCount() > before and "Added" in win.status.text()
    rows_before = win.results.rowCount()
    view.table.view.selectionModel().clearSelection()
    _select(view, [view.table.model.rowCount() - 1])
    view.table.look_up()
    qtbot.waitUntil(lambda: "Looked up" in win.status.text(), timeout=10000)
    assert win.results.rowCount() >= rows_before  # a new row, or the row it already had, answered again
    current = win.filter.mapToSource(win.result_view.currentIndex())
    assert win.results.result_at(current.row()).status is not Status.PENDING
    view.close()
    assert view not in win.pivots.views or not view.isVisible()


def test_explore_opens_from_the_file_menu_and_searches_the_sandbox(make_window, qtbot):
    win = make_window(demo=True)
    (action,) = [a for a in win.menuBar().actions()[0].menu().actions() if a.text() == "E&xplore Pulsedive..."]
    action.trigger()
    (view,) = [v for v in win.pivots.views if isinstance(v, ExploreView)]
    view.query.setText("risk=high")
    view.search()
    qtbot.waitUntil(lambda: view.table.model.rowCount() > 0, timeout=10000)
    assert {row.risk for row in view.table.model.rows()} <= {"high", "retired"}  # retired ones say so in lists
    win.paste.clear()
    qtbot.waitUntil(lambda: win.indicators.rowCount() == 0, timeout=5000)
    _select(view, [0, 1])
    view.table.add_to_run()
    assert win.indicators.rowCount() == 2 and win.indicators.checked() == win.indicators.indicators()
    view.close()


def test_a_linked_indicator_looked_up_from_the_detail_pane_gets_its_own_row(make_window, qtbot):
    win = make_window(demo=True)
    _run_demo(win, qtbot)
    value = "linked-only.example-bad.com"
    win.detail.lookupRequested.emit([Indicator(IndicatorType.DOMAIN, value, value)])
    qtbot.waitUntil(lambda: "Looked up" in win.status.text(), timeout=10000)
    row = next(r for r in win.results.results() if r.indicator == value)
    assert row.status in (Status.FOUND, Status.NOT_FOUND)
    current = win.filter.mapToSource(win.result_view.currentIndex())
    assert win.results.result_at(current.row()) is row  # selected, its detail shown
    assert any(win.indicators.indicator_at(i).value == value for i in range(win.indicators.rowCount()))
