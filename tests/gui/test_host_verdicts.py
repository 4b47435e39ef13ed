"""A URL Pulsedive has never seen, on a domain it knows as high risk: the window says so
(results table, summary chips, detail pane), against the demo sandbox."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from iocdesk.gui.models.results import ResultColumn
from iocdesk.indicators.results import Risk, Status
from iocdesk.pulsedive.sandbox.dataset import Dataset


@pytest.fixture(scope="module")
def high_domain() -> str:
    """A domain the demo sandbox (seed 1) knows as high risk."""
    return next(r.indicator for r in Dataset(seed=1).records("domain") if r.risk == "high")


def _row(win, value: str) -> int:
    return next(r for r in range(win.results.rowCount()) if win.results.result_at(r).indicator == value)


def test_url_not_found_reads_high_through_its_host(make_window, qtbot, high_domain):
    win = make_window(demo=True)
    url = f"https://{high_domain}/invoice/view?id=a81f2c"
    win.paste.setPlainText(f"Phish: “{url}” from billing@{high_domain}")
    expected = [url, high_domain, f"billing@{high_domain}"]
    qtbot.waitUntil(lambda: [i.value for i in win.indicators.indicators()] == expected, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() == 3, timeout=30000)

    url_result = win.results.result_at(_row(win, url))
    assert url_result.status is Status.NOT_FOUND and url_result.risk is None
    host_cell = win.results.index(_row(win, url), ResultColumn.HOST)
    assert win.results.data(host_cell) == f"high · {high_domain}"
    assert win.results.data(host_cell, Qt.ItemDataRole.DecorationRole) is not None  # the risk icon
    assert win.summary.risk_counts()[Risk.HIGH] == 3  # the URL, its domain and the sender's address

    win.filter_bar.show_only_risk(Risk.HIGH)  # the "high" chip: the URL is among them
    assert win.filter.rowCount() == 3

    win.result_view.setCurrentIndex(win.filter.mapFromSource(win.results.index(_row(win, url), 0)))
    host_line = win.detail.findChild(QLabel, "detailHost")
    assert host_line.isVisible() and f"Host {high_domain}: high" in host_line.text()
    assert "worse than its own verdict" in host_line.text()
    win.detail.findChild(type(win.detail._show_host), "showHostButton").click()
    current = win.filter.mapToSource(win.result_view.currentIndex())
    assert win.results.result_at(current.row()).indicator == high_domain
    assert f"Host of: {url}" in host_line.text()


def test_never_looking_hosts_up_leaves_them_skipped(make_window, qtbot, high_domain):
    win = make_window(demo=True)
    win.settings.host_policy = "off"
    url = f"https://{high_domain}/other/path"
    win.paste.setPlainText(url)
    qtbot.waitUntil(lambda: win.indicators.rowCount() == 2, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() == 2, timeout=30000)
    host = win.results.result_at(_row(win, high_domain))
    assert host.status is Status.SKIPPED and "off" in host.error
    assert win.summary.risk_counts()[Risk.HIGH] == 0
