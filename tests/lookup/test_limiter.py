"""The shared request budget, on a virtual clock (no test waits for real seconds)."""

from __future__ import annotations

import asyncio

import pytest

from iocdesk.lookup.limiter import QuotaExhausted, RateLimiter, RateLimits
from tests.helpers.clock import FakeClock


def make(limits: RateLimits) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(limits, clock=clock, sleep=clock.sleep), clock


def test_requests_are_spaced_exactly_one_over_rate():
    limiter, clock = make(RateLimits(per_second=2))
    sent: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        sent.append(clock())

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(5)))

    asyncio.run(main())
    # The five callers wait concurrently: each is released at its own slot.
    assert limiter._next_slot == pytest.approx(2.5)
    assert sent == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0])


def test_day_and_month_budgets_stop_the_run():
    limiter, _ = make(RateLimits(per_second=None, per_day=3))

    async def main() -> None:
        for _ in range(3):
            await limiter.acquire()
        with pytest.raises(QuotaExhausted) as info:
            await limiter.acquire()
        assert info.value.period == "day"

    asyncio.run(main())


def test_headers_correct_the_budget():
    limiter, _ = make(RateLimits(per_second=None))
    limiter.observe(second=None, day=None, month=0)

    async def main() -> None:
        with pytest.raises(QuotaExhausted) as info:
            await limiter.acquire()
        assert info.value.period == "month"

    asyncio.run(main())
    limiter, _ = make(RateLimits(per_second=None))
    limiter.observe(second=0, day=5, month=100)
    assert limiter._next_slot == pytest.approx(1.0)  # someone else used this second


def test_back_off_holds_every_worker():
    limiter, clock = make(RateLimits(per_second=10))

    async def main() -> float:
        await limiter.acquire()
        limiter.back_off(5.0)
        await limiter.acquire()
        return clock.now

    assert asyncio.run(main()) == pytest.approx(5.0)
