"""Per-second / per-day / per-month quotas and the X-Requests-Remaining-* headers (API.md §6).

Per second: a token bucket holding ``per_second`` tokens, refilled continuously.
Per day / month: counters that restart when the UTC day / month changes, or on
:meth:`Quota.reset`. A request is checked against all periods before any is
charged, so a refused request costs nothing. Limits are read from the config
on every call (they may change at runtime).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from iocdesk.pulsedive.sandbox.config import SandboxConfig

PERIODS = ("second", "day", "month")
HEADERS = {p: f"X-Requests-Remaining-{p.capitalize()}" for p in PERIODS}


def limit_message(limit: float, period: str) -> str:
    """The 429 text (the body's JSON escapes its "/" as "\\/", as PHP does)."""
    shown = int(limit) if float(limit).is_integer() else limit
    return (
        f"API rate limit exceeded: {shown} requests per {period}. "
        "Visit pulsedive.com/api to view limits and upgrade your plan."
    )


class Quota:
    def __init__(
        self, clock: Callable[[], float] = time.monotonic, calendar: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._clock, self._calendar = clock, calendar
        self._lock = threading.Lock()
        self.reset()

    def reset(self, period: str | None = None) -> None:
        """Refill one period, or all of them."""
        with self._lock:
            if period in (None, "second"):
                self._tokens: float | None = None  # full on next use
                self._stamp = self._clock()
            if period in (None, "day"):
                self._day_used = 0
                self._day: tuple[int, int, int] | None = None
            if period in (None, "month"):
                self._month_used = 0
                self._month: tuple[int, int] | None = None

    def charge(self, cfg: SandboxConfig, count: bool = True) -> tuple[str | None, float | None, dict[str, str]]:
        """``(period refused or None, its limit, remaining headers)``.

        ``count=False`` (scan polls) only reports what remains."""
        with self._lock:
            self._refill(cfg)
            if count:
                for period, limit, left in self._state(cfg):
                    if limit is not None and left < 1:
                        return period, limit, self._headers(cfg)
                if cfg.per_second is not None:
                    assert self._tokens is not None  # _refill() filled the bucket for this cfg
                    self._tokens -= 1
                self._day_used += 1
                self._month_used += 1
            return None, None, self._headers(cfg)

    def _refill(self, cfg: SandboxConfig) -> None:
        now = self._clock()
        if cfg.per_second is None:
            self._tokens = None
        else:
            capacity = max(1.0, float(cfg.per_second))  # a 0.5/s plan still allows one request
            if self._tokens is None:
                self._tokens = capacity
            else:
                self._tokens = min(capacity, self._tokens + (now - self._stamp) * cfg.per_second)
        self._stamp = now
        today = self._calendar()
        if (today.year, today.month, today.day) != self._day:
            self._day, self._day_used = (today.year, today.month, today.day), 0
        if (today.year, today.month) != self._month:
            self._month, self._month_used = (today.year, today.month), 0

    def _state(self, cfg: SandboxConfig) -> Iterator[tuple[str, float | None, float]]:
        yield "second", cfg.per_second, self._tokens if self._tokens is not None else 0.0
        yield "day", cfg.per_day, (cfg.per_day or 0) - self._day_used
        yield "month", cfg.per_month, (cfg.per_month or 0) - self._month_used

    def _headers(self, cfg: SandboxConfig) -> dict[str, str]:
        """Remaining per period; a period without a limit has no header."""
        state = self._state(cfg)
        return {HEADERS[period]: str(max(0, int(left))) for period, limit, left in state if limit is not None}
