"""The account's per-second limit, learnt from Pulsedive's answers (issue 15).

Pulsedive's plans allow from about one request a second (free) to many; the
number lives on the user's account page. Every answer says how many requests
are left in the current second (``X-Requests-Remaining-Second``), so the pace
is learnt rather than configured: start at the free plan's pace, then go as
fast as the answers say the account allows. A rate the user sets is a ceiling.

How the server counts is not documented: a rolling one-second window, a window
per wall-clock second and a token bucket all occur in the wild. One estimate
works for the three. For a request sent at ``t`` and answered with ``k``
requests left, let ``c`` be our requests sent in the second up to ``t`` (itself
included). The server counted at most ``c`` of ours in its window (all ``c`` for
a rolling window, those since the second began for a wall-clock one) and a
bucket refilled at least what ``c`` took beyond what it held, so the limit is
at most ``c + k``, and exactly that for a rolling window, at the end of each
wall-clock second, and whenever a bucket runs dry. And ``k + 1`` is at
least the limit's floor for all three (what is left plus the request itself).
The pace is the smallest ``c + k`` of the last ``SAMPLE_SPAN`` seconds, never
above the largest ``k + 1`` seen (a bucket refilling between bursts makes
``c + k`` overstate; a full bucket's ``k + 1`` is exact). The first answer
already gives it (``c = 1``, ``k`` = the limit less one); a plan downgraded
mid-run or another client on the same key lowers it at the next answer (a
bound below the floor resets the floor); an upgrade raises it within seconds.

The pace is kept as a sliding window on our own send times: at most ``n``
requests in any second (plus ``MARGIN`` for the network's jitter). A request
in flight counts from the moment it is sent, so the window never overfills
while answers are on their way; when it is full, the next request waits only
until the oldest leaves it. That is safe for all three kinds: any second holds
no more than ``n`` requests, so neither a wall-clock second nor a bucket of
``n`` (refilled at ``n``/s) can overflow.

A 429 for the second is a sample too: with headers, ``c - 1 + k``; without,
the pace less one when answers have taught it (a bucket that never ran dry
overstates it a little; a spurious 429 costs one request a second for
``SAMPLE_SPAN`` seconds), else ``c - 1`` (the window was full with what came
before). It costs the refused request a short wait, not a hold on every worker.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

START_PACE = 1.0  # requests per second before Pulsedive has answered: the free plan's
SAMPLE_SPAN = 2.0  # seconds of samples the pace is the minimum of
MARGIN = 0.03  # seconds added to the window: network jitter must not make two seconds overlap
WINDOW = 1.0
JITTER = 0.25  # seconds between a ticket and its request reaching the server, at most, as counted


class PaceSource(StrEnum):
    """Where the pace in force comes from (shown next to the quota)."""

    START = "start"  # nothing learnt yet: the free plan's pace
    LEARNT = "learnt"  # from X-Requests-Remaining-Second and 429s
    CEILING = "ceiling"  # the user's maximum is lower than what Pulsedive allows
    UNLIMITED = "unlimited"  # Pulsedive sends no per-second header: no per-second limit


@dataclass(frozen=True, slots=True)
class Pace:
    """The pace in force: ``rate`` requests per second (None: no limit) and where it comes from."""

    rate: float | None
    source: PaceSource

    def __str__(self) -> str:
        if self.rate is None:
            return "no per-second limit"
        shown = f"{self.rate:g}" if self.rate >= 1 else f"{self.rate:.2g}"
        words = {
            PaceSource.START: "until Pulsedive says more",
            PaceSource.LEARNT: "learnt from Pulsedive",
            PaceSource.CEILING: "your maximum",
            PaceSource.UNLIMITED: "",
        }[self.source]
        return f"{shown}/s, {words}" if words else f"{shown}/s"


class PaceLearner:
    """The per-second side of the rate limiter: when the next request may go, and what was learnt.

    Times are the limiter's clock (monotonic seconds). ``ceiling`` is the user's
    maximum in requests per second (None: as fast as Pulsedive allows).
    """

    def __init__(self, ceiling: float | None = None, start: float = START_PACE) -> None:
        self.ceiling = ceiling
        self._start = start
        self._limit: int | None = None  # learnt requests per second; None: nothing learnt yet
        self._unlimited = False  # Pulsedive answered without a per-second header
        self._sends: deque[float] = deque()  # our send times within the last WINDOW + MARGIN + SAMPLE_SPAN
        # (when, estimate) within SAMPLE_SPAN: from answers' headers, and from 429s
        self._samples: deque[tuple[float, int]] = deque()
        self._refusals: deque[tuple[float, int]] = deque()
        self._answered: int | None = None  # what the answers' headers say, 429s aside
        self._floor: int | None = None  # the largest k + 1 seen: a limit proven, until a plan change

    # -- what is in force -------------------------------------------------------------------
    @property
    def learnt(self) -> Pace:
        """What the answers' headers said (or the start pace): the user's maximum and the short
        dip after a bare 429 aside. For "last pace learnt"; ``pace`` is what is in force."""
        if self._unlimited:
            return Pace(None, PaceSource.UNLIMITED)
        limit = self._answered if self._answered is not None else self._limit
        if limit is not None:
            return Pace(float(limit), PaceSource.LEARNT)
        return Pace(self._start, PaceSource.START)

    @property
    def shown(self) -> Pace:
        """The pace for people: what the answers said, under the user's maximum. The dip of a
        second or two after a bare 429 paces requests but would only make the figure flicker."""
        pace = self.learnt
        if self.ceiling is not None and (pace.rate is None or self.ceiling < pace.rate):
            return Pace(self.ceiling, PaceSource.CEILING)
        return pace

    @property
    def pace(self) -> Pace:
        if self._unlimited:
            pace = Pace(None, PaceSource.UNLIMITED)
        elif self._limit is not None:
            pace = Pace(float(self._limit), PaceSource.LEARNT)
        else:
            pace = Pace(self._start, PaceSource.START)
        if self.ceiling is not None and (pace.rate is None or self.ceiling < pace.rate):
            return Pace(self.ceiling, PaceSource.CEILING)
        return pace

    def next_slot(self, now: float) -> float:
        """The earliest time (>= now) the next request may be sent."""
        slot = now
        last = self._sends[-1] if self._sends else None
        if self.ceiling is not None and last is not None:
            slot = max(slot, last + 1.0 / self.ceiling)  # a maximum, evenly spaced
        if self._unlimited:
            return slot
        if self._limit is None:  # nothing learnt: the start pace, evenly spaced
            if last is not None:
                slot = max(slot, last + 1.0 / self._start)
            return slot
        n = self._limit
        recent = self._in_window(slot)
        if len(recent) >= n:
            slot = max(slot, recent[-n] + WINDOW + MARGIN)
        return slot

    def _in_window(self, at: float) -> list[float]:
        """Our sends the server may still count for a request sent at ``at``."""
        return [t for t in self._sends if t > at - WINDOW - MARGIN]

    # -- events -----------------------------------------------------------------------------
    def sent(self, at: float) -> None:
        self._sends.append(at)
        horizon = at - WINDOW - JITTER - SAMPLE_SPAN
        while self._sends and self._sends[0] < horizon:
            self._sends.popleft()

    def unanswered(self, sent_at: float) -> None:
        """The request sent at ``sent_at`` never reached Pulsedive (refused, DNS): it counted nowhere."""
        try:
            self._sends.remove(sent_at)
        except ValueError:  # already out of the window
            pass

    def answered(self, sent_at: float, now: float, remaining: int | None) -> bool:
        """An answer (not a 429) to the request sent at ``sent_at``; ``remaining`` is its
        X-Requests-Remaining-Second (None: absent). True when the pace changed."""
        before = self.pace
        if remaining is None:
            # No header: no per-second limit (API.md §6), until an answer says otherwise.
            self._unlimited, self._limit, self._floor = True, None, None
            self._samples.clear()
            self._refusals.clear()
        else:
            self._unlimited = False
            self._observe(now, self._ours_before(sent_at) + remaining, remaining + 1)
        return self.pace != before

    def refused(self, sent_at: float, now: float, remaining: int | None) -> bool:
        """A 429 for the second to the request sent at ``sent_at``. True when the pace changed."""
        before = self.pace
        counted = self._ours_before(sent_at) - 1  # this one was not counted
        if remaining is not None:  # the window held what we sent before it, and ``remaining`` more
            self._unlimited = False
            self._observe(now, counted + remaining, None)
            return self.pace != before
        if self._answered is not None and not self._unlimited:
            # Answers carry the headers, so the limit is known: a bare 429 says only that it was
            # a little high, or nothing (a spurious one). One less than the answers say, for
            # SAMPLE_SPAN seconds; not one less than the last 429 said (no ratchet).
            estimate = self._answered - 1
        else:  # no header has ever said: the window was full with what went before
            estimate = counted
        self._unlimited = False  # a server that refuses for the second has a limit after all
        self._refusals.append((now, max(1, estimate)))
        self._settle(now)
        return self.pace != before

    def _ours_before(self, sent_at: float) -> int:
        """Our sends the server may have counted with the one sent at ``sent_at``: the second up to
        it, and ``JITTER`` either side, since a request may reach the server later than one sent
        after it (counting one too many only loosens the bound; one too few would understate it)."""
        return sum(1 for t in self._sends if sent_at - WINDOW - JITTER < t <= sent_at + JITTER)

    def _observe(self, now: float, ceiling: int, floor: int | None) -> None:
        """What one set of headers proves: the limit is at most ``ceiling`` (c + k) and at least
        ``floor`` (k + 1: what is left now and the request itself)."""
        ceiling = max(1, ceiling)
        if floor is not None:
            self._floor = max(self._floor or 1, floor)
        if self._floor is not None and ceiling < self._floor * 0.9 - 1:
            # Well below what was once proven: the plan changed (or another client shares the key).
            # A bound a request or two short is network jitter, and the recent bounds hold it anyway.
            self._floor = ceiling
        self._samples.append((now, ceiling))
        self._settle(now)

    def _settle(self, now: float) -> None:
        """The pace: the smallest recent bound (answers' and 429s'), never above the proven floor.

        The recent bounds are exact for a rolling window and at the end of each wall-clock
        second; a bucket refilling between bursts overstates them, and there the floor (a
        full bucket's ``k + 1``, seen at the first answer) is exact.
        """
        for samples in (self._samples, self._refusals):
            while samples and samples[0][0] < now - SAMPLE_SPAN:
                samples.popleft()
        if self._samples:
            self._answered = min(value for _, value in self._samples)
        if self._answered is not None and self._floor is not None:
            self._answered = min(self._answered, self._floor)
        candidates = [value for _, value in self._refusals]
        if self._answered is not None:
            candidates.append(self._answered)  # quiet for a while: what the answers last said
        self._limit = min(candidates) if candidates else None

    def limit_hint(self) -> float:
        """Requests per second for an ETA: the pace, or infinity when there is none."""
        rate = self.pace.rate
        return math.inf if rate is None else rate
