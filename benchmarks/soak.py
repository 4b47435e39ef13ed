"""Fault soak: thousands of IOCs through the real engine against a faulty sandbox.

The sandbox answers with server errors, stalls past the client's timeout,
drops connections, sends broken JSON and throws 429 bursts; the engine runs
with its cache and history on disk. Afterwards every invariant the analyst
relies on is checked against what the sandbox saw (``Soak.check``):

* every IOC ends in a definite status, and the counts add up;
* a known IOC is never reported "not found", an unknown one never "found";
* per IOC, no request beyond the retry policy, and the engine's own attempt
  count equals the requests the server received;
* no duplicate lookups: an IOC gets at most one clean answer, and exactly one
  when it ends as an answer;
* the cache holds every answer and no error; history holds every result;
* memory stays flat: resident memory after the first tenth of the run grows
  by less than ``Profile.rss_budget_mb``.

``tests/hardening/test_soak.py`` runs a CI profile through the engine and
through the window's RunController and results model;

    .venv/bin/python -m benchmarks.soak                 # the full profile: 5,000 IOCs
    .venv/bin/python -m benchmarks.soak --iocs 20000 --json

prints the figures recorded in docs/reliability.md and exits 1 on a violation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from iocdesk.extraction.extract import extract
from iocdesk.indicators.results import LookupResult, Status
from iocdesk.indicators.types import Indicator
from iocdesk.lookup.engine import EngineOptions, LookupEngine, Progress
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer
from iocdesk.pulsedive.sandbox.values import lookup_key
from iocdesk.store import History, LookupCache, RunMeta, account_fingerprint

CLEAN = ("200", "404")  # outcomes that are an answer the client received
THROTTLED = ("429", "burst")


@dataclass(frozen=True)
class Profile:
    iocs: int = 5000
    error_rate: float = 0.10
    timeout_rate: float = 0.05
    reset_rate: float = 0.02
    malformed_rate: float = 0.02
    burst_every: int = 40  # every Nth counted request answers 429
    per_second: float | None = None  # the sandbox's own quota (a second source of 429s)
    concurrency: int = 8
    max_attempts: int = 4
    # The client's; the sandbox stalls longer (stall_seconds). At 0.25 s a busy test process (a GC
    # pause, two cores shared) sometimes gave up on a plain answer the server had already sent: the
    # retry made a second clean answer for one IOC, which the check rightly counts as a duplicate.
    # 0.4 s still did once in a full suite run beside other jobs: 0.8 s, with stalls of 1.2 s.
    read_timeout: float = 0.8
    stall_seconds: float = 1.2
    seed: int = 11
    rss_budget_mb: float = 40.0


@dataclass
class SoakReport:
    iocs: int
    seconds: float
    statuses: dict[str, int]
    requests: int
    faults: dict[str, int]
    throttled: int
    retries: int  # requests beyond the first per IOC, throttled ones included
    cache_entries: int
    history_results: int
    rss_start_mb: float
    rss_growth_mb: float
    violations: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        faults = ", ".join(f"{n} {k}" for k, n in sorted(self.faults.items()))
        statuses = ", ".join(f"{n} {k}" for k, n in sorted(self.statuses.items()))
        return [
            f"{self.iocs} IOCs in {self.seconds:.1f} s: {statuses}",
            (
                f"{self.requests} requests, {self.retries} retries; faults injected: {faults}; "
                f"{self.throttled} answered 429"
            ),
            (
                f"cache {self.cache_entries} answers, history {self.history_results} results; "
                f"RSS {self.rss_start_mb:.0f} MB after the first tenth, +{self.rss_growth_mb:.1f} MB by the end"
            ),
            "invariants: all hold" if not self.violations else f"VIOLATIONS ({len(self.violations)}):",
            *(f"  - {v}" for v in self.violations[:20]),
        ]


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


class MemorySampler:
    """An EngineListener that notes RSS once a tenth of the run is done, and its peak after."""

    def __init__(self, total: int) -> None:
        self.mark = max(1, total // 10)
        self.start: float | None = None
        self.peak = 0.0
        self._sampled = 0

    def result(self, index: int, result: LookupResult) -> None:
        pass

    def progress(self, progress: Progress) -> None:
        early = progress.done < self.mark
        sampled_lately = progress.done - self._sampled < 50 and progress.done < progress.total
        if early or sampled_lately:
            return
        self._sampled = progress.done
        now = rss_mb()
        if self.start is None:
            self.start = now
        self.peak = max(self.peak, now)


class Soak:
    """A faulty sandbox, a cache and a history in ``workdir``; ``engine()`` and ``items`` to run; ``check()``."""

    def __init__(self, profile: Profile, workdir: Path) -> None:
        self.profile = profile
        self.workdir = Path(workdir)
        self.server = SandboxServer(
            SandboxConfig(
                seed=profile.seed,
                error_rate=profile.error_rate,
                timeout_rate=profile.timeout_rate,
                reset_rate=profile.reset_rate,
                malformed_rate=profile.malformed_rate,
                rate_limit_bursts=profile.burst_every,
                per_second=profile.per_second,
                timeout_seconds=profile.stall_seconds,
            )
        )
        self.sampler = MemorySampler(profile.iocs)
        self.started = 0.0

    def __enter__(self) -> Soak:
        self.server.start()
        self.cache = LookupCache(self.workdir / "cache.sqlite3")
        self.cache.set_scope(account_fingerprint(None), self.server.base_url)
        self.history = History(self.workdir / "history.sqlite3")
        self.items = self._items()
        self.known = {i.value for i in self.items[: self._known_count]}
        self.run_id = self.history.start_run(RunMeta(sources=["soak"], total=len(self.items)))
        self.history.add_items(self.run_id, self.items)
        self.client = PulsediveClient(None, base_url=self.server.base_url, timeout=(2.0, self.profile.read_timeout))
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.history.close()
        self.cache.close()
        self.server.stop()

    def _items(self) -> list[Indicator]:
        """Every indicator the sandbox knows (domains, IPs, URLs) plus made-up domains it does not."""
        known = [i for i in extract("\n".join(self.server.dataset.known_values())) if i.lookup_by_default]
        known = known[: self.profile.iocs]
        self._known_count = len(known)
        made_up = "\n".join(f"beacon{n}.soak{n % 97}-relay.com" for n in range(self.profile.iocs - len(known)))
        items = known + extract(made_up)
        assert len(items) == self.profile.iocs, "the soak corpus must have exactly `iocs` indicators"
        return items

    def engine(self) -> LookupEngine:
        options = EngineOptions(
            limits=RateLimits(per_second=None),
            concurrency=self.profile.concurrency,
            max_attempts=self.profile.max_attempts,
            backoff_base=0.01,
            backoff_cap=0.05,
        )
        self.started = time.monotonic()
        return LookupEngine(
            self.client, options, cache=self.cache, history=self.history, run_id=self.run_id, listener=self.sampler
        )

    def check(self, results: list[LookupResult]) -> SoakReport:
        seconds = time.monotonic() - self.started
        p, stats = self.profile, self.server.stats
        outcomes: dict[str, Counter] = {}
        for (value, outcome), n in stats.lookup_outcomes.items():
            outcomes.setdefault(value, Counter())[outcome] += n
        violations: list[str] = []

        def bad(message: str) -> None:
            violations.append(message)

        statuses = Counter(str(r.status) for r in results)
        if len(results) != p.iocs or sum(statuses.values()) != p.iocs:
            bad(f"{len(results)} results for {p.iocs} IOCs")
        answers = (Status.FOUND, Status.NOT_FOUND)
        # Requests are counted as they arrive; outcomes of stalled ones only once the stall ends.
        attempts = stats.lookup_attempts
        for r in results:
            key = lookup_key(r.indicator)[1]
            seen, sent = outcomes.get(key, Counter()), attempts.get(key, 0)
            clean = sum(seen[o] for o in CLEAN)
            throttled = sum(seen[o] for o in THROTTLED)
            if r.status not in (*answers, Status.ERROR):
                bad(f"{r.indicator}: ended {r.status}")
            elif r.status is Status.ERROR and not r.error:
                bad(f"{r.indicator}: an error without a message")
            if r.status is Status.FOUND and r.indicator not in self.known:
                bad(f"{r.indicator}: found, but the sandbox does not know it")
            if r.status is Status.NOT_FOUND and r.indicator in self.known:
                bad(f"{r.indicator}: not found, but the sandbox knows it")
            if clean != (1 if r.status in answers else 0):
                bad(f"{r.indicator}: {clean} clean answers for a {r.status} result")
            if sent - throttled > p.max_attempts or throttled > EngineOptions().max_rate_limited_waits + 1:
                bad(f"{r.indicator}: requests beyond the retry policy: {sent} sent, {dict(seen)}")
            if r.attempts != sent:
                bad(f"{r.indicator}: the engine counted {r.attempts} attempts, the server saw {sent}")
            if r.status is Status.ERROR and self.cache.get(str(r.type), r.indicator) is not None:
                bad(f"{r.indicator}: an error is in the cache")
        cache_entries = self.cache.stats().entries
        answered = statuses[str(Status.FOUND)] + statuses[str(Status.NOT_FOUND)]
        if cache_entries != answered:
            bad(f"the cache holds {cache_entries} entries for {answered} answers")
        _, saved = self.history.load_run(self.run_id)
        if [(s.indicator, s.status) for s in saved] != [(r.indicator, r.status) for r in results]:
            bad("history differs from the results")
        start = self.sampler.start or rss_mb()
        growth = max(0.0, self.sampler.peak - start)
        if growth > p.rss_budget_mb:
            bad(f"memory grew by {growth:.1f} MB after the first tenth (budget {p.rss_budget_mb} MB)")
        requests = sum(attempts.values())
        return SoakReport(
            iocs=p.iocs,
            seconds=seconds,
            statuses=dict(statuses),
            requests=requests,
            faults=stats.faults,
            throttled=stats.throttled,
            retries=requests - p.iocs,
            cache_entries=cache_entries,
            history_results=len(saved),
            rss_start_mb=start,
            rss_growth_mb=growth,
            violations=violations,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--iocs", type=int, default=Profile.iocs)
    parser.add_argument("--seed", type=int, default=Profile.seed)
    parser.add_argument("--concurrency", type=int, default=Profile.concurrency)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    profile = Profile(iocs=args.iocs, seed=args.seed, concurrency=args.concurrency)
    with tempfile.TemporaryDirectory(prefix="iocdesk-soak-") as tmp, Soak(profile, Path(tmp)) as soak:
        results = asyncio.run(soak.engine().run(soak.items))
        report = soak.check(results)
    print(json.dumps(asdict(report), indent=2) if args.json else "\n".join(report.lines()))
    return 1 if report.violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
