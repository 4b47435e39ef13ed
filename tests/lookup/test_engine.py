"""The lookup engine with the real client against the sandbox over loopback (no mocked HTTP)."""

from __future__ import annotations

import asyncio
import time

import pytest

from iocdesk.extraction.extract import extract
from iocdesk.indicators.results import Status
from iocdesk.indicators.types import Indicator, IndicatorType
from iocdesk.lookup.engine import EndState, EngineOptions, LookupEngine, ScanPolicy, StopCause
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer
from iocdesk.pulsedive.sandbox.quota import Quota
from iocdesk.store import History, LookupCache, RunMeta, account_fingerprint
from tests.helpers.clock import FakeClock, until

FAST = RateLimits(per_second=None)


def indicators(values: list[str]) -> list[Indicator]:
    """Canonical indicators for sandbox values, as extraction would hand them on."""
    found: list[Indicator] = []
    for value in values:
        hits = [
            i
            for i in extract(value)
            if i.type in (IndicatorType.IPV4, IndicatorType.IPV6, IndicatorType.DOMAIN, IndicatorType.URL)
        ]
        if hits:
            found.append(hits[0])
    return found


def public(values: list[str], n: int) -> list[Indicator]:
    return [i for i in indicators(values) if i.lookup_by_default][:n]


def run(engine: LookupEngine, items: list) -> list:
    return asyncio.run(engine.run(items))


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox(seed=3)


def client_for(server: SandboxServer, key: str | None = None, **kw) -> PulsediveClient:
    return PulsediveClient(key, base_url=server.base_url, **kw)


def on_fake_time(client: PulsediveClient, options: EngineOptions, **kw) -> tuple[LookupEngine, FakeClock]:
    """An engine whose own waits (backoff, 429 holds, spacing, scan polls) take no real time."""
    clock = FakeClock()
    return LookupEngine(client, options, clock=clock, sleep=clock.sleep, **kw), clock


def found(engine: LookupEngine) -> int:
    return sum(r.status is Status.FOUND for r in engine.results)


def test_found_not_found_unsupported_and_private_without_extra_requests(sandbox):
    known = public(sandbox.dataset.known_values(), 6)
    unknown = public(sandbox.dataset.unknown_values(), 3)
    extras = extract("44d88612fea8a8f36de82e1278abb02f 10.1.2.3 CVE-2024-3094 bob@corp.example.org")
    with client_for(sandbox) as client:
        results = run(LookupEngine(client, EngineOptions(limits=FAST)), known + unknown + extras)
    by_value = {r.indicator: r for r in results}
    assert all(by_value[i.value].status is Status.FOUND and by_value[i.value].intel.iid for i in known)
    assert all(by_value[i.value].status is Status.NOT_FOUND for i in unknown)
    assert by_value["44d88612fea8a8f36de82e1278abb02f"].status is Status.UNSUPPORTED
    assert by_value["cve-2024-3094".upper()].status is Status.UNSUPPORTED
    assert by_value["bob@corp.example.org"].status is Status.UNSUPPORTED
    assert by_value["10.1.2.3"].status is Status.SKIPPED and "private" in by_value["10.1.2.3"].error
    # one request per indicator Pulsedive can answer, none for the rest
    assert sandbox.stats.requests == len(known) + len(unknown)
    assert all(sandbox.lookup_count(i.value) == 1 for i in known + unknown)
    assert not sandbox.stats.scans  # scanning is off by default


def test_passive_scan_resolves_unknowns_and_never_goes_active(sandbox):
    unknown = public(sandbox.dataset.unknown_values(), 4)
    nothing = public(sandbox.dataset.scan_nothing_values(), 2)
    options = EngineOptions(limits=FAST, scan=ScanPolicy.PASSIVE)  # the default poll interval, on fake time
    with client_for(sandbox) as client:
        engine, clock = on_fake_time(client, options)
        results = run(engine, unknown + nothing)
    statuses = {r.indicator: r.status for r in results}
    assert [statuses[i.value] for i in unknown] == [Status.SCANNED] * len(unknown)
    assert [statuses[i.value] for i in nothing] == [Status.NOT_FOUND] * len(nothing)
    assert all(r.scan == "passive" for r in results)
    assert all(r.intel is not None and r.intel.risk is not None for r in results if r.status is Status.SCANNED)
    scans = sandbox.stats.scans
    assert len(scans) == len(unknown) + len(nothing)
    assert not any(s["probe"] for s in scans) and not any(s["submit"] for s in scans)
    assert clock() >= options.scan_poll_interval  # polled after the interval, not at once


def test_active_scan_and_submit_only_when_asked(sandbox):
    unknown = public(sandbox.dataset.unknown_values(), 2)
    options = EngineOptions(limits=FAST, scan=ScanPolicy.ACTIVE, submit=True)
    with client_for(sandbox) as client:
        run(on_fake_time(client, options)[0], unknown)
    assert all(s["probe"] and s["submit"] for s in sandbox.stats.scans)


def test_a_scan_still_processing_after_the_poll_cap_ends_as_an_error(make_sandbox):
    server = make_sandbox(seed=3, scan_polls_until_done=10_000)
    unknown = public(server.dataset.unknown_values(), 1)
    options = EngineOptions(limits=FAST, scan=ScanPolicy.PASSIVE)  # polls 1 s apart, growing to 10 s; cap 90 s
    with client_for(server) as client:
        engine, clock = on_fake_time(client, options)
        [result] = run(engine, unknown)
    assert result.status is Status.ERROR and result.error == "the scan did not finish within 90 s"
    assert options.scan_poll_cap <= clock() < options.scan_poll_cap + 11
    assert 10 <= sum(server.stats.polls.values()) <= 20  # backing off to one poll per 10 s, not hammering


def test_faults_end_every_item_in_a_definite_state_within_the_retry_policy(tmp_path, make_sandbox):
    config = SandboxConfig(
        seed=5, error_rate=0.25, reset_rate=0.05, malformed_rate=0.05, timeout_rate=0.03, timeout_seconds=2.0
    )
    server = make_sandbox(config)
    with LookupCache(tmp_path / "cache.sqlite3") as cache:
        cache.set_scope(account_fingerprint(None), server.base_url)
        items = public(server.dataset.known_values(), 60)
        # The default backoff (0.5 s doubling, jittered) on fake time; the timeouts are real (the socket's).
        options = EngineOptions(limits=FAST, concurrency=6, max_attempts=4)
        with client_for(server, timeout=(2.0, 0.5)) as client:
            results = run(on_fake_time(client, options, cache=cache)[0], items)
        assert {r.status for r in results} <= {Status.FOUND, Status.ERROR}
        assert sum(r.status is Status.FOUND for r in results) >= 50
        assert all(r.attempts <= 4 for r in results)
        assert all(server.stats.lookup_attempts.get(k, 0) <= 4 for k in server.stats.lookup_attempts)
        assert all(r.error for r in results if r.status is Status.ERROR)
        # only answers are cached, never a failure to get one
        assert cache.stats().entries == sum(r.status is Status.FOUND for r in results)


def test_a_429_storm_loses_nothing(make_sandbox):
    # The pace is learnt from the headers, so the limit alone no longer makes a storm: every third
    # counted request is refused whatever the quota (spurious 429s, without headers).
    server = make_sandbox(seed=7, per_second=8, rate_limit_bursts=3)
    items = public(server.dataset.known_values(), 40)
    options = EngineOptions(limits=RateLimits(per_second=40), concurrency=8)
    with client_for(server) as client:
        engine, clock = on_fake_time(client, options)
        server._api.quota = Quota(clock=clock)  # the sandbox counts its 8 per second on the same fake clock
        results = run(engine, items)
    assert [r.status for r in results] == [Status.FOUND] * len(items)
    assert server.stats.throttled > 0  # the storm happened
    assert all(server.lookup_count(i.value) == 1 for i in items)


def test_a_rejected_key_stops_the_run_at_once(make_sandbox):
    server = make_sandbox(require_key="the-right-key")
    items = public(server.dataset.known_values(), 30)
    with client_for(server, "a-wrong-key") as client:
        engine = LookupEngine(client, EngineOptions(limits=FAST, concurrency=2))
        results = run(engine, items)
    assert "rejected the API key" in engine.stop_reason
    assert engine.stop_cause is StopCause.KEY_REJECTED and engine.end_state is EndState.INTERRUPTED
    assert {r.status for r in results} == {Status.ERROR}
    assert server.stats.unauthorized_count <= 2  # not a run full of 401s


def test_a_spent_day_quota_stops_the_run_and_says_why(make_sandbox):
    server = make_sandbox(per_day=5)
    items = public(server.dataset.known_values(), 12)
    with client_for(server) as client:
        engine = LookupEngine(client, EngineOptions(limits=FAST, concurrency=1))
        results = run(engine, items)
    assert engine.stop_cause is StopCause.QUOTA_EXHAUSTED and engine.end_state is EndState.INTERRUPTED
    assert "day's quota is used up" in engine.stop_reason and engine.resets_at is not None
    assert sum(r.status is Status.FOUND for r in results) == 5
    # A free plan's normal day: what was not looked up is pending with the reason, never an error.
    assert [r.status for r in results[5:]] == [Status.PENDING] * 7
    assert all(r.error and r.error.startswith("not looked up: ") for r in results[5:])


def test_cancel_takes_effect_within_a_second_and_keeps_what_was_fetched(make_sandbox):
    server = make_sandbox(latency=0.3)
    items = public(server.dataset.known_values(), 40)
    with client_for(server) as client:
        engine = LookupEngine(client, EngineOptions(limits=FAST, concurrency=2))

        async def main() -> tuple[float, list[str]]:
            task = asyncio.create_task(engine.run(items))
            await until(lambda: found(engine) >= 2 or task.done(), what="two answers")
            fetched = [r.indicator for r in engine.results if r.status is Status.FOUND]
            engine.cancel()
            cancelled_at = time.monotonic()  # real time: answers in flight get a real grace period
            await task
            return time.monotonic() - cancelled_at, fetched

        took, fetched = asyncio.run(main())
    assert took < 1.0
    statuses = [r.status for r in engine.results]
    assert Status.PENDING not in statuses
    assert all(r.status is Status.FOUND for r in engine.results if r.indicator in fetched)
    assert 2 <= statuses.count(Status.FOUND) < len(items)
    assert set(statuses) == {Status.FOUND, Status.SKIPPED}


def test_pause_stops_new_requests_and_resume_finishes(make_sandbox):
    server = make_sandbox(latency=0.05)
    items = public(server.dataset.known_values(), 30)
    with client_for(server) as client:
        engine = LookupEngine(client, EngineOptions(limits=FAST, concurrency=2))

        async def main() -> tuple[int, int]:
            task = asyncio.create_task(engine.run(items))
            await until(lambda: found(engine) >= 1 or task.done(), what="the first answer")
            engine.pause()
            await asyncio.sleep(0.4)  # requests in flight land
            during = server.stats.requests
            await asyncio.sleep(0.6)
            after = server.stats.requests
            engine.resume()
            await task
            return during, after

        during, after = asyncio.run(main())
    assert during == after  # nothing sent while paused
    assert [r.status for r in engine.results] == [Status.FOUND] * len(items)


def test_cache_answers_a_second_run_without_requests(tmp_path, make_sandbox):
    server = make_sandbox(seed=2)
    with LookupCache(tmp_path / "c.sqlite3") as cache:
        cache.set_scope(account_fingerprint(None), server.base_url)
        items = public(server.dataset.known_values(), 10) + public(server.dataset.unknown_values(), 3)
        with client_for(server) as client:
            first = run(LookupEngine(client, EngineOptions(limits=FAST), cache=cache), items)
            sent = server.stats.requests
            second = run(LookupEngine(client, EngineOptions(limits=FAST), cache=cache), items)
            assert server.stats.requests == sent
            assert [r.status for r in second] == [r.status for r in first]
            assert all(r.from_cache for r in second)
            assert [r.intel.risk for r in second if r.intel] == [r.intel.risk for r in first if r.intel]
            bypass = run(LookupEngine(client, EngineOptions(limits=FAST, use_cache=False), cache=cache), items)
            assert server.stats.requests == sent + len(items) and not any(r.from_cache for r in bypass)


def test_history_keeps_results_as_they_arrive_and_resume_does_not_query_twice(tmp_path, make_sandbox):
    server = make_sandbox(latency=0.1)
    with History(tmp_path / "h.sqlite3") as history:
        items = public(server.dataset.known_values(), 24)
        run_id = history.start_run(RunMeta(sources=["test"], total=len(items)))
        history.add_items(run_id, items)
        with client_for(server) as client:
            engine = LookupEngine(client, EngineOptions(limits=FAST, concurrency=2), history=history, run_id=run_id)

            async def interrupted() -> None:
                task = asyncio.create_task(engine.run(items))
                await until(lambda: found(engine) >= 4 or task.done(), what="four answers")
                engine.cancel()
                await task

            asyncio.run(interrupted())
            history.finish_run(run_id, "cancelled")
            _, saved = history.load_run(run_id)
            fetched = [r for r in saved if r.status is Status.FOUND]
            assert fetched and len(fetched) < len(items)
            assert all(r.intel is not None and r.intel.iid for r in fetched)
            pending = history.resume_run(run_id)
            assert len(pending) == len(items) - len(fetched)  # cancelled ones stay pending
            resumed = [Indicator(p.type, p.value, p.value, defanged=p.defanged) for p in pending]
            run(LookupEngine(client, EngineOptions(limits=FAST), history=history, run_id=run_id), resumed)
            history.finish_run(run_id, "finished")
        _, final = history.load_run(run_id)
        assert [r.status for r in final] == [Status.FOUND] * len(items)
        assert all(server.lookup_count(i.value) == 1 for i in items)  # nothing looked up twice


def test_duplicates_are_looked_up_once(sandbox):
    known = public(sandbox.dataset.known_values(), 3)
    with client_for(sandbox) as client:
        results = run(LookupEngine(client, EngineOptions(limits=FAST)), known + known + known[:1])
    assert len(results) == 3 and sandbox.stats.requests == 3


def test_engine_benchmark_runs():
    from benchmarks.engine_bench import Scenario, measure

    measured = measure(Scenario("smoke", 12, latency=0.01, rate=200.0, concurrency=4), sequential=True)
    assert measured.answered == 12 and measured.sequential is not None and measured.bound > 0
    assert measured.requests >= 12 and "learnt from Pulsedive" in measured.pace
