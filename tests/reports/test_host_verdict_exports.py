"""Every export shows a host's verdict next to the URL or address it came from, and counts the
worse of the two: "URL not found, its domain high" never reads as clean."""

from __future__ import annotations

import csv
import json

import openpyxl
import stix2

from iocdesk.delivery.chat import google_chat_payload, slack_payload, teams_payload
from iocdesk.indicators.host_links import host_of, link_hosts
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status, Threat
from iocdesk.indicators.types import IndicatorType as T
from iocdesk.reports.email import build_draft, copy_summary
from iocdesk.reports.report import Report
from iocdesk.reports.stix import build_bundle
from iocdesk.reports.tabular import results_document, write_csv
from iocdesk.reports.xlsx import RESULTS_HEADER, write_workbook

URL = "https://parcel-login.biz/invoice/view?id=a81f2c"
SENDER = "billing@parcel-login.biz"
HOST = "parcel-login.biz"


def report() -> Report:
    host = LookupResult(HOST, T.DOMAIN, Status.FOUND, derived_only=True)
    host.intel = Intel(iid=42, risk=Risk.HIGH, threats=[Threat(7, "Zeus", "malware")])
    results = [
        LookupResult(URL, T.URL, Status.NOT_FOUND),
        host,
        LookupResult(SENDER, T.EMAIL, Status.UNSUPPORTED),
        LookupResult("8.8.8.8", T.IPV4, Status.FOUND, intel=Intel(iid=5, risk=Risk.NONE)),
    ]
    link_hosts(results)
    return Report(results, run_id=7)


def test_host_of_canonical_values():
    assert host_of(T.URL, URL) == HOST
    assert host_of(T.URL, "http://u:p@[2001:db8::1]:8080/x") == "2001:db8::1"
    assert host_of(T.URL, "evil.com:8080/gate.php") == "evil.com"
    assert host_of(T.EMAIL, SENDER) == HOST
    assert host_of(T.DOMAIN, HOST) is None


def test_links_and_the_worse_risk():
    r = report()
    url, host, sender, ip = r.results
    assert url.host_result is host and sender.host_result is host and ip.host_result is None
    assert host.derived_from == [URL, SENDER]
    assert url.verdict_risk is Risk.HIGH and ip.verdict_risk is Risk.NONE
    assert r.risk_counts() == [(Risk.HIGH, 3), (Risk.NONE, 1)]
    assert r.headline() == "3 high of 4 IOCs"
    assert [x.indicator for x in r.notable()][:3] == sorted([URL, HOST, SENDER])


def test_json_and_csv(tmp_path):
    document = results_document(report().results)
    json.loads(json.dumps(document), strict=True)
    by = {row["indicator"]: row for row in document["results"]}
    assert by[URL]["host"] == HOST and by[URL]["host_status"] == "found" and by[URL]["host_risk"] == "high"
    assert by[URL]["host_threats"] == ["Zeus"] and by[URL]["verdict_risk"] == "high" and by[URL]["risk"] is None
    assert by[HOST]["derived_from"] == [URL, SENDER] and by[HOST]["host"] is None
    assert document["summary"]["risk"] == {"high": 3, "none": 1}
    path = tmp_path / "r.csv"
    write_csv(path, report().results)
    rows = {row["indicator"]: row for row in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())}
    assert rows[URL]["host_risk"] == "high" and rows[HOST]["derived_from"] == f"{URL}; {SENDER}"


def test_workbook(tmp_path):
    path = write_workbook(report(), tmp_path / "r.xlsx", defang=True)
    wb = openpyxl.load_workbook(path)
    rows = list(wb["Results"].iter_rows(values_only=True))
    assert rows[0] == RESULTS_HEADER
    col = {name: i for i, name in enumerate(RESULTS_HEADER)}
    url_row = next(r for r in rows[1:] if r[col["Type"]] == "url")
    assert url_row[col["Host"]] == "parcel-login[.]biz" and url_row[col["Host risk"]] == "high"
    assert url_row[col["Risk"]] is None
    host_row = next(r for r in rows[1:] if r[col["Type"]] == "domain")
    assert "hxxps[://]parcel-login[.]biz" in host_row[col["Found in"]]
    summary = [r for r in wb["Summary"].iter_rows(values_only=True) if r and r[0] == "high"]
    assert summary == [("high", 3)]


def test_email_draft_and_summary():
    message = build_draft(report())
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Host: parcel-login[.]biz: high" in text
    assert "parcel-login[.]biz: high" in html
    summary = copy_summary(report())
    assert "not_found; host parcel-login[.]biz: high" in summary


def test_chat_messages():
    slack = json.dumps(slack_payload(report()), ensure_ascii=False)
    assert "not_found · host parcel-login[.]biz high" in slack
    for payload in (teams_payload(report()), google_chat_payload(report())):
        assert "host parcel-login[.]biz high" in json.dumps(payload, ensure_ascii=False)


def test_stix_names_the_url_on_the_host_and_stays_valid():
    bundle = build_bundle(report())
    stix2.parse(json.dumps(bundle), allow_custom=False)
    indicators = {o["name"]: o for o in bundle["objects"] if o["type"] == "indicator"}
    assert set(indicators) == {HOST, "8.8.8.8"}  # the URL had no verdict of its own: not claimed
    assert f"Host of: {URL}; {SENDER}" in indicators[HOST]["description"]
