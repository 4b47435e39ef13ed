"""Per-second / per-day / per-month quotas and the X-Requests-Remaining-* headers (API.md §6).

Per second, with R = ``per_second`` and ``config.limiter`` choosing how it counts
(the real server's way is unrecorded, so a client has to cope with each):

- ``bucket``: a token bucket of capacity ``max(1, R)``, refilled at R per second
  continuously; the remaining header is ``floor(tokens)`` after the request.
- ``rolling``: admitted while fewer than ``max(1, floor(R))`` admitted requests
  arrived in the last 1.0 s, so a slot frees exactly 1.0 s after the request that
  took it; remaining is that limit minus the count in the last 1.0 s, this one included.
- ``fixed``: at most ``max(1, floor(R))`` per whole second of the clock
  (``floor(t)``); remaining is that limit minus the count in this second. With the
  default monotonic clock the seconds are the wall clock's (a server keying its counter
  by ``time()``), so a client pacing by its own monotonic clock is not in phase by accident.

Per day / month: counters that restart when the UTC day / month changes, or on
:meth:`Quota.reset`. A request is checked against all periods before any is
charged, so a refused request costs nothing. Limits are read from the config on
every call, so a changed ``per_second`` (a plan changed mid-run) applies to the
very next request, whatever the kind; a changed ``limiter`` restarts the
per-second count (a full bucket, empty windows).

When the count happens: the server (api.py) charges a request **on arrival**,
before its ``latency`` sleep, and computes its remaining headers then, as a
server that counts at the start of the request would. So the sandbox's window
sees the client's send times (loopback adds next to nothing), not send time plus
a jittered latency; a request dropped while it sleeps (``stop()``) stays charged.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from iocdesk.pulsedive.sandbox.config import SandboxConfig

PERIODS = ("second", "day", "month")
HEADERS = {p: f"X-Requests-Remaining-{p.capitalize()}" for p in PERIODS}
WINDOW = 1.0  # seconds, of the rolling kind


def limit_message(limit: float, period: str) -> str:
    """The 429 text (the body's JSON escapes its "/" as "\\/", as PHP does)."""
    shown = int(limit) if float(limit).is_integer() else limit
    return (
        f"API rate limit exceeded: {shown} requests per {period}. "
        "Visit pulsedive.com/api to view limits and upgrade your plan."
    )


def whole_limit(rate: float) -> int:
    """Requests per window of the counting kinds: whole requests, and a 0.5/s plan still allows one."""
    return max(1, math.floor(rate))


class _PerSecond(Protocol):
    def available(self, now: float, rate: float) -> float:
        """How many requests may still be admitted at ``now`` (a bucket's may be fractional)."""
        ...

    def take(self, now: float) -> None:
        """Charge one admitted request (only after :meth:`available` said >= 1 at ``now``)."""
        ...


class _Bucket:
    def __init__(self, now: float) -> None:
        self._tokens: float | None = None  # full on first use, whatever the rate then
        self._stamp = now

    def available(self, now: float, rate: float) -> float:
        capacity = max(1.0, float(rate))  # a 0.5/s plan still allows one request
        if self._tokens is None:
            self._tokens = capacity
        else:
            # min(): a lowered rate caps what was saved at once; the elapsed time refills at
            # today's rate, as the old one is not known for that stretch.
            self._tokens = min(capacity, self._tokens + max(0.0, now - self._stamp) * rate)
        self._stamp = now
        return self._tokens

    def take(self, now: float) -> None:
        assert self._tokens is not None  # available() filled it
        self._tokens -= 1


class _Rolling:
    def __init__(self) -> None:
        # When each admitted request's slot frees (arrival + WINDOW): at most the highest
        # limit seen, as only admitted requests are kept.
        self._frees: deque[float] = deque()

    def available(self, now: float, rate: float) -> float:
        # "+ WINDOW" is stored, and compared with "<=": a slot is free again exactly 1.0 s later.
        while self._frees and self._frees[0] <= now:
            self._frees.popleft()
        return whole_limit(rate) - len(self._frees)

    def take(self, now: float) -> None:
        self._frees.append(now + WINDOW)


class _Fixed:
    def __init__(self, phase: float) -> None:
        self._phase = phase
        self._second: int | None = None
        self._used = 0

    def available(self, now: float, rate: float) -> float:
        second = math.floor(now + self._phase)
        if second != self._second:
            self._second, self._used = second, 0
        return whole_limit(rate) - self._used

    def take(self, now: float) -> None:
        self._used += 1


class Quota:
    def __init__(
        self, clock: Callable[[], float] = time.monotonic, calendar: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._clock, self._calendar = clock, calendar
        # The fixed kind's seconds: the wall clock's, read through the monotonic clock (shifted
        # once, so a wall-clock step mid-run does not move them). An injected clock is its own.
        self._phase = time.time() - time.monotonic() if clock is time.monotonic else 0.0
        self._lock = threading.Lock()
        self.reset()

    def reset(self, period: str | None = None) -> None:
        """Refill one period, or all of them."""
        with self._lock:
            if period in (None, "second"):
                self._second: _PerSecond | None = None  # made on first use, of the kind then configured
                self._kind: str | None = None
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
            now = self._clock()
            self._roll_calendar()
            limits: dict[str, float | None] = {"second": cfg.per_second, "day": cfg.per_day, "month": cfg.per_month}
            left: dict[str, float] = {
                "second": self._second_left(cfg, now),
                "day": (cfg.per_day or 0) - self._day_used,
                "month": (cfg.per_month or 0) - self._month_used,
            }
            if count:
                for period in PERIODS:
                    limit = limits[period]
                    if limit is not None and left[period] < 1:
                        return period, limit, _headers(limits, left)
                if self._second is not None:
                    self._second.take(now)
                self._day_used += 1
                self._month_used += 1
                left = {period: value - 1 for period, value in left.items()}
            return None, None, _headers(limits, left)

    def _second_left(self, cfg: SandboxConfig, now: float) -> float:
        if cfg.per_second is None:
            # Unlimited: nothing is counted, so a limit set later starts from a clean state.
            self._second = self._kind = None
            return 0.0
        if self._second is None or self._kind != cfg.limiter:
            self._second, self._kind = self._new_second(cfg.limiter, now), cfg.limiter
        return self._second.available(now, cfg.per_second)

    def _new_second(self, kind: str, now: float) -> _PerSecond:
        if kind == "rolling":
            return _Rolling()
        if kind == "fixed":
            return _Fixed(self._phase)
        return _Bucket(now)

    def _roll_calendar(self) -> None:
        today = self._calendar()
        if (today.year, today.month, today.day) != self._day:
            self._day, self._day_used = (today.year, today.month, today.day), 0
        if (today.year, today.month) != self._month:
            self._month, self._month_used = (today.year, today.month), 0


def _headers(limits: dict[str, float | None], left: dict[str, float]) -> dict[str, str]:
    """Remaining per period, rounded down; a period without a limit has no header."""
    return {HEADERS[p]: str(max(0, math.floor(left[p]))) for p in PERIODS if limits[p] is not None}
