"""When the day's or month's quota runs out: say it plainly, and offer to go on when it resets.

A free plan spends its day's quota on a busy morning: that is its normal day,
not an error. The run stops cleanly (what was not looked up stays pending in
history) and the window offers "Resume when the quota resets": a timer, kept
while the window is open, that resumes the run a minute after the period turns
(``QuotaExhausted.resets_at``: UTC midnight or the first of the month, as
Pulsedive does not say). Starting another run or closing the window drops it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

_AFTER_RESET = timedelta(minutes=1)  # Pulsedive's counters and clocks need not turn on the second
_MAX_WAIT_MS = 6 * 3600 * 1000  # a timer re-armed every 6 h: QTimer takes a 32-bit ms count


class QuotaResume(QObject):
    """Offers to resume a run stopped by the quota, and resumes it when the period turns."""

    resumeDue = Signal(int)  # the run id to resume now
    scheduleChanged = Signal(str)  # one plain line for the status bar ("" once dropped)

    def __init__(self, window: QWidget, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(window)
        self._window = window
        self._now = now
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self.run_id: int | None = None
        self.due: datetime | None = None

    # -- the offer ----------------------------------------------------------------------------
    def offer(self, run_id: int | None, reason: str, resets_at: datetime | None, left: int) -> QMessageBox:
        """The notice; with a run to resume and a reset time, its "Resume when the quota resets"."""
        text = self.tr("{reason}.\n\n{left} indicators were not looked up yet; the run is kept.").format(
            reason=reason.rstrip(".").capitalize(), left=left
        )
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Pulsedive quota used up"), text, parent=self._window)
        box.setObjectName("quotaNotice")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if run_id is not None and resets_at is not None:
            resume = box.addButton(self.tr("Resume when the quota resets"), QMessageBox.ButtonRole.AcceptRole)
            resume.setObjectName("resumeWhenResetButton")
            resume.clicked.connect(lambda: self.schedule(run_id, resets_at))
        later = box.addButton(self.tr("Not now"), QMessageBox.ButtonRole.RejectRole)
        later.setObjectName("notNowButton")
        box.open()
        return box

    # -- the timer ----------------------------------------------------------------------------
    def schedule(self, run_id: int, resets_at: datetime) -> None:
        self.run_id, self.due = run_id, resets_at + _AFTER_RESET
        self.scheduleChanged.emit(
            self.tr("Run {id} resumes at {when} UTC, when the Pulsedive quota resets.").format(
                id=run_id, when=f"{self.due:%Y-%m-%d %H:%M}"
            )
        )
        self._arm()

    def cancel(self) -> None:
        if self.run_id is not None:
            self.run_id = self.due = None
            self._timer.stop()
            self.scheduleChanged.emit("")

    def _arm(self) -> None:
        assert self.due is not None
        wait_ms = int((self.due - self._now()).total_seconds() * 1000)
        self._timer.start(max(0, min(wait_ms, _MAX_WAIT_MS)))

    def _check(self) -> None:
        if self.run_id is None or self.due is None:
            return
        if self._now() < self.due:  # a long wait is armed in pieces
            self._arm()
            return
        run_id = self.run_id
        self.run_id = self.due = None
        self.scheduleChanged.emit("")
        self.resumeDue.emit(run_id)
