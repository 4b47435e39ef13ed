"""The shared request budget, on a virtual clock (no test waits for real seconds).

How the per-second pace is learnt is in test_pace.py; here: the user's maximum,
day and month budgets, waiters woken by an answer, and the blocking side the
client's link pages use.
"""

from __future__ import annotations

import asyncio
import itertools
import threading

import pytest

from iocdesk.lookup.limiter import QuotaExhausted, RateLimiter, RateLimits
from iocdesk.lookup.pace import Pace, PaceSource
from tests.helpers.clock import FakeClock, SimClock


def make(limits: RateLimits) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(limits, clock=clock, sleep=clock.sleep), clock


def test_a_maximum_spaces_requests_evenly():
    limiter, clock = make(RateLimits(per_second=2, start=100))
    sent: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        sent.append(clock())

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(5)))

    asyncio.run(main())
    assert sent == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0])
    assert limiter.pace == Pace(2.0, PaceSource.CEILING)


def test_before_any_answer_the_free_plans_pace():
    limiter, clock = make(RateLimits())
    assert limiter.pace == Pace(1.0, PaceSource.START)

    async def main() -> list[float]:
        sent = []
        for _ in range(3):
            await limiter.acquire()
            sent.append(clock())
        return sent

    assert asyncio.run(main()) == pytest.approx([0.0, 1.0, 2.0])


def test_an_answer_wakes_the_waiting_workers_at_once():
    clock = SimClock()
    limiter = RateLimiter(RateLimits(), clock=clock, sleep=clock.sleep)

    async def main() -> list[float]:
        first = await limiter.acquire()

        async def answer() -> None:
            await clock.sleep(0.2)  # the first answer comes back: 24 more allowed this second
            limiter.answered(first, 24, None, None)

        waiting = [asyncio.ensure_future(limiter.acquire()) for _ in range(3)]
        await answer()
        tickets = await asyncio.gather(*waiting)
        return [t.sent_at for t in tickets]

    assert asyncio.run(clock.run(main())) == pytest.approx([0.2, 0.2, 0.2])  # not 1.0, 2.0, 3.0
    assert limiter.pace == Pace(25.0, PaceSource.LEARNT)


def test_day_and_month_budgets_stop_the_run():
    limiter, _ = make(RateLimits(per_day=3, start=100))

    async def main() -> None:
        for _ in range(3):
            await limiter.acquire()
        with pytest.raises(QuotaExhausted) as info:
            await limiter.acquire()
        assert info.value.period == "day"

    asyncio.run(main())


def test_headers_correct_the_budget():
    limiter, _ = make(RateLimits())
    limiter.answered(None, None, None, 0)

    async def main() -> None:
        with pytest.raises(QuotaExhausted) as info:
            await limiter.acquire()
        assert info.value.period == "month"
        assert "month's quota is used up" in str(info.value)

    asyncio.run(main())


def test_a_request_that_never_reached_pulsedive_is_given_back():
    limiter, clock = make(RateLimits(per_day=1))

    async def main() -> float:
        ticket = await limiter.acquire()
        limiter.unanswered(ticket)  # connection refused: not counted anywhere
        await limiter.acquire()  # neither the day's one request nor the start pace's second is spent
        return clock()

    assert asyncio.run(main()) == 0.0


def test_a_refusal_holds_no_one_but_the_pace():
    limiter, clock = make(RateLimits())

    async def main() -> float:
        first = await limiter.acquire()
        clock.advance(0.1)
        limiter.answered(first, 9, None, None)  # 10 a second
        tickets = [await limiter.acquire() for _ in range(3)]
        clock.advance(0.1)
        limiter.refused(tickets[-1], None, None, None)  # a bare 429: the pace less one, no hold
        again = await limiter.acquire()
        return again.sent_at

    assert asyncio.run(main()) == pytest.approx(0.2)
    assert limiter.pace.rate == 9 and limiter.refusals == 1


def test_the_blocking_side_shares_the_pace():
    limiter = RateLimiter(RateLimits(per_second=50))  # real time: the client's worker threads
    stamps: list[float] = []
    waits: list[float] = []

    def page() -> None:
        ticket = limiter.acquire_blocking(sleep=lambda s: (waits.append(s), threading.Event().wait(s)))
        stamps.append(ticket.sent_at)

    threads = [threading.Thread(target=page) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    ordered = sorted(stamps)
    assert len(ordered) == 4
    assert all(b - a >= 0.02 - 1e-6 for a, b in itertools.pairwise(ordered))
