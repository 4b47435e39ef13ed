"""The main window through its widgets: paste, extract, run against the sandbox, read, filter, cancel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from iocdesk.indicators.results import Status


@pytest.fixture
def window_config() -> dict:
    """``window`` here (tests/conftest.py) runs on the demo sandbox with the demo alert pasted."""
    return {"demo": True}


def test_demo_paste_extract_run_read_filter(window, qtbot):
    assert window.findChild(QLabel, "demoBanner") is not None
    qtbot.waitUntil(lambda: window.indicators.rowCount() >= 10, timeout=5000)
    assert "indicators" in window.counts.text()
    checked = window.indicators.checked()
    assert "10.20.30.40" not in {i.value for i in checked}  # a private address is not checked by default
    qtbot.mouseClick(window.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: not window.controller.is_running and window.results.rowCount() == len(checked), timeout=30000
    )
    statuses = [window.results.result_at(r).status for r in range(window.results.rowCount())]
    assert Status.PENDING not in statuses
    assert statuses.count(Status.FOUND) >= 8
    assert "looked up" in window.status.text()
    # detail pane follows the selection
    window.result_view.selectRow(0)
    qtbot.waitUntil(lambda: window.detail.current_result() is not None, timeout=2000)
    # the summary strip counts this run; a risk chip filters the table to that risk
    assert window.summary.total() == len(checked)
    risks = window.summary.risk_counts()
    risk, count = next((r, n) for r, n in risks.items() if n)
    window.summary.riskClicked.emit(str(risk))
    qtbot.waitUntil(lambda: window.filter.rowCount() == count, timeout=2000)
    window.filter_bar.clear()
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


def test_without_a_key_the_window_says_what_to_do_and_demo_data_works(make_window, qtbot):
    win = make_window()
    assert not win.banner.isVisible()
    win.paste.setPlainText("beacon to 8.8.8.8")
    qtbot.waitUntil(lambda: win.indicators.rowCount() == 1, timeout=5000)
    qtbot.keyClick(win.paste, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter
    qtbot.waitUntil(lambda: "No Pulsedive API key" in win.status.text(), timeout=2000)
    assert "Try demo data" in win.status.text()
    win.demo_action.trigger()
    assert win.banner.isVisible() and "demo" in win.windowTitle()
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 10, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=30000)
    assert any(win.results.result_at(r).status == "found" for r in range(win.results.rowCount()))


def test_open_file_remembers_it_and_drop_of_text_extracts(make_window, qtbot, tmp_path):
    import asyncio

    win = make_window()
    report = tmp_path / "iocs.csv"
    report.write_text("indicator,comment\nevil[.]top,seen\n1.2.3.4,c2\n", encoding="utf-8")
    task = asyncio.ensure_future(win.load_file(str(report)))
    qtbot.waitUntil(task.done, timeout=5000)
    assert win.indicators.rowCount() == 2
    assert win.settings.recent_files[0] == str(report)
    from PySide6.QtCore import QMimeData, QPoint
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setText("dropped hxxp://drop[.]evil[.]top/x")
    event = QDropEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    win.dropEvent(event)
    qtbot.waitUntil(lambda: win.indicators.indicator_at(0).value == "http://drop.evil.top/x", timeout=5000)
    assert win.indicators.rowCount() == 2  # the URL and its host
    assert win.indicators.indicator_at(1).value == "drop.evil.top"


def test_themes_apply_and_system_restores(make_window):
    make_window()
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from iocdesk.gui.theme import apply_theme

    before = QApplication.instance().palette().color(QPalette.ColorRole.Window)
    apply_theme("dark")
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness() < 60
    apply_theme("system")
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window) == before


def test_closing_during_a_run_cancels_within_two_seconds(window, qtbot):
    import time

    qtbot.waitUntil(lambda: window.indicators.rowCount() >= 10, timeout=5000)
    window.start_run()
    qtbot.waitUntil(lambda: window.progress.value() >= 1, timeout=10000)
    started = time.monotonic()
    window.close()  # cancels; the window closes itself once the run has recorded its end
    qtbot.waitUntil(lambda: not window.isVisible() and not window.controller.is_running, timeout=2000)
    assert time.monotonic() - started < 2.0


def test_screenshot_script_renders_every_state(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "docs" / "make_screenshots.py"
    env = {k: v for k, v in __import__("os").environ.items() if k != "IOCDESK_BASEDIR"}
    command = [sys.executable, str(script), str(tmp_path), "--size", "1366x768"]
    res = subprocess.run(command, capture_output=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    states = ("explore", "inbox", "input", "main-window", "running", "settings", "threat")
    assert names == [f"{state}-1366x768.png" for state in states]
    assert all(p.stat().st_size > 10_000 for p in tmp_path.glob("*.png"))
    from PySide6.QtGui import QImage

    shot = QImage(str(tmp_path / "main-window-1366x768.png"))
    assert (shot.width(), shot.height()) == (1366, 768 - 40 - 32)  # maximized under a taskbar and a title bar


@pytest.mark.slow  # ~7 s: a demo run, then passive scans
def test_requery_and_passive_scan_of_unknown_rows(window, qtbot):
    import asyncio

    from iocdesk.indicators.results import Status

    qtbot.waitUntil(lambda: window.indicators.rowCount() >= 10, timeout=5000)
    window.start_run()
    qtbot.waitUntil(lambda: not window.controller.is_running and window.results.rowCount() > 0, timeout=30000)
    unknown = [
        window.results.result_at(r)
        for r in range(window.results.rowCount())
        if window.results.result_at(r).status is Status.NOT_FOUND
    ]
    assert unknown  # the demo text names indicators only a scan resolves
    task = asyncio.ensure_future(window._requery(unknown, "passive"))
    qtbot.waitUntil(task.done, timeout=30000)
    assert all(r.status in (Status.SCANNED, Status.NOT_FOUND) for r in unknown)
    assert any(r.status is Status.SCANNED for r in unknown)


def test_history_reopen_and_resume_a_cancelled_run(window, qtbot):
    from iocdesk.indicators.results import Status

    qtbot.waitUntil(lambda: window.indicators.rowCount() >= 10, timeout=5000)
    window.start_run()
    qtbot.waitUntil(lambda: window.progress.value() >= 2, timeout=10000)
    window.cancel_run()
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=2000)
    run_id = window._run_id
    window.open_history()
    dialog = window.history_dialog
    assert dialog.selected_run().id == run_id
    dialog.resumeRequested.emit(run_id)  # what the Resume button does
    qtbot.waitUntil(
        lambda: not window.controller.is_running and window.progress.value() == window.progress.maximum(), timeout=30000
    )
    results = [window.results.result_at(r) for r in range(window.results.rowCount())]
    statuses = [r.status for r in results]
    assert Status.PENDING not in statuses
    # nothing left out but hosts whose URLs got a verdict (HostPolicy.AUTO)
    assert all(r.derived_only and "verdict" in r.error for r in results if r.status is Status.SKIPPED)
    window.results.set_results([])
    window.reopen_run(run_id)
    assert window.results.rowCount() == len(statuses) and "reopened" in window.status.text()
    dialog.close()


def test_keyboard_only_tab_order(make_window, qtbot):
    win = make_window()
    win.paste.setFocus()
    order = []
    widget = win.paste
    for _ in range(7):
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isEnabled() or not widget.isVisible():
            widget = widget.nextInFocusChain()
        order.append(widget.objectName())
    assert order[:2] == ["indicatorTable", "runButton"]
    assert "resultFilter" in order and order.index("resultFilter") < order.index("resultTable")
    for name in ("runButton", "pauseButton", "cancelButton", "resultTable", "indicatorTable", "resultFilter"):
        assert win.findChild(QWidget, name).accessibleName() or win.findChild(QWidget, name).text()


def test_network_down_is_one_plain_message(make_window, qtbot, monkeypatch):
    win = make_window()
    monkeypatch.setenv("PULSEDIVE_API_KEY", "k")
    win.settings.api_base_url = "http://127.0.0.1:9/api/"  # nothing listens on the discard port
    win.settings.max_per_second = 100
    win.paste.setPlainText("8.8.8.8 and 1.1.1.1")
    qtbot.waitUntil(lambda: win.indicators.rowCount() == 2, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: "No lookup succeeded" in win.status.text(), timeout=30000)
    from PySide6.QtWidgets import QMessageBox

    assert len([box for box in win.findChildren(QMessageBox) if box.objectName() == "notice"]) == 1


def test_the_app_process_exits_within_two_seconds_of_closing_mid_run(tmp_path):
    """Every request hangs on the server; closing the window still ends the process at once."""
    import subprocess
    import sys
    import time

    script = tmp_path / "close_mid_run.py"
    script.write_text(
        """
import contextlib, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import iocdesk.gui.app as app
import iocdesk.gui.demo as demo
from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer

@contextlib.contextmanager
def hanging_demo():
    with SandboxServer(SandboxConfig(timeout_rate=1.0, timeout_seconds=25)) as server:
        yield demo.DemoService(server.base_url, demo.demo_sample_text(server))

demo.demo_service = hanging_demo
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

def drive():
    window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
    QTimer.singleShot(600, window.start_run)
    QTimer.singleShot(1500, lambda: (print("closing", flush=True), window.close()))

QTimer.singleShot(0, drive)
sys.exit(app.run_gui(demo=True))
"""
    )
    env = {**__import__("os").environ, "IOCDESK_BASEDIR": str(tmp_path / "base")}
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    line = proc.stdout.readline()
    closed_at = time.monotonic()
    assert b"closing" in line, proc.stderr.read()[-2000:]
    proc.wait(timeout=20)
    assert time.monotonic() - closed_at < 2.0
    assert proc.returncode == 0


def test_files_given_on_the_command_line_are_opened(tmp_path):
    """`iocdesk-gui FILE` (the desktop entry's %F) opens the window with the file's indicators."""
    import subprocess
    import sys

    report = tmp_path / "iocs.txt"
    report.write_text("evil[.]top 8.8.8.8 1.2.3.4", encoding="utf-8")
    script = tmp_path / "open_file.py"
    script.write_text(
        """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import iocdesk.gui.app as app
import iocdesk.gui.demo as demo

qt_app = QApplication(sys.argv[:1])  # timers need the application to exist

def check():
    window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
    if window.indicators.rowCount():
        print("rows", window.indicators.rowCount(), flush=True)
        window.close()
    else:
        QTimer.singleShot(50, check)

QTimer.singleShot(100, check)
sys.exit(app.run_gui(files=[sys.argv[1]]))
"""
    )
    env = {**__import__("os").environ, "IOCDESK_BASEDIR": str(tmp_path / "base")}
    res = subprocess.run([sys.executable, str(script), str(report)], capture_output=True, timeout=60, env=env)
    assert b"rows 3" in res.stdout, res.stderr.decode()[-2000:]
