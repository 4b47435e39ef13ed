"""One risk palette: the table, the summary strip and the detail pane draw each level alike,
and risk text stays readable on the dark theme (issue 16: critical was a purple dot in the table
and a dark-red square elsewhere)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

from iocdesk.gui.models import ResultColumn, ResultsModel
from iocdesk.gui.risk import contrast
from iocdesk.gui.theme import apply_theme
from iocdesk.gui.widgets.detail import DetailPane
from iocdesk.gui.widgets.summary_strip import SummaryStrip
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.risk_style import RISK_STYLES
from iocdesk.indicators.types import IndicatorType


def _result(risk: Risk) -> LookupResult:
    return LookupResult("evil.example", IndicatorType.DOMAIN, Status.FOUND, intel=Intel(risk=risk, iid=7))


def _badge(icon, size=16) -> str:
    return icon.pixmap(size, size).toImage().pixelColor(1, size // 2).name()


@pytest.mark.parametrize("risk", list(Risk))
def test_the_table_the_strip_and_the_detail_pane_draw_a_level_alike(risk, qtbot):
    model = ResultsModel()
    model.set_results([_result(risk)])
    table = _badge(model.data(model.index(0, ResultColumn.RISK), 1))
    strip = SummaryStrip()
    qtbot.addWidget(strip)
    chip = _badge(strip.chip(risk).icon())
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.show_result(_result(risk))
    detail = pane.findChild(QLabel, "detailRiskIcon").pixmap().toImage().pixelColor(1, 9).name()
    assert table == chip == detail == QColor(RISK_STYLES[risk].color).name()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_risk_words_are_readable_on_either_theme(theme, qtbot):
    apply_theme(theme)
    try:
        pane = DetailPane()
        qtbot.addWidget(pane)
        for risk in Risk:
            pane.show_result(_result(risk))
            label = pane.findChild(QLabel, "detailRisk")
            text = label.palette().color(QPalette.ColorRole.WindowText)
            background = label.palette().color(QPalette.ColorRole.Window)
            assert contrast(text, background) >= 4.5, (theme, risk, text.name(), background.name())
            assert str(risk) in label.text()  # never colour alone
    finally:
        apply_theme("system")
