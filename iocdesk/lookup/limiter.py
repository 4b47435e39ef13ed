"""The request budget shared by every lookup worker of a run.

Pulsedive counts requests per second, day and month. The per-second pace is
learnt from its answers (``lookup.pace``: start at the free plan's pace, then
as fast as ``X-Requests-Remaining-Second`` says; the user's rate is a ceiling).
Day and month budgets come from the remaining-quota headers (and from limits
the user set); at zero the run stops cleanly with QuotaExhausted, resumable.

Every request goes through ``acquire`` (which returns a Ticket) and its answer
through ``answered`` or ``refused`` with that ticket: the pace is learnt from
when each request was sent and what the server said about it. One limiter per
lookup session, shared by its runs, the inbox's alerts and the link pages the
client fetches from a worker thread (``acquire_blocking``): the account has one
pace whoever asks. Its state is guarded by a thread lock held for no wait.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from iocdesk.lookup.pace import START_PACE, Pace, PaceLearner


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The account's budget as the user set it. ``None`` means no limit the user set.

    ``per_second`` is a ceiling, not the pace: the pace is learnt from
    Pulsedive's answers, starting at ``start`` (the free plan's pace). Day and
    month budgets are learnt from the headers; values here only lower them.
    """

    per_second: float | None = None
    per_day: int | None = None
    per_month: int | None = None
    start: float = START_PACE


class QuotaExhausted(Exception):
    """The day or month budget is spent: waiting seconds will not help.

    ``resets_at`` is when the period turns (UTC midnight, or the first of the next month,
    00:00 UTC): Pulsedive does not say when its counters restart, and its days are assumed to
    be UTC days. A free plan meets this every busy day; it is not an error.
    """

    def __init__(self, period: str, now: datetime | None = None) -> None:
        self.period = period
        self.resets_at = next_reset(period, now or datetime.now(UTC))
        super().__init__(
            f"the Pulsedive {period}'s quota is used up; the rest can be looked up once it resets "
            f"({self.resets_at:%Y-%m-%d %H:%M} UTC)"
        )


def next_reset(period: str, now: datetime) -> datetime:
    """The start of the next UTC day (``"day"``) or month (``"month"``) after ``now``."""
    now = now.astimezone(UTC)
    if period == "month":
        year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
        return datetime(year, month, 1, tzinfo=UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Ticket:
    """One request let through: when it was sent (the limiter's clock)."""

    sent_at: float


class RateLimiter:
    def __init__(
        self,
        limits: RateLimits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limits = limits
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()  # held only to read and update, never across a wait
        self._pace = PaceLearner(limits.per_second, start=limits.start)
        self._changed = asyncio.Event()  # set (and replaced) when the pace changed: waiters look again
        self._used_day = 0
        self._used_month = 0
        self._remaining_day: int | None = None
        self._remaining_month: int | None = None
        self.refusals = 0  # 429s for the second seen by this limiter (a figure for benchmarks)

    @property
    def limits(self) -> RateLimits:
        return self._limits

    @property
    def pace(self) -> Pace:
        """The pace in force and where it comes from ("25/s, learnt from Pulsedive")."""
        with self._lock:
            return self._pace.pace

    def _exhausted(self) -> str | None:
        if self._remaining_month == 0 or (
            self._limits.per_month is not None and self._used_month >= self._limits.per_month
        ):
            return "month"
        if self._remaining_day == 0 or (self._limits.per_day is not None and self._used_day >= self._limits.per_day):
            return "day"
        return None

    async def acquire(self) -> Ticket:
        """Wait until the pace lets the next request go; QuotaExhausted when the day/month budget is spent.

        A waiting worker looks again as soon as an answer changes the pace (the
        first answer usually raises it far above the start pace).
        """
        while True:
            ticket, wait, changed = self._try()
            if ticket is not None:
                return ticket
            await self._wait(wait, changed)

    def acquire_blocking(self, sleep: Callable[[float], None] = time.sleep) -> Ticket:
        """``acquire`` for a worker thread (the client's further link pages); real time only."""
        while True:
            ticket, wait, _ = self._try()
            if ticket is not None:
                return ticket
            sleep(min(wait, 0.25))  # looks again soon: an answer may have raised the pace

    def _try(self) -> tuple[Ticket | None, float, asyncio.Event]:
        """A ticket now, or how long to wait (and the event that ends the wait early)."""
        with self._lock:
            period = self._exhausted()
            if period:
                raise QuotaExhausted(period)
            now = self._clock()
            slot = self._pace.next_slot(now)
            if slot > now:
                return None, slot - now, self._changed
            self._pace.sent(now)
            self._used_day += 1
            self._used_month += 1
            if self._remaining_day is not None:
                self._remaining_day -= 1
            if self._remaining_month is not None:
                self._remaining_month -= 1
            return Ticket(now), 0.0, self._changed

    async def _wait(self, delay: float, changed: asyncio.Event) -> None:
        """``delay`` seconds, or less when ``changed`` is set first."""
        sleeping = asyncio.ensure_future(self._sleep(delay))
        woken = asyncio.ensure_future(changed.wait())
        try:
            await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeping, woken):
                task.cancel()
            # Let the cancellations land before the caller takes the lock again (a fake clock's
            # sleep removes its wake time in a finally).
            await asyncio.gather(sleeping, woken, return_exceptions=True)

    def _wake(self) -> None:
        """Wake the async waiters (on the loop's thread; a worker thread's answer does not wake them:
        they look again within their wait)."""
        with self._lock:
            changed, self._changed = self._changed, asyncio.Event()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        changed.set()

    def answered(self, ticket: Ticket | None, second: int | None, day: int | None, month: int | None) -> None:
        """An answer that is not a 429, with its remaining-quota headers (None: absent)."""
        with self._lock:
            self._observe_budget(day, month)
            changed = ticket is not None and self._pace.answered(ticket.sent_at, self._clock(), second)
        if changed:
            self._wake()

    def refused(self, ticket: Ticket | None, second: int | None, day: int | None, month: int | None) -> None:
        """A 429 for the second (headers often absent): the request is retried once the pace allows."""
        with self._lock:
            self.refusals += 1
            self._observe_budget(day, month)
            changed = ticket is not None and self._pace.refused(ticket.sent_at, self._clock(), second)
        if changed:
            self._wake()

    def unanswered(self, ticket: Ticket) -> None:
        """No HTTP answer came (connection refused, DNS): the request never reached Pulsedive, so it
        takes no room in the pace (a network that is down is found out at once, not at 1/s)."""
        with self._lock:
            self._pace.unanswered(ticket.sent_at)
            self._used_day -= 1
            self._used_month -= 1
            if self._remaining_day is not None:
                self._remaining_day += 1
            if self._remaining_month is not None:
                self._remaining_month += 1
        self._wake()  # its room is free again

    def _observe_budget(self, day: int | None, month: int | None) -> None:
        if day is not None:
            self._remaining_day = day
        if month is not None:
            self._remaining_month = month

    def shown_pace(self) -> Pace:
        """The pace to show: the answers' figure under the user's maximum (``PaceLearner.shown``)."""
        with self._lock:
            return self._pace.shown

    def learnt_pace(self) -> Pace:
        """What Pulsedive's answers said, whatever the user's maximum (for "last pace learnt")."""
        with self._lock:
            return self._pace.learnt

    def exhausted_period(self) -> str | None:
        with self._lock:
            return self._exhausted()

    def rate_hint(self) -> float:
        """Requests per second for an ETA (infinity: no per-second limit)."""
        with self._lock:
            return self._pace.limit_hint()
