"""The window's background tasks: kept until done, reported when they fail, cancelled on close."""

from __future__ import annotations

import asyncio
import gc

from iocdesk.gui.tasks import Tasks


def test_tasks_are_kept_until_done_and_cancelled_on_close(qloop, qtbot):
    tasks = Tasks()
    finished: list[str] = []

    async def quick() -> None:
        await asyncio.sleep(0)
        finished.append("quick")

    async def forever() -> None:
        await asyncio.Event().wait()

    done = tasks.spawn(quick(), name="quick")
    hanging = tasks.spawn(forever(), name="forever")
    gc.collect()  # nothing but the tracker refers to them: they must survive
    qtbot.waitUntil(done.done, timeout=2000)
    assert finished == ["quick"] and len(tasks) == 1
    assert tasks.cancel_all() == 1
    qtbot.waitUntil(hanging.done, timeout=2000)
    assert hanging.cancelled() and len(tasks) == 0


def test_a_failing_task_reaches_the_loop_exception_handler_at_once(qloop, qtbot):
    seen: list[dict] = []
    previous = qloop.get_exception_handler()
    qloop.set_exception_handler(lambda loop, context: seen.append(context))
    try:

        async def broken() -> None:
            raise RuntimeError("a bug")

        Tasks().spawn(broken(), name="broken")
        qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    finally:
        qloop.set_exception_handler(previous)
    assert isinstance(seen[0]["exception"], RuntimeError) and "broken" in seen[0]["message"]
