"""Thread-safe counters of what the sandbox was asked and what it did.

Every property returns a copy, so tests may read while requests run. Keys of
``lookups`` are normalised values (see ``SandboxServer.lookup_count``). The API
key is never recorded.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, TypedDict


class ScanRecord(TypedDict):
    """One submitted scan, as :attr:`Stats.scans` lists it."""

    value: str
    probe: bool
    submit: bool
    qid: int


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests = 0
            self._by_path: Counter[str] = Counter()  # "info.php", "analyze.php", ...
            self._by_kind: Counter[str] = Counter()  # "indicator", "iid", "links", "threat", "scan_submit", ...
            self._by_status: Counter[int | str] = Counter()  # HTTP status, or "reset" for a dropped connection
            self._faults: Counter[str] = Counter()  # reset, timeout, error, malformed, burst
            self._rate_limited: Counter[str] = Counter()  # second, day, month (quota refusals)
            self._lookup_attempts: Counter[str] = Counter()  # every indicator request, by value
            self._lookups: Counter[str] = Counter()  # indicator requests that got a real answer (200/404)
            # (value, outcome): what each indicator request ended as, from the client's point of view:
            # "200", "404", "401", "429", "burst", "error", "malformed", "reset", "timeout"
            self._lookup_outcomes: Counter[tuple[str, str]] = Counter()
            self._scans: list[ScanRecord] = []
            self._polls: Counter[str] = Counter()  # qid -> polls
            self._unauthorized = 0

    def _add(self, counter: str, key: object, n: int = 1) -> None:
        with self._lock:
            getattr(self, counter)[key] += n

    # -- recording (server side) -------------------------------------------------
    def request(self, path: str, kind: str) -> None:
        with self._lock:
            self._requests += 1
            self._by_path[path] += 1
            self._by_kind[kind] += 1

    def status(self, code: int | str) -> None:
        self._add("_by_status", code)

    def fault(self, name: str) -> None:
        self._add("_faults", name)

    def rate_limit(self, period: str) -> None:
        self._add("_rate_limited", period)

    def lookup_attempt(self, key: str) -> None:
        self._add("_lookup_attempts", key)

    def lookup(self, key: str) -> None:
        self._add("_lookups", key)

    def lookup_outcome(self, key: str, outcome: str) -> None:
        self._add("_lookup_outcomes", (key, outcome))

    def scan(self, value: str, probe: bool, submit: bool, qid: int) -> None:
        with self._lock:
            self._scans.append({"value": value, "probe": probe, "submit": submit, "qid": qid})

    def poll(self, qid: str) -> None:
        self._add("_polls", qid)

    def unauthorized(self) -> None:
        with self._lock:
            self._unauthorized += 1

    # -- reading (tests) --------------------------------------------------------------
    @property
    def requests(self) -> int:
        """all requests"""
        with self._lock:
            return self._requests

    @property
    def by_path(self) -> dict[str, int]:
        with self._lock:
            return dict(self._by_path)

    @property
    def by_kind(self) -> dict[str, int]:
        with self._lock:
            return dict(self._by_kind)

    @property
    def by_status(self) -> dict[int | str, int]:
        with self._lock:
            return dict(self._by_status)

    @property
    def faults(self) -> dict[str, int]:
        with self._lock:
            return dict(self._faults)

    @property
    def rate_limited(self) -> dict[str, int]:
        with self._lock:
            return dict(self._rate_limited)

    @property
    def lookup_attempts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._lookup_attempts)

    @property
    def lookups(self) -> dict[str, int]:
        with self._lock:
            return dict(self._lookups)

    @property
    def lookup_outcomes(self) -> dict[tuple[str, str], int]:
        """(value, outcome) -> requests"""
        with self._lock:
            return dict(self._lookup_outcomes)

    @property
    def scans(self) -> list[ScanRecord]:
        """submitted scans, in order: value/probe/submit/qid"""
        with self._lock:
            return list(self._scans)

    @property
    def polls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._polls)

    @property
    def unauthorized_count(self) -> int:
        with self._lock:
            return self._unauthorized

    @property
    def active_scans(self) -> int:
        """Scans sent with probe=1 (tests assert none are sent unless asked)."""
        with self._lock:
            return sum(1 for s in self._scans if s["probe"])

    @property
    def throttled(self) -> int:
        """All 429 answers: quota refusals and injected bursts."""
        with self._lock:
            return sum(self._rate_limited.values()) + self._faults["burst"]

    def snapshot(self) -> dict[str, Any]:
        names = (
            "requests",
            "by_path",
            "by_kind",
            "by_status",
            "faults",
            "rate_limited",
            "lookup_attempts",
            "lookups",
            "scans",
            "polls",
        )
        out = {name: getattr(self, name) for name in names}
        out.update(unauthorized=self.unauthorized_count, active_scans=self.active_scans, throttled=self.throttled)
        return out
