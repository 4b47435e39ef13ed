"""The Pulsedive sandbox server: real HTTP on loopback against the shapes of
/work/shared/pulsedive/API.md, the scan lifecycle, quotas, faults and lifecycle.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer
from iocdesk.pulsedive.sandbox.api import MISSING_KEY, WRONG_KEY
from iocdesk.pulsedive.sandbox.dataset import Dataset
from iocdesk.pulsedive.sandbox.faults import SERVER_ERROR

RISKS = {"none", "unknown", "low", "medium", "high", "critical"}


@pytest.fixture(scope="module")
def sb(make_module_sandbox):
    """A shared server for read-only tests (they must not change its config or data)."""
    return make_module_sandbox(seed=1)


# A server of a test's own: make_sandbox(**config) (tests/conftest.py).


def get(sb: SandboxServer, endpoint: str = "info.php", session=requests, **params) -> requests.Response:
    return session.get(sb.url(endpoint), params=params, timeout=10)


def scan(sb: SandboxServer, value: str, **fields) -> int:
    r = requests.post(sb.url("analyze.php"), data={"value": value, "probe": 0, **fields}, timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] == "Added request to queue." and isinstance(body["qid"], int)
    return body["qid"]


# -- import, dataset, binding --------------------------------------------------------------
def test_import_is_cheap():
    code = (
        "import sys, iocdesk.pulsedive.sandbox as s; "
        "assert 'http.server' not in sys.modules and 'iocdesk.pulsedive.sandbox.dataset' not in sys.modules; "
        "s.SandboxServer; assert 'http.server' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)


def test_dataset_counts_variety_and_determinism():
    started = time.perf_counter()
    ds = Dataset(7)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, elapsed  # ~0.06 s on a dev machine; loose for slow CI
    records = ds.records()
    assert len(records) >= 300
    assert {r.type for r in records} == {"ip", "ipv6", "domain", "url"}
    assert {r.risk for r in records} == RISKS
    assert any(r.retired for r in records) and any(r.list_risk == "retired" for r in records)
    assert any(v.startswith("xn--") or ".xn--" in v for v in ds.known_values("domain"))
    assert len(ds.unknown_values()) >= 30 and len(ds.scan_nothing_values()) >= 3
    for value in ds.unknown_values() + ds.scan_nothing_values():
        assert ds.record(value) is None
    assert {t.category for t in ds.threats.values()} >= {"malware", "phishing", "botnet", "spam", "abuse"}
    assert all(f.organization for f in ds.feeds.values())
    assert Dataset(7).known_values() == ds.known_values()
    assert Dataset(8).known_values() != ds.known_values()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "", "pulsedive.com"])
def test_refuses_non_loopback_hosts(host):
    with pytest.raises(ValueError, match="loopback"):
        SandboxServer(SandboxConfig(), host=host)


def test_binds_ipv6_loopback_when_available(make_sandbox):
    try:
        server = make_sandbox(host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    assert server.base_url.startswith("http://[::1]:")
    assert get(server, indicator=server.dataset.known_values()[0]).status_code == 200


def test_config_is_validated():
    cfg = SandboxConfig()
    with pytest.raises(ValueError):
        cfg.error_rate = 1.5
    with pytest.raises(ValueError):
        SandboxConfig(per_second=0)
    with pytest.raises(AttributeError):
        cfg.no_such_setting = 1
    cfg.update(error_rate=0.5, latency=0.1)
    snap = cfg.snapshot()
    assert (snap.error_rate, snap.latency) == (0.5, 0.1) and snap is not cfg


# -- indicator lookups --------------------------------------------------------------------------
def test_base_url_headers_and_both_path_families(sb):
    assert sb.base_url == f"http://127.0.0.1:{sb.port}/api/"
    for record in [sb.dataset.records(t)[3] for t in ("ip", "ipv6", "domain", "url")]:
        legacy = get(sb, "info.php", indicator=record.indicator)
        current = get(sb, "indicator.php", indicator=record.indicator)
        assert legacy.status_code == current.status_code == 200
        assert legacy.content == current.content
        assert legacy.headers["Content-Type"] == "application/json"
        assert legacy.headers["Server"] == "Apache"
        assert legacy.headers["Cache-Control"] == "no-store, no-cache, must-revalidate"
        assert not any(h.startswith("X-Requests-Remaining") for h in legacy.headers)  # unlimited
        body = legacy.json()
        assert (body["iid"], body["type"], body["indicator"]) == (record.iid, record.type, record.indicator)
        assert body["risk"] in RISKS and "properties" in body and "attributes" in body


def test_unknown_indicator_is_404_with_the_documented_text(sb):
    for value in [
        "never-seen-before.example",
        "d41d8cd98f00b204e9800998ecf8427e",
        sb.dataset.unknown_values()[0],
        sb.dataset.scan_nothing_values()[0],
    ]:
        r = get(sb, indicator=value)
        assert r.status_code == 404
        assert r.text == '{"error":"Indicator not found."}'
    assert get(sb, "indicator.php", iid=-1).json() == {"error": "Indicator not found."}


def test_lookup_normalisation(sb):
    ds = sb.dataset
    domain = next(v for v in ds.known_values("domain") if not v.startswith("xn--"))
    assert get(sb, indicator=f"  {domain.upper()}. ").json()["indicator"] == domain
    idn = next(v for v in ds.known_values("domain") if v.startswith("xn--"))
    assert get(sb, indicator=idn.encode().decode("idna")).json()["indicator"] == idn
    expanded = next(v for v in ds.known_values("ipv6") if len(v) == 39)
    compressed = ipaddress.ip_address(expanded).compressed
    assert get(sb, indicator=compressed).json()["indicator"] == expanded  # stored expanded, as feeds do
    short = next(v for v in ds.known_values("ipv6") if "::" in v)
    assert get(sb, indicator=ipaddress.ip_address(short).exploded).json()["indicator"] == short
    url = next(v for v in ds.known_values("url") if v.split("/", 3)[-1].islower())
    scheme, rest = url.split("://")
    host, path = rest.split("/", 1)
    assert get(sb, indicator=f"{scheme.upper()}://{host.upper()}/{path}").status_code == 200  # scheme, host: any case
    assert get(sb, indicator=f"{scheme}://{host}/{path.upper()}").status_code == 404  # path: exact
    assert get(sb, indicator=f"{url}x").status_code == 404


def test_iid_lookup_and_schema(sb):
    record = sb.dataset.records("domain")[10]
    by_iid = get(sb, iid=record.iid).json()
    assert by_iid == get(sb, indicator=record.indicator).json()
    assert "schema" not in by_iid
    with_schema = get(sb, iid=record.iid, schema=1).json()
    assert with_schema["schema"]["port"] == "Port" and with_schema["schema"]["hosttype"] == "Host Type"


def test_documented_shape_variants_all_occur(sb):
    seen: set[str] = set()
    session = requests.Session()
    for record in sb.dataset.records():
        body = get(sb, session=session, iid=record.iid).json()
        seen.add("current" if "qid" in body else "legacy")
        if "qid" in body:
            assert body["qid"] is None and isinstance(body["submissions"], int)
            assert isinstance(body["threats"], list) and isinstance(body["comments"], list)
            assert set(body["redirects"]) == {"from", "to"}
        elif not record.threats:
            assert "threats" not in body
        seen.add(f"retired={body['retired']!r}" if body["retired"] in (None, 0) else "retired=reason")
        seen.add("attributes=" + type(body["attributes"]).__name__)
        seen.add("properties=" + type(body["properties"]).__name__)
        if "domainiid" in body:
            seen.add("domainiid=" + type(body["domainiid"]).__name__)
        for group in body["properties"] if isinstance(body["properties"], dict) else ():
            for key, value in body["properties"][group].items():
                seen.add("value=" + type(value).__name__)
                if key in ("Country", "country", "Content-Type", "content-type"):
                    seen.add("key=" + key)
                if key.lower() == "countrycode":
                    seen.add("countrycode=" + ("upper" if value.isupper() else "lower"))
    expected = {
        "current",
        "legacy",
        "retired=None",
        "retired=0",
        "retired=reason",
        "attributes=list",
        "attributes=dict",
        "properties=dict",
        "domainiid=int",
        "domainiid=str",
        "value=str",
        "value=list",
        "key=Country",
        "key=country",
        "key=Content-Type",
        "key=content-type",
        "countrycode=upper",
        "countrycode=lower",
    }
    assert expected <= seen, expected - seen


def test_php_style_escaping(sb, make_sandbox):
    record = next(r for r in sb.dataset.records("url") if any(not p.value.isascii() for p in r.props))
    raw = get(sb, indicator=record.indicator).text
    assert raw.isascii() and "\\/" in raw and "\\u" in raw
    assert json.loads(raw)["indicator"] == record.indicator
    plain = make_sandbox(seed=1, escape_slashes=False)
    raw = get(plain, indicator=record.indicator).text
    assert "\\/" not in raw and record.indicator in raw
    assert get(sb, indicator=record.indicator, pretty=1).text.startswith("{\n    ")


def test_links_grouped_and_paged(sb, make_sandbox):
    hub = max(sb.dataset.records(), key=lambda r: len(r.links))
    assert len(hub.links) > sb.config.links_page_size
    first = get(sb, iid=hub.iid, get="links").json()
    assert first["page_current"] == 0 and first["page_next"] == 1
    items, page = [], 0
    while True:
        body = get(sb, iid=hub.iid, get="links", page=page).json()
        assert body["page_current"] == page
        items += [item for key, group in body.items() if isinstance(group, list) for item in group]
        if "page_next" not in body:
            break
        page = body["page_next"]
    assert len(items) == len(hub.links) and {i["iid"] for i in items} == {iid for _, iid, _ in hub.links}
    for item in items:
        assert set(item) == {"iid", "indicator", "type", "risk", "stamp_linked", "summary"}
        assert item["risk"] in RISKS | {"retired"}
        assert isinstance(item["summary"], (dict, list))
    small = next(r for r in sb.dataset.records("domain") if 0 < len(r.links) < 10)
    body = get(sb, indicator=small.indicator, get="links").json()  # by value works too
    assert "page_current" not in body and set(body) <= {"Active DNS", "Related URLs", "Related Domains", "Redirects"}
    lonely = next(r for r in sb.dataset.records() if not r.links)
    assert get(sb, iid=lonely.iid, get="links").json() in ([], {})
    paged = make_sandbox(seed=1, links_page_size=3)
    body = get(paged, iid=small.iid, get="links").json()
    assert body["page_current"] == 0 and body["page_next"] == 1


def test_property_history(sb):
    record = next(r for r in sb.dataset.records("domain") if any(not p.latest for p in r.props))
    body = get(sb, iid=record.iid, get="properties").json()
    entries = [e for group in body.values() for e in group]
    assert entries and all(set(e) == {"pid", "stamp_seen", "name", "value", "latest"} for e in entries)
    assert {e["latest"] for e in entries} == {0, 1}
    assert len(entries) == len(record.props)


def test_threat_by_id_and_name_and_links(sb):
    by_id = get(sb, tid=1).json()
    assert by_id["threat"] == "Zeus" and by_id["category"] == "malware" and "Zbot" in by_id["othernames"]
    assert get(sb, tname="zEuS").json() == by_id == get(sb, "threat.php", tid=1).json()
    assert get(sb, tname="no such threat").status_code == 404
    links = get(sb, "threat.php", tid=1, get="links").json()
    assert links["page_current"] == 0 and links["results"]
    total = len(sb.dataset.linked_to_threat(1))
    assert ("page_next" in links) == (total > sb.config.links_page_size)
    split = get(sb, tid=67, get="links", summary=1, splitrisk=1).json()
    plain = get(sb, tid=67, get="links", summary=1).json()
    assert isinstance(split["feeds"][0]["indicators"], dict) and isinstance(plain["feeds"][0]["indicators"], int)
    assert set(split["risk"]) >= {"unknown", "none", "low", "medium", "high", "critical"}
    assert "port" in split["attributes"]


def test_feed_by_id_name_and_links(sb):
    body = get(sb, fid=54).json()
    assert body["feed"] == "URLhaus" and body["organization"] == "abuse.ch" and body["contact"]["email"] == ""
    assert get(sb, "feed.php", fid=54).json() == body
    assert get(sb, feed="urlhaus").json() == body
    links = get(sb, "feed.php", fid=54, get="links").json()
    assert links["page_current"] == 0 and all(r["type"] in ("ip", "ipv6", "domain", "url") for r in links["results"])
    assert get(sb, fid=99999).json() == {"error": "Feed not found."}


def test_explore_queries(sb):
    def results(q, **params):
        r = get(sb, "explore.php", q=q, **params)
        assert r.status_code == 200, r.text
        return r.json()["results"]

    urls = results("type=url", limit=1000)
    assert len(urls) == len(sb.dataset.known_values("url")) and all(x["type"] == "url" for x in urls)
    assert set(urls[0]) == {"iid", "indicator", "type", "risk", "stamp_added", "stamp_updated", "stamp_seen", "summary"}
    assert len(results("type=url", limit=5)) == 5
    zeus_urls = results("threat=zeus and type=url", limit=1000)
    assert zeus_urls and all(sb.dataset.record(x["indicator"]).threats for x in zeus_urls)
    either = results("feed=urlhaus or threat=Mirai", limit=1000)
    assert len(either) >= len(results("feed=urlhaus", limit=1000))
    assert all(x["risk"] == "retired" for x in results("risk=retired", limit=1000))
    ru = results("ioc=*.ru", limit=1000)
    assert ru and all(x["indicator"].endswith(".ru") for x in ru)
    assert all(x["risk"] != "none" for x in results("not risk=none and (type=ip or type=ipv6)", limit=1000))
    assert results("ioc=definitely-not-there.example") == []
    assert get(sb, "explore.php", q="ioc=(").json() == {"error": "Invalid query."}
    assert get(sb, "explore.php").status_code == 400
    threats = get(sb, "explore.php", q="category=botnet", type="threats").json()["results"]
    assert {t["threat"] for t in threats} >= {"Mirai"}


# -- scans ------------------------------------------------------------------------------------------------
def poll(sb, qid):
    r = get(sb, "analyze.php", qid=qid)
    return r.status_code, r.json()


def test_scan_lifecycle_without_and_with_submit(make_sandbox):
    sb = make_sandbox(seed=3, scan_polls_until_done=2)
    value = sb.dataset.unknown_values()[0]
    assert get(sb, indicator=value).status_code == 404
    qid = scan(sb, value)
    for _ in range(2):
        status, body = poll(sb, qid)
        assert status == 200 and body["status"] == "processing" and body["error"] == "Request(s) still processing."
        assert str(body["qid"]) == str(qid)
    status, body = poll(sb, qid)
    assert status == 200 and body["status"] == "done" and str(body["qid"]) == str(qid)
    data = body["data"]
    assert data["indicator"] == value and data["risk"] in RISKS and "links" in data
    assert poll(sb, qid)[1] == body  # stays done
    assert get(sb, indicator=value).status_code == 404  # not stored without submit=1
    qid = scan(sb, value, submit=1)
    while poll(sb, qid)[1]["status"] == "processing":
        pass
    stored = get(sb, indicator=value)
    assert stored.status_code == 200 and stored.json()["indicator"] == value
    assert value not in sb.dataset.unknown_values()
    assert sb.stats.scans[-1] == {"value": value, "probe": False, "submit": True, "qid": qid}


def test_scan_dialects_current_and_legacy(make_sandbox):
    sb = make_sandbox(seed=1, scan_polls_until_done=1)
    forms = set()
    for value in sb.dataset.unknown_values()[:16]:
        qid = scan(sb, value)
        _, processing = poll(sb, qid)
        _, done = poll(sb, qid)
        if isinstance(processing["qid"], str):  # the older form
            forms.add("legacy")
            assert processing["note"].startswith("status field is in beta")
            assert done["qid"] == str(qid) and done["data"]["iid"] == str(done["data"]["iid"])
            assert done["success"].startswith("Processed ")
            assert all(isinstance(g, list) for g in done["data"]["properties"].values())
        else:
            forms.add("current")
            assert processing["stage"] == "sending request"
            assert done["success"] == "Submitted indicator." and done["data"]["qid"] == qid
            assert isinstance(done["data"]["iid"], int) and "stamp_added" not in done["data"]
    assert forms == {"current", "legacy"}


def test_scan_that_finds_nothing_and_unknown_qid(make_sandbox):
    sb = make_sandbox(seed=1, scan_polls_until_done=0)
    value = sb.dataset.scan_nothing_values()[0]
    qid = scan(sb, value, submit=1)
    status, body = poll(sb, qid)
    assert status == 200 and body["status"] == "not found" and body["error"] == "Indicator not found."
    assert "data" not in body and get(sb, indicator=value).status_code == 404
    status, body = poll(sb, 12345)
    assert status == 404 and body["status"] == "not found" and body["error"] == "Request not found."
    fresh_value = "brand-new-name-for-a-scan.example"
    _, body = poll(sb, scan(sb, fresh_value))
    assert body["status"] == "done" and body["data"]["risk"] == "unknown"


def test_scan_parameters_and_active_scans_in_stats(make_sandbox):
    sb = make_sandbox(seed=1, scan_polls_until_done=0)
    value = sb.dataset.unknown_values()[1]
    scan(sb, value)
    assert sb.stats.active_scans == 0
    r = requests.post(sb.url("analyze.php"), params={"value": value, "probe": 1}, timeout=10)  # query params on POST
    assert r.status_code == 200 and sb.stats.active_scans == 1
    legacy = requests.post(sb.url("analyze.php"), data={"ioc": base64.b64encode(value.encode()).decode()}, timeout=10)
    assert legacy.status_code == 200 and sb.stats.scans[-1]["value"] == value
    assert requests.post(sb.url("analyze.php"), data={"probe": 0}, timeout=10).status_code == 400
    assert requests.post(sb.url("analyze.php"), data={"value": "not an indicator"}, timeout=10).status_code == 400
    assert get(sb, "analyze.php", value=value).status_code == 400  # submitting needs POST
    assert sb.stats.by_kind["scan_submit"] == 5


# -- quota ------------------------------------------------------------------------------------------------
def test_quota_headers_and_429_per_period(make_sandbox):
    sb = make_sandbox(seed=1, per_second=2, per_day=100, per_month=1000)
    value = sb.dataset.known_values()[0]
    first = get(sb, indicator=value)
    assert first.headers["X-Requests-Remaining-Second"] == "1"
    assert first.headers["X-Requests-Remaining-Day"] == "99"
    assert first.headers["X-Requests-Remaining-Month"] == "999"
    assert get(sb, indicator=value).status_code == 200
    refused = get(sb, indicator=value)
    assert refused.status_code == 429
    assert refused.json() == {
        "error": "API rate limit exceeded: 2 requests per second. "
        "Visit pulsedive.com/api to view limits and upgrade your plan."
    }
    assert "pulsedive.com\\/api" in refused.text
    assert not any(h.startswith("X-Requests-Remaining") for h in refused.headers)
    time.sleep(0.55)  # one token back
    assert get(sb, indicator=value).status_code == 200
    sb.config.update(per_second=None, per_day=4)
    assert "X-Requests-Remaining-Second" not in get(sb, indicator=value).headers
    day = get(sb, indicator=value)
    assert day.status_code == 429 and "4 requests per day" in day.json()["error"]
    sb.config.headers_on_429 = True
    assert get(sb, indicator=value).headers["X-Requests-Remaining-Day"] == "0"
    sb.reset_quota("day")
    sb.config.update(per_day=None, per_month=2)
    sb.reset_quota()
    assert get(sb, indicator=value).status_code == 200
    assert get(sb, indicator=value).status_code == 200
    month = get(sb, indicator=value)
    assert month.status_code == 429 and "2 requests per month" in month.json()["error"]
    assert sb.stats.rate_limited == {"second": 1, "day": 2, "month": 1}


def test_polls_are_free_submits_are_charged(make_sandbox):
    sb = make_sandbox(seed=1, per_day=2, scan_polls_until_done=5)
    qid = scan(sb, sb.dataset.unknown_values()[0])
    for _ in range(5):
        r = get(sb, "analyze.php", qid=qid)
        assert r.status_code == 200 and r.headers["X-Requests-Remaining-Day"] == "1"
    scan(sb, sb.dataset.unknown_values()[1])
    assert requests.post(sb.url("analyze.php"), data={"value": "x.example"}, timeout=10).status_code == 429
    assert get(sb, "analyze.php", qid=qid).status_code == 200


def test_rate_limit_bursts(make_sandbox):
    sb = make_sandbox(seed=1, rate_limit_bursts=3)
    value = sb.dataset.known_values()[0]
    codes = [get(sb, indicator=value).status_code for _ in range(7)]
    assert codes == [200, 200, 429, 200, 200, 429, 200]
    assert sb.stats.faults["burst"] == 2 and sb.stats.throttled == 2


# -- key ------------------------------------------------------------------------------------------------------
def test_require_key(make_sandbox, capsys):
    secret = "a" * 64
    sb = make_sandbox(seed=1, require_key=secret, log_requests=True)
    value = sb.dataset.known_values()[0]
    missing = get(sb, indicator=value)
    assert missing.status_code == 401 and missing.json() == {"error": MISSING_KEY}
    wrong = get(sb, indicator=value, key="b" * 64)
    assert wrong.status_code == 401 and wrong.json() == {"error": WRONG_KEY}
    assert get(sb, indicator=value, key=secret).status_code == 200
    r = requests.post(sb.url("analyze.php"), data={"value": value, "key": secret}, timeout=10)
    assert r.status_code == 200
    assert sb.stats.unauthorized_count == 2
    err = capsys.readouterr().err
    assert "key=***" in err and secret not in err and "b" * 64 not in err
    assert secret not in json.dumps(sb.stats.snapshot())


# -- faults ---------------------------------------------------------------------------------------------------
def test_error_and_malformed_faults(make_sandbox):
    sb = make_sandbox(seed=1, error_rate=1.0)
    value = sb.dataset.known_values()[0]
    r = get(sb, indicator=value)
    assert r.status_code == 500 and r.json() == {"error": SERVER_ERROR}
    sb.config.update(error_rate=0.0, malformed_rate=1.0)
    for _ in range(5):
        r = get(sb, indicator=value)
        assert r.status_code == 200
        with pytest.raises(ValueError):
            json.loads(r.text)
    r = get(sb, indicator="unknown.example")  # 404s are JSON too, so they can be broken
    assert r.status_code == 404
    with pytest.raises(ValueError):
        json.loads(r.text)
    sb.config.update(malformed_rate=0.0)
    assert get(sb, indicator="unknown.example").json() == {"error": "Indicator not found."}
    assert sb.stats.faults == {"error": 1, "malformed": 6}


def test_reset_fault_drops_the_connection(make_sandbox):
    sb = make_sandbox(seed=1, reset_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        get(sb, indicator=sb.dataset.known_values()[0])
    sb.config.reset_rate = 0.0
    assert get(sb, indicator=sb.dataset.known_values()[0]).status_code == 200
    assert sb.stats.faults["reset"] == 1


def test_timeout_fault_and_latency(make_sandbox):
    sb = make_sandbox(seed=1, timeout_rate=1.0, timeout_seconds=0.6)
    value = sb.dataset.known_values()[0]
    with pytest.raises(requests.ReadTimeout):
        requests.get(sb.url("info.php"), params={"indicator": value}, timeout=0.2)
    started = time.monotonic()
    assert requests.get(sb.url("info.php"), params={"indicator": value}, timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.55  # a stall, then a normal (late) answer
    sb.config.update(timeout_rate=0.0, latency=0.2, latency_jitter=0.1)
    started = time.monotonic()
    assert get(sb, indicator=value).status_code == 200
    assert 0.2 <= time.monotonic() - started < 2
    assert sb.stats.faults["timeout"] == 2


def test_stop_is_fast_with_a_hanging_request(make_sandbox):
    sb = make_sandbox(seed=1, timeout_rate=1.0, timeout_seconds=30)
    outcome = []

    def client():
        try:
            outcome.append(get(sb, indicator=sb.dataset.known_values()[0]).status_code)
        except requests.RequestException as error:
            outcome.append(type(error).__name__)

    thread = threading.Thread(target=client)
    thread.start()
    deadline = time.monotonic() + 5
    while sb.stats.faults.get("timeout") != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    sb.config.timeout_rate = 0.0
    idle = requests.Session()  # plus an idle keep-alive connection
    get(sb, session=idle, indicator=sb.dataset.known_values()[0])
    started = time.monotonic()
    sb.stop()
    assert time.monotonic() - started < 1.5
    thread.join(5)
    assert outcome and outcome[0] != 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{sb.port}/api/info.php", timeout=2)


def test_faults_are_reproducible_per_seed(make_sandbox):
    def run(seed):
        sb = make_sandbox(seed=seed, error_rate=0.3, malformed_rate=0.2)
        value = sb.dataset.known_values()[0]
        codes = []
        for _ in range(40):
            r = get(sb, indicator=value)
            codes.append((r.status_code, r.text.endswith("}")))
        return codes

    assert run(5) == run(5)
    assert run(5) != run(6)


# -- stats, misc -----------------------------------------------------------------------------------------------
def test_stats_count_lookups_and_kinds(make_sandbox):
    sb = make_sandbox(seed=1, per_second=1)
    record = sb.dataset.records("domain")[0]
    assert get(sb, indicator=record.indicator.upper()).status_code == 200
    assert get(sb, iid=record.iid).status_code == 429  # throttled: attempted, not answered
    sb.config.per_second = None
    get(sb, iid=record.iid)
    get(sb, iid=record.iid, get="links")
    assert sb.lookup_count(record.indicator) == 2
    assert sb.stats.lookup_attempts[record.key] == 3
    assert sb.stats.by_kind == {"indicator": 1, "iid": 2, "links": 1}
    assert sb.stats.by_path == {"info.php": 4} and sb.stats.requests == 4
    assert sb.stats.by_status == {200: 3, 429: 1}
    sb.stats.reset()
    assert sb.stats.requests == 0


def test_unknown_paths_look_like_apache(sb):
    r = requests.get(sb.base_url + "nope.php", timeout=10)
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html") and "Not Found" in r.text
    assert get(sb, "info.php").status_code == 400


def test_concurrent_clients(make_sandbox):
    sb = make_sandbox(seed=1)
    values = sb.dataset.known_values()[:40]
    errors = []

    def worker(chunk):
        session = requests.Session()
        for value in chunk:
            r = get(sb, session=session, indicator=value)
            if r.status_code != 200 or r.json()["indicator"] != value:
                errors.append(value)

    threads = [threading.Thread(target=worker, args=(values[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not errors and sb.stats.requests == 40


def test_main_sandbox_prints_url_and_stops_on_sigterm():
    code = "from iocdesk.pulsedive.sandbox import main_sandbox; raise SystemExit(main_sandbox(0, seed=2))"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:") and base.endswith("/api/")
        known = Dataset(2).known_values()[0]
        assert requests.get(base + "info.php", params={"indicator": known}, timeout=10).status_code == 200
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
