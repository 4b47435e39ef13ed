"""The request budget shared by every lookup worker of a run.

Pulsedive counts requests per second, day and month. The limiter spaces
requests exactly 1/R seconds apart (no burst beyond the account's rate, no
slack either: a run is as fast as the account allows), keeps day and month
budgets, trusts the remaining-quota headers when Pulsedive sends them, and
makes every worker wait after a 429.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The account's budget. ``None`` means no limit for that period.

    Defaults suit a free account: about one request per second (Pulsedive's
    published 429 text); day and month budgets are learnt from the headers.
    """

    per_second: float | None = 1.0
    per_day: int | None = None
    per_month: int | None = None


class QuotaExhausted(Exception):
    """The day or month budget is spent: waiting seconds will not help."""

    def __init__(self, period: str) -> None:
        super().__init__(f"Pulsedive {period}ly quota exhausted; the rest of the run can be resumed later")
        self.period = period


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
        self._lock = asyncio.Lock()
        self._next_slot = 0.0  # monotonic time of the next free request slot
        self._hold_until = 0.0  # after a 429: nobody sends before this
        self._used_day = 0
        self._used_month = 0
        self._remaining_day: int | None = None
        self._remaining_month: int | None = None

    @property
    def limits(self) -> RateLimits:
        return self._limits

    def _exhausted(self) -> str | None:
        if self._remaining_month == 0 or (
            self._limits.per_month is not None and self._used_month >= self._limits.per_month
        ):
            return "month"
        if self._remaining_day == 0 or (self._limits.per_day is not None and self._used_day >= self._limits.per_day):
            return "day"
        return None

    async def acquire(self) -> None:
        """Wait for the next request slot; raise QuotaExhausted when the day/month budget is spent."""
        async with self._lock:
            period = self._exhausted()
            if period:
                raise QuotaExhausted(period)
            now = self._clock()
            slot = max(now, self._next_slot, self._hold_until)
            if self._limits.per_second:
                self._next_slot = slot + 1.0 / self._limits.per_second
            self._used_day += 1
            self._used_month += 1
            if self._remaining_day is not None:
                self._remaining_day -= 1
            if self._remaining_month is not None:
                self._remaining_month -= 1
        delay = slot - now
        if delay > 0:
            await self._sleep(delay)

    def observe(self, second: int | None, day: int | None, month: int | None) -> None:
        """Correct the budget with the remaining-quota headers of a response."""
        if day is not None:
            self._remaining_day = day
        if month is not None:
            self._remaining_month = month
        if second is not None and second <= 0:
            # The account's second is used up by requests we do not know about (another client).
            self._next_slot = max(self._next_slot, self._clock() + 1.0)

    def back_off(self, seconds: float) -> None:
        """After a 429: hold every worker for ``seconds`` from now."""
        self._hold_until = max(self._hold_until, self._clock() + seconds)
        self._next_slot = max(self._next_slot, self._hold_until)

    def exhausted_period(self) -> str | None:
        return self._exhausted()
