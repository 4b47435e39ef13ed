"""Lookup results: what Pulsedive said about an indicator, and how its lookup ended.

Plain dataclasses shared by the Pulsedive parser (which fills ``Intel``), the
engine (which produces ``LookupResult``), the store, the CLI and later the GUI
and exporters. Nothing here talks to the network or to Qt.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from iocdesk.indicators.types import IndicatorType


class Status(StrEnum):
    """How the lookup of one indicator ended (``pending`` while it has not)."""

    PENDING = "pending"
    FOUND = "found"  # Pulsedive knows it
    NOT_FOUND = "not_found"  # Pulsedive does not, and no scan found anything
    SCANNED = "scanned"  # unknown to Pulsedive; a scan we asked for produced the verdict
    UNSUPPORTED = "unsupported"  # a type Pulsedive does not look up (hashes, e-mails, CVEs...)
    SKIPPED = "skipped"  # private/reserved (policy), or cancelled before it was looked up
    ERROR = "error"  # retries exhausted, key rejected, malformed answer...


FINAL_STATUSES = frozenset(s for s in Status if s is not Status.PENDING)
# Outcomes worth caching: what Pulsedive said, never a failure to ask.
CACHEABLE_STATUSES = frozenset({Status.FOUND, Status.NOT_FOUND, Status.SCANNED})


class Risk(StrEnum):
    """Every risk level Pulsedive uses (integrations crashed on the ones they forgot)."""

    NONE = "none"
    UNKNOWN = "unknown"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
    RETIRED = "retired"

    @classmethod
    def parse(cls, value: object) -> Risk | None:
        """``"High"``, ``"high:retired"`` (CSV exports), ``None``... -> a Risk or None."""
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip().lower().split(":", 1)[0]
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN

    @property
    def severity(self) -> int:
        """Sort key: critical first when sorted descending; retired and unknown lowest."""
        return _SEVERITY[self]


_SEVERITY = {
    Risk.CRITICAL: 6,
    Risk.HIGH: 5,
    Risk.MEDIUM: 4,
    Risk.LOW: 3,
    Risk.NONE: 2,
    Risk.UNKNOWN: 1,
    Risk.RETIRED: 0,
}

# Pulsedive's own type names for the indicator types it looks up.
PULSEDIVE_TYPES: dict[IndicatorType, str] = {
    IndicatorType.IPV4: "ip",
    IndicatorType.IPV6: "ipv6",
    IndicatorType.DOMAIN: "domain",
    IndicatorType.URL: "url",
}


@dataclass(frozen=True, slots=True)
class Threat:
    tid: int | None
    name: str
    category: str | None = None
    risk: Risk | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    fid: int | None
    name: str
    category: str | None = None
    organization: str | None = None


@dataclass(frozen=True, slots=True)
class RiskFactor:
    rfid: int | None
    description: str
    risk: Risk | None = None


@dataclass(slots=True)
class Intel:
    """One Pulsedive indicator record, parsed defensively (every field optional).

    ``properties`` keeps every group Pulsedive sent, keys lower-cased, values
    always lists of strings; the named fields below are the ones analysts read
    first. ``raw`` is the JSON object as received.
    """

    iid: int | None = None
    indicator: str | None = None
    pulsedive_type: str | None = None
    risk: Risk | None = None
    risk_recommended: Risk | None = None
    manual_risk: bool = False
    retired: str | None = None  # the reason, when retired
    riskfactors: list[RiskFactor] = field(default_factory=list)
    threats: list[Threat] = field(default_factory=list)
    feeds: list[Feed] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)  # port, protocol, technology, hosttype
    properties: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    country: str | None = None
    region: str | None = None
    city: str | None = None
    org: str | None = None
    asn: str | None = None
    registrar: str | None = None
    created: str | None = None  # WHOIS creation date as Pulsedive wrote it
    added: str | None = None  # "YYYY-MM-DD HH:MM:SS" as Pulsedive wrote it (UTC assumed)
    updated: str | None = None
    seen: str | None = None
    probed: str | None = None
    web_url: str | None = None  # https://pulsedive.com/indicator/?iid=...
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class LookupResult:
    """The state of one indicator in a run; updated in place as the lookup proceeds."""

    indicator: str  # canonical value (see iocdesk.indicators.types.Indicator.value)
    type: IndicatorType
    status: Status = Status.PENDING
    intel: Intel | None = None
    error: str | None = None  # human-readable reason for ERROR/SKIPPED; never holds a secret
    defanged: bool = False
    scan: str | None = None  # "passive" / "active" when a scan produced or was tried for the verdict
    from_cache: bool = False
    attempts: int = 0
    source: str | None = None  # where it was first seen ("report.xlsx, Sheet1, row 4, column B")
    # A host found only inside URLs or e-mail addresses of the run (looked up per HostPolicy).
    derived_only: bool = False
    # Links within one run, set by ``iocdesk.indicators.host_links.link_hosts``: the result of
    # a URL's or address's host, and for a host the URLs and addresses it was found in.
    host_result: LookupResult | None = field(default=None, repr=False, compare=False)
    derived_from: list[str] = field(default_factory=list, repr=False, compare=False)

    @property
    def risk(self) -> Risk | None:
        return self.intel.risk if self.intel else None

    @property
    def verdict_risk(self) -> Risk | None:
        """The worse of its own risk and its host's: a URL Pulsedive has never seen on a
        high-risk domain reads as high, never as clean."""
        own = self.risk
        host = self.host_result.risk if self.host_result is not None else None
        if host is None or (own is not None and own.severity >= host.severity):
            return own
        return host

    @property
    def done(self) -> bool:
        return self.status is not Status.PENDING


def summarize(results: list[LookupResult]) -> dict[str, dict[str, int]]:
    """Counts by status, risk (the worse of a result's own and its host's) and type."""
    by_risk: Counter[str] = Counter()
    for result in results:
        risk = result.verdict_risk  # a URL counts with its host's risk when that is worse
        if risk is not None:
            by_risk[str(risk)] += 1
    return {
        "status": dict(Counter(str(r.status) for r in results)),
        "risk": dict(by_risk),
        "type": dict(Counter(str(r.type) for r in results)),
    }
