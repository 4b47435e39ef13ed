"""RunController: the lookup engine's face for Qt. The only place engine events become Qt signals.

The engine calls ``result()`` and ``progress()`` (the EngineListener protocol)
once per indicator; the controller collects the updated row indices and the
latest Progress and flushes them every ``interval_ms`` (50 ms) on a QTimer, so
10,000 results mean a few hundred signals, not 10,000. It never touches widgets.

Typical wiring::

    controller.runStarted.connect(results_model.set_results)  # engine.results, updated in place
    controller.resultsReady.connect(results_model.update_rows)
    controller.progressChanged.connect(progress_bar_update)
    controller.finished.connect(...)
    controller.failed.connect(show_plain_text_message)
    task = controller.start(LookupEngine(client, options, cache=..., history=...), indicators)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.indicators.results import LookupResult
from iocdesk.indicators.types import Indicator
from iocdesk.lookup.engine import EngineListener, LookupEngine, Progress, StopCause

log = logging.getLogger(__name__)

IDLE, RUNNING, PAUSED, CANCELLING = "idle", "running", "paused", "cancelling"
# In English; ``failed`` carries it translated (context "RunController").
UNEXPECTED_ERROR = QT_TRANSLATE_NOOP(
    "RunController", "The lookup stopped because of an unexpected error. The details are in the log."
)


class RunController(QObject):
    runStarted = Signal(list)  # engine.results: every row of the run, before any resultsReady
    resultsReady = Signal(list)  # row indices (sorted) updated since the last flush
    progressChanged = Signal(object)  # the engine's latest Progress
    finished = Signal(list)  # the final results (the same objects runStarted carried)
    failed = Signal(str)  # plain words: key rejected, network down, unexpected error
    quotaSpent = Signal(str)  # the day's or month's quota ran out (the engine's words); the rest is pending
    stateChanged = Signal(str)  # "idle", "running", "paused", "cancelling"

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 50) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._engine: LookupEngine | None = None
        self._task: asyncio.Task | None = None
        self._state = IDLE
        self._live = False  # engine.run has built engine.results: listener calls belong to this run
        self._announced = False
        self._forward: EngineListener | None = None  # a listener the engine already had, still told everything
        self._pending: set[int] = set()
        self._progress: Progress | None = None

    # -- state ------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    @property
    def is_running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def engine(self) -> LookupEngine | None:
        """The engine of the current (or last) run."""
        return self._engine

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)

    # -- control ----------------------------------------------------------------------------
    def start(self, engine: LookupEngine, items: Iterable[Indicator | LookupResult]) -> asyncio.Task:
        """Run ``engine.run(items)`` as a task on the running (qasync) loop."""
        if self.is_running:
            raise RuntimeError("a run is already in progress")
        loop = asyncio.get_running_loop()  # RuntimeError outside the qasync loop
        previous = engine.listener
        self._forward = previous if previous is not None and previous is not self else None
        engine.listener = self  # events become signals here; a listener the engine had is still told
        self._engine = engine
        self._pending.clear()
        self._progress = None
        self._live = self._announced = False
        self._set_state(RUNNING)
        self._timer.start()
        self._task = loop.create_task(self._run(engine, list(items)))
        return self._task

    def pause(self) -> None:
        if self.is_running and self._state == RUNNING and self._engine is not None:
            self._engine.pause()
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.is_running and self._state == PAUSED and self._engine is not None:
            self._engine.resume()
            self._set_state(RUNNING)

    def cancel(self) -> None:
        """Stop the run cooperatively: in-flight requests end within about a second,
        the rest is marked skipped; ``finished`` follows as usual."""
        if self.is_running and self._state in (RUNNING, PAUSED) and self._engine is not None:
            self._engine.cancel()
            self._set_state(CANCELLING)

    # -- the run ----------------------------------------------------------------------------
    async def _run(self, engine: LookupEngine, items: list) -> list[LookupResult]:
        results: list[LookupResult] = []
        message: str | None = None
        quota: str | None = None
        try:
            self._live = True  # engine.run builds engine.results before its first await
            results = await engine.run(items)
            if engine.stop_cause is StopCause.QUOTA_EXHAUSTED:
                quota = engine.stop_reason  # a free plan's normal day: said plainly, with an offer
            elif engine.stop_reason:
                # the reason comes from the engine, in English (the CLI shows the same words)
                message = self.tr("The run stopped: {reason}.").format(reason=engine.stop_reason.rstrip("."))
        except asyncio.CancelledError:
            self._end()
            raise
        except Exception:
            log.exception("lookup run failed")
            results = list(engine.results)
            message = QCoreApplication.translate("RunController", UNEXPECTED_ERROR)
        self._end()
        self.finished.emit(results)
        if message:
            self.failed.emit(message)
        if quota:
            self.quotaSpent.emit(quota)
        return results

    def _end(self) -> None:
        self._timer.stop()
        self.flush()
        self._live = False
        self._set_state(IDLE)

    # -- EngineListener ---------------------------------------------------------------------
    def result(self, index: int, result: LookupResult) -> None:
        if self._live:
            self._announce()
            self._pending.add(index)
        if self._forward is not None:
            self._forward.result(index, result)

    def progress(self, progress: Progress) -> None:
        if self._live:
            self._announce()
        self._progress = progress
        if self._forward is not None:
            self._forward.progress(progress)

    def _announce(self) -> None:
        if not self._announced and self._engine is not None:
            self._announced = True
            self.runStarted.emit(self._engine.results)

    def flush(self) -> None:
        """Emit what has piled up since the last flush (the timer calls this every interval)."""
        if self._pending:
            rows = sorted(self._pending)
            self._pending.clear()
            self.resultsReady.emit(rows)
        if self._progress is not None:
            progress, self._progress = self._progress, None
            self.progressChanged.emit(progress)
