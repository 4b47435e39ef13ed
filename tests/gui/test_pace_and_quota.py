"""The window at the account's learnt pace, and a day's quota running out (issue 15).

The real window against the sandbox (each way of counting the second), the
analyst's view: the status line names the pace and where it comes from, Settings
keeps the last learnt pace, and a quota that runs out is a notice offering
"Resume when the quota resets", never a table of errors.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from iocdesk.gui.actions.quota_resume import QuotaResume
from iocdesk.indicators.results import Status

KINDS = ("bucket", "rolling", "fixed")


def paste_and_run(win, qtbot, values: list[str]) -> None:
    win.paste.setPlainText("\n".join(values))
    qtbot.waitUntil(lambda: win.indicators.rowCount() == len(values), timeout=5000)
    win.start_run()


@pytest.mark.parametrize("kind", KINDS)
def test_the_status_line_names_the_learnt_pace(make_window, make_sandbox, qtbot, kind):
    server = make_sandbox(per_second=25, limiter=kind, latency=0.05)
    win = make_window(key="k")
    win.settings.api_base_url = server.base_url
    values = server.dataset.known_values("domain")[:40]
    paste_and_run(win, qtbot, values)
    qtbot.waitUntil(lambda: "pace 25/s, learnt from Pulsedive" in win.status.text(), timeout=20000)
    qtbot.waitUntil(lambda: not win.controller.is_running, timeout=30000)
    assert {r.status for r in win.results.results()} == {Status.FOUND}
    # the answers' own figure; loopback jitter in a busy test process may cost it one request
    assert win.settings.last_pace is not None and win.settings.last_pace[0] in (24.0, 25.0)
    assert server.stats.throttled <= 2


def test_a_spent_quota_offers_to_resume_when_it_resets(make_window, make_sandbox, qtbot):
    server = make_sandbox(per_day=10)
    win = make_window(key="k")
    win.settings.api_base_url = server.base_url
    paste_and_run(win, qtbot, server.dataset.known_values("domain")[:25])
    qtbot.waitUntil(lambda: not win.controller.is_running, timeout=30000)
    statuses = [r.status for r in win.results.results()]
    assert statuses.count(Status.FOUND) == 10 and statuses.count(Status.PENDING) == 15
    assert Status.ERROR not in statuses
    assert "15 indicators not looked up yet" in win.status.text()
    notices = [b for b in win.findChildren(QMessageBox) if b.objectName() == "quotaNotice"]
    assert len(notices) == 1 and "day's quota is used up" in notices[0].text()
    assert not [b for b in win.findChildren(QMessageBox) if b.objectName() == "notice"]  # no warning box
    resume = notices[0].findChild(QPushButton, "resumeWhenResetButton")
    resume.click()
    scheduled = win.quota_resume
    assert scheduled.run_id is not None and scheduled.due is not None
    assert scheduled.due - datetime.now(UTC) < timedelta(days=1, minutes=2)
    assert "resumes at" in win.status.text() and "when the Pulsedive quota resets" in win.status.text()

    server.reset_quota()  # the day turned (and the plan allows the rest today)
    server.config.per_day = 100
    scheduled._now = lambda: scheduled.due + timedelta(seconds=1)
    scheduled._check()
    qtbot.waitUntil(lambda: win.controller.is_running or not win.results.rowCount(), timeout=5000)
    qtbot.waitUntil(lambda: not win.controller.is_running, timeout=30000)
    assert {r.status for r in win.results.results()} == {Status.FOUND}


def test_a_long_wait_is_armed_in_pieces_and_dropped_by_a_new_run(qtbot):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    now = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    resume = QuotaResume(parent, now=lambda: now)
    fired: list[int] = []
    resume.resumeDue.connect(fired.append)
    resume.schedule(7, datetime(2027, 1, 1, tzinfo=UTC))  # a month's quota: weeks away
    assert resume._timer.isActive() and resume._timer.interval() == 6 * 3600 * 1000
    resume._check()  # the 6 h piece ended, the month has not turned: armed again
    assert fired == [] and resume._timer.isActive()
    resume.cancel()
    assert resume.run_id is None and not resume._timer.isActive()
