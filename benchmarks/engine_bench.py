"""How close the lookup engine gets to the physical bound of a run, at a pace it is never told.

    .venv/bin/python -m benchmarks.engine_bench [--n 400] [--no-sequential] [--json]

For N known indicators served by the sandbox with latency L per request and a
limit of R requests per second, no run can finish faster than
max(N / R, N * L / C) with C requests in flight. The engine is not told R
(``RateLimits()``: it learns the pace from the answers' remaining-second
header, starting at the free plan's 1/s), and the sandbox counts the second in
each of the three ways a server may: a token bucket, a rolling one-second
window and a window per wall-clock second. Reported per scenario: the engine's
time over the bound, the share of requests answered 429, the most requests the
sandbox admitted in any one second, and the speed-up over the one-at-a-time loop
a simple automation writes (look up, wait for the answer, keep to the rate it
was told, next), measured in the same run. Everything runs on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.indicators.results import Status
from iocdesk.indicators.types import Indicator, IndicatorType
from iocdesk.lookup.engine import EngineOptions, LookupEngine
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import ApiResult, Outcome, PulsediveClient
from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer

_TYPES = {
    "ip": IndicatorType.IPV4,
    "ipv6": IndicatorType.IPV6,
    "domain": IndicatorType.DOMAIN,
    "url": IndicatorType.URL,
}
KINDS = ("bucket", "rolling", "fixed")
GOAL_RATIO = 1.10
GOAL_REFUSED = 0.05


@dataclass
class Scenario:
    name: str
    n: int
    latency: float
    rate: float
    concurrency: int
    limiter: str = "rolling"


@dataclass
class Measurement:
    scenario: str
    limiter: str
    n: int
    latency: float
    rate: float
    concurrency: int
    bound: float
    engine: float
    ratio: float
    requests: int
    refused: int
    refused_share: float
    most_in_a_second: int
    pace: str
    sequential: float | None
    speedup_vs_sequential: float | None
    answered: int  # found or not found: every request got its verdict


class _Timed(PulsediveClient):
    """The real client, noting when each lookup is sent (to count the most in any one second)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[float] = []
        self._lock_sent = threading.Lock()

    def indicator(self, value: str) -> ApiResult:
        with self._lock_sent:
            self.sent.append(time.monotonic())
        return super().indicator(value)


def most_in_a_second(stamps: list[float]) -> int:
    ordered, best, first = sorted(stamps), 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def _indicators(sandbox: SandboxServer, n: int) -> list[Indicator]:
    """``n`` indicators, known ones first; the dataset knows 370 of these types, so a larger run
    is filled with values it does not know (each is still one request, answered 404 with headers)."""
    chosen = []
    for value in sandbox.dataset.known_values():
        record = sandbox.dataset.record(value)
        kind = _TYPES.get(record.get("type") if isinstance(record, dict) else getattr(record, "type", None))
        if kind is not None:
            chosen.append(Indicator(kind, value, value))
        if len(chosen) == n:
            return chosen
    for value in sandbox.dataset.unknown_values():
        collector = IndicatorCollector(hosts=False)
        collector.add_text(value)
        chosen += [i for i in collector.results() if i.type in _TYPES.values()][:1]
        if len(chosen) == n:
            return chosen
    raise SystemExit(f"the sandbox dataset has only {len(chosen)} indicators to look up; ask for --n {len(chosen)}")


def _engine_run(base_url: str, items: list[Indicator], scenario: Scenario) -> tuple[float, int, list[float], str]:
    # Not told the rate: RateLimits() has no maximum and starts at the free plan's pace.
    options = EngineOptions(limits=RateLimits(), concurrency=scenario.concurrency, use_cache=False)
    with _Timed(None, base_url=base_url) as client:
        engine = LookupEngine(client, options)
        started = time.perf_counter()
        results = asyncio.run(engine.run(items))
        elapsed = time.perf_counter() - started
        pace = str(engine.limiter.pace)
    answered = sum(r.status in (Status.FOUND, Status.NOT_FOUND) for r in results)
    return elapsed, answered, client.sent, pace


def _sequential_run(base_url: str, items: list[Indicator], rate: float) -> float:
    """The careful script: told the rate, one request at a time, waits out a 429 and retries."""
    with PulsediveClient(None, base_url=base_url) as client:
        started = time.perf_counter()
        next_slot = started
        for item in items:
            now = time.perf_counter()
            if now < next_slot:
                time.sleep(next_slot - now)
            next_slot = max(now, next_slot) + 1.0 / rate
            answer = client.indicator(item.value)
            while answer.outcome is Outcome.RATE_LIMITED:
                time.sleep(1.0)
                answer = client.indicator(item.value)
            assert answer.outcome in (Outcome.OK, Outcome.NOT_FOUND), answer.message
        return time.perf_counter() - started


def measure(scenario: Scenario, *, sequential: bool) -> Measurement:
    config = SandboxConfig(latency=scenario.latency, per_second=scenario.rate, limiter=scenario.limiter)
    with SandboxServer(config) as sandbox:
        items = _indicators(sandbox, scenario.n)
        engine_s, answered, sent, pace = _engine_run(sandbox.base_url, items, scenario)
        refused = sandbox.stats.throttled
        requests = len(sent)
        seq_s = None
        if sequential:
            time.sleep(1.1)
            sandbox.reset_quota()
            seq_s = _sequential_run(sandbox.base_url, items, scenario.rate)
    bound = max(scenario.n / scenario.rate, scenario.n * scenario.latency / scenario.concurrency)
    return Measurement(
        scenario.name,
        scenario.limiter,
        scenario.n,
        scenario.latency,
        scenario.rate,
        scenario.concurrency,
        bound,
        engine_s,
        engine_s / bound,
        requests,
        refused,
        refused / requests if requests else 0.0,
        most_in_a_second(sent),
        pace,
        seq_s,
        (seq_s / engine_s) if seq_s else None,
        answered,
    )


def scenarios(n: int) -> list[Scenario]:
    out = [Scenario("paid plan", n, latency=0.15, rate=25.0, concurrency=8, limiter=kind) for kind in KINDS]
    out.append(Scenario("latency-bound", n, latency=0.15, rate=200.0, concurrency=4, limiter="rolling"))
    out.append(Scenario("free plan", min(n, 30), latency=0.15, rate=1.0, concurrency=4, limiter="rolling"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=400, help="indicators per scenario (default 400)")
    parser.add_argument("--no-sequential", action="store_true", help="skip the one-at-a-time comparison")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args(argv)
    results = []
    for scenario in scenarios(args.n):
        # The one-at-a-time loop takes the same time whichever way the second is counted: once.
        baseline = not args.no_sequential and (scenario.name != "paid plan" or scenario.limiter == "rolling")
        results.append(measure(scenario, sequential=baseline))
    paid_seq = next((r.sequential for r in results if r.scenario == "paid plan" and r.sequential), None)
    for r in results:
        if r.scenario == "paid plan" and r.sequential is None and paid_seq:
            r.sequential, r.speedup_vs_sequential = paid_seq, paid_seq / r.engine
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
        return 0
    print(f"iocdesk engine benchmark  {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC")
    print(
        f"machine: {platform.processor() or platform.machine()}, CPython {platform.python_version()}; "
        "sandbox on loopback; the engine is not told the rate"
    )
    print(
        f"{'scenario':<14} {'counting':<8} {'N':>4} {'L s':>5} {'R/s':>5} {'C':>3} {'bound s':>8} {'engine s':>9} "
        f"{'ratio':>7} {'429s':>9} {'max/1s':>6} {'1-by-1 s':>9} {'speedup':>8}  pace"
    )
    for r in results:
        seq = f"{r.sequential:9.2f}" if r.sequential else f"{'-':>9}"
        speed = f"{r.speedup_vs_sequential:7.1f}x" if r.speedup_vs_sequential else f"{'-':>8}"
        refused = f"{r.refused} ({r.refused_share:.1%})"
        print(
            f"{r.scenario:<14} {r.limiter:<8} {r.n:>4} {r.latency:>5.2f} {r.rate:>5.0f} {r.concurrency:>3} "
            f"{r.bound:>8.2f} {r.engine:>9.2f} {r.ratio:>6.3f}x {refused:>9} {r.most_in_a_second:>6} {seq} {speed}  "
            f"{r.pace}"
        )
    print(
        f"goals: within {GOAL_RATIO:.2f}x of max(N/R, N*L/C), at most {GOAL_REFUSED:.0%} of requests answered 429, "
        "and the free plan never above 1 request in any second"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
