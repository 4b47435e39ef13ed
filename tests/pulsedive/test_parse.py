"""The Pulsedive parser on recorded responses, on every documented variant, and on junk.

Fixtures: tests/data/pulsedive/ (transcribed from /work/shared/pulsedive/API.md;
provenance in its README). The parser may only raise MalformedResponse, and
only when the top level is not a JSON object.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iocdesk.indicators.results import Feed, Intel, Risk, RiskFactor, Threat
from iocdesk.pulsedive.parse import (
    FeedDetail,
    LinkedIndicator,
    LinkSummary,
    MalformedResponse,
    PropertyRecord,
    ScanPoll,
    ThreatDetail,
    parse_explore,
    parse_feed,
    parse_indicator,
    parse_link_summary,
    parse_linked_list,
    parse_links,
    parse_properties_history,
    parse_scan_poll,
    parse_scan_submit,
    parse_threat,
)

DATA = Path(__file__).parent.parent / "data" / "pulsedive"
FIXTURES = sorted(p.name for p in DATA.glob("*.json"))


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# Recorded responses
# ---------------------------------------------------------------------------
def test_ip_lookup_2019():
    obj = load("indicator_1.1.1.1_2019.json")
    intel = parse_indicator(obj)
    assert intel.raw is obj
    assert (intel.iid, intel.indicator, intel.pulsedive_type) == (100939, "1.1.1.1", "ip")
    assert intel.risk is Risk.NONE and intel.risk_recommended is Risk.NONE
    assert intel.manual_risk is False
    assert intel.retired == "No recent activity"
    assert intel.riskfactors[0] == RiskFactor(rfid=50, description="hosted on common ISP", risk=Risk.NONE)
    assert [rf.rfid for rf in intel.riskfactors] == [50, 62, 61, 1]
    assert intel.threats == [
        Threat(tid=305, name="LDAP DDoS", category="attack", risk=Risk.UNKNOWN),
        Threat(tid=67, name="Phishing", category="phishing", risk=Risk.MEDIUM),
    ]
    assert intel.feeds == [Feed(fid=11, name="Bad IPs", category="attack", organization="badIPs")]
    assert intel.attributes == {
        "hosttype": ["Name Server"],
        "port": ["443", "80"],
        "protocol": ["HTTP", "HTTPS"],
        "technology": ["CloudFlare", "Google Font API"],
    }
    assert intel.properties["dns"] == {"ptr": ["one.one.one.one"]}
    assert intel.properties["geo"]["org"] == ["Cloudflare, Inc.", "ORG-ARAD1-AP"]
    assert intel.properties["http"]["content-type"] == ["text/html"]
    assert intel.properties["whois"]["++email"] == ["abuse@apnic.net", "helpdesk@apnic.net", "research@apnic.net"]
    assert (intel.country, intel.region, intel.city) == ("Australia", None, None)
    assert (intel.org, intel.asn) == ("Cloudflare, Inc.", "AS13335")
    assert (intel.registrar, intel.created) == (None, None)
    assert intel.added == "2017-10-18 02:34:59"
    assert intel.updated == intel.seen == "2019-11-15 23:40:28"
    assert intel.probed == "2018-12-11 19:24:24"
    assert intel.web_url == "https://pulsedive.com/indicator/?iid=100939"


def test_domain_lookup_2019():
    intel = parse_indicator(load("indicator_pulsedive.com_2019.json"))
    assert (intel.iid, intel.pulsedive_type, intel.risk) == (53929, "domain", Risk.NONE)
    assert intel.riskfactors == [RiskFactor(rfid=44, description="registration details hidden", risk=Risk.UNKNOWN)]
    assert intel.threats == [] and intel.feeds == []  # absent in 2019
    assert (intel.country, intel.region, intel.city) == ("Canada", "ON", "Toronto")
    assert intel.org == "Contact Privacy Inc. Customer 124912322"
    assert (intel.registrar, intel.created) == ("Google LLC", "2016-11-11 00:00:00")
    assert intel.properties["dns"]["mx"][0] == "ASPMX.L.GOOGLE.com"
    assert intel.properties["whois"]["name server"] == [
        "ns-cloud-d1.googledomains.com",
        "NS-CLOUD-D2.GOOGLEDOMAINS.COM",
        "NS-CLOUD-D4.GOOGLEDOMAINS.COM",
    ]


def test_subdomain_2019_string_domainiid():
    intel = parse_indicator(load("indicator_one.one.one.one_2019.json"))
    assert intel.iid == 7274049
    assert intel.retired is None and intel.probed is None
    assert intel.country == "Denmark" and intel.org == "One.com A/S"
    assert intel.registrar == "One.com A/S - ONE" and intel.created == "2015-05-20 00:00:00"
    assert intel.properties["dns"]["aaaa"] == ["2606:4700:4700::1001", "2606:4700:4700::1111"]
    assert intel.raw["domainiid"] == "7307079"


def test_by_iid_with_schema_2019():
    intel = parse_indicator(load("indicator_iid2_schema_2019.json"))
    assert (intel.iid, intel.indicator, intel.risk) == (2, "alvoportas.com.br", Risk.LOW)
    assert [t.name for t in intel.threats] == ["Phishing", "Zeus"]
    assert intel.threats[1].risk is Risk.HIGH
    assert intel.feeds == [Feed(fid=1, name="Zeus Bad Domains", category="malware", organization="abuse.ch")]
    assert intel.attributes["port"][:3] == ["143", "21", "22"]
    assert intel.properties["banners"]["21"][0].startswith("220---------- Welcome to Pure-FTPd")
    assert intel.country == "Brazil" and intel.created == "2005-11-12 00:00:00"
    assert "schema" not in intel.properties and intel.raw["schema"]["port"] == "Port"


def test_scan_poll_done_2023_msticpy_payload():
    poll = parse_scan_poll(load("scan_poll_done_2023.json"))
    assert (poll.status, poll.qid, poll.error, poll.success) == ("done", 774460693, None, "Submitted indicator.")
    assert poll.done and not poll.processing
    intel = poll.data
    assert isinstance(intel, Intel)
    assert (intel.iid, intel.indicator, intel.risk, intel.risk_recommended) == (
        53929,
        "pulsedive.com",
        Risk.NONE,
        Risk.NONE,
    )
    assert intel.riskfactors == [RiskFactor(rfid=70, description="Linked IPs return PTR records", risk=Risk.NONE)]
    assert intel.threats == [] and intel.feeds == [] and intel.attributes == {} and intel.properties == {}
    assert intel.retired is None and intel.added is None  # absent in this payload
    assert intel.updated == "2023-03-08 02:28:58" and intel.probed == "2023-02-27 08:56:57"
    assert poll.links == {}


def test_scan_poll_done_2019_no_status_string_ids_historical_properties():
    poll = parse_scan_poll(load("scan_poll_done_2019.json"))
    assert poll.status == "done" and poll.qid == 95665220
    intel = poll.data
    assert intel.iid == 53929 and intel.retired == "No recent activity"
    # historical list form: only the latest values are kept
    assert intel.properties["dns"] == {"a": ["45.55.106.210"]}
    assert intel.properties["ssl"] == {"domain": ["pulsedive.com"]}
    assert "cookies" not in intel.properties  # every cookie entry has latest = 0
    # named fields the history lacks come from the 2019 "summary"
    assert (intel.country, intel.city, intel.region) == ("Canada", "Toronto", "ON")
    assert (intel.registrar, intel.created) == ("Google LLC", "2016-11-11 00:00:00")
    assert set(poll.links) == {"Active DNS", "SSL Certificate Domains", "Redirects", "Related URLs", "Sources"}
    dns = poll.links["Active DNS"][0]
    assert (dns.iid, dns.risk, dns.country) == (32597, Risk.RETIRED, "United States of America")


@pytest.mark.parametrize(
    ("name", "qid", "stage"),
    [
        ("scan_poll_processing_docs.json", 2100254203, "sending request"),
        ("scan_poll_processing_2020.json", 110740426, None),
    ],
)
def test_scan_poll_processing_both_forms(name, qid, stage):
    poll = parse_scan_poll(load(name))
    assert poll == ScanPoll(status="processing", qid=qid, error="Request(s) still processing.", stage=stage)
    assert poll.processing


@pytest.mark.parametrize(("name", "qid"), [("scan_submit_2023.json", 774460693), ("scan_submit_2019.json", 95665220)])
def test_scan_submit(name, qid):
    assert parse_scan_submit(load(name)) == qid


def test_links_2019():
    links = parse_links(load("links_iid2_2019.json"))
    assert list(links) == ["Active DNS", "Related URLs", "Related Domains", "Sources"]
    assert all(len(items) == 2 for items in links.values())
    assert links["Active DNS"][0] == LinkedIndicator(
        iid=3,
        indicator="187.191.98.202",
        pulsedive_type="ip",
        risk=Risk.NONE,
        linked="2019-06-22 10:46:47",
        country="Brazil",
        properties={"geo": {"country": ["Brazil"], "org": ["Mandic S.A."], "countrycode": ["BR"]}},
    )
    retired = links["Active DNS"][1]  # "summary": [] (PHP empty object)
    assert retired.risk is Risk.RETIRED and retired.properties == {} and retired.country is None
    assert retired.web_url == "https://pulsedive.com/indicator/?iid=6"


def test_properties_history_2019():
    history = parse_properties_history(load("properties_history_iid7274049_2019.json"))
    assert set(history) == {"dns", "geo", "whois"}
    assert history["dns"][0] == PropertyRecord(
        name="a", value="1.1.1.1", seen="2019-11-15 23:40:27", latest=True, pid=14739687
    )
    assert [r.value for r in history["whois"] if r.name == "name server"] == ["b.b-one-dns.net", "a.b-one-dns.net"]
    asn = parse_properties_history(load("properties_history_iid100939_2019.json"))["geo"]
    assert [(r.value, r.latest) for r in asn][:2] == [("AS13335", True), ("AS204915", False)]
    assert sum(r.latest for r in asn) == 1


def test_threat_2019():
    threat = parse_threat(load("threat_tid1_2019.json"))
    assert isinstance(threat, ThreatDetail)
    assert (threat.tid, threat.name, threat.category, threat.risk) == (1, "Zeus", "malware", Risk.HIGH)
    assert threat.description is None  # "" in the response
    assert threat.othernames == ["Zbot"] and threat.retired is None
    assert threat.wikireference == "https://en.wikipedia.org/wiki/Zeus_(malware)"
    assert len(threat.news) == 2 and threat.news[0].stamp == "2018-10-22 22:08:00"
    assert threat.web_url == "https://pulsedive.com/threat/?tid=1"
    assert threat.as_threat() == Threat(tid=1, name="Zeus", category="malware", risk=Risk.HIGH)


def test_threat_summary_2019():
    summary = parse_link_summary(load("threat_summary_tid1_2019.json"))
    assert isinstance(summary, LinkSummary)
    assert summary.risk == {"unknown": 1, "none": 128, "low": 64, "medium": 16, "high": 4, "critical": 2}
    assert [fc.feed.fid for fc in summary.feeds] == [9, 1, 2]
    assert summary.feeds[2].indicators == {"medium": 12, "high": 3, "none": 93, "low": 50}
    assert summary.attributes["port"]["443"] == {"none": 63, "low": 17, "high": 4, "medium": 4}
    assert summary.attributes["hosttype"] == {"Name Server": {"none": 43, "low": 10}}


def test_threat_summary_without_splitrisk_and_2025_counts():
    summary = parse_link_summary(
        {
            "risk": {"unknown": 31, "retired": 874, "total": "1037"},
            "feeds": [{"fid": "9", "name": "SSL BL", "indicators": 5}, "junk"],
            "attributes": {"Port": {"80": {"indicators": 7}}, "x": []},
        }
    )
    assert summary.risk == {"unknown": 31, "retired": 874, "total": 1037}
    assert summary.feeds[0].feed.fid == 9 and summary.feeds[0].indicators == {"total": 5}
    assert summary.attributes == {"port": {"80": {"total": 7}}}


@pytest.mark.parametrize(("name", "count"), [("threat_links_tid1_2019.json", 3), ("feed_links_fid1_2019.json", 4)])
def test_threat_and_feed_links_2019(name, count):
    items = parse_linked_list(load(name))
    assert len(items) == count
    assert all(isinstance(i, LinkedIndicator) and i.iid and i.indicator for i in items)
    if name.startswith("feed"):
        assert [i.risk for i in items] == [Risk.LOW, Risk.CRITICAL, Risk.MEDIUM, Risk.HIGH]
        assert items[1].properties == {}  # "summary": {}
        assert items[0].properties["whois"] == {"++privacy": ["1"]}
    else:
        assert items[1].country == "United States of America"


def test_feed_2019():
    feed = parse_feed(load("feed_fid1_2019.json"))
    assert isinstance(feed, FeedDetail)
    assert (feed.fid, feed.name, feed.organization, feed.category) == (1, "Zeus Bad Domains", "abuse.ch", "malware")
    assert (feed.pricing, feed.schedule, feed.website) == ("free", "daily", "https://abuse.ch/")
    assert feed.pulled == "2019-11-10 03:16:07" and feed.modified == "2019-08-07 18:29:00"
    assert feed.indicators == {"low": 1, "medium": 1, "high": 1, "critical": 1}
    assert feed.web_url == "https://pulsedive.com/feed/?fid=1"
    assert feed.as_feed() == Feed(fid=1, name="Zeus Bad Domains", category="malware", organization="abuse.ch")


def test_explore_2025():
    (intel,) = parse_explore(load("explore_2025.json"))
    assert (intel.iid, intel.indicator, intel.risk) == (53929, "pulsedive.com", Risk.NONE)
    assert (intel.country, intel.region, intel.city) == ("United States of America", "NJ", "REDACTED FOR PRIVACY")
    assert intel.properties["http"] == {"++content-type": ["text/html"], "++code": ["200"]}
    assert intel.seen == "2025-02-17 17:00:56"
    assert parse_explore({"results": []}) == [] and parse_explore({}) == []


def test_error_bodies_parse_as_empty_records():
    intel = parse_indicator(load("error_not_found.json"))
    assert intel.iid is None and intel.web_url is None and intel.properties == {}
    poll = parse_scan_poll(load("error_not_found.json"))
    assert poll.status == "not found" and poll.data is None


# ---------------------------------------------------------------------------
# Variants the spec lists
# ---------------------------------------------------------------------------
BASE = {"iid": 5, "indicator": "example.com", "type": "domain", "risk": "low"}


def intel_with(**changes) -> Intel:
    return parse_indicator({**BASE, **changes})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        ("5", 5),
        (" 5 ", 5),
        (5.0, 5),
        ("-1", -1),
        ("abc", None),
        ("", None),
        (None, None),
        (True, None),
        ([5], None),
        (5.5, None),
    ],
)
def test_iid_int_or_string(value, expected):
    intel = intel_with(iid=value)
    assert intel.iid == expected
    assert intel.web_url == (f"https://pulsedive.com/indicator/?iid={expected}" if expected is not None else None)


def test_iid_absent():
    intel = parse_indicator({"indicator": "x.com"})
    assert intel.iid is None and intel.web_url is None and intel.risk is None


@pytest.mark.parametrize("value", [7, "7", " 7"])
def test_nested_ids_int_or_string(value):
    intel = intel_with(
        threats=[{"tid": value, "name": "T"}],
        feeds=[{"fid": value, "name": "F"}],
        riskfactors=[{"rfid": value, "description": "d", "risk": "high"}],
        domainiid=value,
    )
    assert intel.threats[0].tid == intel.feeds[0].fid == intel.riskfactors[0].rfid == 7
    assert parse_scan_submit({"qid": value}) == 7
    assert parse_scan_poll({"qid": value, "status": "done", "data": {"iid": value}}).data.iid == 7


def test_qid_non_numeric_string_and_absent():
    assert parse_scan_submit({"qid": "q-12"}) == "q-12"
    assert parse_scan_submit({"success": "Added request to queue."}) is None
    assert parse_scan_poll({}).qid is None


@pytest.mark.parametrize("empty", [[], {}, None, "", 0])
def test_empty_collections_any_shape(empty):
    intel = intel_with(
        attributes=empty,
        properties=empty,
        threats=empty,
        feeds=empty,
        riskfactors=empty,
        redirects=empty,
        comments=empty,
    )
    assert (intel.attributes, intel.properties, intel.threats, intel.feeds, intel.riskfactors) == ({}, {}, [], [], [])


def test_php_empty_array_in_link_summary_and_groups():
    links = parse_links({"Active DNS": [{"iid": 1, "indicator": "a.com", "summary": []}], "Empty": [], "Obj": {}})
    assert list(links) == ["Active DNS"] and links["Active DNS"][0].properties == {}
    assert parse_indicator({"properties": {"geo": [], "dns": {}}}).properties == {}


def test_php_sparse_array_as_object_is_read_as_list():
    intel = intel_with(threats={"0": {"tid": 1, "name": "Zeus"}, "3": {"tid": 2, "name": "Emotet"}})
    assert [t.name for t in intel.threats] == ["Zeus", "Emotet"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.2.3.4", ["1.2.3.4"]),
        (["1.2.3.4", "5.6.7.8"], ["1.2.3.4", "5.6.7.8"]),
        ([], None),
        ("", None),
        (None, None),
        (200, ["200"]),
        ([["a", ["b"]], "c"], ["a", "b", "c"]),
    ],
)
def test_property_values_string_or_list(value, expected):
    groups = intel_with(properties={"dns": {"A": value}}).properties
    assert groups.get("dns", {}).get("a") == expected


def test_mixed_case_groups_and_keys_are_lowercased_and_merged():
    intel = intel_with(
        properties={
            "GEO": {"Country": "Canada", "CountryCode": "ca"},
            "geo": {"COUNTRY": ["Canada", "CA-alt"], "City": "Toronto"},
            "Http": {"Content-Type": "text/html", "content-type": "text/plain"},
        }
    )
    assert intel.properties == {
        "geo": {"country": ["Canada", "CA-alt"], "countrycode": ["ca"], "city": ["Toronto"]},
        "http": {"content-type": ["text/html", "text/plain"]},
    }
    assert (intel.country, intel.city) == ("Canada", "Toronto")


@pytest.mark.parametrize(
    ("geo", "country"),
    [
        ({"countrycode": "dk"}, "DK"),
        ({"country": "Denmark", "countrycode": "dk"}, "Denmark"),
        ({"country_code": "us"}, "US"),
        ({}, None),
    ],
)
def test_country_aliases(geo, country):
    assert intel_with(properties={"geo": geo}).country == country


@pytest.mark.parametrize(
    ("properties", "field", "expected"),
    [
        ({"geo": {"asn": "AS13335"}}, "asn", "AS13335"),
        ({"geo": {"asn": 13335}}, "asn", "AS13335"),
        ({"geo": {"asn": "as13335"}}, "asn", "AS13335"),
        ({"whois": {"origin": "AS13335"}}, "asn", "AS13335"),
        ({"geo": {"asn": "private"}}, "asn", "private"),
        ({"geo": {"isp": "Cloudflare"}}, "org", "Cloudflare"),
        ({"geo": {"org": ["A", "B"], "isp": "C"}}, "org", "A"),
        ({"geo": {"state": "Ontario"}}, "region", "Ontario"),
        ({"whois": {"Registrar": "Google LLC"}}, "registrar", "Google LLC"),
        ({"whois": {"++registrar": "A", "Registrar": "B"}}, "registrar", "A"),
        ({"whois": {"Creation Date": "2016-11-11T21:18:19Z"}}, "created", "2016-11-11T21:18:19Z"),
        ({"whois": {"++registered": "2016-11-11 00:00:00", "Creation Date": "x"}}, "created", "2016-11-11 00:00:00"),
    ],
)
def test_named_field_aliases(properties, field, expected):
    assert getattr(intel_with(properties=properties), field) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (0, None),
        ("0", None),
        ("", None),
        (False, None),
        ("No recent activity", "No recent activity"),
        ("  Expired  ", "Expired"),
        (1, "retired"),
        ("1", "retired"),
        (True, "retired"),
    ],
)
def test_retired_variants(value, expected):
    assert intel_with(retired=value).retired == expected


def test_retired_absent():
    assert parse_indicator(BASE).retired is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("none", Risk.NONE),
        ("unknown", Risk.UNKNOWN),
        ("low", Risk.LOW),
        ("medium", Risk.MEDIUM),
        ("high", Risk.HIGH),
        ("critical", Risk.CRITICAL),
        ("retired", Risk.RETIRED),
        ("High", Risk.HIGH),
        ("high:retired", Risk.HIGH),
        ("severe", Risk.UNKNOWN),
        ("", None),
        (None, None),
        (5, None),
    ],
)
def test_all_risk_levels(value, expected):
    intel = intel_with(risk=value, risk_recommended=value, riskfactors=[{"rfid": 1, "description": "d", "risk": value}])
    assert intel.risk is expected and intel.risk_recommended is expected and intel.riskfactors[0].risk is expected
    assert parse_links({"g": [{"iid": 1, "risk": value}]})["g"][0].risk is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-11-15 23:40:28", "2019-11-15 23:40:28"),
        (None, None),
        ("", None),
        ("  ", None),
        (1573861228, "1573861228"),
    ],
)
def test_timestamps(value, expected):
    intel = intel_with(stamp_added=value, stamp_updated=value, stamp_seen=value, stamp_probed=value)
    assert intel.added == intel.updated == intel.seen == intel.probed == expected


def test_nested_list_attribute_quirk_is_flattened():
    intel = intel_with(
        attributes={"port": [["443", "80"]], "Protocol": [["HTTP"], "HTTPS", ["HTTP"]], "technology": "PHP"}
    )
    assert intel.attributes == {"port": ["443", "80"], "protocol": ["HTTP", "HTTPS"], "technology": ["PHP"]}


def test_non_dict_items_in_lists_are_skipped():
    junk = [None, "zeus", 5, 1.5, True, ["x"]]
    intel = intel_with(
        threats=[*junk, {"tid": 1, "name": "Zeus"}],
        feeds=[*junk, {"fid": 2, "name": "Feed"}],
        riskfactors=[*junk, {"rfid": 3, "description": "d"}],
    )
    assert intel.threats == [Threat(tid=1, name="Zeus")]
    assert intel.feeds == [Feed(fid=2, name="Feed")]
    assert intel.riskfactors == [RiskFactor(rfid=3, description="d")]
    assert parse_links({"g": [*junk, {"iid": 4}]})["g"] == [LinkedIndicator(iid=4, indicator=None)]
    assert [r.value for r in parse_properties_history({"dns": [*junk, {"name": "A", "value": "1.2.3.4"}]})["dns"]] == [
        "1.2.3.4"
    ]
    assert len(parse_explore({"results": [*junk, {"iid": 9}]})) == 1


def test_items_without_id_or_name_are_skipped():
    intel = intel_with(
        threats=[{"category": "malware"}, {"name": "Zeus"}, {"tid": "3"}], riskfactors=[{"risk": "high"}]
    )
    assert intel.threats == [Threat(tid=None, name="Zeus"), Threat(tid=3, name="")]
    assert intel.riskfactors == []


def test_numbers_where_strings_are_expected():
    intel = parse_indicator(
        {
            "iid": 1,
            "indicator": 12345,
            "type": "IP",
            "attributes": {"port": [443, 80.0]},
            "properties": {"http": {"++code": 200}, "geo": {"lat": -33.494, "asn": 13335}},
            "threats": [{"tid": 1, "name": 7, "category": 3}],
            "riskfactors": [{"rfid": 1, "description": 42}],
        }
    )
    assert intel.indicator == "12345" and intel.pulsedive_type == "ip"
    assert intel.attributes == {"port": ["443", "80"]}
    assert intel.properties["http"] == {"++code": ["200"]}
    assert intel.properties["geo"]["lat"] == ["-33.494"]
    assert intel.asn == "AS13335"
    assert intel.threats == [Threat(tid=1, name="7", category="3")]
    assert intel.riskfactors[0].description == "42"


@pytest.mark.parametrize(
    ("value", "expected"), [(0, False), (1, True), ("1", True), ("0", False), (None, False), (True, True), ("", False)]
)
def test_manualrisk(value, expected):
    assert intel_with(manualrisk=value).manual_risk is expected


def test_historical_property_form_inside_an_indicator():
    intel = intel_with(
        properties={
            "DNS": [
                {"name": "A", "value": "1.1.1.1", "latest": 1},
                {"name": "A", "value": "9.9.9.9", "latest": 0},
                {"name": "MX", "value": ["mx1", "mx2"], "latest": "1"},
                {"name": "TXT", "value": "no latest flag"},
                {"value": "no name", "latest": 1},
            ]
        }
    )
    assert intel.properties == {"dns": {"a": ["1.1.1.1"], "mx": ["mx1", "mx2"], "txt": ["no latest flag"]}}


def test_summary_fills_only_what_properties_lack():
    intel = intel_with(
        properties={"geo": {"country": "Canada"}},
        summary={"properties": {"geo": {"country": "Elsewhere", "city": "Toronto"}}},
    )
    assert intel.properties["geo"] == {"country": ["Canada"], "city": ["Toronto"]}
    assert (intel.country, intel.city) == ("Canada", "Toronto")


def test_redirects_with_id_and_iid_do_not_matter():
    intel = intel_with(redirects={"from": [{"id": 1, "indicator": "a"}], "to": [{"iid": "2", "indicator": "b"}]})
    assert intel.iid == 5 and intel.raw["redirects"]["from"][0]["id"] == 1


@pytest.mark.parametrize(
    ("obj", "status"),
    [
        ({"status": "Done", "data": {"iid": 1}}, "done"),
        ({"status": "not found", "error": "Report not found."}, "not found"),
        ({"status": "failed"}, "failed"),
        ({"error": "Request(s) still processing."}, "processing"),
        ({"error": "Report not found."}, "not found"),
        ({"error": "Something broke."}, "error"),
        ({}, "unknown"),
        ({"status": "done"}, "done"),
        ({"data": []}, "unknown"),
    ],
)
def test_scan_poll_status(obj, status):
    poll = parse_scan_poll(obj)
    assert poll.status == status
    assert (poll.data is not None) == isinstance(obj.get("data"), dict)


def test_threat_and_feed_variants():
    threat = parse_threat(
        {"tid": "3", "name": "Emotet", "othernames": "Geodo", "news": [1, {"link": "https://x"}], "retired": "0"}
    )
    assert (threat.tid, threat.name, threat.othernames, threat.retired) == (3, "Emotet", ["Geodo"], None)
    assert threat.news[0].title == "https://x"
    assert parse_threat({}).name == "" and parse_threat({}).web_url is None
    feed = parse_feed({"fid": "2", "name": "Bad IPs", "accesslink": "https://b", "indicators": []})
    assert (feed.fid, feed.name, feed.website, feed.indicators) == (2, "Bad IPs", "https://b", {})


PARSERS = [
    parse_indicator,
    parse_links,
    parse_linked_list,
    parse_properties_history,
    parse_threat,
    parse_link_summary,
    parse_feed,
    parse_explore,
    parse_scan_submit,
    parse_scan_poll,
]


@pytest.mark.parametrize("parser", PARSERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("top", [[], [{"iid": 1}], "x", "", 0, 1.5, None, True])
def test_non_object_top_level_raises_malformed(parser, top):
    if top == [] and parser in EMPTY_ARRAY_OK:
        assert parser(top) == {}  # PHP's empty object
        return
    with pytest.raises(MalformedResponse) as info:
        parser(top)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda f: f.__name__)
def test_empty_object_parses(parser):
    parser({})


# ---------------------------------------------------------------------------
# Properties: junk never raises anything but MalformedResponse (and only for non-objects)
# ---------------------------------------------------------------------------
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        ["", "0", "1", "high", "retired", "2019-11-15 23:40:28", "Indicator not found.", "done", "processing"]
    ),
)
_KEYS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "iid",
            "qid",
            "tid",
            "fid",
            "rfid",
            "risk",
            "retired",
            "properties",
            "attributes",
            "threats",
            "feeds",
            "riskfactors",
            "summary",
            "data",
            "links",
            "results",
            "status",
            "error",
            "geo",
            "whois",
            "country",
            "name",
            "value",
            "latest",
            "indicators",
            "page_next",
            "stamp_seen",
            "news",
            "othernames",
            "GEO",
            "Country",
        ]
    ),
)
JSON = st.recursive(
    _SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(_KEYS, children, max_size=6)),
    max_leaves=40,
)


# Shapes where Pulsedive (PHP) writes an empty object as an empty array.
EMPTY_ARRAY_OK = (parse_links, parse_properties_history)


def _check_all_parsers(obj: object) -> None:
    for parser in PARSERS:
        if isinstance(obj, dict) or (obj == [] and parser in EMPTY_ARRAY_OK):
            parser(obj)  # must not raise
        else:
            with pytest.raises(MalformedResponse):
                parser(obj)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_random_json_never_breaks_the_parsers(obj):
    _check_all_parsers(obj)


@pytest.mark.slow  # 5-10 s: 300 generated JSON objects
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, JSON, max_size=8))
def test_random_objects_always_parse(obj):
    _check_all_parsers(obj)
    intel = parse_indicator(obj)
    assert intel.raw is obj
    for group in intel.properties.values():
        for key, values in group.items():
            assert key == key.lower() and values and all(isinstance(v, str) and v for v in values)
    for values in intel.attributes.values():
        assert values and all(isinstance(v, str) and v for v in values)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys / indexes) to a value inside a JSON document."""
    paths = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            paths += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            paths += _paths(child, (*prefix, index))
    return paths


def _mutate(doc: object, path: tuple, how: str, value: object) -> object:
    if not path:
        return value if how == "replace" else doc
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "wrap":
        parent[last] = [parent[last]]
    elif how == "stringify":
        parent[last] = json.dumps(parent[last]) if not isinstance(parent[last], str) else parent[last]
    elif how == "empty":
        parent[last] = [] if isinstance(parent[last], dict) else {}
    else:
        parent[last] = value
    return doc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURES), st.data())
def test_mutated_real_fixtures_never_break_the_parsers(name, data):
    doc = copy.deepcopy(load(name))
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths), label="path")
        how = data.draw(st.sampled_from(["replace", "delete", "wrap", "stringify", "empty"]), label="how")
        doc = _mutate(doc, path, how, data.draw(JSON, label="value"))
    _check_all_parsers(doc)


@pytest.mark.parametrize("name", FIXTURES)
def test_every_fixture_parses_with_every_parser(name):
    _check_all_parsers(load(name))


def test_deeply_nested_values_do_not_exhaust_the_stack():
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    intel = parse_indicator({"attributes": {"port": deep}, "properties": {"geo": {"country": deep}}})
    assert intel.attributes == {"port": ["x"]} and intel.country == "x"


def test_empty_php_arrays_for_links_and_property_history_mean_nothing():
    from iocdesk.pulsedive.parse import parse_links, parse_properties_history

    assert parse_links([]) == {}
    assert parse_properties_history([]) == {}
