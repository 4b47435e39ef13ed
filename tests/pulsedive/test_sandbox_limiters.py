"""The sandbox's three per-second limiter kinds (issue 15): bucket, rolling window, fixed window.

Each kind on virtual time (``Quota(clock=...)``): what is admitted and refused, the
X-Requests-Remaining-Second value after each request, a plan changed mid-run; that the
server counts a request on arrival, before its latency; and one run over real HTTP.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from iocdesk.pulsedive.sandbox.api import Api
from iocdesk.pulsedive.sandbox.config import LIMITERS, SandboxConfig
from iocdesk.pulsedive.sandbox.dataset import Dataset
from iocdesk.pulsedive.sandbox.quota import Quota, whole_limit
from iocdesk.pulsedive.sandbox.stats import Stats

SECOND = "X-Requests-Remaining-Second"
DAY = "X-Requests-Remaining-Day"


class Clock:
    """Virtual time: only moves when a test sets it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def quota_for(kind: str, per_second: float, **config: object) -> tuple[Quota, Clock, SandboxConfig]:
    clock = Clock()
    return Quota(clock=clock), clock, SandboxConfig(per_second=per_second, limiter=kind, **config)


def ask(quota: Quota, cfg: SandboxConfig) -> tuple[bool, str | None]:
    """``(admitted, X-Requests-Remaining-Second)`` of one counted request."""
    period, _, headers = quota.charge(cfg)
    return period is None, headers.get(SECOND)


def at(quota: Quota, clock: Clock, cfg: SandboxConfig, *times: float) -> list[tuple[bool, str | None]]:
    """One request at each virtual time, in order."""
    answers = []
    for t in times:
        clock.now = t
        answers.append(ask(quota, cfg))
    return answers


OK, NO = True, False


# -- each kind on virtual time ----------------------------------------------------------------------
@pytest.mark.parametrize("kind", LIMITERS)
def test_a_burst_of_r_is_admitted_and_the_next_refused(kind):
    quota, clock, cfg = quota_for(kind, 5)
    clock.now = 10.25
    answers = [ask(quota, cfg) for _ in range(6)]
    assert answers == [(OK, "4"), (OK, "3"), (OK, "2"), (OK, "1"), (OK, "0"), (NO, "0")]


def test_rolling_frees_a_slot_exactly_one_second_after_the_oldest():
    quota, clock, cfg = quota_for("rolling", 5)
    assert at(quota, clock, cfg, 0.0, 0.2, 0.4, 0.6, 0.8) == [(OK, "4"), (OK, "3"), (OK, "2"), (OK, "1"), (OK, "0")]
    # Refused until the request at 0.0 is a full second old, then one slot at a time.
    assert at(quota, clock, cfg, 0.9, 0.999999) == [(NO, "0"), (NO, "0")]
    assert at(quota, clock, cfg, 1.0, 1.1, 1.2) == [(OK, "0"), (NO, "0"), (OK, "0")]
    # Nothing for a while: all slots free again, the window counts only the last second.
    assert at(quota, clock, cfg, 5.0, 5.5) == [(OK, "4"), (OK, "3")]
    assert at(quota, clock, cfg, 6.0) == [(OK, "3")]  # 5.0 has left the window, 5.5 has not


def test_fixed_resets_at_the_second_boundary():
    quota, clock, cfg = quota_for("fixed", 5)
    late = at(quota, clock, cfg, 0.9, 0.9, 0.9, 0.9, 0.9, 0.95)
    assert late == [(OK, "4"), (OK, "3"), (OK, "2"), (OK, "1"), (OK, "0"), (NO, "0")]
    # 5 more at 1.0, a tenth of a second later: a new second, a new count (10 within 0.1 s).
    assert at(quota, clock, cfg, *[1.0] * 5) == [(OK, "4"), (OK, "3"), (OK, "2"), (OK, "1"), (OK, "0")]
    assert at(quota, clock, cfg, 1.999, 2.0, 3.5) == [(NO, "0"), (OK, "4"), (OK, "4")]


def test_the_same_arrivals_differ_by_kind():
    """5 at 0.9 and 5 at 1.0: fixed admits all ten (two seconds), rolling none of the second five
    (one window), nor does the bucket (half a token regained)."""
    admitted = {}
    for kind in LIMITERS:
        quota, clock, cfg = quota_for(kind, 5)
        answers = at(quota, clock, cfg, *[0.9] * 5, *[1.0] * 5)
        admitted[kind] = sum(ok for ok, _ in answers)
    assert admitted == {"bucket": 5, "rolling": 5, "fixed": 10}


def test_bucket_refills_at_r_per_second():
    quota, clock, cfg = quota_for("bucket", 4)  # a token every 0.25 s, exact in binary
    assert at(quota, clock, cfg, *[0.0] * 5) == [(OK, "3"), (OK, "2"), (OK, "1"), (OK, "0"), (NO, "0")]
    assert at(quota, clock, cfg, 0.125, 0.25, 0.25) == [(NO, "0"), (OK, "0"), (NO, "0")]
    assert at(quota, clock, cfg, 1.0) == [(OK, "2")]  # 0.75 s: 3 tokens back, one taken
    assert at(quota, clock, cfg, 60.0) == [(OK, "3")]  # never more than R saved


def test_fractional_rates_allow_one_request():
    assert [whole_limit(r) for r in (0.5, 1, 5.9, 25)] == [1, 1, 5, 25]
    for kind in LIMITERS:
        quota, clock, cfg = quota_for(kind, 0.5)
        assert at(quota, clock, cfg, 0.0, 0.5) == [(OK, "0"), (NO, "0")], kind


# -- a refused request, other periods, polls ------------------------------------------------------
@pytest.mark.parametrize("kind", LIMITERS)
def test_a_refused_request_costs_nothing_and_day_counts_as_before(kind):
    quota, clock, cfg = quota_for(kind, 2, per_day=10)
    results = []
    for t in (0.0, 0.0, 0.0, 1.0):
        clock.now = t
        period, limit, headers = quota.charge(cfg)
        results.append((period, limit, headers))
    assert [(p, lim) for p, lim, _ in results] == [(None, None), (None, None), ("second", 2), (None, None)]
    assert [h[DAY] for _, _, h in results] == ["9", "8", "8", "7"]
    # a scan poll (count=False) only reports
    assert quota.charge(cfg, count=False)[2] == {SECOND: results[-1][2][SECOND], DAY: "7"}


def test_counting_kinds_report_without_charging():
    for kind in ("rolling", "fixed"):
        quota, _, cfg = quota_for(kind, 3)
        ask(quota, cfg)
        assert [quota.charge(cfg, count=False)[2][SECOND] for _ in range(3)] == ["2", "2", "2"]
        assert ask(quota, cfg) == (OK, "1")


# -- changes at runtime -----------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "after_downgrade"), [("bucket", 5), ("rolling", 0), ("fixed", 0)])
def test_a_plan_downgrade_applies_to_the_next_request(kind, after_downgrade):
    quota, clock, cfg = quota_for(kind, 25)
    assert all(ok for ok, _ in at(quota, clock, cfg, *[0.25] * 10))
    cfg.per_second = 5  # as sb.config.per_second = 5 mid-run
    # Bucket: what was saved is capped at the new capacity at once; rolling/fixed: the 10 already
    # counted this second exceed the new limit of 5, so nothing more until they have left it.
    answers = at(quota, clock, cfg, *[0.25] * 6)
    assert sum(ok for ok, _ in answers) == after_downgrade
    assert answers[-1] == (NO, "0")
    clock.now = 1.25  # one second on: every kind has room for exactly 5 again
    assert [ask(quota, cfg) for _ in range(6)] == [(OK, "4"), (OK, "3"), (OK, "2"), (OK, "1"), (OK, "0"), (NO, "0")]


@pytest.mark.parametrize(("kind", "at_once"), [("bucket", 0), ("rolling", 20), ("fixed", 20)])
def test_a_plan_upgrade_applies_to_the_next_request(kind, at_once):
    quota, clock, cfg = quota_for(kind, 5)
    assert sum(ok for ok, _ in at(quota, clock, cfg, *[0.5] * 6)) == 5
    cfg.per_second = 25
    # The counting kinds have 20 more slots this second; a bucket refills at the new rate instead.
    assert sum(ok for ok, _ in at(quota, clock, cfg, *[0.5] * 30)) == at_once
    clock.now = 1.5
    assert ask(quota, cfg) == (OK, "24")


def test_a_limiter_change_restarts_the_per_second_count():
    quota, clock, cfg = quota_for("rolling", 3, per_day=100)
    assert [ok for ok, _ in at(quota, clock, cfg, *[0.0] * 4)] == [OK, OK, OK, NO]
    for kind in ("fixed", "bucket", "rolling"):
        cfg.limiter = kind
        assert [ask(quota, cfg) for _ in range(4)] == [(OK, "2"), (OK, "1"), (OK, "0"), (NO, "0")], kind
    assert quota.charge(cfg, count=False)[2][DAY] == str(100 - 12)  # the day's count goes on
    cfg.per_second = None  # unlimited: no header, nothing kept
    assert quota.charge(cfg) == (None, None, {DAY: "87"})
    cfg.per_second = 3
    assert ask(quota, cfg) == (OK, "2")
    quota.reset("second")
    assert ask(quota, cfg) == (OK, "2")


def test_limiter_is_validated():
    assert SandboxConfig().limiter == "bucket"
    with pytest.raises(ValueError, match="limiter must be one of bucket, rolling, fixed"):
        SandboxConfig(limiter="leaky")
    cfg = SandboxConfig(limiter="fixed")
    for bad in ("Rolling", "", None, 1):
        with pytest.raises(ValueError):
            cfg.limiter = bad
    with pytest.raises(ValueError):
        cfg.update(limiter="window")
    assert cfg.limiter == "fixed"
    cfg.update(limiter="rolling")
    assert cfg.snapshot().limiter == "rolling"


# -- counted on arrival, before the latency ----------------------------------------------------------
class _Sleep(threading.Event):
    """The Api's stop event: its wait() is the latency sleep; here it runs ``during`` instead."""

    def __init__(self, during) -> None:
        super().__init__()
        self.during = during

    def wait(self, timeout: float | None = None) -> bool:
        self.during(timeout)
        return False


@pytest.mark.parametrize("kind", LIMITERS)
def test_a_request_is_counted_on_arrival_before_its_latency(kind):
    clock = Clock()
    cfg = SandboxConfig(seed=1, per_second=2, limiter=kind, latency=0.25)
    seen = []

    def during_latency(delay):
        seen.append(api.quota.charge(cfg, count=False)[2][SECOND])  # already counted
        clock.now += delay

    api = Api(cfg, Dataset(1), Stats(), _Sleep(during_latency))
    api.quota = Quota(clock=clock)
    value = api.dataset.known_values()[0]
    replies = [api.handle("GET", "info.php", {"indicator": value}) for _ in range(2)]
    assert seen == ["1", "0"]
    assert [r.status for r in replies] == [200, 200]
    assert [r.headers[SECOND] for r in replies] == ["1", "0"]  # as of arrival, not of the answer
    assert clock.now == 0.5  # each request waited its latency after being counted


# -- over HTTP --------------------------------------------------------------------------------------
def test_rolling_over_http_answers_429_and_headers(make_sandbox):
    sb = make_sandbox(seed=1, per_second=3, per_day=100, limiter="rolling")
    value = sb.dataset.known_values()[0]

    def get() -> requests.Response:
        return requests.get(sb.url("info.php"), params={"indicator": value}, timeout=10)

    first = get()
    first_answered = time.monotonic()  # the first request arrived before this
    answers = [first, get(), get()]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert [r.headers[SECOND] for r in answers] == ["2", "1", "0"]
    assert [r.headers[DAY] for r in answers] == ["99", "98", "97"]
    refused = get()
    assert refused.status_code == 429
    assert refused.json()["error"].startswith("API rate limit exceeded: 3 requests per second. Visit pulsedive.com")
    assert not any(h.startswith("X-Requests-Remaining") for h in refused.headers)  # the default, as the real API
    sb.config.headers_on_429 = True
    again = get()
    assert again.status_code == 429 and again.headers[SECOND] == "0" and again.headers[DAY] == "97"
    time.sleep(max(0.0, first_answered + 1.05 - time.monotonic()))  # the first one's slot is free
    later = get()
    assert later.status_code == 200 and later.headers[DAY] == "96"
    assert sb.stats.rate_limited == {"second": 2}
