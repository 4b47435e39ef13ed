"""The sandbox's data model: indicators, threats and feeds as generated, before
they are rendered in one of the API's historical shapes (see views.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Style:
    """How one indicator is rendered; fixed per indicator at generation, so a
    given seed always yields the same mix of the shapes the real API produced."""

    legacy: bool = False  # 2019 shape: empty lists absent, no qid/submissions, `retired` null
    empty_as_list: bool = False  # PHP json_encode quirk: an empty object comes out as []
    key_case: str = "as-seen"  # property keys: "as-seen" | "lower" | "capitalised-geo"
    domainiid_as_string: bool = False
    retired_as_zero: bool = False  # "not retired" written as 0 instead of null (current shape)
    countrycode_lower: bool = False  # "dk" instead of "DK", as recorded


@dataclass(slots=True)
class Prop:
    """One property observation; ``latest`` marks current values (history has the rest)."""

    pid: int
    group: str
    name: str
    value: str
    stamp_seen: str
    latest: int = 1


@dataclass(slots=True, eq=False)
class Record:
    iid: int
    type: str  # ip | ipv6 | domain | url
    indicator: str  # the stored spelling (an IPv6 may be stored expanded)
    key: str  # normalised lookup key (values.lookup_key)
    kind: str  # generator role: benign, phish, c2, scanner... (explains the data; never served)
    risk: str = "unknown"
    risk_recommended: str = "unknown"
    manualrisk: int = 0
    retired: str | None = None  # reason when retired
    stamp_added: str = ""
    stamp_updated: str = ""
    stamp_seen: str = ""
    stamp_probed: str | None = None
    stamp_retired: str | None = None
    recent: int = 0
    submissions: int = 0
    umbrella_rank: int | None = None
    umbrella_domain: str | None = None
    domain: str | None = None  # parent domain of a sub-domain
    domainiid: int | None = None
    riskfactors: list[tuple[int, str, str]] = field(default_factory=list)
    redirects_to: list[int] = field(default_factory=list)  # iids
    redirects_from: list[int] = field(default_factory=list)
    threats: list[tuple[int, str]] = field(default_factory=list)  # (tid, stamp_linked)
    feeds: list[tuple[int, str]] = field(default_factory=list)  # (fid, stamp_linked)
    comments: list[dict[str, str | int]] = field(default_factory=list)  # cid, uid, username, ...
    attributes: dict[str, list[str]] = field(default_factory=dict)
    props: list[Prop] = field(default_factory=list)
    links: list[tuple[str, int, str]] = field(default_factory=list)  # (link type, iid, stamp_linked)
    style: Style = field(default_factory=Style)

    @property
    def list_risk(self) -> str:
        """Risk as link lists and explore results show it: "retired" once retired."""
        return "retired" if self.retired else self.risk

    def latest_properties(self) -> dict[str, dict[str, list[str]]]:
        groups: dict[str, dict[str, list[str]]] = {}
        for prop in self.props:
            if prop.latest:
                groups.setdefault(prop.group, {}).setdefault(prop.name, []).append(prop.value)
        return groups


@dataclass(slots=True, eq=False)
class Threat:
    tid: int
    name: str
    category: str
    risk: str
    othernames: list[str]
    wikisummary: str
    wikireference: str
    stamp_added: str
    stamp_updated: str
    stamp_seen: str
    news: list[dict[str, str | int]]  # title, link, stamp... and `primary` 0/1
    legacy: bool  # 2019 shape (no notes, news without `primary`, summary without total/retired)


@dataclass(slots=True, eq=False)
class Feed:
    fid: int
    name: str
    organization: str
    category: str
    schedule: str
    website: str
    stamp_added: str
    stamp_updated: str
    stamp_pulled: str
    stamp_modified: str
    pricing: str = "free"
