"""SandboxConfig: every knob of the sandbox server, changeable while it runs.

Each attribute write takes the config's lock and is validated, so a test may
do ``sb.config.error_rate = 0.5`` mid-run; the server reads a consistent
:meth:`snapshot` once per request. ``seed`` is read only when a server is built.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, fields
from typing import Any

_RATES = ("error_rate", "timeout_rate", "reset_rate", "malformed_rate")
_NON_NEGATIVE = ("latency", "latency_jitter", "timeout_seconds")
_OPTIONAL_POSITIVE = ("per_second", "per_day", "per_month", "rate_limit_bursts")
# How the per-second quota counts (quota.py): a token bucket, a rolling 1 s window, or a
# window per whole second. The real server's kind is unknown, so a client must cope with all.
LIMITERS = ("bucket", "rolling", "fixed")


@dataclass
class SandboxConfig:
    seed: int = 1
    # every request waits latency + uniform(0, latency_jitter) seconds
    latency: float = 0.0
    latency_jitter: float = 0.0
    # quotas; None = unlimited (and no X-Requests-Remaining-* header for that period)
    per_second: float | None = None
    per_day: int | None = None
    per_month: int | None = None
    # how per_second counts: "bucket", "rolling" or "fixed" (see quota.py); a change restarts that count
    limiter: str = "bucket"
    # when set, a request without this exact `key` gets 401
    require_key: str | None = None
    # fault injection, probability per request (0..1)
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    reset_rate: float = 0.0
    malformed_rate: float = 0.0
    # every Nth quota-counted request answers 429 whatever the quota
    rate_limit_bursts: int | None = None
    # a scan answers "processing" this many polls, then its result
    scan_polls_until_done: int = 2
    # how long a "timeout" fault stalls before answering
    timeout_seconds: float = 30.0
    # PHP json_encode style "\/" (non-ASCII is always \uXXXX)
    escape_slashes: bool = True
    # the real API may omit X-Requests-Remaining-* on 429; True sends them anyway
    headers_on_429: bool = False
    # linked indicators per page (indicator, threat and feed get=links)
    links_page_size: int = 50
    # the most explore results the plan shows; a larger `limit` gets 429 (API.md §2.4, §4)
    explore_max_results: int = 1000
    # write one line per request to stderr (method, path with the key redacted, status)
    log_requests: bool = False
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def __setattr__(self, name: str, value: object) -> None:
        lock = self.__dict__.get("_lock")
        if lock is None or name == "_lock":
            object.__setattr__(self, name, _checked(name, value))
            return
        if name not in self.__dataclass_fields__:
            raise AttributeError(f"SandboxConfig has no setting {name!r}")
        with lock:
            object.__setattr__(self, name, _checked(name, value))

    def update(self, **changes: object) -> None:
        """Change several settings at once (atomically for readers of snapshot())."""
        with self._lock:
            for name, value in changes.items():
                setattr(self, name, value)

    def snapshot(self) -> SandboxConfig:
        """A consistent private copy (its own lock)."""
        with self._lock:
            values = {f.name: copy.copy(getattr(self, f.name)) for f in fields(self) if f.name != "_lock"}
        return SandboxConfig(**values)


def _checked(name: str, value: Any) -> object:
    # Any: a setting's value as given, of whatever type float()/int() accept
    if name in _RATES:
        if not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
        return float(value)
    if name in _NON_NEGATIVE:
        if float(value) < 0:
            raise ValueError(f"{name} must be >= 0, got {value!r}")
        return float(value)
    if name in _OPTIONAL_POSITIVE and value is not None and value <= 0:
        raise ValueError(f"{name} must be positive or None, got {value!r}")
    if name == "limiter" and value not in LIMITERS:
        raise ValueError(f"limiter must be one of {', '.join(LIMITERS)}, got {value!r}")
    if name == "scan_polls_until_done" and int(value) < 0:
        raise ValueError(f"scan_polls_until_done must be >= 0, got {value!r}")
    if name in ("links_page_size", "explore_max_results") and int(value) < 1:
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return value
