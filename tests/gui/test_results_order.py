"""Results open riskiest first and the strip says how many a filter shows (issue 16).

Before, results opened sorted by indicator, descending (two clicks on Risk for critical first),
and "27 results" stayed while a filter showed 4.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from iocdesk.gui.models import ResultColumn
from iocdesk.indicators.results import Status


def run_demo(win, qtbot) -> None:
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 10, timeout=5000)
    qtbot.mouseClick(win.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=30000)


def test_results_open_riskiest_first_then_by_status_and_indicator(make_window, qtbot):
    win = make_window(demo=True)
    header = win.result_view.horizontalHeader()
    assert header.sortIndicatorSection() == ResultColumn.RISK
    assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
    run_demo(win, qtbot)
    shown = [win.filter.mapToSource(win.filter.index(row, 0)).row() for row in range(win.filter.rowCount())]
    rows = [win.results.result_at(row) for row in shown]
    severities = [r.verdict_risk.severity if r.verdict_risk is not None else -1 for r in rows]
    assert severities == sorted(severities, reverse=True) and severities[0] >= 3  # critical first
    for a, b in itertools.pairwise(rows):  # ties: status order, then indicator, ascending
        if a.verdict_risk == b.verdict_risk and a.status == b.status:
            assert a.indicator <= b.indicator
    assert Status.FOUND in {r.status for r in rows}


def test_the_strip_counts_what_a_filter_shows(make_window, qtbot):
    win = make_window(demo=True)
    run_demo(win, qtbot)
    total = win.results.rowCount()
    label = win.summary.findChild(QLabel, "summaryTotal")
    assert label.text() == f"{total} results"
    high = win.summary.risk_counts()["high"]
    win.summary.riskClicked.emit("high")
    qtbot.waitUntil(lambda: win.filter.rowCount() == high, timeout=2000)
    assert label.text() == f"{high} of {total} results"
    win.filter_bar.clear()
    qtbot.waitUntil(lambda: label.text() == f"{total} results", timeout=2000)
