"""Response bodies, in the shapes recorded from the real API (API.md §3).

Each indicator carries a :class:`~.records.Style` fixed at generation, so the
same seed always serves the same mix of shapes:

* current (2023+): ``qid: null``, ``submissions``, empty lists as ``[]``,
  ``redirects`` as ``{"from": [], "to": []}``, ``retired`` ``0``/null/reason;
* legacy (2019): empty lists absent, no ``qid``/``submissions``;
* empty objects as ``{}`` or, PHP-style, ``[]``; property keys as seen
  (``Content-Type``, ``MX``), lower-cased, or capitalised in ``geo``;
  ``domainiid`` int or string; ``countrycode`` upper or lower case.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import replace
from typing import Any, TypeVar

from iocdesk.pulsedive.sandbox.dataset import Dataset
from iocdesk.pulsedive.sandbox.records import Record, Style, Threat

SCHEMA = {"hosttype": "Host Type", "port": "Port", "protocol": "Protocol", "technology": "Technology"}
STILL_PROCESSING = "Request(s) still processing."
BETA_NOTE = "status field is in beta: processing | not found | done"
RISK_ORDER = ("unknown", "none", "low", "medium", "high", "critical")

# A JSON object of a response body: its shape varies by endpoint and dialect.
JsonObject = dict[str, Any]
# An empty one may be written as [] (see Style.empty_as_list).
JsonObjectOrList = JsonObject | list[Any]
# Latest property values: group -> key -> a string, or a list when several are current.
Properties = dict[str, dict[str, str | list[str]]]
_T = TypeVar("_T")


def empty(style: Style) -> JsonObjectOrList:
    return [] if style.empty_as_list else {}


def key_of(name: str, group: str, style: Style) -> str:
    if style.key_case == "lower":
        return name.lower()
    if style.key_case == "capitalised-geo" and group == "geo":
        return name[:1].upper() + name[1:]
    return name


def properties(record: Record, groups_wanted: tuple[str, ...] | None = None) -> Properties:
    """Latest values: group -> key -> a string, or a list when several are current."""
    out: Properties = {}
    for group, values in record.latest_properties().items():
        if groups_wanted is None or group in groups_wanted:
            out[group] = {key_of(k, group, record.style): v[0] if len(v) == 1 else v for k, v in values.items()}
    return out


def threat_ref(ds: Dataset, tid: int, when: str) -> JsonObject:
    t = ds.threats[tid]
    return {"tid": t.tid, "name": t.name, "category": t.category, "risk": t.risk, "stamp_linked": when}


def feed_ref(ds: Dataset, fid: int, when: str) -> JsonObject:
    f = ds.feeds[fid]
    return {
        "fid": f.fid,
        "name": f.name,
        "category": f.category,
        "organization": f.organization,
        "pricing": f.pricing,
        "stamp_linked": when,
    }


def indicator(record: Record, ds: Dataset, schema: bool = False) -> JsonObject:
    """The indicator object of info.php / indicator.php (§3.1), keys in the recorded order."""
    r, style = record, record.style
    retired = r.retired or (0 if style.retired_as_zero else None)
    stamps = {
        "stamp_added": r.stamp_added,
        "stamp_updated": r.stamp_updated,
        "stamp_seen": r.stamp_seen,
        "stamp_probed": r.stamp_probed,
        "stamp_retired": r.stamp_retired,
        "recent": r.recent,
    }
    verdict = {"risk": r.risk, "risk_recommended": r.risk_recommended, "manualrisk": r.manualrisk, "retired": retired}
    umbrella = (
        {} if r.umbrella_rank is None else {"umbrella_rank": r.umbrella_rank, "umbrella_domain": r.umbrella_domain}
    )
    parent = (
        {}
        if r.domain is None
        else {"domain": r.domain, "domainiid": str(r.domainiid) if style.domainiid_as_string else r.domainiid}
    )
    lists = {
        "riskfactors": [{"rfid": i, "description": d, "risk": k} for i, d, k in r.riskfactors],
        "redirects": _redirects(r, ds),
        "threats": [threat_ref(ds, tid, when) for tid, when in r.threats],
        "feeds": [feed_ref(ds, fid, when) for fid, when in r.feeds],
        "comments": [c if style.legacy else {k: v for k, v in c.items() if k != "uid"} for c in r.comments],
    }
    attributes = {k: list(v) for k, v in r.attributes.items()} or empty(style)
    props = properties(r) or empty(style)
    if style.legacy:  # 2019: empty lists absent, umbrella last
        out = {"iid": r.iid, "type": r.type, "indicator": r.indicator, **verdict, **stamps}
        if schema:
            out["schema"] = dict(SCHEMA)
        out.update({k: lists[k] for k in ("redirects", "riskfactors", "comments") if lists[k]})
        out.update(attributes=attributes, **parent, properties=props)
        out.update({k: lists[k] for k in ("threats", "feeds") if lists[k]})
        return out | umbrella
    out = {
        "qid": None,
        "iid": r.iid,
        "indicator": r.indicator,
        "type": r.type,
        **verdict,
        **stamps,
        "submissions": r.submissions,
        **umbrella,
        **parent,
    }
    if schema:
        out["schema"] = dict(SCHEMA)
    out.update(lists)
    out.update(attributes=attributes, properties=props)
    return out


def _redirects(r: Record, ds: Dataset) -> JsonObjectOrList:
    def ref(iid: int, id_key: str) -> JsonObject | None:
        other = ds.any_by_iid(iid)
        return None if other is None else {id_key: iid, "indicator": other.indicator}

    # the current docs' example names the id of "from" entries `id`
    from_ = [x for x in (ref(i, "iid" if r.style.legacy else "id") for i in r.redirects_from) if x]
    to = [x for x in (ref(i, "iid") for i in r.redirects_to) if x]
    if r.style.legacy:
        out: JsonObject = {}
        if from_:
            out["from"] = from_
        if to:
            out["to"] = to
        return out or []
    return {"from": from_, "to": to}


def link_item(target: Record, when: str, in_scan: bool = False) -> JsonObject:
    """One linked indicator (§3.4/§3.8); ``risk`` reads "retired" once retired."""
    item = {
        "iid": target.iid,
        "indicator": target.indicator,
        "type": target.type,
        "risk": target.list_risk,
        "stamp_linked": when,
    }
    if in_scan:
        item.update(uid="", comment="")
    summary = properties(target, ("geo",))
    geo = {
        k: v
        for k, v in summary.get("geo", {}).items()
        if k.lower() in ("country", "city", "org", "region", "countrycode")
    }
    privacy = {p.name: p.value for p in target.props if p.latest and p.name == "++privacy"}
    props = ({"whois": privacy} if privacy else {}) | ({"geo": geo} if geo else {})
    item["summary"] = {"properties": props} if props else empty(target.style)
    return item


def _page(items: list[_T], page: int, size: int) -> tuple[list[_T], dict[str, int]]:
    chunk = items[page * size : (page + 1) * size]
    paging = {"page_current": page}
    if (page + 1) * size < len(items):
        paging["page_next"] = page + 1
    return chunk, paging


def indicator_links(
    record: Record, ds: Dataset, page: int = 0, size: int = 50, in_scan: bool = False
) -> JsonObjectOrList:
    """Links grouped by type (§3.4). Only when they exceed one page are ``page_current``
    and ``page_next`` added, next to the groups; an empty result is PHP's ``[]``/``{}``."""
    found = [(t, ds.any_by_iid(iid), when) for t, iid, when in record.links]
    links = [(t, target, when) for t, target, when in found if target is not None]
    chunk, paging = _page(links, page, size)
    groups: JsonObject = {}
    for link_type, target, when in chunk:
        groups.setdefault(link_type, []).append(link_item(target, when, in_scan))
    if len(links) > size:
        groups.update(paging)
    return groups or empty(record.style)


def property_history(record: Record) -> JsonObjectOrList:
    """get=properties (§3.5): every observation, ``latest`` 1 for current ones."""
    groups: dict[str, list[JsonObject]] = {}
    for p in sorted(record.props, key=lambda p: -p.latest):
        groups.setdefault(p.group, []).append(
            {
                "pid": p.pid,
                "stamp_seen": p.stamp_seen,
                "name": key_of(p.name, p.group, record.style),
                "value": p.value,
                "latest": p.latest,
            }
        )
    return groups or empty(record.style)


def threat(t: Threat, ds: Dataset) -> JsonObject:
    """§3.6."""
    domains = [when for r, when in ds.linked_to_threat(t.tid) if r.type == "domain"]
    out: JsonObject = {
        "tid": t.tid,
        "threat": t.name,
        "category": t.category,
        "risk": t.risk,
        "description": "",
        "wikisummary": t.wikisummary,
        "wikireference": t.wikireference,
        "retired": None,
        "stamp_added": t.stamp_added,
        "stamp_updated": t.stamp_updated,
        "stamp_seen": t.stamp_seen,
        "stamp_retired": None,
        "updated_last_domain": max(domains)[:10] + " 00:00:00" if domains else None,
        "othernames": list(t.othernames),
    }
    if t.legacy:
        out["news"] = [{k: v for k, v in n.items() if k != "primary"} for n in t.news]
    else:
        out["notes"] = ""
        out["news"] = [dict(n) for n in t.news]
    return out


def feed(fid: int, ds: Dataset) -> JsonObject:
    """§3.9."""
    f = ds.feeds[fid]
    counts = Counter(r.risk for r, _ in ds.linked_to_feed(fid))
    return {
        "fid": f.fid,
        "feed": f.name,
        "organization": f.organization,
        "category": f.category,
        "pricing": f.pricing,
        "contact": {"name": "", "email": "", "phone": ""},
        "website": f.website,
        "schedule": f.schedule,
        "stamp_added": f.stamp_added,
        "stamp_updated": f.stamp_updated,
        "stamp_pulled": f.stamp_pulled,
        "stamp_modified": f.stamp_modified,
        "indicators": {k: counts[k] for k in RISK_ORDER if counts[k]},
    }


def linked_list(linked: list[tuple[Record, str]], page: int, size: int) -> JsonObject:
    """Threat/feed get=links (§3.8): ``page_current`` always, ``page_next`` while more."""
    items = sorted(linked, key=lambda x: x[0].iid)
    chunk, paging = _page(items, page, size)
    return paging | {"results": [link_item(r, when) for r, when in chunk]}


def summary(linked: list[tuple[Record, str]], ds: Dataset, splitrisk: bool, current: bool, of_feed: bool) -> JsonObject:
    """get=links&summary=1 (§3.7). Without splitrisk, per-feed and per-attribute
    ``indicators`` are plain counts; the current shape adds ``retired`` and ``total``."""
    records = [r for r, _ in linked]

    def count(group: list[Record]) -> int | dict[str, int]:
        if not splitrisk:
            return len(group)
        c = Counter(r.risk for r in group)
        return {k: c[k] for k in RISK_ORDER if c[k]}

    risk = Counter(r.risk for r in records)
    out: JsonObject = {"risk": {k: risk[k] for k in RISK_ORDER}}
    if current:
        out["risk"].update(retired=sum(1 for r in records if r.retired), total=len(records))
    if of_feed:  # the feed's records, by the threats they are linked to (shape not recorded)
        by_tid: dict[int, list[Record]] = {}
        for r in records:
            for tid, _ in r.threats:
                by_tid.setdefault(tid, []).append(r)
        out["threats"] = [
            {
                "tid": tid,
                "name": ds.threats[tid].name,
                "category": ds.threats[tid].category,
                "risk": ds.threats[tid].risk,
                "indicators": count(group),
            }
            for tid, group in sorted(by_tid.items())
        ]
    else:
        by_fid: dict[int, list[Record]] = {}
        for r in records:
            for fid, _ in r.feeds:
                by_fid.setdefault(fid, []).append(r)
        out["feeds"] = [
            {k: v for k, v in feed_ref(ds, fid, "").items() if k != "stamp_linked"} | {"indicators": count(group)}
            for fid, group in sorted(by_fid.items())
        ]
    attributes: dict[str, dict[str, list[Record]]] = {}
    for r in records:
        for name, values in r.attributes.items():
            for value in values:
                attributes.setdefault(name, {}).setdefault(value, []).append(r)
    out["attributes"] = {
        name: {value: {"indicators": count(group)} for value, group in sorted(values.items())}
        for name, values in sorted(attributes.items())
    }
    return out


def explore_item(r: Record) -> JsonObject:
    """One explore result (§3.10)."""
    props = properties(r, ("http", "geo", "whois"))
    summary: Properties = {}
    http = {k: v for k, v in props.get("http", {}).items() if k.startswith("++")}
    content_type = next((v for k, v in props.get("http", {}).items() if k.lower() == "content-type"), None)
    if content_type is not None:
        http["++content-type"] = content_type
    if http:
        summary["http"] = http
    geo = {k: v for k, v in props.get("geo", {}).items() if k.lower() in ("countrycode", "city", "region", "country")}
    if geo:
        summary["geo"] = geo
    whois = {k: v for k, v in props.get("whois", {}).items() if k.startswith("++") and k != "++email"}
    if whois:
        summary["whois"] = whois
    return {
        "iid": r.iid,
        "indicator": r.indicator,
        "type": r.type,
        "risk": r.list_risk,
        "stamp_added": r.stamp_added,
        "stamp_updated": r.stamp_updated,
        "stamp_seen": r.stamp_seen,
        "summary": {"properties": summary} if summary else empty(r.style),
    }


def explore_threat(t: Threat) -> JsonObject:
    """Explore with type=threats: the shape is not recorded (a spec gap); this is a guess."""
    return {
        "tid": t.tid,
        "threat": t.name,
        "category": t.category,
        "risk": t.risk,
        "stamp_added": t.stamp_added,
        "stamp_updated": t.stamp_updated,
        "stamp_seen": t.stamp_seen,
    }


# -- scans (§2.5, §3.2) ---------------------------------------------------------
def scan_queued(qid: int) -> JsonObject:
    return {"success": "Added request to queue.", "qid": qid}


def scan_processing(qid: int, legacy: bool) -> JsonObject:
    if legacy:  # the older form: qid as a string, the beta note
        return {"error": STILL_PROCESSING, "status": "processing", "note": BETA_NOTE, "qid": str(qid)}
    return {"qid": qid, "status": "processing", "stage": "sending request", "error": STILL_PROCESSING}


def scan_nothing(qid: int, legacy: bool) -> JsonObject:
    """A finished scan that found nothing: the beta note's third status."""
    return {"qid": str(qid) if legacy else qid, "status": "not found", "error": "Indicator not found."}


def scan_done(qid: int, legacy: bool, record: Record, ds: Dataset, probe: bool, size: int) -> JsonObject:
    """Current: the 2023 shape (ints; no stamp_added/manualrisk/retired in data).
    Legacy: the 2019/2020 shape (qid and data.iid strings, property history lists,
    request/summary extras), with ``status: done`` as from 2020 on."""
    links = indicator_links(record, ds, 0, 10**9, in_scan=True)
    if not legacy:
        data = {k: v for k, v in indicator(record, ds).items() if k not in ("stamp_added", "manualrisk", "retired")}
        data["qid"] = qid
        data["links"] = links
        return {"success": "Submitted indicator.", "data": data, "qid": qid, "status": "done"}
    legacy_style = Style(legacy=True, empty_as_list=record.style.empty_as_list)
    shown = replace(record, style=legacy_style)
    data = indicator(shown, ds)
    data["iid"] = str(record.iid)
    data.setdefault("domain", None)
    data.setdefault("domainiid", None)
    data["properties"] = property_history(shown)
    data["links"] = links
    ioc64 = base64.b64encode(record.indicator.encode()).decode()
    data["priority"] = "1"
    data["request"] = {
        "priority": "1",
        "store": None,
        "enrich": "1",
        "qid": qid,
        "indicator": ioc64,
        "probe": "1" if probe else "0",
    }
    data["summary"] = properties(shown, ("geo", "ssl", "whois"))
    data["qid"] = str(qid)
    data["ioc_base64"] = ioc64
    data["quad9"] = 0
    return {"success": f"Processed {record.type}: {record.indicator}", "data": data, "qid": str(qid), "status": "done"}
