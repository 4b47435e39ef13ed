"""A fake monotonic clock for code that takes ``clock=`` and ``sleep=``: time passes without waiting.

``clock()`` reads the virtual time. ``await clock.sleep(seconds)`` returns at once in real time,
having moved the clock to the moment it wakes; a test moves it with ``clock.advance(seconds)``.
Tasks sleeping at the same time wake in the order of their wake times, each setting the clock
to its own (never back), so concurrent sleeps overlap as they would in real time instead of
adding up: five callers spaced 0.5 s apart by a rate limiter wake at 0, 0.5, 1.0, 1.5 and 2.0.

What the clock does not see takes no virtual time: a request in a worker thread, a file being
read. Readable from any thread (scans of the folder watcher read it in a worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class FakeClock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []  # every duration asked of sleep(), in order
        self._waking: list[float] = []  # wake times of the sleeps under way

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time does not go back")
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        """Yield to the loop, then wake with the clock at ``now + seconds`` (or later)."""
        self.sleeps.append(seconds)
        wake = self.now + max(0.0, seconds)
        self._waking.append(wake)
        try:
            await asyncio.sleep(0)  # tasks that are ready now may start their own sleeps first
            while min(self._waking) < wake:  # noqa: ASYNC110 - an earlier sleeper wakes first, within a loop turn or two
                await asyncio.sleep(0)
        finally:
            self._waking.remove(wake)
        self.now = max(self.now, wake)


async def until(condition, timeout: float = 10.0, what: str = "the condition") -> None:
    """Poll ``condition`` from the loop until it holds; fail after ``timeout`` real seconds.

    For waiting on what worker threads do (a scan, a request); it never proves that time passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.002)


class SimClock:
    """Discrete-event virtual time: time moves only when every task is waiting.

    ``await clock.sleep(s)`` parks the task until a driver, seeing the loop idle (no task
    ready to run), moves the clock to the earliest wake time and wakes that sleeper. A
    worker woken by another's event always runs before time moves on, which FakeClock (time
    moves once a sleeper is the earliest after one turn of the loop) does not promise. Run a
    simulation with ``asyncio.run(clock.run(main()))``. The idle test reads the loop's ready
    queue (CPython's ``_ready``): a test helper's licence.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        heapq.heappush(self._heap, (self.now + max(0.0, seconds), self._seq, future))
        await future  # cancelled: the driver skips it

    async def run(self, main: Awaitable[T]) -> T:
        driver = asyncio.ensure_future(self._drive())
        try:
            return await main
        finally:
            driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await driver

    async def _drive(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(0)
            if loop._ready:  # type: ignore[attr-defined]  # some task can still run at this instant
                continue
            while self._heap and self._heap[0][2].done():  # cancelled sleepers
                heapq.heappop(self._heap)
            if not self._heap:
                continue
            wake, _, future = heapq.heappop(self._heap)
            self.now = max(self.now, wake)
            future.set_result(None)
