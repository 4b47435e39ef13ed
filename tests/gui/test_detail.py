"""The detail pane: what it shows, and that hostile text stays inert plain text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QTreeWidget

from iocdesk.gui.text import safe_text as visible_text
from iocdesk.gui.widgets.detail import DetailPane, is_pulsedive_url
from iocdesk.indicators.results import LookupResult, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.pulsedive.parse import parse_indicator, parse_links

DATA = Path(__file__).parent.parent / "data" / "pulsedive"


def _load(name: str) -> object:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _tree_texts(tree: QTreeWidget) -> list[str]:
    texts = []

    def walk(item):
        texts.extend(item.text(c) for c in range(tree.columnCount()))
        for i in range(item.childCount()):
            walk(item.child(i))

    for i in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(i))
    return texts


@pytest.fixture
def pane(qtbot):
    widget = DetailPane()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    return widget


def child(pane, cls, name):
    found = pane.findChild(cls, name)
    assert found is not None, name
    return found


@pytest.fixture
def found_result():
    intel = parse_indicator(_load("indicator_1.1.1.1_2019.json"))
    return LookupResult("1.1.1.1", IndicatorType.IPV4, Status.FOUND, intel=intel, defanged=True)


def test_empty_state(pane):
    empty = child(pane, QLabel, "detailEmpty")
    assert empty.isVisible()
    assert "Select a result" in empty.text()
    for name in ("openPulsediveButton", "copyDefangedButton", "copyRefangedButton", "loadLinksButton"):
        assert not child(pane, QPushButton, name).isEnabled()


def test_found_result_shows_intel(pane, found_result):
    pane.show_result(found_result)
    assert pane.current_result() is found_result
    assert not child(pane, QLabel, "detailEmpty").isVisible()
    assert child(pane, QLabel, "detailIndicator").text() == "1.1.1.1"
    summary = child(pane, QLabel, "detailSummary").text()
    assert "ipv4" in summary and "found on Pulsedive" in summary and "defanged in the input" in summary
    # risk: text (not colour alone) and an icon
    assert child(pane, QLabel, "detailRisk").text() == "Risk: none"
    assert not child(pane, QLabel, "detailRiskIcon").pixmap().isNull()
    assert "retired: No recent activity" in child(pane, QLabel, "detailRiskExtra").text()
    # facts
    assert child(pane, QLabel, "detailFact_country").text() == "Australia"
    assert child(pane, QLabel, "detailFact_asn").text() == "AS13335"
    assert child(pane, QLabel, "detailFact_added").text() == "2017-10-18 02:34:59"
    # sections
    factors = _tree_texts(child(pane, QTreeWidget, "detailRiskFactors"))
    assert "hosted on common ISP" in factors and "none" in factors
    threats = _tree_texts(child(pane, QTreeWidget, "detailThreats"))
    assert {"LDAP DDoS", "Phishing", "phishing", "medium"} <= set(threats)
    feeds = _tree_texts(child(pane, QTreeWidget, "detailFeeds"))
    assert {"Bad IPs", "badIPs"} <= set(feeds)
    attributes = _tree_texts(child(pane, QTreeWidget, "detailAttributes"))
    assert "technology" in attributes and "CloudFlare, Google Font API" in attributes
    # properties grouped, the usual groups first
    props = child(pane, QTreeWidget, "detailProperties")
    groups = [props.topLevelItem(i).text(0) for i in range(props.topLevelItemCount())]
    assert groups[0].startswith("Geo") and groups[1].startswith("DNS")
    assert "one.one.one.one" in _tree_texts(props)
    # raw JSON: pretty, read-only, the whole record
    raw = child(pane, QPlainTextEdit, "detailRaw")
    assert raw.isReadOnly()
    assert json.loads(raw.toPlainText())["iid"] == 100939
    assert "\n  " in raw.toPlainText()


def test_result_without_intel(pane):
    pane.show_result(
        LookupResult("10.0.0.1", IndicatorType.IPV4, Status.SKIPPED, error="private address: not looked up (policy)")
    )
    assert child(pane, QLabel, "detailMessage").text() == "private address: not looked up (policy)"
    assert not child(pane, QPushButton, "openPulsediveButton").isEnabled()
    assert not child(pane, QPushButton, "loadLinksButton").isEnabled()
    assert child(pane, QPushButton, "copyDefangedButton").isEnabled()
    assert child(pane, QPlainTextEdit, "detailRaw").toPlainText() == ""
    pane.show_result(None)
    assert child(pane, QLabel, "detailEmpty").isVisible()


HOSTILE = {
    "html": "<b>x</b><a href='https://evil.example'>click</a><img src=x onerror=alert(1)>",
    "formula": '=HYPERLINK("http://evil.example","Click")',
    "js": "javascript:alert(1)",
    "rtl": "invoice\u202egpj.exe",
    "ctrl": "line1\nline2\x1b[31m\x00",
}


def _hostile_intel():
    raw = {
        "iid": 4242,
        "type": "url",
        "indicator": "https://evil.example/" + HOSTILE["rtl"],
        "risk": "high",
        "retired": HOSTILE["html"],
        "stamp_added": HOSTILE["formula"],
        "riskfactors": [{"rfid": 1, "description": HOSTILE["html"], "risk": "high"}],
        "threats": [{"tid": 9, "name": HOSTILE["js"], "category": HOSTILE["formula"], "risk": "critical"}],
        "feeds": [{"fid": 3, "name": HOSTILE["rtl"], "organization": HOSTILE["html"]}],
        "attributes": {"technology": [HOSTILE["ctrl"]]},
        "properties": {
            "geo": {"country": HOSTILE["html"], "org": HOSTILE["js"]},
            "http": {"++title": HOSTILE["rtl"]},
            "<i>group</i>": {"k": HOSTILE["formula"]},
        },
    }
    return parse_indicator(raw)


def test_hostile_values_are_plain_text(pane):
    intel = _hostile_intel()
    result = LookupResult(intel.indicator, IndicatorType.URL, Status.FOUND, intel=intel)
    pane.show_result(result)
    # nothing can ever be rendered as rich text
    labels = pane.findChildren(QLabel)
    assert labels
    for label in labels:
        if label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
        assert not label.openExternalLinks()
        assert label.toolTip() == ""
    # displayed text equals the input, with invisible/control characters made visible
    assert child(pane, QLabel, "detailIndicator").text() == "https://evil.example/invoice\\u202egpj.exe"
    assert child(pane, QLabel, "detailFact_country").text() == HOSTILE["html"]
    assert child(pane, QLabel, "detailFact_org").text() == HOSTILE["js"]
    assert child(pane, QLabel, "detailFact_added").text() == HOSTILE["formula"]
    assert "retired: " + HOSTILE["html"] in child(pane, QLabel, "detailRiskExtra").text()
    all_cells = []
    for tree in pane.findChildren(QTreeWidget):
        all_cells += _tree_texts(tree)
    for expected in (HOSTILE["html"], HOSTILE["formula"], HOSTILE["js"], "invoice\\u202egpj.exe"):
        assert expected in all_cells
    assert "line1\\nline2\\x1b[31m\\x00" in all_cells
    for text in all_cells + [label.text() for label in labels]:
        assert "\u202e" not in text and "\x00" not in text and "\x1b" not in text
    # the raw JSON keeps every byte visible and stays valid JSON
    raw_text = child(pane, QPlainTextEdit, "detailRaw").toPlainText()
    assert "\u202e" not in raw_text and "\\u202e" in raw_text
    assert json.loads(raw_text)["retired"] == HOSTILE["html"]
    # the only URL offered is Pulsedive's page, built from the iid
    with_signal = []
    pane.openRequested.connect(with_signal.append)
    child(pane, QPushButton, "openPulsediveButton").click()
    assert with_signal == ["https://pulsedive.com/indicator/?iid=4242"]


def test_visible_text():
    assert visible_text("a\u202eb\u200bc\u2066") == "a\\u202eb\\u200bc\\u2066"
    assert visible_text("a\nb\tc", multiline=True) == "a\nb\tc"
    assert visible_text("élan ΑΒΓ 日本") == "élan ΑΒΓ 日本"
    assert visible_text("x" * 3000).endswith("(2000 more characters)")  # DISPLAY_MAX: 1000


def test_is_pulsedive_url():
    assert is_pulsedive_url("https://pulsedive.com/indicator/?iid=1")
    for bad in (
        "http://pulsedive.com/indicator/?iid=1",
        "https://pulsedive.com.evil.example/",
        "https://evil.example/@pulsedive.com/",
        "https://user@pulsedive.com/",
        "javascript:alert(1)",
        "https://pulsedive.com:8443/",
        None,
    ):
        assert not is_pulsedive_url(bad), bad


def test_copy_defanged_and_refanged(pane, qtbot):
    result = LookupResult("https://evil.example/login.php", IndicatorType.URL, Status.NOT_FOUND, defanged=True)
    pane.show_result(result)
    clipboard = QGuiApplication.clipboard()
    copied = []
    pane.copyRequested.connect(copied.append)
    qtbot.mouseClick(child(pane, QPushButton, "copyDefangedButton"), Qt.MouseButton.LeftButton)
    assert clipboard.text() == "hxxps[://]evil[.]example/login.php"
    qtbot.mouseClick(child(pane, QPushButton, "copyRefangedButton"), Qt.MouseButton.LeftButton)
    assert clipboard.text() == "https://evil.example/login.php"
    assert copied == ["hxxps[://]evil[.]example/login.php", "https://evil.example/login.php"]
    # the defanged copy is the default button
    assert child(pane, QPushButton, "copyDefangedButton").isDefault()


def test_open_in_pulsedive(pane, qtbot, found_result):
    pane.show_result(found_result)
    button = child(pane, QPushButton, "openPulsediveButton")
    assert button.isEnabled() and button.accessibleName()
    with qtbot.waitSignal(pane.openRequested, timeout=1000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["https://pulsedive.com/indicator/?iid=100939"]


def test_links(pane, qtbot, found_result):
    pane.show_result(found_result)
    button = child(pane, QPushButton, "loadLinksButton")
    assert button.isEnabled()
    with qtbot.waitSignal(pane.linksRequested, timeout=1000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == [100939]
    assert not button.isEnabled()  # while loading
    links = parse_links(_load("links_iid2_2019.json"))
    pane.show_links(links, iid=999)  # an answer for another indicator: ignored
    assert child(pane, QTreeWidget, "detailLinks").topLevelItemCount() == 0
    pane.show_links(links, iid=100939)
    tree = child(pane, QTreeWidget, "detailLinks")
    assert tree.topLevelItemCount() == len(links)
    texts = _tree_texts(tree)
    assert "Active DNS (2)" in texts and "187.191.98.202" in texts and "retired" in texts
    assert button.isEnabled()
    assert "linked indicator" in child(pane, QLabel, "detailLinksStatus").text()
    pane.show_links_error("HTTP 429 (rate limited)")
    assert "rate limited" in child(pane, QLabel, "detailLinksStatus").text()
    # a new selection clears the links
    pane.show_result(found_result)
    assert tree.topLevelItemCount() == 0


def test_keyboard_reachable(pane, found_result):
    pane.show_result(found_result)
    for button in pane.findChildren(QPushButton):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert button.accessibleName()
    for tree in pane.findChildren(QTreeWidget):
        assert tree.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert tree.accessibleName()
