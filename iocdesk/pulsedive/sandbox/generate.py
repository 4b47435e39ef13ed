"""Generation of the sandbox dataset: one seeded pass, roles ("kinds") drive every choice.

Kinds: benign, ns, hosting, isp (no or low risk); phish, dga, c2, skimmer,
scanner, bot, spam, proxy, payload, botpayload (malicious). They decide names,
risk, threats, feeds, risk factors, attributes, properties and links; the
kind itself is never served. All names are invented (see names.py).
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from iocdesk.pulsedive.sandbox import names
from iocdesk.pulsedive.sandbox.records import Feed, Prop, Record, Style, Threat
from iocdesk.pulsedive.sandbox.values import lookup_key, url_host

_T = TypeVar("_T")

NOW = datetime(2025, 5, 20, 12, 0, 0)  # the dataset's "today": fixed, so output never depends on the clock

RISK_BY_KIND = {
    "benign": (("none", 7), ("unknown", 2), ("low", 1)),
    "ns": (("none", 1),),
    "hosting": (("none", 3), ("low", 2)),
    "isp": (("none", 5), ("unknown", 3), ("low", 2)),
    "phish": (("medium", 3), ("high", 6), ("critical", 1)),
    "dga": (("medium", 1), ("high", 1)),
    "c2": (("high", 3), ("critical", 2)),
    "skimmer": (("high", 1),),
    "scanner": (("low", 1), ("medium", 2)),
    "bot": (("medium", 1), ("high", 2)),
    "spam": (("low", 2), ("medium", 1)),
    "proxy": (("low", 2), ("medium", 1)),
    "payload": (("high", 2), ("critical", 1)),
    "botpayload": (("high", 1),),
}
PORTS = {  # kind -> (ports, protocols)
    "c2": (["443", "80"], ["HTTP", "HTTPS"]),
    "hosting": (["21", "22", "443", "80"], ["FTP", "HTTP", "HTTPS", "SSH"]),
    "scanner": (["22"], ["SSH"]),
    "bot": (["23", "2323"], ["Telnet"]),
    "spam": (["25", "587"], ["SMTP"]),
    "proxy": (["8080", "9001"], ["HTTP"]),
}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def sparse_record(seed: int, kind: str, key: str, iid: int) -> Record:
    """A never-seen value a scan stores with little to say about it."""
    rng = random.Random(f"{seed}:sparse:{key}")
    when = stamp(NOW - timedelta(seconds=rng.randint(60, 3600)))
    record = Record(
        iid=iid,
        type=kind,
        indicator=key,
        key=key,
        kind="fresh",
        risk="unknown",
        risk_recommended="unknown",
        stamp_added=when,
        stamp_updated=when,
        stamp_seen=when,
        recent=1,
        style=Style(empty_as_list=rng.random() < 0.5),
    )
    if kind == "domain":
        pid = rng.randint(10**7, 9 * 10**7)
        record.props.append(Prop(pid, "dns", "NS", f"ns1.parking-{rng.randint(1, 9)}.net", when))
    return record


class Builder:
    """Generates the data; one pass, seeded. Roles ("kinds") drive every choice."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"pulsedive-sandbox:{seed}")
        self.pid = 2000
        self.used: set[str] = set()
        self.known: list[Record] = []
        self.hidden: list[Record] = []
        self.hidden_set: set[Record] = set()  # the scan-only records, filled by build()
        self.nothing: list[str] = []
        self.geo: dict[Record, tuple[names.Place, names.Network]] = {}  # ip record -> (place, network)
        self.a_records: dict[Record, list[Record]] = {}  # domain -> ips it resolves to
        self.host_of: dict[Record, Record] = {}  # url -> host domain record
        self.parent_of: dict[Record, Record] = {}  # sub-domain -> parent
        self.threats: list[Threat] = []
        self.feeds: list[Feed] = []

    # -- small helpers --------------------------------------------------------
    def pick(self, seq: Sequence[_T]) -> _T:
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, pairs: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]

    def moment(self, min_days: float, max_days: float) -> datetime:
        return NOW - timedelta(seconds=self.rng.randint(int(min_days * 86400), int(max_days * 86400)))

    def hexstr(self, n: int) -> str:
        return "".join(self.pick("0123456789abcdef") for _ in range(n))

    def new(self, type_: str, value: str, kind: str, into: list[Record] | None = None) -> Record | None:
        key = lookup_key(value)[1]
        if key in self.used:
            return None
        self.used.add(key)
        record = Record(iid=0, type=type_, indicator=value, key=key, kind=kind)
        (self.known if into is None else into).append(record)
        return record

    def new_unused(self, type_: str, value: str, kind: str, into: list[Record] | None = None) -> Record:
        """new() for a value that cannot have been generated before: ipv4() draws
        only unused addresses, the name servers' names are distinct, and an IPv6
        address would repeat only if its 40 random bits did."""
        record = self.new(type_, value, kind, into)
        assert record is not None, f"{value} generated twice"
        return record

    def prop(
        self,
        record: Record,
        group: str,
        name: str,
        values: str | Iterable[str],
        seen: str | None = None,
        latest: int = 1,
    ) -> None:
        for value in [values] if isinstance(values, str) else values:
            self.pid += self.rng.randint(1, 40000)
            record.props.append(Prop(self.pid, group, name, value, seen or record.stamp_seen, latest))

    # -- generation -----------------------------------------------------------
    def build(self) -> None:
        self.catalogue()
        hosting = self.ips()
        domains = self.domains(hosting)
        self.urls(domains)
        self.scan_only(domains)
        self.hidden_set = set(self.hidden)
        for record in self.known + self.hidden:
            self.describe(record)
        self.assign_iids()
        self.link()

    def catalogue(self) -> None:
        rng = self.rng
        for tid, name, category, risk, others, _kinds, wiki in names.THREATS:
            added = self.moment(1500, 2900)
            news: list[dict[str, str | int]] = []
            for i in range(rng.randint(0, 3)):
                when = self.moment(5, 600)
                slug = f"{when.year}/{when.month:02d}/{name.lower().replace(' ', '-')}-{i + 1}"
                news.append(
                    {
                        "title": f"{stamp(when)[:10]} - {name} activity update #{i + 1}",
                        "channel": "Threat Notes Weekly",
                        "icon": "https://threatnotes.example/favicon.ico",
                        "link": f"https://threatnotes.example/{slug}.html",
                        "stamp": stamp(when),
                        "primary": int(i == 0),
                    }
                )
            self.threats.append(
                Threat(
                    tid=tid,
                    name=name,
                    category=category,
                    risk=risk,
                    othernames=list(others),
                    wikisummary=names.WIKI_SUMMARIES.get(name, ""),
                    wikireference=f"https://en.wikipedia.org/wiki/{wiki}" if wiki else "",
                    stamp_added=stamp(added),
                    stamp_updated=stamp(self.moment(30, 400)),
                    stamp_seen=stamp(self.moment(0, 20)),
                    news=news,
                    legacy=tid in (1, 305) or rng.random() < 0.3,
                )
            )
        for fid, name, org, category, schedule, website in names.FEEDS:
            self.feeds.append(
                Feed(
                    fid=fid,
                    name=name,
                    organization=org,
                    category=category,
                    schedule=schedule,
                    website=website,
                    stamp_added=stamp(self.moment(1500, 2900)),
                    stamp_updated=stamp(self.moment(100, 900)),
                    stamp_pulled=stamp(self.moment(0, 1)),
                    stamp_modified=stamp(self.moment(0, 30)),
                )
            )

    def ipv4(self, near: str | None = None) -> str:
        while True:
            if near:
                head = near.rsplit(".", 1)[0]
                value = f"{head}.{self.rng.randint(2, 254)}"
            else:
                a = self.pick(
                    (
                        5,
                        23,
                        31,
                        37,
                        45,
                        46,
                        62,
                        77,
                        80,
                        85,
                        91,
                        93,
                        103,
                        104,
                        109,
                        141,
                        146,
                        151,
                        154,
                        159,
                        162,
                        176,
                        178,
                        185,
                        188,
                        193,
                        194,
                        195,
                        212,
                        213,
                        217,
                    )
                )
                value = f"{a}.{self.rng.randint(1, 254)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
            if lookup_key(value)[1] not in self.used:
                return value

    def ipv6(self, expanded: bool) -> str:
        groups = [
            self.pick(("2a02", "2a03", "2a05", "2a0b", "2001", "2604", "2605", "2406", "2400")),
            self.hexstr(4),
            self.hexstr(3),
            "0" * 4,
            "0",
            "0",
            "0",
            self.hexstr(3),
        ]
        if groups[0] == "2001" and groups[1] == "0db8":  # never the documentation prefix
            groups[1] = "4860"
        full = ":".join(g.zfill(4) for g in groups)
        # some feeds (Tor) store the expanded form, e.g. 2a02:27a8:0000:000a:0000:0000:0000:0100
        return full if expanded else ipaddress.IPv6Address(full).compressed

    def place_ip(self, record: Record, network: names.Network | None = None) -> None:
        self.geo[record] = (self.pick(names.PLACES), network or self.pick(names.NETWORKS))

    def ips(self) -> list[Record]:
        """110 IPv4 + 30 IPv6; returns the shared-hosting IPs domains resolve to."""
        hosting = []
        for _ in range(6):
            net = self.pick([n for n in names.NETWORKS if n[0] not in names.COMMON_ISPS])
            record = self.new_unused("ip", self.ipv4(), "hosting")
            self.place_ip(record, net)
            hosting.append(record)
        for kind, count in (("c2", 26), ("scanner", 20), ("bot", 20), ("spam", 15), ("proxy", 8), ("isp", 15)):
            previous: Record | None = None
            for _ in range(count):
                # operators rent neighbouring addresses: some share a /24
                near = previous.indicator if previous is not None and self.rng.random() < 0.3 else None
                record = self.new_unused("ip", self.ipv4(near), kind)
                if near:
                    assert previous is not None  # near is its address
                    self.geo[record] = self.geo[previous]
                else:
                    isp = kind in ("isp", "bot", "spam")
                    net = self.pick([n for n in names.NETWORKS if (n[0] in names.COMMON_ISPS) == isp])
                    self.place_ip(record, net)
                previous = record
        for kind, count in (("proxy", 8), ("scanner", 8), ("hosting", 6), ("isp", 8)):
            for _ in range(count):
                record = self.new_unused("ipv6", self.ipv6(expanded=kind == "proxy"), kind)
                self.place_ip(record)
        return hosting

    def benign_name(self) -> str:
        return f"{self.pick(names.BENIGN_WORDS)}-{self.pick(names.BENIGN_SUFFIX)}.{self.pick(names.BENIGN_TLDS)}"

    def phish_name(self) -> str:
        words = self.rng.sample(names.PHISH_WORDS, self.rng.randint(2, 3))
        return f"{'-'.join(words)}{self.rng.choice(['', '', str(self.rng.randint(1, 99))])}.{self.pick(names.MAL_TLDS)}"

    def dga_name(self) -> str:
        letters = "bcdfghjklmnpqrstvwxyz" + "aeiou" * 2
        label = "".join(self.pick(letters) for _ in range(self.rng.randint(10, 16)))
        return label + "." + self.pick(("ru", "info", "biz", "xyz", "top", "su"))

    def domains(self, hosting: list[Record]) -> list[Record]:
        """130 domains: benign, name servers, phishing, IDN, DGA, C2, skimmers, sub-domains."""
        made: list[Record] = []
        c2_ips = [r for r in self.known if r.kind == "c2" and r.type == "ip"]

        def add(kind: str, make: Callable[[], str], count: int, ips: list[Record]) -> None:
            done = 0
            while done < count:
                record = self.new("domain", make(), kind)
                if record is None:
                    continue
                self.a_records[record] = self.rng.sample(ips, self.rng.choice((1, 1, 1, 2)))
                made.append(record)
                done += 1

        for word in names.HOSTING_WORDS[:3]:
            for n in (1, 2):
                server = self.new_unused("domain", f"ns{n}.{word}.net", "ns")
                self.a_records[server] = [self.pick(hosting)]
                made.append(server)
        add("benign", self.benign_name, 40, hosting)
        add("phish", self.phish_name, 35, hosting[:3] + c2_ips[:6])
        idn_tlds = names.IDN_TLDS
        for label in names.IDN_LABELS:
            value = f"{label.encode('idna').decode()}.{self.pick(idn_tlds)}"
            kind = "phish" if label in names.IDN_PHISH else "benign"
            record = self.new("domain", value, kind)
            if record is not None:
                self.a_records[record] = [self.pick(hosting)]
                made.append(record)
        add("dga", self.dga_name, 15, c2_ips)
        add("c2", lambda: f"{self.pick(names.PHISH_WORDS)}-{self.hexstr(4)}.{self.pick(names.MAL_TLDS)}", 12, c2_ips)
        add(
            "skimmer",
            lambda: "{}-{}.{}".format(
                self.pick(("cdn", "static", "js", "analytics")),
                self.pick(names.BENIGN_WORDS),
                self.pick(("com", "net", "top")),
            ),
            6,
            c2_ips,
        )
        # the first hosting IP is a busy shared host: > 50 domains (link paging)
        for record in [r for r in made if r.kind in ("benign", "phish")][:52]:
            self.a_records[record] = [hosting[0]]
        for parent in [r for r in made if r.kind == "benign"][:8]:
            record = self.new("domain", f"{self.pick(('www', 'mail', 'portal', 'shop'))}.{parent.indicator}", "benign")
            if record is not None:
                self.a_records[record] = self.a_records[parent]
                self.parent_of[record] = parent
                made.append(record)
        return made

    def url_for(self, host: str, kind: str) -> str:
        w, n, hx = self.pick(names.PHISH_WORDS + names.BENIGN_WORDS), self.rng.randint(100, 99999), self.hexstr(12)
        if kind == "botpayload":
            path = self.pick(names.BOT_URL_PATHS).format(
                w=w, arch=self.pick(names.ARCHES), arch2=self.pick(("m", "a", "mips"))
            )
            port = f":{self.pick(('80', '8080', '81'))}" if self.rng.random() < 0.3 else ""
            return f"http://{host}{port}{path}"
        if kind == "benign":
            return f"https://{host}{self.pick(names.BENIGN_URL_PATHS).format(w=w, n=n)}"
        if kind == "skimmer":
            return f"https://{host}/js/{self.pick(('jquery', 'analytics', 'gtag'))}.{hx[:8]}.min.js"
        scheme = "https" if self.rng.random() < 0.6 else "http"
        return f"{scheme}://{host}{self.pick(names.MAL_URL_PATHS).format(w=w, n=n, hex=hx)}"

    def urls(self, domains: list[Record]) -> None:
        """100 URLs: phishing, payloads (also on compromised benign sites), IoT bot payloads, skimmers, benign."""
        by_kind = {k: [d for d in domains if d.kind == k] for k in ("benign", "phish", "c2", "skimmer")}
        bot_ips = [r for r in self.known if r.kind == "bot" and r.type == "ip"]
        plan = (
            ("phish", by_kind["phish"], 40),
            ("payload", by_kind["c2"] + by_kind["benign"][:10], 30),
            ("skimmer", by_kind["skimmer"], 6),
            ("benign", by_kind["benign"], 12),
            ("botpayload", bot_ips, 12),
        )
        for kind, hosts, count in plan:
            done = 0
            while done < count:
                host = self.pick(hosts)
                record = self.new("url", self.url_for(host.indicator, kind), kind)
                if record is None:
                    continue
                if host.type == "domain":
                    self.host_of[record] = host
                done += 1
        phish_urls = [r for r in self.known if r.type == "url" and r.kind == "phish"]
        for first, second in zip(phish_urls[0:16:2], phish_urls[1:16:2]):
            first.redirects_to.append(id(second))  # becomes an iid in link()

    def scan_only(self, domains: list[Record]) -> None:
        """36 values only a scan resolves, and 6 that even a scan finds nothing for."""
        ips = [r for r in self.known if r.type == "ip" and r.kind == "c2"]
        for kind, count in (("phish", 8), ("benign", 4), ("c2", 4)):
            made = 0
            while made < count:
                make = {"phish": self.phish_name, "benign": self.benign_name, "c2": self.dga_name}[kind]
                record = self.new("domain", make(), kind, into=self.hidden)
                if record is not None:
                    self.a_records[record] = [self.pick(ips)]
                    made += 1
        made = 0
        while made < 12:  # on known hosts: scan results then only link to indicators lookups know
            kind = ("phish", "payload", "benign")[made % 3]
            host = self.pick([d for d in domains if d.kind == {"payload": "c2"}.get(kind, kind)])
            record = self.new("url", self.url_for(host.indicator, kind), kind, into=self.hidden)
            if record is not None:
                self.host_of[record] = host
                made += 1
        for kind in ("c2", "c2", "scanner", "scanner", "bot", "isp", "isp", "isp"):
            self.place_ip(self.new_unused("ip", self.ipv4(), kind, into=self.hidden))
        for kind in ("scanner", "isp", "isp", "proxy"):
            self.place_ip(self.new_unused("ipv6", self.ipv6(expanded=False), kind, into=self.hidden))
        while len(self.nothing) < 6:
            value = self.dga_name().rsplit(".", 1)[0] + "." + self.pick(("xyz", "top", "click"))
            if len(self.nothing) >= 4:
                value = f"http://{value}/{self.hexstr(6)}"
            if lookup_key(value)[1] not in self.used:
                self.used.add(lookup_key(value)[1])
                self.nothing.append(value)

    def style(self, hidden: bool) -> Style:
        rng = self.rng
        legacy = not hidden and rng.random() < 0.3
        case = "as-seen" if legacy else self.weighted((("as-seen", 5), ("lower", 4), ("capitalised-geo", 1)))
        return Style(
            legacy=legacy,
            empty_as_list=rng.random() < 0.5,
            key_case=case,
            domainiid_as_string=rng.random() < 0.5,
            retired_as_zero=not legacy and rng.random() < 0.5,
            countrycode_lower=rng.random() < 0.1,
        )

    def describe(self, r: Record) -> None:
        """Risk, stamps, threats, feeds, risk factors, attributes and properties of one record."""
        rng, hidden = self.rng, r in self.hidden_set
        r.style = self.style(hidden)
        r.risk = r.risk_recommended = self.weighted(RISK_BY_KIND[r.kind])
        if rng.random() < 0.04:
            r.risk = self.pick([x for x in names.RISKS if x != r.risk_recommended])
            r.manualrisk = 1
        added = self.moment(0.001, 0.05) if hidden else self.moment(20, 2900)
        age = (NOW - added).total_seconds() / 86400
        updated = NOW - timedelta(days=rng.uniform(0, age))
        seen = updated - timedelta(days=rng.uniform(0, min(30.0, (updated - added).total_seconds() / 86400)))
        r.stamp_added, r.stamp_updated, r.stamp_seen = stamp(added), stamp(updated), stamp(seen)
        r.stamp_probed = stamp(updated) if rng.random() < 0.5 else None
        r.recent = int((NOW - seen).days < 30)
        if not hidden and (((NOW - seen).days > 900 and rng.random() < 0.4) or rng.random() < 0.04):
            r.retired = self.pick(("No recent activity", "No recent activity", "Removed from all feeds"))
            r.stamp_retired = stamp(updated) if rng.random() < 0.6 else None
        r.submissions = rng.choice((0, 0, 1, 2, 5, rng.randint(6, 500)))
        malicious = r.risk_recommended in ("medium", "high", "critical")

        def link_stamp() -> str:
            return stamp(added + timedelta(days=rng.uniform(0, age)))

        candidates = [t for t in names.THREATS if r.kind in t[5]]
        if candidates and (malicious or rng.random() < 0.1):
            weights = [6 if t[1] == "Phishing" else 3 if t[1] == "Zeus" else 1 for t in candidates]
            for t in {c[0]: c for c in rng.choices(candidates, weights, k=rng.choice((1, 1, 2)))}.values():
                r.threats.append((t[0], link_stamp()))
        feed_ids = names.FEEDS_FOR_KIND.get(r.kind, ())
        if feed_ids and (malicious or rng.random() < 0.3):
            for fid in rng.sample(feed_ids, min(len(feed_ids), rng.choice((1, 1, 2)))):
                r.feeds.append((fid, link_stamp()))
        if r.kind == "proxy" and r.type == "ipv6":
            r.feeds = [(48, link_stamp())]
        if rng.random() < 0.08:
            for _ in range(rng.choice((1, 1, 2))):
                uid, user, title = self.pick(names.COMMENT_USERS)
                when = link_stamp()
                r.comments.append(
                    {
                        "cid": rng.randint(1000, 200000),
                        "uid": uid,
                        "username": user,
                        "title": title,
                        "comment": self.pick(names.COMMENTS),
                        "stamp_added": when,
                        "stamp_updated": when,
                    }
                )
        if r.feeds:
            severe = r.risk in ("high", "critical")
            r.riskfactors.append(names.RISK_FACTORS["threat_feeds" if severe else "third_party"])
        describe = {
            "ip": self.describe_ip,
            "ipv6": self.describe_ip,
            "domain": self.describe_domain,
            "url": self.describe_url,
        }
        describe[r.type](r)

    def geo_props(self, r: Record, place: names.Place, network: names.Network, full: bool) -> None:
        country, code, region, city, lat, long = place
        code = code.lower() if r.style.countrycode_lower else code
        self.prop(r, "geo", "country", country)
        self.prop(r, "geo", "countrycode", code)
        if full or self.rng.random() < 0.5:
            self.prop(r, "geo", "region", region)
            self.prop(r, "geo", "city", city)
        self.prop(r, "geo", "org", network[0])
        if full:
            self.prop(r, "geo", "asn", network[1])
            if self.rng.random() < 0.5:
                self.prop(r, "geo", "isp", network[0])
            if self.rng.random() < 0.5:
                self.prop(r, "geo", "lat", lat)
                self.prop(r, "geo", "long", long)

    def describe_ip(self, r: Record) -> None:
        rng = self.rng
        place, network = self.geo[r]
        self.geo_props(r, place, network, full=True)
        slug = network[0].split()[0].lower().strip(",.'")
        if r.type == "ip":
            head = r.indicator.rsplit(".", 1)[0]
            self.prop(r, "whois", "inetnum", f"{head}.0 - {head}.255")
            if r.kind in ("hosting", "isp", "proxy") and rng.random() < 0.6:
                self.prop(r, "dns", "PTR", f"{r.indicator.replace('.', '-')}.static.{slug}.net")
                r.riskfactors.append(names.RISK_FACTORS["ptr"])
        else:
            self.prop(r, "whois", "inet6num", r.key.rsplit(":", 3)[0] + "::/48")
        self.prop(r, "whois", "netname", slug.upper() + "-NET")
        self.prop(r, "whois", "origin", network[1])
        self.prop(r, "whois", "++abuse", f"abuse@{slug}.net")
        self.prop(r, "whois", "source", self.pick(("RIPE", "ARIN", "APNIC", "LACNIC")))
        if network[0] in names.COMMON_ISPS:
            r.riskfactors.append(names.RISK_FACTORS["common_isp"])
        if rng.random() < 0.3:  # an older network the address belonged to
            old = self.pick(names.NETWORKS)
            self.prop(r, "geo", "asn", old[1], seen=stamp(self.moment(900, 2500)), latest=0)
            self.prop(r, "geo", "org", old[0], seen=stamp(self.moment(900, 2500)), latest=0)
        if r.kind in PORTS:
            ports, protocols = PORTS[r.kind]
            r.attributes = {"port": list(ports), "protocol": list(protocols)}
            if r.kind in ("c2", "hosting"):
                r.attributes["technology"] = sorted(rng.sample(names.TECHNOLOGIES, 2))
                self.http_props(r, code=self.pick(("200", "404", "403")))
        if r.kind == "c2" and rng.random() < 0.4:
            cn = self.hexstr(8)
            self.prop(r, "ssl", "subject", f"/CN={cn}")
            self.prop(r, "ssl", "issuer", f"/CN={cn}")
            self.prop(r, "ssl", "fingerprint", ":".join(self.hexstr(2) for _ in range(20)))

    def http_props(
        self, r: Record, code: str, title_kind: str | None = None, content_type: str = "text/html; charset=UTF-8"
    ) -> None:
        self.prop(r, "http", "++code", code)
        self.prop(
            r,
            "http",
            "++status",
            {"200": "OK", "301": "Moved Permanently", "302": "Found", "403": "Forbidden", "404": "Not Found"}[code],
        )
        self.prop(r, "http", "Content-Type", content_type)
        self.prop(r, "http", "Server", self.pick(names.SERVERS))
        if title_kind:
            self.prop(r, "meta", "++title", self.pick(names.PAGE_TITLES[title_kind]))
            self.prop(r, "meta", "charset", "UTF-8")

    def describe_domain(self, r: Record) -> None:
        rng = self.rng
        ips = self.a_records[r]
        self.prop(r, "dns", "A", [ip.indicator for ip in ips])
        if rng.random() < 0.3:
            self.prop(r, "dns", "A", self.ipv4(), seen=stamp(self.moment(400, 2000)), latest=0)
        word = self.pick(names.HOSTING_WORDS[:3])
        if r.kind != "ns":
            self.prop(r, "dns", "NS", [f"ns1.{word}.net", f"ns2.{word}.net"])
        if r.kind == "benign":
            mx = [f"mx1.{word}.net", f"mx2.{word}.net"] if rng.random() < 0.5 else f"mail.{r.indicator}"
            self.prop(r, "dns", "MX", mx)
            self.prop(r, "dns", "TXT", f"v=spf1 include:_spf.{word}.net ~all")
        place, network = self.geo[ips[0]]
        self.geo_props(r, place, network, full=False)
        added = datetime.strptime(r.stamp_added, "%Y-%m-%d %H:%M:%S")
        young = r.kind in ("phish", "dga", "c2")  # malicious names are registered days before use
        registered = added - timedelta(days=rng.uniform(2, 40) if young else rng.uniform(800, 7000))
        registrar = self.pick(names.REGISTRARS)
        self.prop(r, "whois", "++registrar", registrar)
        self.prop(r, "whois", "++registered", stamp(registered)[:10] + " 00:00:00")
        expires = registered + timedelta(days=365 * rng.randint(1, 3))
        self.prop(r, "whois", "++expires", stamp(expires)[:10] + " 00:00:00")
        self.prop(r, "whois", "++updated", stamp(registered + timedelta(days=1))[:10] + " 00:00:00")
        if r.kind in ("phish", "dga", "c2", "skimmer") and rng.random() < 0.7:
            self.prop(r, "whois", "++privacy", "1")
            r.riskfactors.append(names.RISK_FACTORS["reg_hidden"])
        if r.kind in ("phish", "dga", "c2"):
            r.riskfactors.append(names.RISK_FACTORS["reg_updated"])
        self.prop(r, "whois", "Registrar", registrar)
        self.prop(r, "whois", "Domain Name", r.indicator.upper() if rng.random() < 0.5 else r.indicator)
        self.prop(r, "whois", "Creation Date", registered.strftime("%Y-%m-%dT%H:%M:%SZ"))
        if r.kind == "benign" and rng.random() < 0.5:
            r.umbrella_rank = rng.randint(900, 990000)
            r.umbrella_domain = r.indicator
            r.riskfactors.append(names.RISK_FACTORS["top10k" if r.umbrella_rank < 10000 else "top100k"])
        if any(p.name == "PTR" for ip in ips for p in ip.props):
            r.riskfactors.append(names.RISK_FACTORS["linked_ips_ptr"])
        if r in self.parent_of:
            r.attributes["hosttype"] = ["Subdomain"]
        if r.kind == "ns":
            r.attributes["hosttype"] = ["Name Server"]
            return
        if rng.random() < 0.75:
            r.attributes.update(
                port=["443", "80"],
                protocol=["HTTP", "HTTPS"],
                technology=sorted(rng.sample(names.TECHNOLOGIES, rng.randint(1, 4))),
            )
            self.http_props(
                r, self.pick(("200", "200", "301", "403")), {"phish": "phish", "benign": "benign"}.get(r.kind, "c2")
            )
            if rng.random() < 0.6:
                issuer, org = self.pick(names.ISSUERS)
                valid = datetime.strptime(r.stamp_updated, "%Y-%m-%d %H:%M:%S") - timedelta(days=rng.uniform(1, 80))
                for name, value in (
                    ("domain", r.indicator),
                    ("issuer", issuer),
                    ("org", org),
                    ("subject", f"/CN={r.indicator}"),
                    ("valid", stamp(valid)),
                    ("expires", stamp(valid + timedelta(days=90))),
                    ("version", "v3"),
                ):
                    self.prop(r, "ssl", name, value)

    def describe_url(self, r: Record) -> None:
        rng = self.rng
        host = self.host_of.get(r)
        code = "302" if r.redirects_to else self.pick(("200", "200", "200", "404"))
        payload = r.kind in ("payload", "botpayload")
        self.http_props(
            r,
            code,
            None if payload else {"phish": "phish", "benign": "benign"}.get(r.kind),
            "application/octet-stream" if payload else "text/html; charset=UTF-8",
        )
        if host is not None:
            ips = self.a_records[host]
            place, network = self.geo[ips[0]]
            self.geo_props(r, place, network, full=False)
            if any(p.name == "++privacy" for p in host.props):
                self.prop(r, "whois", "++privacy", "1")
        elif r.kind == "botpayload":
            ip = next(x for x in self.known if x.type == "ip" and x.indicator == url_host(r.key))
            self.geo_props(r, *self.geo[ip], full=False)
        if r.kind in ("phish", "benign") and rng.random() < 0.6:
            self.prop(r, "dom", "screenshot", f"https://pulsedive.com/screenshots/{self.hexstr(32)}.png")
        port = "443" if r.key.startswith("https") else "80"
        r.attributes = {"port": [port], "protocol": ["HTTPS" if port == "443" else "HTTP"]}

    def assign_iids(self) -> None:
        iid = 40000
        for record in sorted(self.known, key=lambda r: r.stamp_added):
            iid += self.rng.randint(1, 60000)
            record.iid = iid
        for record in self.hidden:
            iid += self.rng.randint(1, 5000)
            record.iid = iid

    def link(self) -> None:
        by_id = {id(r): r for r in self.known}
        ns = {r.indicator: r for r in self.known if r.kind == "ns"}

        def both(a: Record, b: Record, a_type: str, b_type: str) -> None:
            when = max(a.stamp_added, b.stamp_added)
            a.links.append((a_type, b.iid, when))
            if b not in self.hidden_set and a not in self.hidden_set:
                b.links.append((b_type, a.iid, when))

        for domain, ips in self.a_records.items():
            for ip in ips:
                both(domain, ip, "Active DNS", "Active DNS")
            for prop in domain.props:
                if prop.name == "NS" and prop.value in ns:
                    both(domain, ns[prop.value], "Active DNS", "Active DNS")
        for url, host in self.host_of.items():
            both(url, host, "Related Domains", "Related URLs")
        for sub, parent in self.parent_of.items():
            both(sub, parent, "Related Domains", "Related Domains")
            sub.domain, sub.domainiid = parent.indicator, parent.iid
        for record in self.known:
            targets = [by_id[x] for x in record.redirects_to]
            record.redirects_to = [t.iid for t in targets]
            for target in targets:
                target.redirects_from.append(record.iid)
                both(record, target, "Redirects", "Redirects")
        for url in [r for r in self.known if r.kind == "benign" and r.type == "url"]:
            host = self.host_of[url]
            if url.key == f"https://{host.key}/" and not host.redirects_to:
                host.redirects_to.append(url.iid)
                url.redirects_from.append(host.iid)
                both(host, url, "Redirects", "Redirects")
        for record in self.known + self.hidden:
            record.links.sort(key=lambda link: (link[0], link[1]))
