"""How each risk level looks, everywhere: one colour, one light fill, one symbol per level.

The window (table, summary strip, detail pane, inbox, history) and the reports
(Excel fills) take their risk colours from here, so "critical" is the same
colour on screen and on paper. Risk is never shown by colour alone: the text
and the symbol say it too (colour-blind analysts, grey-scale printouts).
"""

from __future__ import annotations

from dataclasses import dataclass

from iocdesk.indicators.results import Risk


@dataclass(frozen=True, slots=True)
class RiskStyle:
    color: str  # "#rrggbb": text, icons and chart bars; dark enough for white symbols on it
    fill: str  # "#rrggbb": a cell background light enough for black text on it
    symbol: str  # drawn on the icon: the level reads without colour
    severe: bool = False  # drawn square instead of round


RISK_STYLES: dict[Risk, RiskStyle] = {
    Risk.CRITICAL: RiskStyle("#8e0000", "#e06666", "!", severe=True),
    Risk.HIGH: RiskStyle("#d32f2f", "#f4b183", "H", severe=True),
    Risk.MEDIUM: RiskStyle("#e65100", "#ffe699", "M"),
    Risk.LOW: RiskStyle("#b38600", "#c6e0b4", "L"),
    Risk.NONE: RiskStyle("#2e7d32", "#ddebf7", "✓"),
    Risk.UNKNOWN: RiskStyle("#616161", "#e7e6e6", "?"),
    Risk.RETIRED: RiskStyle("#8d8d8d", "#bfbfbf", "R"),
}
NO_RISK_STYLE = RiskStyle("#9e9e9e", "#ffffff", "–")


def risk_style(risk: Risk | None) -> RiskStyle:
    """The style of ``risk``; a neutral one when there is no verdict."""
    return RISK_STYLES[risk] if risk is not None else NO_RISK_STYLE
