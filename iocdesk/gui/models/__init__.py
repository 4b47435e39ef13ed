"""Qt item models: lookup results (with a filter proxy) and extracted indicators."""

from iocdesk.gui.models.common import ResultRole, RiskColorRole, SortRole, safe_text, tooltip_html
from iocdesk.gui.models.indicators import INDICATOR_HEADERS, IndicatorColumn, IndicatorsModel, lookup_note
from iocdesk.gui.models.results import (
    RESULT_HEADERS,
    STATUS_LABELS,
    ResultColumn,
    ResultsFilter,
    ResultsModel,
    status_label,
    summary_counts,
)

__all__ = [
    "INDICATOR_HEADERS",
    "RESULT_HEADERS",
    "STATUS_LABELS",
    "IndicatorColumn",
    "IndicatorsModel",
    "ResultColumn",
    "ResultRole",
    "ResultsFilter",
    "ResultsModel",
    "RiskColorRole",
    "SortRole",
    "lookup_note",
    "safe_text",
    "status_label",
    "summary_counts",
    "tooltip_html",
]
