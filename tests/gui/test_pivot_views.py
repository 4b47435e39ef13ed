"""Pivot views (issue 16): threat, feed and explore windows on sandbox data, and the detail
pane's linked indicators, threats and feeds that open them. Values are attacker-controlled:
plain text only; the only pages opened are Pulsedive's, from numeric ids."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QTreeWidget

from iocdesk.gui.dialogs.pivot_table import PivotColumn, PivotRow
from iocdesk.gui.dialogs.pivot_views import ExploreView, FeedView, ThreatView, threaded
from iocdesk.gui.widgets.detail import DetailPane, is_pulsedive_url
from iocdesk.indicators.results import Feed, LookupResult, Risk, Status, Threat
from iocdesk.indicators.types import Indicator, IndicatorType
from iocdesk.lookup.engine import EngineOptions
from iocdesk.lookup.limiter import RateLimits
from iocdesk.lookup.pivots import LinkedIndicators, Pivots, ThreatPivot
from iocdesk.lookup.session import Connection, LookupSession, SessionConfig
from iocdesk.pulsedive.parse import LinkedIndicator, ThreatDetail, parse_indicator, parse_links

DATA = Path(__file__).parent.parent / "data" / "pulsedive"
INDICATOR_PAGE = re.compile(r"https://pulsedive\.com/indicator/\?iid=[1-9][0-9]*")
HOSTILE = "<b>bold</b> <a href='https://evil.example'>x</a> \u202egpj.exe"


@pytest.fixture(scope="module")
def sandbox(make_module_sandbox):
    return make_module_sandbox(seed=1)


@pytest.fixture
def pivots(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "base"))
    options = EngineOptions(limits=RateLimits())
    session = LookupSession(SessionConfig(connection=Connection(api_url=sandbox.base_url), engine=options), None)
    service = Pivots(session)
    yield service
    service.close()
    session.close()


def shown(qtbot, view):
    qtbot.addWidget(view)
    view.show()
    return view


def select_rows(view, rows):
    table = view.table.view
    selection = table.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(
            table.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def loaded(qtbot, view):
    qtbot.waitUntil(lambda: view.table.model.rowCount() > 0, timeout=10_000)
    return view


def test_threat_view_shows_the_threat_and_its_linked_indicators(qtbot, qloop, pivots, sandbox):
    view = loaded(qtbot, shown(qtbot, ThreatView(functools.partial(threaded(pivots.threat), tid=1))))
    assert view.fact_labels["name"].text() == "Zeus" and view.fact_labels["othernames"].text() == "Zbot"
    assert view.fact_labels["category"].text() == "malware"
    assert view.findChild(QLabel, "threatView_risk").text() == "high"
    description = view.findChild(QPlainTextEdit, "threatViewText").toPlainText()
    assert description.startswith("Zeus, ZeuS, or Zbot is a Trojan")
    assert view.table.model.rowCount() == len(sandbox.dataset.linked_to_threat(1))
    assert "linked indicator" in view.message.text() and "Zeus" in view.windowTitle()
    with qtbot.waitSignal(view.openRequested, timeout=1000) as page:
        qtbot.mouseClick(view.open_page, Qt.MouseButton.LeftButton)
    assert page.args == ["https://pulsedive.com/threat/?tid=1"]


def test_add_to_run_and_look_up_emit_indicators(qtbot, qloop, pivots):
    view = loaded(qtbot, shown(qtbot, FeedView(functools.partial(threaded(pivots.feed), 54))))
    assert view.fact_labels["organization"].text() == "abuse.ch" and "high" in view.fact_labels["counts"].text()
    select_rows(view, [0, 1, 2])
    with qtbot.waitSignal(view.addToRun, timeout=1000) as added:
        qtbot.mouseClick(view.table.buttons["addToRun"], Qt.MouseButton.LeftButton)
    items = added.args[0]
    assert len(items) == 3 and all(isinstance(i, Indicator) for i in items)
    rows = view.table.selected_rows()
    assert [i.value for i in items] == [r.indicator for r in rows]
    assert {i.type for i in items} <= {IndicatorType.IPV4, IndicatorType.IPV6, IndicatorType.DOMAIN, IndicatorType.URL}
    with qtbot.waitSignal(view.lookupRequested, timeout=1000) as looked:
        view.table.view.doubleClicked.emit(view.table.proxy.index(0, 0))
    assert all(isinstance(i, Indicator) for i in looked.args[0]) and looked.args[0]


def test_copy_follows_the_windows_rule(qtbot, qloop):
    rule = {"defanged": True}
    view = shown(qtbot, ThreatView(copy_defanged=lambda: rule["defanged"]))
    linked = [
        LinkedIndicator(iid=3, indicator="187.191.98.202", pulsedive_type="ip", risk=Risk.NONE),
        LinkedIndicator(iid=4, indicator="https://evil.example/login.php", pulsedive_type="url", risk=Risk.HIGH),
    ]
    view.show_threat(ThreatPivot(ThreatDetail(tid=1, name="Zeus"), LinkedIndicators(items=linked, fetched=2)))
    select_rows(view, [0, 1])
    clipboard = QGuiApplication.clipboard()
    view.table.copy()
    assert clipboard.text() == "187[.]191[.]98[.]202\nhxxps[://]evil[.]example/login.php"
    rule["defanged"] = False  # Settings: copy live values
    with qtbot.waitSignal(view.copied, timeout=1000) as copied:
        view.table.copy()
    assert clipboard.text() == copied.args[0] == "187.191.98.202\nhttps://evil.example/login.php"


def test_open_emits_only_pulsedive_pages(qtbot, qloop):
    view = shown(qtbot, ThreatView())
    linked = [
        LinkedIndicator(iid=3, indicator="a.example", pulsedive_type="domain"),
        LinkedIndicator(iid=None, indicator="https://evil.example/", pulsedive_type="url"),  # no id: no page
        LinkedIndicator(iid=7, indicator="https://evil.example/?x=https://pulsedive.com/", pulsedive_type="url"),
    ]
    view.show_threat(ThreatPivot(ThreatDetail(tid=None, name="X"), LinkedIndicators(items=linked, fetched=3)))
    assert not view.open_page.isEnabled()  # a threat without an id has no page
    select_rows(view, [0, 1, 2])
    opened = []
    view.openRequested.connect(opened.append)
    view.table.open_in_pulsedive()
    assert opened == ["https://pulsedive.com/indicator/?iid=3", "https://pulsedive.com/indicator/?iid=7"]
    select_rows(view, [1])
    assert not view.table.buttons["open"].isEnabled()


def test_hostile_threat_text_stays_plain(qtbot, qloop):
    view = shown(qtbot, ThreatView())
    threat = ThreatDetail(
        tid=9,
        name=HOSTILE,
        category="<i>apt</i>",
        wikisummary=f"<script>alert(1)</script>\n{HOSTILE}",
        othernames=[HOSTILE],
    )
    linked = [LinkedIndicator(iid=1, indicator=f"{HOSTILE}.com", pulsedive_type="artifact", risk=Risk.LOW)]
    view.show_threat(ThreatPivot(threat, LinkedIndicators(items=linked, fetched=1)))
    for label in view.findChildren(QLabel):
        assert label.textFormat() in (Qt.TextFormat.PlainText,) or not label.text()
    name = view.fact_labels["name"].text()
    assert "<b>bold</b>" in name and "\u202e" not in name and "\\u202e" in name
    text = view.findChild(QPlainTextEdit, "threatViewText").toPlainText()
    assert "<script>alert(1)</script>" in text and "\u202e" not in text
    tooltip = view.table.model.data(view.table.model.index(0, PivotColumn.INDICATOR), Qt.ItemDataRole.ToolTipRole)
    assert "<b>" not in tooltip and "&lt;b&gt;" in tooltip
    select_rows(view, [0])  # an artifact: iocdesk does not look it up, and says so
    added = []
    view.addToRun.connect(added.append)
    view.table.add_to_run()
    assert added == [] and "artifact" in view.table.status.text()


def test_explore_view_searches_and_shows_pulsedives_error(qtbot, qloop, pivots, sandbox):
    view = shown(qtbot, ExploreView(threaded(pivots.explore)))
    assert "threat=ryuk" in view.query.placeholderText() and "feed=urlhaus" in view.query.toolTip()
    view.query.setText("type=url and threat=zeus")
    view.limit.setValue(4)
    qtbot.mouseClick(view.search_button, Qt.MouseButton.LeftButton)
    loaded(qtbot, view)
    assert view.table.model.rowCount() == 4
    row = view.table.model.row_at(0)
    assert row.pulsedive_type == "url" and sandbox.dataset.record(row.indicator) is not None
    assert "There may be more" in view.message.text()
    view.query.setText("ioc=(")
    task = view.search()
    qtbot.waitUntil(task.done, timeout=10_000)
    assert "Invalid query." in view.message.text() and view.search_button.isEnabled()


def test_closing_a_view_mid_fetch_cancels_it(qtbot, qloop):
    import asyncio

    started = asyncio.Event()

    async def never() -> ThreatPivot:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("not reached")

    view = ThreatView(never)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(started.is_set, timeout=2000)
    assert len(view.tasks) == 1
    view.close()
    qtbot.waitUntil(lambda: len(view.tasks) == 0, timeout=2000)


# -- the detail pane's pivots ------------------------------------------------------------------
def _load(name: str) -> object:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def pane(qtbot):
    widget = DetailPane()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    intel = parse_indicator(_load("indicator_pulsedive.com_2019.json"))
    intel.threats = [Threat(tid=1, name="Zeus", category="malware", risk=Risk.HIGH), Threat(tid=None, name="Ryuk")]
    intel.feeds = [Feed(fid=54, name="URLhaus", organization="abuse.ch"), Feed(fid=None, name="Unnamed")]
    widget.show_result(LookupResult("pulsedive.com", IndicatorType.DOMAIN, Status.FOUND, intel=intel))
    widget.show_links(parse_links(_load("links_iid2_2019.json")), iid=intel.iid)
    return widget


def link_items(pane):
    tree = pane.findChild(QTreeWidget, "detailLinks")
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return tree, [group.child(j) for group in groups for j in range(group.childCount())]


def trigger(menu, text):
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    assert action.isEnabled(), text
    action.trigger()


def test_linked_indicators_context_menu(qtbot, pane):
    tree, items = link_items(pane)
    assert tree.selectionMode() == tree.SelectionMode.ExtendedSelection and len(items) >= 3
    items[0].setSelected(True)
    items[2].setSelected(True)
    chosen = pane.selected_links()
    assert [x.indicator for x in chosen] == [items[0].text(0), items[2].text(0)]
    with qtbot.waitSignal(pane.lookupRequested, timeout=1000) as looked:
        trigger(pane.links_menu(), "Look up")
    assert [i.value for i in looked.args[0]] == [x.indicator for x in chosen]
    assert all(isinstance(i, Indicator) for i in looked.args[0])
    with qtbot.waitSignal(pane.addToRun, timeout=1000) as added:
        trigger(pane.links_menu(), "Add to run")
    assert [i.value for i in added.args[0]] == [x.indicator for x in chosen]
    opened = []
    pane.openRequested.connect(opened.append)
    trigger(pane.links_menu(), "Open in Pulsedive")
    assert opened == [f"https://pulsedive.com/indicator/?iid={x.iid}" for x in chosen]
    assert all(INDICATOR_PAGE.fullmatch(u) and is_pulsedive_url(u) for u in opened)
    pane.copy_defanged_rule = lambda: True
    trigger(pane.links_menu(), "Copy")
    assert "[.]" in QGuiApplication.clipboard().text()
    pane.copy_defanged_rule = lambda: False
    trigger(pane.links_menu(), "Copy")
    assert QGuiApplication.clipboard().text().splitlines() == [x.indicator for x in chosen]


def test_double_click_on_a_linked_indicator_looks_it_up(qtbot, pane):
    tree, items = link_items(pane)
    tree.clearSelection()
    items[1].setSelected(True)
    with qtbot.waitSignal(pane.lookupRequested, timeout=1000) as looked:
        tree.itemDoubleClicked.emit(items[1], 0)
    assert [i.value for i in looked.args[0]] == [items[1].text(0)]


def test_a_linked_artifact_is_left_out_with_a_word(qtbot, pane):
    pane.show_links({"Related": [LinkedIndicator(iid=5, indicator="blob", pulsedive_type="artifact")]}, iid=None)
    _, items = link_items(pane)
    items[0].setSelected(True)
    asked = []
    pane.lookupRequested.connect(asked.append)
    pane.look_up_links()
    assert asked == [] and "artifact" in pane.findChild(QLabel, "detailLinksStatus").text()


def test_threats_and_feeds_open(qtbot, pane):
    threats = pane.findChild(QTreeWidget, "detailThreats")
    feeds = pane.findChild(QTreeWidget, "detailFeeds")
    with qtbot.waitSignal(pane.threatRequested, timeout=1000) as by_id:
        threats.itemDoubleClicked.emit(threats.topLevelItem(0), 0)
    assert by_id.args == [1]
    threats.setCurrentItem(threats.topLevelItem(1))
    with qtbot.waitSignal(pane.threatRequested, timeout=1000) as by_name:
        trigger(pane._pivot_menu(threats), "Open threat")
    assert by_name.args == ["Ryuk"]  # no id: by its name
    feeds.setCurrentItem(feeds.topLevelItem(0))
    with qtbot.waitSignal(pane.feedRequested, timeout=1000) as feed:
        trigger(pane._pivot_menu(feeds), "Open feed")
    assert feed.args == [54]
    feeds.setCurrentItem(feeds.topLevelItem(1))  # a feed without an id cannot be opened
    menu = pane._pivot_menu(feeds)
    assert not menu.actions()[0].isEnabled()


def test_the_panes_own_copy_buttons_use_the_clipboard_module(qtbot, pane):
    copied = []
    pane.copyRequested.connect(copied.append)
    qtbot.mouseClick(pane.findChild(QPushButton, "copyDefangedButton"), Qt.MouseButton.LeftButton)
    assert copied == ["pulsedive[.]com"] == [QGuiApplication.clipboard().text()]


def test_pivot_rows_from_records():
    row = PivotRow.of_linked(LinkedIndicator(iid=0, indicator="x.example", pulsedive_type="domain"))
    assert row.web_url is None  # iid 0 is no page
    assert PivotRow("1.2.3.4", "ip", iid=12).web_url == "https://pulsedive.com/indicator/?iid=12"


def test_enter_on_a_linked_indicator_or_a_threat(qtbot, pane):
    pane.activateWindow()
    tree, items = link_items(pane)
    pane._tabs.setCurrentIndex(pane._tabs.indexOf(tree.parentWidget()))
    tree.setFocus()
    qtbot.waitUntil(tree.hasFocus, timeout=2000)
    tree.clearSelection()
    tree.setCurrentItem(items[0])
    with qtbot.waitSignal(pane.lookupRequested, timeout=1000) as looked:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert [i.value for i in looked.args[0]] == [items[0].text(0)]
    threats = pane.findChild(QTreeWidget, "detailThreats")
    pane._tabs.setCurrentIndex(0)
    threats.setFocus()
    qtbot.waitUntil(threats.hasFocus, timeout=2000)
    threats.setCurrentItem(threats.topLevelItem(0))
    with qtbot.waitSignal(pane.threatRequested, timeout=1000) as opened:
        qtbot.keyClick(threats, Qt.Key.Key_Return)
    assert opened.args == [1]
