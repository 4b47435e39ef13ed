"""SIGKILL in the middle of a run of the real window; the next start finds the run and finishes it.

(The same for ``iocdesk analyze``: tests/cli/test_analyze.py::test_sigkill_mid_run_then_resume_without_requerying.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from PySide6.QtCore import QSettings

from iocdesk.indicators.results import Status

# The app as a user runs it (QApplication, qasync loop, MainWindow), driven by timers:
# paste, then Run. It never finishes on its own: the test kills it.
APP = textwrap.dedent("""
    import asyncio, sys
    import qasync
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from iocdesk.gui.main_window import MainWindow

    ini, text = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(settings=QSettings(ini, QSettings.Format.IniFormat))
    window.show()
    window.paste.setPlainText(text)

    def run_when_extracted():
        if window.indicators.rowCount() < 30:
            QTimer.singleShot(50, run_when_extracted)
            return
        window.start_run()
        print("running", flush=True)

    QTimer.singleShot(50, run_when_extracted)
    with loop:
        loop.run_forever()
""")


def test_window_killed_mid_run_resumes_on_restart_without_requerying(
    qtbot, qloop, tmp_path, monkeypatch, make_sandbox, make_window
):
    ini = str(tmp_path / "settings.ini")
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "base"))
    monkeypatch.setenv("PULSEDIVE_API_KEY", "k-crash")
    server = make_sandbox(require_key="k-crash", latency=0.12)
    values = server.dataset.known_values("domain")[:30]
    settings = QSettings(ini, QSettings.Format.IniFormat)
    settings.setValue("network/api_base_url", server.base_url)
    settings.setValue("limits/per_second", 20)
    settings.sync()
    (tmp_path / "alert.txt").write_text("\n".join(values), encoding="utf-8")
    (tmp_path / "app.py").write_text(APP)
    proc = subprocess.Popen(
        [sys.executable, str(tmp_path / "app.py"), ini, str(tmp_path / "alert.txt")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    assert proc.stdout.readline().strip() == b"running", proc.stderr.read()[-3000:]
    deadline = time.monotonic() + 30
    while sum(server.stats.lookups.values()) < 8 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    answered_before = server.stats.lookups
    assert 8 <= sum(answered_before.values()) < 30

    # the analyst starts the app again
    win = make_window(settings=QSettings(ini, QSettings.Format.IniFormat), basedir="base", key="k-crash", show=False)
    win.open_history()
    dialog = win.history_dialog
    run = dialog.selected_run()
    assert run.state == "interrupted" and run.total == 30
    win.reopen_run(run.id)  # everything fetched before the kill is there
    kept = [win.results.result_at(r) for r in range(win.results.rowCount())]
    found_before = {r.indicator for r in kept if r.status is Status.FOUND}
    assert len(found_before) >= 8 - 2  # at most one answer per worker was in flight when it died
    dialog.resumeRequested.emit(run.id)
    qtbot.waitUntil(
        lambda: (
            not win.controller.is_running
            and win.results.rowCount() == 30
            and all(win.results.result_at(r).status is Status.FOUND for r in range(30))
        ),
        timeout=30000,
    )
    # nothing recorded before the kill was asked again; only answers lost in flight were
    assert all(server.lookup_count(value) == 1 for value in found_before)
    assert sum(n - 1 for n in server.stats.lookups.values()) <= 4  # 4 = the window's concurrency
    assert sum(server.stats.lookups.values()) <= 30 + 4
    dialog.close()
    win.close()
