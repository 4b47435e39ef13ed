"""Qt item models: results (roles, safe text, risk colour, batched updates), the filter proxy, indicators."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QAbstractItemModelTester, QSignalSpy

from iocdesk.extraction.extract import extract
from iocdesk.gui.models import (
    IndicatorColumn,
    IndicatorsModel,
    ResultColumn,
    ResultRole,
    ResultsFilter,
    ResultsModel,
    RiskColorRole,
    SortRole,
    safe_text,
    summary_counts,
)
from iocdesk.indicators.results import Feed, Intel, LookupResult, Risk, RiskFactor, Status, Threat
from iocdesk.indicators.risk_style import RISK_STYLES
from iocdesk.indicators.types import Indicator, IndicatorType, Scope, Source

C = ResultColumn
DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole


def found(
    value: str, risk: Risk, *, type=IndicatorType.DOMAIN, threats=(), feeds=(), factors=(), **intel
) -> LookupResult:
    return LookupResult(
        value,
        type,
        Status.FOUND,
        Intel(
            risk=risk,
            threats=[Threat(None, t, "malware") for t in threats],
            feeds=[Feed(None, f, organization="Abuse.ch") for f in feeds],
            riskfactors=[RiskFactor(None, d, Risk.HIGH) for d in factors],
            **intel,
        ),
    )


def sample() -> list[LookupResult]:
    return [
        found(
            "evil.example",
            Risk.HIGH,
            threats=["Emotet", "Qakbot"],
            feeds=["URLhaus"],
            factors=["x"],
            country="NL",
            org="Evil Hosting",
            asn="AS64500",
            seen="2024-05-01 10:00:00",
        ),
        found("10.0.0.0", Risk.LOW, type=IndicatorType.IPV4, country="US", seen="2023-01-01 00:00:00"),
        found("crit.example", Risk.CRITICAL, threats=["Cobalt Strike"], feeds=["A", "B", "C"], country="RU"),
        LookupResult("nothing.example", IndicatorType.DOMAIN, Status.NOT_FOUND, defanged=True),
        LookupResult("d41d8cd98f00b204e9800998ecf8427e", IndicatorType.MD5, Status.UNSUPPORTED),
        found("old.example", Risk.RETIRED, feeds=["Zeus tracker"]),
    ]


def model_with(results) -> ResultsModel:
    model = ResultsModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal, model)
    model.set_results(results)
    return model


def cell(model, row, col, role=DISPLAY):
    return model.data(model.index(row, col), role)


def test_rows_columns_headers_and_display(qapp):
    model = model_with(sample())
    assert model.rowCount() == 6 and model.columnCount() == len(ResultColumn) == 12
    assert model.headerData(C.RISK, Qt.Orientation.Horizontal) == "Risk"
    assert [cell(model, 0, c) for c in C] == [
        "evil.example",
        "high",  # the verdict next to the indicator
        "domain",
        "found",
        "",  # no host: a domain found on its own
        "x (high)",
        "Emotet (malware); Qakbot (malware)",
        "URLhaus (Abuse.ch)",
        "NL",
        "AS64500 · Evil Hosting",
        "2024-05-01 10:00:00",
        "no",
    ]
    assert (
        cell(model, 3, C.STATUS) == "not found" and cell(model, 3, C.RISK) == "" and cell(model, 3, C.DEFANGED) == "yes"
    )
    assert cell(model, 4, C.STATUS) == "not on Pulsedive"
    assert cell(model, 0, C.INDICATOR, ResultRole) is model.result_at(0)
    assert model.results() == sample() and model.results() is not model.results()


def test_defanged_display_and_tooltips(qapp):
    model = model_with(sample())
    tip = cell(model, 0, C.INDICATOR, TOOLTIP)
    assert "evil.example" in tip and "evil[.]example" in tip
    assert "Emotet (malware)<br>Qakbot (malware)" in cell(model, 0, C.THREATS, TOOLTIP)
    assert "seen: 2024-05-01" in cell(model, 0, C.LAST_SEEN, TOOLTIP)
    spy = QSignalSpy(model.dataChanged)
    model.set_defang_display(True)
    assert spy.count() == 1
    assert cell(model, 0, C.INDICATOR) == "evil[.]example"


def test_risk_has_text_and_colour(qapp):
    model = model_with(sample())
    for row, risk in ((0, Risk.HIGH), (2, Risk.CRITICAL), (5, Risk.RETIRED)):
        assert cell(model, row, C.RISK) == str(risk)  # text always there
        assert cell(model, row, C.RISK, RiskColorRole) == QColor(RISK_STYLES[risk].color)
        icon = cell(model, row, C.RISK, Qt.ItemDataRole.DecorationRole)
        badge = icon.pixmap(16, 16).toImage().pixelColor(2, 8)  # beside the symbol drawn in the middle
        assert badge.name() == QColor(RISK_STYLES[risk].color).name()
    assert cell(model, 3, C.RISK, Qt.ItemDataRole.DecorationRole) is None  # no risk: no icon, no colour
    assert len({s.color.lower() for s in RISK_STYLES.values()}) == len(Risk)


def test_sort_keys(qapp):
    model = model_with(sample())
    assert cell(model, 2, C.RISK, SortRole) == Risk.CRITICAL.severity > cell(model, 0, C.RISK, SortRole)
    assert cell(model, 3, C.RISK, SortRole) == -1
    assert cell(model, 2, C.FEEDS, SortRole) == 3 and cell(model, 1, C.FEEDS, SortRole) == 0
    assert cell(model, 0, C.LAST_SEEN, SortRole) > cell(model, 1, C.LAST_SEEN, SortRole)


def test_attacker_text_is_plain_and_visible(qapp):
    nasty = "Evil\u202eexe.txt\n<b>bold</b>\x00\u200b\u2066"
    model = model_with([found("evil.example", Risk.HIGH, threats=[nasty], feeds=["<img src=http://x/a.png>"])])
    shown = cell(model, 0, C.THREATS)
    assert "\u202e" not in shown and "\n" not in shown and "\x00" not in shown and "\u200b" not in shown
    assert "\\u202e" in shown and "\\n" in shown and "\\x00" in shown and "\\u200b" in shown and "\\u2066" in shown
    assert "<b>bold</b>" in shown  # display text is plain: shown as written, never rendered
    tip = cell(model, 0, C.FEEDS, TOOLTIP)
    assert "<img" not in tip and "&lt;img src=http://x/a.png&gt;" in tip  # escaped inside the rich-text tooltip
    assert "<b>" not in cell(model, 0, C.THREATS, TOOLTIP)
    assert safe_text("пример.рф") == "пример.рф"  # ordinary Unicode stays readable
    assert safe_text(None) == ""


def test_update_rows_emits_only_for_given_rows_coalesced(qapp):
    model = model_with([LookupResult(f"h{i}.example", IndicatorType.DOMAIN) for i in range(20)])
    spy = QSignalSpy(model.dataChanged)
    model.update_rows([7, 3, 4, 5, 12, 99, -1, 4])  # out-of-range rows are ignored
    ranges = [
        (spy.at(i)[0].row(), spy.at(i)[1].row(), spy.at(i)[0].column(), spy.at(i)[1].column())
        for i in range(spy.count())
    ]
    last = len(C) - 1
    assert ranges == [(3, 5, 0, last), (7, 7, 0, last), (12, 12, 0, last)]
    model.update_rows([])
    assert spy.count() == 3


def test_filter_by_each_criterion_and_text(qapp):
    model = model_with(sample())
    proxy = ResultsFilter()
    proxy.setSourceModel(model)
    QAbstractItemModelTester(proxy, QAbstractItemModelTester.FailureReportingMode.Fatal, proxy)

    def shown():
        return sorted(proxy.data(proxy.index(r, 0)) for r in range(proxy.rowCount()))

    assert proxy.rowCount() == 6
    proxy.set_risks({Risk.HIGH, "critical"})
    assert shown() == ["crit.example", "evil.example"]
    proxy.set_risks({None})
    assert shown() == ["d41d8cd98f00b204e9800998ecf8427e", "nothing.example"]
    proxy.set_risks(None)
    proxy.set_types({"ipv4", IndicatorType.MD5})
    assert shown() == ["10.0.0.0", "d41d8cd98f00b204e9800998ecf8427e"]
    proxy.set_types(None)
    proxy.set_statuses({Status.NOT_FOUND})
    assert shown() == ["nothing.example"]
    proxy.set_statuses(None)
    for text, expected in (
        ("QAKBOT", ["evil.example"]),  # threat, case-insensitive
        ("zeus", ["old.example"]),  # feed
        ("ru", ["crit.example"]),  # country
        ("evil hosting", ["evil.example"]),  # org
        ("as64500", ["evil.example"]),  # ASN
        ("nothing", ["nothing.example"]),  # indicator
        ("no such thing", []),
    ):
        proxy.set_text(text)
        assert shown() == expected, text
    proxy.set_text("  ")
    assert proxy.rowCount() == 6
    proxy.set_risks({Risk.HIGH, Risk.LOW})
    proxy.set_text("example")
    assert shown() == ["evil.example"]


def test_filter_follows_updates_and_sorts_by_severity(qapp):
    results = sample()
    model = model_with(results)
    proxy = ResultsFilter()
    proxy.setSourceModel(model)
    proxy.sort(C.RISK, Qt.SortOrder.DescendingOrder)
    assert [proxy.data(proxy.index(r, C.RISK)) for r in range(4)] == ["critical", "high", "low", "retired"]
    proxy.set_statuses({Status.FOUND})
    assert proxy.rowCount() == 4
    results[3].status, results[3].intel = Status.FOUND, Intel(risk=Risk.MEDIUM, threats=[Threat(None, "Late")])
    model.update_rows([3])  # the dynamic filter picks the update up...
    assert proxy.rowCount() == 5
    # ...but rows keep their place while a run updates them (no jumping under the cursor),
    # until the order is re-applied (the window does so when the run ends)
    assert [proxy.data(proxy.index(r, C.RISK)) for r in range(5)] != ["critical", "high", "medium", "low", "retired"]
    model.resort()
    assert [proxy.data(proxy.index(r, C.RISK)) for r in range(5)] == ["critical", "high", "medium", "low", "retired"]
    proxy.set_text("late")
    assert proxy.rowCount() == 1  # the free-text haystack was refreshed too


def test_ten_thousand_rows_and_batched_updates(qapp):
    results = [LookupResult(f"host{i}.example", IndicatorType.DOMAIN) for i in range(10_000)]
    model = ResultsModel()
    proxy = ResultsFilter()
    proxy.setSourceModel(model)
    proxy.sort(C.RISK, Qt.SortOrder.DescendingOrder)
    spies = {
        name: QSignalSpy(getattr(model, name))
        for name in ("modelReset", "layoutChanged", "dataChanged", "rowsInserted")
    }
    model.set_results(results)
    assert proxy.rowCount() == 10_000
    risks = list(Risk)
    for batch in range(200):
        rows = range(batch * 50, batch * 50 + 50)  # contiguous, as a flush of a busy run mostly is
        for i in rows:
            results[i].status = Status.FOUND
            results[i].intel = Intel(risk=risks[i % len(risks)])
        model.update_rows(list(rows)[::-1])
    assert spies["modelReset"].count() == 1
    assert spies["layoutChanged"].count() == 0 and spies["rowsInserted"].count() == 0
    assert spies["dataChanged"].count() == 200  # one per batch, not one per row
    model.resort()  # one sort in Python at the end of the run
    assert spies["layoutChanged"].count() == 1
    assert proxy.data(proxy.index(0, C.RISK)) == "critical"
    proxy.set_risks({Risk.HIGH})
    assert proxy.rowCount() == sum(1 for r in results if r.risk is Risk.HIGH)


def test_summary_counts(qapp):
    summary = summary_counts(sample())
    assert summary["total"] == 6 and summary["done"] == 6
    assert summary["risk"]["high"] == 1 and summary["status"]["found"] == 4 and summary["type"]["domain"] == 4


# -- indicators -------------------------------------------------------------------------------
def indicators_model(items) -> IndicatorsModel:
    model = IndicatorsModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal, model)
    model.set_indicators(items)
    return model


def test_indicators_model_checks_private_defaults_and_counts(qapp):
    items = extract(
        "hxxps://evil-site[.]com/login 8.8.8.8 10.1.2.3 192.168.0.0/16 AS13335 d41d8cd98f00b204e9800998ecf8427e bad-domain.net"
    )
    model = indicators_model(items)
    assert model.rowCount() == len(items) and model.columnCount() == len(IndicatorColumn)
    rows = {model.data(model.index(r, IndicatorColumn.VALUE)): r for r in range(model.rowCount())}
    check = Qt.ItemDataRole.CheckStateRole

    def state(value):
        return model.data(model.index(rows[value], IndicatorColumn.VALUE), check)

    def note(value):
        return model.data(model.index(rows[value], IndicatorColumn.LOOKUP))

    assert state("8.8.8.8") == Qt.CheckState.Checked and note("8.8.8.8") == "look up"
    assert state("10.1.2.3") == Qt.CheckState.Unchecked and note("10.1.2.3") == "skipped (private)"
    assert state("192.168.0.0/16") == Qt.CheckState.Unchecked and note("192.168.0.0/16").startswith("skipped (")
    assert note("AS13335") == "skipped (ASN)" and state("AS13335") == Qt.CheckState.Unchecked
    assert note("d41d8cd98f00b204e9800998ecf8427e") == "not on Pulsedive"
    url_row = next(r for r in range(model.rowCount()) if model.indicator_at(r).type is IndicatorType.URL)
    assert model.data(model.index(url_row, IndicatorColumn.DEFANGED)) == "yes"
    assert model.data(model.index(url_row, IndicatorColumn.SOURCE)) == "pasted text"
    assert model.flags(model.index(0, IndicatorColumn.VALUE)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(0, IndicatorColumn.TYPE)) & Qt.ItemFlag.ItemIsUserCheckable
    assert {i.value for i in model.checked()} == {i.value for i in items if i.lookup_by_default}

    spy = QSignalSpy(model.dataChanged)
    assert model.setData(model.index(rows["10.1.2.3"], IndicatorColumn.VALUE), Qt.CheckState.Checked.value, check)
    assert model.setData(model.index(rows["8.8.8.8"], IndicatorColumn.VALUE), Qt.CheckState.Unchecked, check)
    assert not model.setData(model.index(rows["8.8.8.8"], IndicatorColumn.TYPE), Qt.CheckState.Checked, check)
    assert spy.count() == 2
    values = {i.value for i in model.checked()}
    assert "10.1.2.3" in values and "8.8.8.8" not in values
    model.set_all_checked(False)
    assert model.checked() == [] and spy.count() == 3
    model.set_all_checked(True)
    assert len(model.checked()) == len(items)
    counts = model.counts()
    assert counts["ipv4"] == 3 and counts["url"] == 1 and sum(counts.values()) == len(items)


def test_indicators_model_text_is_safe(qapp):
    item = Indicator(
        IndicatorType.DOMAIN,
        "xn--e1afmkfd.xn--p1ai",
        "пример.рф\u202e",
        count=3,
        scope=Scope.PUBLIC,
        sources=[Source(file="a\u202eb.csv", row=4)],
    )
    model = indicators_model([item])
    assert model.data(model.index(0, IndicatorColumn.VALUE)) == "пример.рф\\u202e"
    assert "canonical: xn--e1afmkfd.xn--p1ai" in model.data(
        model.index(0, IndicatorColumn.VALUE), Qt.ItemDataRole.ToolTipRole
    )
    assert model.data(model.index(0, IndicatorColumn.SOURCE)) == "a\\u202eb.csv, row 4"
    assert model.data(model.index(0, IndicatorColumn.COUNT), SortRole) == 3
    assert model.data(model.index(0, IndicatorColumn.TYPE), ResultRole) is item
    assert model.rowCount(model.index(0, 0)) == 0 and model.data(QModelIndex()) is None


def test_updates_reach_the_right_rows_after_sorting(qapp):
    results = sample()
    model = model_with(results)
    model.sort(C.INDICATOR, Qt.SortOrder.DescendingOrder)
    target = results[0]  # the engine reports updates by its own (set_results) order
    spy = QSignalSpy(model.dataChanged)
    model.update_rows([0])
    row = next(r for r in range(model.rowCount()) if model.result_at(r) is target)
    assert spy.count() == 1 and spy.at(0)[0].row() == row == spy.at(0)[1].row()
