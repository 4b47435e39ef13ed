"""Background coroutines of the window, tracked so none is lost and all stop with it.

``asyncio.ensure_future`` alone keeps only a weak reference (a task may be
garbage-collected mid-way) and nobody cancels it when the window closes, when
a coroutine may still touch widgets being deleted. ``Tasks.spawn`` keeps each
task until it ends, hands what it raised to the loop's exception handler (the
window's error reporter), and ``cancel_all`` stops the rest on close.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Tasks:
    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
        """Run ``coroutine`` on the (qasync) loop; kept until done."""
        task = asyncio.ensure_future(coroutine)
        if name:
            task.set_name(name)
        self._running.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if task.cancelled() or task.exception() is None:
            return
        # An unexpected error is a bug: the loop's handler (the window's ErrorReporter) reports it
        # at once, as it would for a forgotten task, instead of whenever the task is collected.
        task.get_loop().call_exception_handler(
            {"message": f"background task {task.get_name()} failed", "exception": task.exception(), "task": task}
        )

    def cancel_all(self) -> int:
        """Cancel every task still running (the window is closing); how many there were."""
        running = [task for task in self._running if not task.done()]
        for task in running:
            task.cancel()
        return len(running)

    def __len__(self) -> int:
        return sum(not task.done() for task in self._running)
