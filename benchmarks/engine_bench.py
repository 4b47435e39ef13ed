"""How close the lookup engine gets to the physical bound of a run.

    .venv/bin/python -m benchmarks.engine_bench [--n 200] [--repeat 1] [--json]

For N known indicators served by the sandbox with latency L per request and
a quota of R requests per second, no run can finish faster than
max(N / R, N * L / C) with C requests in flight. The benchmark times the
engine (cache off, history off) against that bound, and against the
one-at-a-time loop a simple automation writes (look up, wait for the answer,
respect the rate, next). Everything runs on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from dataclasses import asdict, dataclass

from iocdesk.indicators.results import Status
from iocdesk.indicators.types import Indicator, IndicatorType
from iocdesk.lookup.engine import EngineOptions, LookupEngine
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import Outcome, PulsediveClient
from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer

_TYPES = {
    "ip": IndicatorType.IPV4,
    "ipv6": IndicatorType.IPV6,
    "domain": IndicatorType.DOMAIN,
    "url": IndicatorType.URL,
}


@dataclass
class Scenario:
    name: str
    n: int
    latency: float
    rate: float
    concurrency: int


@dataclass
class Measurement:
    scenario: str
    n: int
    latency: float
    rate: float
    concurrency: int
    bound: float
    engine: float
    ratio: float
    sequential: float | None
    speedup_vs_sequential: float | None
    found: int
    engine_429s: int


def _indicators(sandbox: SandboxServer, n: int) -> list[Indicator]:
    values = sandbox.dataset.known_values()
    chosen = []
    for value in values:
        record = sandbox.dataset.record(value)
        kind = _TYPES.get(record.get("type") if isinstance(record, dict) else getattr(record, "type", None))
        if kind is not None:
            chosen.append(Indicator(kind, value, value))
        if len(chosen) == n:
            break
    if len(chosen) < n:
        raise SystemExit(f"the sandbox dataset has only {len(chosen)} known indicators; ask for --n {len(chosen)}")
    return chosen


def _engine_run(base_url: str, items: list[Indicator], scenario: Scenario) -> tuple[float, int]:
    options = EngineOptions(
        limits=RateLimits(per_second=scenario.rate), concurrency=scenario.concurrency, use_cache=False
    )
    with PulsediveClient(None, base_url=base_url) as client:
        engine = LookupEngine(client, options)
        started = time.perf_counter()
        results = asyncio.run(engine.run(items))
        elapsed = time.perf_counter() - started
    return elapsed, sum(r.status is Status.FOUND for r in results)


def _sequential_run(base_url: str, items: list[Indicator], rate: float) -> float:
    with PulsediveClient(None, base_url=base_url) as client:
        started = time.perf_counter()
        next_slot = started
        for item in items:
            now = time.perf_counter()
            if now < next_slot:
                time.sleep(next_slot - now)
            next_slot = max(now, next_slot) + 1.0 / rate
            answer = client.indicator(item.value)
            while answer.outcome is Outcome.RATE_LIMITED:  # even a simple loop must wait and retry
                time.sleep(1.0)
                answer = client.indicator(item.value)
            assert answer.outcome in (Outcome.OK, Outcome.NOT_FOUND), answer.message
        return time.perf_counter() - started


def measure(scenario: Scenario, *, sequential: bool) -> Measurement:
    config = SandboxConfig(latency=scenario.latency, per_second=scenario.rate * 1.05)
    with SandboxServer(config) as sandbox:
        items = _indicators(sandbox, scenario.n)
        engine_s, found = _engine_run(sandbox.base_url, items, scenario)
        throttled = sandbox.stats.throttled
        seq_s = None
        if sequential:
            time.sleep(1.1)
            sandbox.reset_quota()
            seq_s = _sequential_run(sandbox.base_url, items, scenario.rate)
    bound = max(scenario.n / scenario.rate, scenario.n * scenario.latency / scenario.concurrency)
    return Measurement(
        scenario.name,
        scenario.n,
        scenario.latency,
        scenario.rate,
        scenario.concurrency,
        bound,
        engine_s,
        engine_s / bound,
        seq_s,
        (seq_s / engine_s) if seq_s else None,
        found,
        throttled,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="indicators per scenario (default 200)")
    parser.add_argument("--no-sequential", action="store_true", help="skip the one-at-a-time comparison")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args(argv)
    scenarios = [
        Scenario("rate-bound", args.n, latency=0.10, rate=25.0, concurrency=4),
        Scenario("latency-bound", args.n, latency=0.30, rate=50.0, concurrency=8),
        Scenario("free account", min(args.n, 30), latency=0.15, rate=1.0, concurrency=4),
    ]
    results = [measure(s, sequential=not args.no_sequential) for s in scenarios]
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
        return 0
    print(f"iocdesk engine benchmark  {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC")
    print(
        f"machine: {platform.processor() or platform.machine()}, CPython {platform.python_version()}; sandbox on loopback"
    )
    print(
        f"{'scenario':<14} {'N':>4} {'L s':>5} {'R/s':>5} {'C':>3} {'bound s':>8} {'engine s':>9} {'ratio':>6} {'429s':>5} {'1-by-1 s':>9} {'speedup':>8}"
    )
    for r in results:
        seq = f"{r.sequential:9.2f}" if r.sequential else f"{'-':>9}"
        speed = f"{r.speedup_vs_sequential:7.1f}x" if r.speedup_vs_sequential else f"{'-':>8}"
        print(
            f"{r.scenario:<14} {r.n:>4} {r.latency:>5.2f} {r.rate:>5.0f} {r.concurrency:>3} {r.bound:>8.2f} {r.engine:>9.2f} {r.ratio:>5.3f}x {r.engine_429s:>5} {seq} {speed}"
        )
    print("goal: engine within 1.10x of the bound max(N/R, N*L/C)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
