"""Defensive parsing of Pulsedive JSON into the result types.

Pulsedive's answers vary by year and endpoint (facts and examples:
/work/shared/pulsedive/API.md): ids arrive as ints or strings, empty objects
as ``[]`` (PHP), lists may be absent, property values are a string or a list,
property keys change case, ``retired`` is null, ``0``, ``""`` or a reason, and
a scan result may carry its properties in the historical list form. Every
parser here accepts all of that and degrades to "unknown" (``None``, empty
list/dict) instead of failing. The only error is :class:`MalformedResponse`,
raised when the top level is not a JSON object at all. Half characters (lone
surrogates from ``\\udXXX`` escapes) become U+FFFD, in the object itself, so
every record can be stored and exported as UTF-8.

Nothing here does I/O; the client (``client.py``) fetches, these functions read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from iocdesk.indicators.results import Feed, Intel, Risk, RiskFactor, Threat
from iocdesk.indicators.untrusted import replace_surrogates

WEB_BASE = "https://pulsedive.com"

__all__ = [
    "FeedCount",
    "FeedDetail",
    "LinkSummary",
    "LinkedIndicator",
    "MalformedResponse",
    "NewsItem",
    "PropertyRecord",
    "ScanPoll",
    "ThreatDetail",
    "indicator_url",
    "parse_explore",
    "parse_feed",
    "parse_indicator",
    "parse_link_summary",
    "parse_linked_list",
    "parse_links",
    "parse_properties",
    "parse_properties_history",
    "parse_scan_poll",
    "parse_scan_submit",
    "parse_threat",
]


class MalformedResponse(ValueError):
    """The answer is not a JSON object (a list, a string, a number, null)."""


# ---------------------------------------------------------------------------
# Result types that have no home in iocdesk.indicators.results (endpoint-specific)
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class LinkedIndicator:
    """One item of a links list (indicator links, threat/feed links)."""

    iid: int | None
    indicator: str | None
    pulsedive_type: str | None = None
    risk: Risk | None = None  # may be Risk.RETIRED here
    linked: str | None = None  # stamp_linked
    country: str | None = None  # from the item's summary, when present
    properties: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # the item's summary

    @property
    def web_url(self) -> str | None:
        return indicator_url(self.iid)


@dataclass(frozen=True, slots=True)
class PropertyRecord:
    """One entry of a property history (``get=properties``)."""

    name: str  # lower-cased
    value: str
    seen: str | None = None
    latest: bool = True
    pid: int | None = None


@dataclass(frozen=True, slots=True)
class NewsItem:
    title: str
    link: str | None = None
    channel: str | None = None
    stamp: str | None = None


@dataclass(slots=True)
class ThreatDetail:
    """A threat object (``info.php?tid=`` / ``tname=``)."""

    tid: int | None
    name: str
    category: str | None = None
    risk: Risk | None = None
    description: str | None = None
    wikisummary: str | None = None
    wikireference: str | None = None
    othernames: list[str] = field(default_factory=list)
    retired: str | None = None
    added: str | None = None
    updated: str | None = None
    seen: str | None = None
    news: list[NewsItem] = field(default_factory=list)
    web_url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def as_threat(self) -> Threat:
        return Threat(tid=self.tid, name=self.name, category=self.category, risk=self.risk)


@dataclass(slots=True)
class FeedDetail:
    """A feed object (``info.php?fid=``)."""

    fid: int | None
    name: str
    category: str | None = None
    organization: str | None = None
    pricing: str | None = None
    website: str | None = None
    schedule: str | None = None
    added: str | None = None
    updated: str | None = None
    pulled: str | None = None
    modified: str | None = None
    indicators: dict[str, int] = field(default_factory=dict)  # counts per risk level
    web_url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def as_feed(self) -> Feed:
        return Feed(fid=self.fid, name=self.name, category=self.category, organization=self.organization)


@dataclass(frozen=True, slots=True)
class FeedCount:
    feed: Feed
    indicators: dict[str, int]  # per risk level; {"total": n} when not split by risk


@dataclass(slots=True)
class LinkSummary:
    """A threat/feed links summary (``get=links&summary=1[&splitrisk=1]``)."""

    risk: dict[str, int] = field(default_factory=dict)
    feeds: list[FeedCount] = field(default_factory=list)
    # attribute -> value -> counts per risk level ({"total": n} when not split)
    attributes: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)


@dataclass(slots=True)
class ScanPoll:
    """One poll of a scan (``GET analyze.php?qid=``).

    ``status`` is Pulsedive's word, lower-cased: ``processing``, ``done``,
    ``not found``, anything else it invents; when it sent none it is inferred
    (``done`` when there is data, ``processing`` for "still processing",
    ``not found`` / ``error`` from the error text, else ``unknown``).
    """

    status: str
    qid: int | str | None = None
    data: Intel | None = None
    error: str | None = None
    stage: str | None = None
    success: str | None = None
    links: dict[str, list[LinkedIndicator]] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def processing(self) -> bool:
        return self.status == "processing"


# ---------------------------------------------------------------------------
# Scalar coercion
# ---------------------------------------------------------------------------
def _as_dict(value: object) -> dict[str, Any]:
    """An object, or ``{}`` for anything else (PHP sends an empty object as ``[]``)."""
    return value if isinstance(value, dict) else {}


def _as_list(value: object) -> list[Any]:
    """A list; a non-empty object is read as a list of its values (PHP sparse arrays)."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return []


def _dicts(value: object) -> Iterator[dict[str, Any]]:
    """The object items of a list; other items are skipped."""
    return (item for item in _as_list(value) if isinstance(item, dict))


def _as_int(value: object) -> int | None:
    """``7``, ``"7"``, ``" 7 "``, ``7.0`` -> 7; anything else -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "+-":
            sign, digits = text[:1], text[1:]
        else:
            sign, digits = "", text
        if digits.isascii() and digits.isdigit() and len(digits) <= 30:
            return int(sign + digits)
    return None


def _scalar_text(value: object) -> str | None:
    """A string, or a number/boolean written as text; None for null, lists, objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def _as_str(value: object) -> str | None:
    """Non-empty text (stripped), numbers str()'d; None for null, "", lists, objects."""
    text = _scalar_text(value)
    if text is None:
        return None
    text = text.strip()
    return text or None


def _str_list(value: object) -> list[str]:
    """A string or a (possibly nested) list of them -> a flat list of non-empty strings.

    Iterative, so a hostile, deeply nested list cannot exhaust the stack.
    """
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        text = _as_str(item)
        if text is not None:
            out.append(text)
    return out


def _extend_unique(target: list[str], values: Iterable[str]) -> None:
    for value in values:
        if value not in target:
            target.append(value)


def _truthy(value: object) -> bool:
    """PHP-ish truth for flags: 1, "1", true, "yes" -> True; 0, "0", "", null -> False."""
    if isinstance(value, str):
        return value.strip().lower() not in _FALSY_TEXT
    return bool(value) if isinstance(value, (bool, int, float)) else False


_FALSY_TEXT = frozenset({"", "0", "false", "no", "null", "none", "off"})


def _retired(value: object) -> str | None:
    """The retirement reason; None when not retired (null, 0, "0", "", false)."""
    if not _truthy(value):
        return None
    text = _as_str(value)
    if text is None or isinstance(value, (bool, int, float)) or text.isdigit():
        return "retired"  # a bare flag (1 / "1" / true): retired, reason not given
    return text


def _stamp(value: object) -> str | None:
    """Timestamps are kept as Pulsedive wrote them; null and "" -> None."""
    return _as_str(value)


def _key(name: object) -> str | None:
    """A lower-cased, stripped key, or None when empty."""
    text = _as_str(name)
    return text.lower() if text is not None else None


def _qid(value: object) -> int | str | None:
    """Scan ids: an int when numeric (``"95665220"`` -> 95665220), else the text."""
    number = _as_int(value)
    return number if number is not None else _as_str(value)


def _type_name(value: object) -> str | None:
    text = _as_str(value)
    return text.lower() if text is not None else None


def indicator_url(iid: int | None) -> str | None:
    return f"{WEB_BASE}/indicator/?iid={iid}" if iid is not None else None


def _top(obj: object, what: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise MalformedResponse(f"Pulsedive {what}: expected a JSON object, got {type(obj).__name__}")
    _replace_lone_surrogates(obj)
    return obj


def _replace_lone_surrogates(document: dict[str, Any]) -> None:
    """Replace, in place, lone surrogates in keys and strings with U+FFFD.

    JSON's ``\\udXXX`` escapes may name half a character (a name cut mid-emoji);
    Python keeps it, UTF-8 cannot encode it, and the cache, the history and
    every export would fail on the record. Iterative: nesting cannot exhaust
    the stack.
    """
    stack: list[dict[Any, object] | list[object]] = [document]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            if any(isinstance(k, str) and replace_surrogates(k) is not k for k in node):
                items = list(node.items())
                node.clear()
                node.update((replace_surrogates(k) if isinstance(k, str) else k, v) for k, v in items)
            pairs: Iterable[tuple[Any, object]] = node.items()
        else:
            pairs = enumerate(node)
        for key, value in pairs:
            if isinstance(value, str):
                cleaned = replace_surrogates(value)
                if cleaned is not value:
                    node[key] = cleaned
            elif isinstance(value, (dict, list)):
                stack.append(value)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------
def parse_properties(value: object) -> dict[str, dict[str, list[str]]]:
    """Property groups -> ``{group: {key: [values]}}``, groups and keys lower-cased.

    Accepts the latest-values form (group -> object of key -> string or list)
    and the historical form (group -> list of ``{name, value, latest}``), of
    which only current entries (``latest`` true or absent) are kept. Keys that
    differ only by case are merged; empty values are dropped.
    """
    groups: dict[str, dict[str, list[str]]] = {}
    for group_name, body in _as_dict(value).items():
        group = _key(group_name)
        if group is None:
            continue
        target = groups.setdefault(group, {})
        for name, raw_values in _group_pairs(body):
            key = _key(name)
            values = _str_list(raw_values)
            if key is not None and values:
                _extend_unique(target.setdefault(key, []), values)
        if not target:
            del groups[group]
    return groups


def _group_pairs(body: object) -> Iterable[tuple[object, object]]:
    if isinstance(body, dict):
        return body.items()
    # historical list form: [{"name": ..., "value": ..., "latest": 0|1}, ...]
    return (
        (item.get("name"), item.get("value"))
        for item in _dicts(body)
        if "latest" not in item or _truthy(item.get("latest"))
    )


def _merge_properties(
    primary: dict[str, dict[str, list[str]]], fallback: dict[str, dict[str, list[str]]]
) -> dict[str, dict[str, list[str]]]:
    """``primary`` with the keys it lacks taken from ``fallback`` (no value mixing)."""
    merged = {group: dict(keys) for group, keys in primary.items()}
    for group, keys in fallback.items():
        target = merged.setdefault(group, {})
        for key, values in keys.items():
            target.setdefault(key, list(values))
    return merged


def _upper(text: str) -> str:
    return text.upper()


def _asn(text: str) -> str:
    """``13335`` / ``as13335`` -> ``AS13335``; other text unchanged."""
    bare = text[2:] if text[:2].lower() == "as" else text
    return f"AS{bare}" if bare.isascii() and bare.isdigit() else text


# Named Intel fields: (property group, key, normalizer) in order of preference;
# the first present value wins. Keys are compared lower-cased.
_Alias = tuple[str, str, Callable[[str], str] | None]
_NAMED_PROPERTIES: dict[str, tuple[_Alias, ...]] = {
    "country": (("geo", "country", None), ("geo", "countrycode", _upper), ("geo", "country_code", _upper)),
    "region": (("geo", "region", None), ("geo", "state", None)),
    "city": (("geo", "city", None),),
    "org": (("geo", "org", None), ("geo", "isp", None), ("whois", "org", None), ("whois", "orgname", None)),
    "asn": (("geo", "asn", _asn), ("whois", "origin", _asn), ("whois", "originas", _asn)),
    "registrar": (
        ("whois", "++registrar", None),
        ("whois", "registrar", None),
        ("whois", "registrar name", None),
        ("whois", "sponsoring registrar", None),
    ),
    "created": (
        ("whois", "++registered", None),
        ("whois", "creation date", None),
        ("whois", "created", None),
        ("whois", "registered", None),
        ("whois", "registered on", None),
    ),
}


def _named_fields(properties: dict[str, dict[str, list[str]]]) -> dict[str, str | None]:
    named: dict[str, str | None] = {}
    for name, aliases in _NAMED_PROPERTIES.items():
        named[name] = None
        for group, key, normalize in aliases:
            values = properties.get(group, {}).get(key)
            if values:
                named[name] = normalize(values[0]) if normalize else values[0]
                break
    return named


def _summary_properties(summary: object) -> dict[str, dict[str, list[str]]]:
    """A ``summary``: ``{"properties": {...}}`` (links, explore) or the groups directly (2019 scans)."""
    summary = _as_dict(summary)
    if "properties" in summary:
        return parse_properties(summary.get("properties"))
    return parse_properties(summary)


# ---------------------------------------------------------------------------
# Indicator
# ---------------------------------------------------------------------------
def _riskfactors(value: object) -> list[RiskFactor]:
    factors = []
    for item in _dicts(value):
        rfid, description = _as_int(item.get("rfid")), _as_str(item.get("description"))
        if rfid is None and description is None:
            continue
        factors.append(RiskFactor(rfid=rfid, description=description or "", risk=Risk.parse(item.get("risk"))))
    return factors


def _threat(item: dict[str, Any]) -> Threat | None:
    tid = _as_int(item.get("tid"))
    name = _as_str(item.get("name")) or _as_str(item.get("threat"))
    if tid is None and name is None:
        return None
    return Threat(tid=tid, name=name or "", category=_as_str(item.get("category")), risk=Risk.parse(item.get("risk")))


def _feed(item: dict[str, Any]) -> Feed | None:
    fid = _as_int(item.get("fid"))
    name = _as_str(item.get("name")) or _as_str(item.get("feed"))
    if fid is None and name is None:
        return None
    return Feed(
        fid=fid, name=name or "", category=_as_str(item.get("category")), organization=_as_str(item.get("organization"))
    )


def _attributes(value: object) -> dict[str, list[str]]:
    """``{"port": ["443", "80"]}``; nested lists (docs example) flattened, numbers str()'d."""
    attributes: dict[str, list[str]] = {}
    for name, raw_values in _as_dict(value).items():
        key, values = _key(name), _str_list(raw_values)
        if key is not None and values:
            _extend_unique(attributes.setdefault(key, []), values)
    return attributes


def parse_indicator(obj: object) -> Intel:
    """An indicator object (lookup by value or iid, a scan's ``data``, an explore item)."""
    raw = _top(obj, "indicator")
    properties = _merge_properties(parse_properties(raw.get("properties")), _summary_properties(raw.get("summary")))
    iid = _as_int(raw.get("iid"))
    return Intel(
        iid=iid,
        indicator=_as_str(raw.get("indicator")),
        pulsedive_type=_type_name(raw.get("type")),
        risk=Risk.parse(raw.get("risk")),
        risk_recommended=Risk.parse(raw.get("risk_recommended")),
        manual_risk=_truthy(raw.get("manualrisk")),
        retired=_retired(raw.get("retired")),
        riskfactors=_riskfactors(raw.get("riskfactors")),
        threats=[t for t in map(_threat, _dicts(raw.get("threats"))) if t is not None],
        feeds=[f for f in map(_feed, _dicts(raw.get("feeds"))) if f is not None],
        attributes=_attributes(raw.get("attributes")),
        properties=properties,
        **_named_fields(properties),
        added=_stamp(raw.get("stamp_added")),
        updated=_stamp(raw.get("stamp_updated")),
        seen=_stamp(raw.get("stamp_seen")),
        probed=_stamp(raw.get("stamp_probed")),
        web_url=indicator_url(iid),
        raw=raw,
    )


# ---------------------------------------------------------------------------
# Links, property history, explore
# ---------------------------------------------------------------------------
_PAGE_KEYS = frozenset({"page_current", "page_next"})


def _linked(item: dict[str, Any]) -> LinkedIndicator:
    properties = _summary_properties(item.get("summary"))
    return LinkedIndicator(
        iid=_as_int(item.get("iid", item.get("id"))),
        indicator=_as_str(item.get("indicator")),
        pulsedive_type=_type_name(item.get("type")),
        risk=Risk.parse(item.get("risk")),
        linked=_stamp(item.get("stamp_linked")),
        country=_named_fields(properties)["country"],
        properties=properties,
    )


def parse_linked_list(obj: object) -> list[LinkedIndicator]:
    """Threat/feed links: ``{"page_current": 0, "page_next"?: 1, "results": [...]}``."""
    return [_linked(item) for item in _dicts(_top(obj, "links").get("results"))]


def parse_links(obj: object) -> dict[str, list[LinkedIndicator]]:
    """Indicator links (``get=links``, a scan's ``links``): link type -> items.

    Link-type names are kept as Pulsedive wrote them ("Active DNS"): they are
    display labels, not keys. Paging keys and non-list values are ignored.
    """
    links: dict[str, list[LinkedIndicator]] = {}
    if obj == []:
        return links  # PHP writes an empty link set as an empty array
    for name, items in _top(obj, "links").items():
        if name in _PAGE_KEYS or not isinstance(items, (list, dict)):
            continue
        parsed = [_linked(item) for item in _dicts(items)]
        if parsed:
            links.setdefault(str(name), []).extend(parsed)
    return links


def parse_properties_history(obj: object) -> dict[str, list[PropertyRecord]]:
    """``get=properties``: group (lower-cased) -> every value ever seen, ``latest`` marking current ones.

    A group sent in the latest-values form (object) is read as all-latest records.
    """
    history: dict[str, list[PropertyRecord]] = {}
    if obj == []:
        return history  # PHP's empty object
    for group_name, body in _top(obj, "properties history").items():
        group = _key(group_name)
        if group is None:
            continue
        records = list(_history_records(body))
        if records:
            history.setdefault(group, []).extend(records)
    return history


def _history_records(body: object) -> Iterator[PropertyRecord]:
    if isinstance(body, dict):
        for name, values in body.items():
            key = _key(name)
            if key is not None:
                yield from (PropertyRecord(name=key, value=v) for v in _str_list(values))
        return
    for item in _dicts(body):
        key = _key(item.get("name"))
        if key is None:
            continue
        latest = _truthy(item.get("latest")) if "latest" in item else True
        for value in _str_list(item.get("value")):
            yield PropertyRecord(
                name=key, value=value, seen=_stamp(item.get("stamp_seen")), latest=latest, pid=_as_int(item.get("pid"))
            )


def parse_explore(obj: object) -> list[Intel]:
    """``explore.php``: ``{"results": [...]}`` -> partial Intel records (their ``summary`` as properties)."""
    return [parse_indicator(item) for item in _dicts(_top(obj, "explore").get("results"))]


# ---------------------------------------------------------------------------
# Threats and feeds
# ---------------------------------------------------------------------------
def parse_threat(obj: object) -> ThreatDetail:
    raw = _top(obj, "threat")
    tid = _as_int(raw.get("tid"))
    return ThreatDetail(
        tid=tid,
        name=_as_str(raw.get("threat")) or _as_str(raw.get("name")) or "",
        category=_as_str(raw.get("category")),
        risk=Risk.parse(raw.get("risk")),
        description=_as_str(raw.get("description")),
        wikisummary=_as_str(raw.get("wikisummary")),
        wikireference=_as_str(raw.get("wikireference")),
        othernames=_str_list(raw.get("othernames")),
        retired=_retired(raw.get("retired")),
        added=_stamp(raw.get("stamp_added")),
        updated=_stamp(raw.get("stamp_updated")),
        seen=_stamp(raw.get("stamp_seen")),
        news=[n for n in map(_news, _dicts(raw.get("news"))) if n is not None],
        web_url=f"{WEB_BASE}/threat/?tid={tid}" if tid is not None else None,
        raw=raw,
    )


def _news(item: dict[str, Any]) -> NewsItem | None:
    title, link = _as_str(item.get("title")), _as_str(item.get("link"))
    if title is None and link is None:
        return None
    return NewsItem(
        title=title or link or "", link=link, channel=_as_str(item.get("channel")), stamp=_stamp(item.get("stamp"))
    )


def _counts(value: object) -> dict[str, int]:
    """``{"low": 1, "high": "2"}`` -> per-level counts (keys lower-cased); a bare number -> ``{"total": n}``."""
    number = _as_int(value)
    if number is not None:
        return {"total": number}
    counts = {}
    for name, count in _as_dict(value).items():
        key, number = _key(name), _as_int(count)
        if key is not None and number is not None:
            counts[key] = number
    return counts


def parse_feed(obj: object) -> FeedDetail:
    raw = _top(obj, "feed")
    fid = _as_int(raw.get("fid"))
    return FeedDetail(
        fid=fid,
        name=_as_str(raw.get("feed")) or _as_str(raw.get("name")) or "",
        category=_as_str(raw.get("category")),
        organization=_as_str(raw.get("organization")),
        pricing=_as_str(raw.get("pricing")),
        website=_as_str(raw.get("website")) or _as_str(raw.get("accesslink")),
        schedule=_as_str(raw.get("schedule")),
        added=_stamp(raw.get("stamp_added")),
        updated=_stamp(raw.get("stamp_updated")),
        pulled=_stamp(raw.get("stamp_pulled")),
        modified=_stamp(raw.get("stamp_modified")),
        indicators=_counts(raw.get("indicators")),
        web_url=f"{WEB_BASE}/feed/?fid={fid}" if fid is not None else None,
        raw=raw,
    )


def parse_link_summary(obj: object) -> LinkSummary:
    """Threat/feed ``get=links&summary=1[&splitrisk=1]``."""
    raw = _top(obj, "links summary")
    feeds = []
    for item in _dicts(raw.get("feeds")):
        feed = _feed(item)
        if feed is not None:
            feeds.append(FeedCount(feed=feed, indicators=_counts(item.get("indicators"))))
    attributes: dict[str, dict[str, dict[str, int]]] = {}
    for name, values in _as_dict(raw.get("attributes")).items():
        key = _key(name)
        if key is None:
            continue
        per_value = {
            str(value): _counts(_as_dict(body).get("indicators", body)) for value, body in _as_dict(values).items()
        }
        if per_value:
            attributes.setdefault(key, {}).update(per_value)
    return LinkSummary(risk=_counts(raw.get("risk")), feeds=feeds, attributes=attributes)


# ---------------------------------------------------------------------------
# Scans
# ---------------------------------------------------------------------------
def parse_scan_submit(obj: object) -> int | str | None:
    """``{"success": "Added request to queue.", "qid": 774460693}`` -> the qid (None if absent)."""
    return _qid(_top(obj, "scan submission").get("qid"))


def parse_scan_poll(obj: object) -> ScanPoll:
    raw = _top(obj, "scan poll")
    data = raw.get("data")
    error = _as_str(raw.get("error"))
    status = _key(raw.get("status")) or _infer_status(isinstance(data, dict), error)
    return ScanPoll(
        status=status,
        qid=_qid(raw.get("qid")),
        data=parse_indicator(data) if isinstance(data, dict) else None,
        error=error,
        stage=_as_str(raw.get("stage")),
        success=_as_str(raw.get("success")),
        links=parse_links(data["links"]) if isinstance(data, dict) and isinstance(data.get("links"), dict) else {},
    )


def _infer_status(has_data: bool, error: str | None) -> str:
    """The 2019 answers had no ``status``: data means done; otherwise read the error."""
    if has_data:
        return "done"
    if error is None:
        return "unknown"
    lowered = error.lower()
    if "processing" in lowered:
        return "processing"
    if "not found" in lowered:
        return "not found"
    return "error"
