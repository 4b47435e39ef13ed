"""The main window through its widgets: paste, extract, run against the sandbox, read, filter, cancel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from iocdesk.core.results import Status
from iocdesk.gui.app import demo_service
from iocdesk.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot, qloop, tmp_path, monkeypatch):
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "iocdesk"))
    with demo_service() as demo:
        win = MainWindow(demo=demo, settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(win)
        win.show()
        yield win
        if win.controller.is_running:
            win.controller.cancel()
            qtbot.waitUntil(lambda: not win.controller.is_running, timeout=5000)
        win.close()


def test_demo_paste_extract_run_read_filter(window, qtbot):
    assert window.findChild(type(window.status), "demoBanner") is not None
    qtbot.waitUntil(lambda: window.indicators.rowCount() >= 10, timeout=5000)
    assert "indicators" in window.counts.text()
    checked = window.indicators.checked()
    assert "10.20.30.40" not in {i.value for i in checked}  # a private address is not checked by default
    qtbot.mouseClick(window.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.is_running and window.results.rowCount() == len(checked), timeout=30000)
    statuses = [window.results.result_at(r).status for r in range(window.results.rowCount())]
    assert Status.PENDING not in statuses
    assert statuses.count(Status.FOUND) >= 8
    assert "looked up" in window.status.text()
    # detail pane follows the selection
    window.result_view.selectRow(0)
    qtbot.waitUntil(lambda: window.detail.current_result() is not None, timeout=2000)
    # free-text filter
    first = window.results.result_at(0).indicator
    qtbot.keyClicks(window.search, first)
    qtbot.waitUntil(lambda: window.filter.rowCount() == 1, timeout=2000)


def test_cancel_mid_run_keeps_what_was_fetched(window, qtbot):
    qtbot.waitUntil(lambda: window.indicators.rowCount() >= 10, timeout=5000)
    qtbot.mouseClick(window.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.progress.value() >= 1, timeout=10000)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=2000)
    statuses = [window.results.result_at(r).status for r in range(window.results.rowCount())]
    assert Status.PENDING not in statuses and Status.FOUND in statuses
    assert window.run_button.isEnabled()
