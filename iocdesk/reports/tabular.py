"""Results as JSON (the ``iocdesk analyze`` schema) and CSV.

One record per indicator with the fields analysts sort and filter on; the
JSON document also carries the run's summary and metadata. CSV is UTF-8 with
a BOM (so Excel opens it right) and formula-safe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from iocdesk.indicators.results import LookupResult, summarize
from iocdesk.indicators.untrusted import replace_surrogates
from iocdesk.platform.safe_files import EXPORT_MODE, Target, open_for_write, write_file
from iocdesk.reports.safety import spreadsheet_safe

RESULT_FIELDS = (
    "indicator", "type", "status", "risk", "risk_recommended", "iid", "threats", "feeds",
    "riskfactors", "country", "asn", "org", "first_seen", "last_seen", "url", "error",
    "defanged", "source", "scan", "from_cache",
    "host", "host_status", "host_risk", "host_threats", "verdict_risk", "derived_from",
)  # fmt: skip


def result_record(result: LookupResult) -> dict[str, Any]:
    """One result's fields. ``host*`` describe the host of a URL or e-mail address (its own result
    in the run); ``verdict_risk`` is the worse of ``risk`` and ``host_risk``; ``derived_from``
    lists, for a host, the URLs and addresses of the run it was found in."""
    intel = result.intel
    host = result.host_result
    host_intel = host.intel if host is not None else None
    return {
        "indicator": result.indicator,
        "type": str(result.type),
        "status": str(result.status),
        "risk": str(intel.risk) if intel and intel.risk else None,
        "risk_recommended": str(intel.risk_recommended) if intel and intel.risk_recommended else None,
        "iid": intel.iid if intel else None,
        "threats": [t.name for t in intel.threats] if intel else [],
        "feeds": [f.name for f in intel.feeds] if intel else [],
        "riskfactors": [r.description for r in intel.riskfactors] if intel else [],
        "country": intel.country if intel else None,
        "asn": intel.asn if intel else None,
        "org": intel.org if intel else None,
        "first_seen": intel.added if intel else None,
        "last_seen": intel.seen if intel else None,
        "url": intel.web_url if intel else None,
        "error": result.error,
        "defanged": result.defanged,
        "source": result.source,
        "scan": result.scan,
        "from_cache": result.from_cache,
        "host": host.indicator if host is not None else None,
        "host_status": str(host.status) if host is not None else None,
        "host_risk": str(host.risk) if host is not None and host.risk else None,
        "host_threats": [t.name for t in host_intel.threats] if host_intel else [],
        "verdict_risk": str(result.verdict_risk) if result.verdict_risk else None,
        "derived_from": list(result.derived_from),
    }


def results_document(results: list[LookupResult], run: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "run": dict(run or {}),
        "summary": summarize(results),
        "results": [result_record(r) for r in results],
    }


# A lone surrogate (half a character, e.g. from Pulsedive intel) cannot be encoded as UTF-8: a
# single one would fail the whole export. In a CSV cell "backslashreplace" writes it as the
# visible escape \udXXX ``reveal`` shows elsewhere. In JSON that escape would be a lone-surrogate
# escape, which strict readers refuse (RFC 8259 leaves it undefined): JSON gets U+FFFD instead.
_UNENCODABLE = "backslashreplace"


# ``target``: a path the analyst chose may replace their own file; an inbox output never replaces
# anything. Neither is ever written through a link (``platform.safe_files``).
def write_json(path: str | Path, document: Mapping[str, Any], *, target: Target = Target.CHOSEN) -> None:
    text = replace_surrogates(json.dumps(document, ensure_ascii=False, indent=2))
    write_file(path, (text + "\n").encode("utf-8"), target=target, mode=EXPORT_MODE)


def write_csv(path: str | Path, results: Iterable[LookupResult], *, target: Target = Target.CHOSEN) -> None:
    with (
        open_for_write(path, target=target, mode=EXPORT_MODE) as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", errors=_UNENCODABLE, newline="") as out,
    ):
        writer = csv.writer(out)
        writer.writerow(RESULT_FIELDS)
        for result in results:
            record = result_record(result)
            writer.writerow(spreadsheet_safe(_cell(record[name])) for name in RESULT_FIELDS)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if value is None:
        return ""
    return value
