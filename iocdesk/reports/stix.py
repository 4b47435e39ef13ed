"""A run as a STIX 2.1 bundle, for MISP, OpenCTI and other threat-intel platforms.

Standard library only (the OASIS ``stix2`` library validates the output in the
tests, it is not needed to write it).

What goes in:

* one ``identity`` (class ``system``) for iocdesk, the ``created_by_ref`` of
  every other object;
* one ``indicator`` per result **with a Pulsedive verdict**: status ``found``
  or ``scanned`` and a risk. Results Pulsedive did not know, could not look up
  (hashes, e-mails...), skipped or failed are left out: an indicator object
  with no verdict would tell the receiving platform nothing, and "benign"
  would be a claim nobody made. Types without a STIX pattern (CVE) are left
  out too;
* each threat Pulsedive links to an indicator, once per bundle, as
  ``malware`` (categories malware, botnet, exploitkit, ransomware),
  ``intrusion-set`` (apt), ``threat-actor`` (group, crime, terrorism) or
  ``infrastructure`` (everything else: phishing, spam, proxy, abuse...), with a
  ``relationship`` "indicator indicates threat";
* risk factors, feeds and threats in the indicator's ``description``, with the
  verdict of a URL's host, and for a host the URLs and addresses it was found in; the
  Pulsedive page (built from the iid only, never from a URL in the data) as an
  ``external_reference``.

Ids are deterministic: uuid5 over :data:`NAMESPACE` and the object's type and
value (``indicator:ipv4:1.2.3.4``, ``malware:emotet``), so exporting the same
indicator twice yields the same id and MISP/OpenCTI update instead of
duplicating. ``created``/``modified`` are the run's time; the bundle id is
random (a bundle is a message, not an object).

Risk -> ``indicator_types`` / ``confidence`` (how sure Pulsedive's verdict makes us):
critical: malicious-activity/90, high: malicious-activity/75,
medium: anomalous-activity/50, low: anomalous-activity/30, none: benign/20,
unknown and retired: unknown (no confidence). Labels: ``pulsedive-risk:<risk>``,
plus ``pulsedive-scanned`` for scan verdicts.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from iocdesk.indicators.host_links import verdict_text
from iocdesk.indicators.results import LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.indicators.untrusted import replace_surrogates
from iocdesk.platform.safe_files import EXPORT_MODE, Target, write_file
from iocdesk.reports.report import Report

__all__ = ["NAMESPACE", "build_bundle", "escape_pattern_value", "pattern_for", "write_bundle"]

# iocdesk's namespace for uuid5 ids (fixed forever: changing it breaks dedupe downstream).
NAMESPACE = uuid.UUID("6f1c1c9e-2b7a-5d0e-9a43-0c7d3b1e5a42")
SPEC_VERSION = "2.1"
PULSEDIVE_INDICATOR_URL = "https://pulsedive.com/indicator/?iid={iid}"
EXPORTED_STATUSES = frozenset({Status.FOUND, Status.SCANNED})

_INDICATOR_TYPES: dict[Risk, tuple[str, int | None]] = {
    Risk.CRITICAL: ("malicious-activity", 90),
    Risk.HIGH: ("malicious-activity", 75),
    Risk.MEDIUM: ("anomalous-activity", 50),
    Risk.LOW: ("anomalous-activity", 30),
    Risk.NONE: ("benign", 20),
    Risk.UNKNOWN: ("unknown", None),
    Risk.RETIRED: ("unknown", None),
}

_THREAT_TYPES: dict[str, str] = {
    "malware": "malware",
    "botnet": "malware",
    "exploitkit": "malware",
    "exploit kit": "malware",
    "ransomware": "malware",
    "apt": "intrusion-set",
    "group": "threat-actor",
    "crime": "threat-actor",
    "terrorism": "threat-actor",
}
_HASH_NAMES = {
    IndicatorType.MD5: "MD5",
    IndicatorType.SHA1: "'SHA-1'",
    IndicatorType.SHA256: "'SHA-256'",
    IndicatorType.SHA512: "'SHA-512'",
}
_SIMPLE_PATTERNS = {
    IndicatorType.IPV4: "ipv4-addr:value = ",
    IndicatorType.IPV6: "ipv6-addr:value = ",
    IndicatorType.IPV4_CIDR: "ipv4-addr:value ISSUBSET ",
    IndicatorType.IPV6_CIDR: "ipv6-addr:value ISSUBSET ",
    IndicatorType.DOMAIN: "domain-name:value = ",
    IndicatorType.URL: "url:value = ",
    IndicatorType.EMAIL: "email-addr:value = ",
}
_DIGITS = re.compile(r"\d{1,10}")
_MAX_DESCRIPTION_ITEMS = 25


def escape_pattern_value(value: str) -> str:
    """A STIX pattern string literal's content: backslash and single quote escaped (in that order)."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def pattern_for(value: str, kind: IndicatorType | str) -> str | None:
    """The STIX pattern matching ``value``, or None for types STIX cannot express here (CVE)."""
    kind = IndicatorType(kind)
    literal = f"'{escape_pattern_value(value)}'"
    if kind in _SIMPLE_PATTERNS:
        return f"[{_SIMPLE_PATTERNS[kind]}{literal}]"
    if kind in _HASH_NAMES:
        return f"[file:hashes.{_HASH_NAMES[kind]} = {literal}]"
    if kind is IndicatorType.ASN:
        digits = _DIGITS.search(value)
        return f"[autonomous-system:number = {int(digits.group())}]" if digits else None
    return None


def _stix_id(stix_type: str, *parts: str) -> str:
    # uuid5 hashes the name as UTF-8: a lone surrogate (a JSON input's "\ud800" escape can put
    # one in a URL) is hashed as its \udXXX escape instead of failing the export. Same ids otherwise.
    name = ":".join((stix_type, *parts)).encode("utf-8", "backslashreplace").decode("utf-8")
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, name)}"


def _timestamp(value: datetime) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _parse_time(text: str | None) -> datetime | None:
    """ISO 8601 or Pulsedive's "YYYY-MM-DD HH:MM:SS" (UTC assumed) -> aware datetime."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _threat_type(category: str | None) -> str:
    return _THREAT_TYPES.get((category or "").strip().lower(), "infrastructure")


def _description(result: LookupResult) -> str:
    intel = result.intel
    assert intel is not None
    lines = [f"Pulsedive risk: {result.risk}" + (" (from a scan)" if result.status is Status.SCANNED else "")]
    if intel.retired:
        lines.append(f"Retired: {intel.retired}")
    for label, items in (
        ("Risk factors", [f.description + (f" ({f.risk})" if f.risk else "") for f in intel.riskfactors]),
        ("Threats", [t.name for t in intel.threats if t.name]),
        ("Feeds", [f.name + (f" ({f.organization})" if f.organization else "") for f in intel.feeds]),
    ):
        if items:
            shown = items[:_MAX_DESCRIPTION_ITEMS]
            more = f" and {len(items) - len(shown)} more" if len(items) > len(shown) else ""
            lines.append(f"{label}: " + "; ".join(shown) + more)
    # The host's verdict next to a URL's or address's own, and for a host where it was found
    # (the URLs themselves are left out of the bundle when Pulsedive had no verdict on them).
    host = result.host_result
    if host is not None:
        lines.append(f"Host {host.indicator}: {'risk ' if host.risk else ''}{verdict_text(host)}")
    if result.derived_from:
        shown = result.derived_from[:_MAX_DESCRIPTION_ITEMS]
        more = f" and {len(result.derived_from) - len(shown)} more" if len(result.derived_from) > len(shown) else ""
        lines.append("Host of: " + "; ".join(shown) + more)
    return "\n".join(lines)


def _common(stix_type: str, object_id: str, stamp: str, identity_id: str) -> dict[str, Any]:
    return {
        "type": stix_type,
        "spec_version": SPEC_VERSION,
        "id": object_id,
        "created": stamp,
        "modified": stamp,
        "created_by_ref": identity_id,
    }


def _indicator(result: LookupResult, pattern: str, stamp: str, run_time: datetime, identity_id: str) -> dict[str, Any]:
    intel = result.intel
    assert intel is not None and result.risk is not None
    indicator_type, confidence = _INDICATOR_TYPES[result.risk]
    obj = _common("indicator", _stix_id("indicator", str(result.type), result.indicator), stamp, identity_id)
    valid_from = _parse_time(intel.added) or run_time
    labels = [f"pulsedive-risk:{result.risk}"]
    if result.status is Status.SCANNED:
        labels.append("pulsedive-scanned")
    obj.update(
        name=result.indicator,
        description=_description(result),
        indicator_types=[indicator_type],
        pattern=pattern,
        pattern_type="stix",
        pattern_version=SPEC_VERSION,
        valid_from=_timestamp(valid_from),
        labels=labels,
    )
    if confidence is not None:
        obj["confidence"] = confidence
    if isinstance(intel.iid, int) and not isinstance(intel.iid, bool) and intel.iid > 0:
        obj["external_references"] = [
            {
                "source_name": "Pulsedive",
                "url": PULSEDIVE_INDICATOR_URL.format(iid=intel.iid),
                "external_id": str(intel.iid),
            }
        ]
    return obj


def _threat_object(name: str, category: str | None, stamp: str, identity_id: str) -> dict[str, Any]:
    stix_type = _threat_type(category)
    obj = _common(stix_type, _stix_id(stix_type, name.strip().lower()), stamp, identity_id)
    obj["name"] = name
    if category:
        obj["labels"] = [f"pulsedive-category:{category.strip().lower()}"]
    if stix_type == "malware":
        obj["is_family"] = True
    return obj


def build_bundle(report: Report, *, identity_name: str = "iocdesk") -> dict[str, Any]:
    """The report as a STIX 2.1 bundle (a JSON-ready dict); see the module docstring for what is in it."""
    run_time = _parse_time(report.created) or datetime.now(UTC)
    stamp = _timestamp(run_time)
    identity_id = _stix_id("identity", identity_name)
    identity = {
        "type": "identity",
        "spec_version": SPEC_VERSION,
        "id": identity_id,
        "created": stamp,
        "modified": stamp,
        "name": identity_name,
        "identity_class": "system",
        "description": "IOC triage with Pulsedive (iocdesk)",
    }
    indicators: dict[str, dict[str, Any]] = {}
    threats: dict[str, dict[str, Any]] = {}
    relationships: dict[str, dict[str, Any]] = {}
    for result in report.results:
        if result.status not in EXPORTED_STATUSES or result.intel is None or result.risk is None:
            continue
        pattern = pattern_for(result.indicator, result.type)
        if pattern is None:
            continue
        indicator = _indicator(result, pattern, stamp, run_time, identity_id)
        if indicator["id"] in indicators:
            continue
        indicators[indicator["id"]] = indicator
        for threat in result.intel.threats:
            if not threat.name or not threat.name.strip():
                continue
            target = threats.setdefault(
                _stix_id(_threat_type(threat.category), threat.name.strip().lower()),
                _threat_object(threat.name, threat.category, stamp, identity_id),
            )
            rel_id = _stix_id("relationship", indicator["id"], "indicates", target["id"])
            if rel_id not in relationships:
                rel = _common("relationship", rel_id, stamp, identity_id)
                rel.update(relationship_type="indicates", source_ref=indicator["id"], target_ref=target["id"])
                relationships[rel_id] = rel
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid4()}",
        "objects": [identity, *indicators.values(), *threats.values(), *relationships.values()],
    }


def write_bundle(
    report: Report, path: str | os.PathLike[str], *, identity_name: str = "iocdesk", target: Target = Target.CHOSEN
) -> Path:
    """Write the bundle as UTF-8 JSON, mode 0600 (``platform.safe_files``: a chosen path is replaced
    atomically, an inbox output never replaces anything, no write follows a link); returns the path."""
    target_path = Path(path)
    # A lone surrogate in a value (half a character) is written as U+FFFD: neither UTF-8 nor a
    # strict JSON reader takes it, not even as the escape \udXXX (see tabular.py).
    text = replace_surrogates(
        json.dumps(build_bundle(report, identity_name=identity_name), indent=2, ensure_ascii=False)
    )
    write_file(target_path, (text + "\n").encode("utf-8"), target=target, mode=EXPORT_MODE)
    return target_path
