"""What every export starts from: one run's results plus what a reader needs to know first.

The GUI and ``iocdesk analyze`` build a ``Report`` the same way, so the Excel
workbook, the e-mail draft, the STIX bundle and the chat messages say the
same thing whichever face produced them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from iocdesk.indicators.results import LookupResult, Risk, Status, summarize

PULSEDIVE_LINK = "https://pulsedive.com/indicator/?iid={iid}"
# Risks a summary leads with, most severe first.
RISK_ORDER = (Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.NONE, Risk.UNKNOWN, Risk.RETIRED)
NOTABLE_RISKS = frozenset({Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM})
DEFAULT_SUBJECT = "[iocdesk] {headline}"


def pulsedive_iid(result: LookupResult) -> int | None:
    """The result's Pulsedive id when it is a real one (a positive int)."""
    iid = result.intel.iid if result.intel else None
    if isinstance(iid, int) and not isinstance(iid, bool) and iid > 0:
        return iid
    return None


def pulsedive_link(result: LookupResult) -> str | None:
    """The Pulsedive page of a result, built from its numeric iid only (never a URL from data)."""
    iid = pulsedive_iid(result)
    return PULSEDIVE_LINK.format(iid=iid) if iid is not None else None


@dataclass(slots=True)
class Report:
    results: list[LookupResult]
    run_id: int | None = None
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    sources: list[str] = field(default_factory=list)
    scan: str = "off"
    api_url: str | None = None
    title: str = "IOC triage"

    @property
    def summary(self) -> dict[str, dict[str, int]]:
        return summarize(self.results)

    def risk_counts(self) -> list[tuple[Risk, int]]:
        """(risk, count) for the risks present, most severe first; each result counts with the
        worse of its own risk and its host's (``LookupResult.verdict_risk``)."""
        counts = Counter(r.verdict_risk for r in self.results if r.verdict_risk is not None)
        return [(risk, counts[risk]) for risk in RISK_ORDER if counts[risk]]

    def notable(self) -> list[LookupResult]:
        """The results that matter: critical, high, medium (their own or their host's), and scans;
        most severe first."""
        chosen = [r for r in self.results if (r.verdict_risk in NOTABLE_RISKS) or r.status is Status.SCANNED]
        return sorted(chosen, key=lambda r: (-(r.verdict_risk.severity if r.verdict_risk else -1), r.indicator))

    def headline(self) -> str:
        """ "3 high, 5 medium of 40 IOCs" (or "nothing notable in 40 IOCs"), and "(17 not looked up
        yet)" when the quota ran out first: "nothing notable" must not cover what was never asked."""
        parts = [f"{n} {risk}" for risk, n in self.risk_counts() if risk in NOTABLE_RISKS]
        total = len(self.results)
        noun = "IOC" if total == 1 else "IOCs"
        line = f"{', '.join(parts)} of {total} {noun}" if parts else f"nothing notable in {total} {noun}"
        if waiting := self.not_looked_up():
            line += f" ({waiting} not looked up yet)"
        return line

    def not_looked_up(self) -> int:
        """Results the run ended without (the quota ran out): pending, resumable."""
        return sum(r.status is Status.PENDING for r in self.results)

    def subject(self, template: str = DEFAULT_SUBJECT) -> str:
        """The e-mail/chat title from a template with {headline}, {total}, {run_id}, {date}, {title}."""
        values = {
            "headline": self.headline(),
            "total": len(self.results),
            "run_id": self.run_id if self.run_id is not None else "",
            "date": self.created[:10],
            "title": self.title,
        }
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return DEFAULT_SUBJECT.format(**values)
