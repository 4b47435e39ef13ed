"""ResultsModel (one row per LookupResult) and ResultsFilter (risk/type/status/text filter, sorting)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import cast

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt

from iocdesk.extraction.refang import defang
from iocdesk.gui.models.base import RowTableModel
from iocdesk.gui.models.common import ResultRole, RiskColorRole, SortRole, _Index, _Role, safe_text, tooltip_html
from iocdesk.gui.risk import risk_color, risk_icon
from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.indicators.results import LookupResult, Risk, Status, summarize
from iocdesk.indicators.types import IndicatorType

# Labels in English (the source language); shown through status_label(), which translates them.
STATUS_LABELS: dict[Status, str] = {
    Status.PENDING: QT_TRANSLATE_NOOP("ResultsModel", "pending"),
    Status.FOUND: QT_TRANSLATE_NOOP("ResultsModel", "found"),
    Status.NOT_FOUND: QT_TRANSLATE_NOOP("ResultsModel", "not found"),
    Status.SCANNED: QT_TRANSLATE_NOOP("ResultsModel", "scanned"),
    Status.UNSUPPORTED: QT_TRANSLATE_NOOP("ResultsModel", "not on Pulsedive"),
    Status.SKIPPED: QT_TRANSLATE_NOOP("ResultsModel", "skipped"),
    Status.ERROR: QT_TRANSLATE_NOOP("ResultsModel", "error"),
}
_STATUS_ORDER = {status: i for i, status in enumerate(STATUS_LABELS)}


def status_label(status: Status | str) -> str:
    """The status as the window shows it, in the user's language (unknown values as they are)."""
    label = cast("Mapping[str, str]", STATUS_LABELS).get(status)  # a StrEnum: "found" finds Status.FOUND
    return QCoreApplication.translate("ResultsModel", label) if label else str(status)


# -- results ---------------------------------------------------------------------------------
class ResultColumn(IntEnum):
    # The indicator first and the verdict next to it: what the analyst reads on every row.
    INDICATOR = 0
    RISK = 1
    TYPE = 2
    STATUS = 3
    HOST = 4  # a URL's or address's host and its verdict; for a host, where it was found
    RISK_FACTORS = 5
    THREATS = 6
    FEEDS = 7
    COUNTRY = 8
    ASN_ORG = 9
    LAST_SEEN = 10
    DEFANGED = 11


# Column titles in English; headerData() translates them.
RESULT_HEADERS = {
    ResultColumn.INDICATOR: QT_TRANSLATE_NOOP("ResultsModel", "Indicator"),
    ResultColumn.RISK: QT_TRANSLATE_NOOP("ResultsModel", "Risk"),
    ResultColumn.TYPE: QT_TRANSLATE_NOOP("ResultsModel", "Type"),
    ResultColumn.STATUS: QT_TRANSLATE_NOOP("ResultsModel", "Status"),
    ResultColumn.HOST: QT_TRANSLATE_NOOP("ResultsModel", "Host"),
    ResultColumn.RISK_FACTORS: QT_TRANSLATE_NOOP("ResultsModel", "Risk factors"),
    ResultColumn.THREATS: QT_TRANSLATE_NOOP("ResultsModel", "Threats"),
    ResultColumn.FEEDS: QT_TRANSLATE_NOOP("ResultsModel", "Feeds"),
    ResultColumn.COUNTRY: QT_TRANSLATE_NOOP("ResultsModel", "Country"),
    ResultColumn.ASN_ORG: QT_TRANSLATE_NOOP("ResultsModel", "ASN / org"),
    ResultColumn.LAST_SEEN: QT_TRANSLATE_NOOP("ResultsModel", "Last seen"),
    ResultColumn.DEFANGED: QT_TRANSLATE_NOOP("ResultsModel", "Defanged in input"),
}


def _status_text(r: LookupResult) -> str:
    text = status_label(r.status)
    if r.scan and r.status in (Status.SCANNED, Status.NOT_FOUND):
        text = QCoreApplication.translate("ResultsModel", "{status} ({policy} scan)").format(status=text, policy=r.scan)
    if r.from_cache:
        text = QCoreApplication.translate("ResultsModel", "{status} (cached)").format(status=text)
    return text


def _lists(r: LookupResult) -> tuple[list[str], list[str], list[str]]:
    intel = r.intel
    if intel is None:
        return [], [], []
    factors = [f.description + (f" ({f.risk})" if f.risk else "") for f in intel.riskfactors]
    threats = [t.name + (f" ({t.category})" if t.category else "") for t in intel.threats]
    feeds = [f.name + (f" ({f.organization})" if f.organization else "") for f in intel.feeds]
    return factors, threats, feeds


def _host_text(r: LookupResult) -> str:
    """ "high · evil.com" for a URL or address whose host is in the run (the verdict first: a narrow
    column still shows it); "host of 3" for a host."""
    host = r.host_result
    if host is not None:
        verdict = str(host.risk) if host.risk is not None else status_label(host.status)
        return f"{verdict} · {host.indicator}"
    if r.derived_from:
        return QCoreApplication.translate("ResultsModel", "host of %n", "", len(r.derived_from))
    return ""


def _asn_org(r: LookupResult) -> str:
    intel = r.intel
    return " · ".join(p for p in (intel.asn, intel.org) if p) if intel else ""


def _country(r: LookupResult) -> str:
    return (r.intel.country or "") if r.intel else ""


def _country_full(r: LookupResult) -> str:
    intel = r.intel
    return ", ".join(p for p in (intel.city, intel.region, intel.country) if p) if intel else ""


class ResultsModel(RowTableModel):
    COLUMNS = ResultColumn
    HEADERS = RESULT_HEADERS
    CONTEXT = "ResultsModel"

    """One row per LookupResult; rows are updated in place (the engine mutates the results)."""

    Column = ResultColumn
    SortRole = SortRole
    ResultRole = ResultRole
    RiskColorRole = RiskColorRole

    def __init__(self, parent=None, *, defang_display: bool = False) -> None:
        super().__init__(parent)
        self._results: list[LookupResult] = []
        self._given: list[LookupResult] = []  # in set_results order: update_rows indices refer to it
        self._row_of: dict[int, int] = {}  # id(result) -> current row
        self._sorted: tuple[int, Qt.SortOrder] | None = None
        self._haystacks: dict[int, str] = {}
        self._defang = defang_display
        # id(host result) -> positions (in set_results order) of the URLs and addresses showing its verdict
        self._shown_by: dict[int, list[int]] = {}

    # -- API ---------------------------------------------------------------------------------
    def set_results(self, results: Iterable[LookupResult]) -> None:
        self.beginResetModel()
        self._given = list(results)
        self._results = list(self._given)
        self._row_of = {id(r): row for row, r in enumerate(self._results)}
        self._haystacks.clear()
        self._shown_by = {}
        for position, result in enumerate(self._given):
            if result.host_result is not None:
                self._shown_by.setdefault(id(result.host_result), []).append(position)
        self.endResetModel()

    def update_rows(self, indices: Iterable[int]) -> None:
        """Repaint the results at these positions of the list given to ``set_results``
        (the engine's order), wherever sorting has put them: one dataChanged per run of rows."""
        given = self._given
        positions = {i for i in indices if 0 <= i < len(given)}
        for i in list(positions):  # a host's answer changes the rows of its URLs and addresses too
            positions.update(self._shown_by.get(id(given[i]), ()))
        rows = sorted({self._row_of[id(given[i])] for i in positions})
        if not rows:
            return
        for row in rows:
            self._haystacks.pop(row, None)
        last_col = len(ResultColumn) - 1
        start = prev = rows[0]
        for next_row in [*rows[1:], None]:
            if next_row is not None and next_row == prev + 1:
                prev = next_row
                continue
            self.dataChanged.emit(self.index(start, 0), self.index(prev, last_col))
            if next_row is not None:
                start = prev = next_row

    def result_at(self, row: int) -> LookupResult:
        return self._results[row]

    def row_of(self, result: LookupResult) -> int | None:
        """The current row of ``result``, or None when it is not in the model."""
        return self._row_of.get(id(result))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows in Python: one key per row, comparisons in C. (Sorting in the proxy
        would call data(SortRole) from C++ twice per comparison: 100 ms for 2,000 rows.)
        Rows keep their place while answers arrive; ``resort()`` re-applies the order."""
        if not 0 <= column < len(ResultColumn):
            return
        self._sorted = (column, order)
        key_column = ResultColumn(column)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._results[index.row()], index.column()) for index in persistent]
        # Ties in any order: status, then indicator, ascending (the sort is stable, reversed or not),
        # so riskiest-first reads critical rows in a fixed, findable order.
        tied = sorted(self._results, key=lambda r: (_STATUS_ORDER.get(r.status, len(_STATUS_ORDER)), r.indicator))
        keyed = [(self._sort_key(r, key_column), r) for r in tied]
        keyed.sort(key=lambda pair: pair[0], reverse=order == Qt.SortOrder.DescendingOrder)
        self._results = [r for _, r in keyed]
        self._row_of = {id(r): row for row, r in enumerate(self._results)}
        self._haystacks.clear()
        self.changePersistentIndexList(persistent, [self.index(self._row_of[id(r)], col) for r, col in held])
        self.layoutChanged.emit()

    def resort(self) -> None:
        if self._sorted is not None:
            self.sort(*self._sorted)

    def results(self) -> list[LookupResult]:
        return list(self._results)

    def defang_display(self) -> bool:
        return self._defang

    def set_defang_display(self, on: bool) -> None:
        """Show indicators defanged (``evil[.]example``) in the indicator column."""
        if on != self._defang:
            self._defang = on
            if self._results:
                col = ResultColumn.INDICATOR
                self.dataChanged.emit(self.index(0, col), self.index(len(self._results) - 1, col))

    def haystack(self, row: int) -> str:
        """Lower-cased text the free-text filter searches (indicator, threats, feeds, country, org)."""
        text = self._haystacks.get(row)
        if text is None:
            r = self._results[row]
            _, threats, feeds = _lists(r)
            intel = r.intel
            parts = [r.indicator, *threats, *feeds, _country_full(r), _asn_org(r)]
            if intel is not None and intel.indicator:
                parts.append(intel.indicator)
            text = self._haystacks[row] = "\n".join(parts).casefold()
        return text

    # -- Qt model ----------------------------------------------------------------------------
    def _rows(self) -> list:
        return self._results

    def data(self, index: _Index, role: int = _Role.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._results):
            return None
        r = self._results[index.row()]
        col = ResultColumn(index.column())
        if role == _Role.DisplayRole:
            return self._display(r, col)
        if role == SortRole:
            return self._sort_key(r, col)
        if role == _Role.ToolTipRole:
            return self._tooltip(r, col)
        if role == ResultRole:
            return r
        risk = r.risk if col is ResultColumn.RISK else None
        if col is ResultColumn.HOST and r.host_result is not None:
            risk = r.host_result.risk
        if risk is not None:
            if role == _Role.DecorationRole:
                return risk_icon(risk)
            if role == RiskColorRole:
                return risk_color(risk)
        return None

    def _indicator_text(self, r: LookupResult) -> str:
        return defang(r.indicator, r.type) if self._defang else r.indicator

    def _display(self, r: LookupResult, col: ResultColumn) -> str:
        if col is ResultColumn.INDICATOR:
            return safe_text(self._indicator_text(r))
        if col is ResultColumn.TYPE:
            return str(r.type)
        if col is ResultColumn.STATUS:
            return _status_text(r)
        if col is ResultColumn.RISK:
            return str(r.risk) if r.risk is not None else ""
        if col is ResultColumn.HOST:
            return safe_text(_host_text(r))
        if col in (ResultColumn.RISK_FACTORS, ResultColumn.THREATS, ResultColumn.FEEDS):
            items = _lists(r)[col - ResultColumn.RISK_FACTORS]
            return safe_text("; ".join(items))
        if col is ResultColumn.COUNTRY:
            return safe_text(_country(r))
        if col is ResultColumn.ASN_ORG:
            return safe_text(_asn_org(r))
        if col is ResultColumn.LAST_SEEN:
            return safe_text(r.intel.seen or "") if r.intel else ""
        return self.tr("yes") if r.defanged else self.tr("no")

    def _sort_key(self, r: LookupResult, col: ResultColumn) -> int | str:
        if col is ResultColumn.RISK:  # the worse of its own and its host's, as the chips count it
            risk = r.verdict_risk
            return risk.severity if risk is not None else -1
        if col is ResultColumn.HOST:
            host_risk = r.host_result.risk if r.host_result is not None else None
            return host_risk.severity if host_risk is not None else -1
        if col is ResultColumn.STATUS:
            return _STATUS_ORDER.get(r.status, len(_STATUS_ORDER))
        if col in (ResultColumn.RISK_FACTORS, ResultColumn.THREATS, ResultColumn.FEEDS):
            intel = r.intel
            if intel is None:
                return 0
            return len((intel.riskfactors, intel.threats, intel.feeds)[col - ResultColumn.RISK_FACTORS])
        if col is ResultColumn.DEFANGED:
            return int(r.defanged)
        if col is ResultColumn.INDICATOR:
            return r.indicator.casefold()
        return self._display(r, col).casefold()

    def _tooltip(self, r: LookupResult, col: ResultColumn) -> str:
        intel = r.intel
        if col is ResultColumn.INDICATOR:
            shown = defang(r.indicator, r.type)
            defanged = self.tr("defanged: {value}").format(value=shown) if shown != r.indicator else None
            return tooltip_html([r.indicator, defanged, r.error])
        if col is ResultColumn.STATUS:
            attempts = self.tr("%n request(s)", "", r.attempts) if r.attempts else None
            return tooltip_html([_status_text(r), r.error, attempts])
        if col is ResultColumn.RISK:
            if intel is None or intel.risk is None:
                return ""
            lines = [self.tr("risk: {risk}").format(risk=intel.risk)]
            if intel.risk_recommended and intel.risk_recommended != intel.risk:
                lines.append(self.tr("recommended: {risk}").format(risk=intel.risk_recommended))
            if intel.manual_risk:
                lines.append(self.tr("set manually"))
            if intel.retired:
                lines.append(self.tr("retired: {reason}").format(reason=intel.retired))
            return tooltip_html(lines)
        if col is ResultColumn.HOST:
            return self._host_tooltip(r)
        if col in (ResultColumn.RISK_FACTORS, ResultColumn.THREATS, ResultColumn.FEEDS):
            return tooltip_html(_lists(r)[col - ResultColumn.RISK_FACTORS])
        if col is ResultColumn.COUNTRY:
            return tooltip_html([_country_full(r)])
        if col is ResultColumn.ASN_ORG:
            return tooltip_html([_asn_org(r)])
        if col is ResultColumn.LAST_SEEN and intel is not None:
            dates = (
                (self.tr("seen: {date}"), intel.seen),
                (self.tr("added: {date}"), intel.added),
                (self.tr("updated: {date}"), intel.updated),
            )
            return tooltip_html([line.format(date=value) for line, value in dates if value])
        if col is ResultColumn.DEFANGED:
            if r.defanged:
                return self.tr("The indicator was defanged in the input")
            return self.tr("The indicator was live (not defanged) in the input")
        return ""

    def _host_tooltip(self, r: LookupResult) -> str:
        host = r.host_result
        if host is not None:
            lines = [self.tr("host: {host}").format(host=host.indicator), _status_text(host)]
            if host.risk is not None:
                lines.append(self.tr("risk: {risk}").format(risk=host.risk))
            lines += _lists(host)[1][:5]
            if r.verdict_risk is not r.risk:
                lines.append(self.tr("The host's verdict is worse than this indicator's own."))
            return tooltip_html(lines)
        if r.derived_from:
            return tooltip_html([self.tr("Found inside:"), *r.derived_from[:10]])
        return ""


class ResultsFilter(QSortFilterProxyModel):
    """Filters ResultsModel rows by risk, type, status and free text; sorts by SortRole.

    ``None`` for a set means "no filter on that criterion". A result passes a risk filter
    with the worse of its own risk and its host's; results without either pass only when
    it contains ``None``.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._risks: frozenset | None = None
        self._types: frozenset | None = None
        self._statuses: frozenset | None = None
        self._text = ""
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)  # for filtering; sorting is the source model's job

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def set_risks(self, risks: Iterable[Risk | str | None] | None) -> None:
        self._change("_risks", None if risks is None else frozenset(None if r is None else Risk(r) for r in risks))

    def set_types(self, types: Iterable[IndicatorType | str] | None) -> None:
        self._change("_types", None if types is None else frozenset(IndicatorType(t) for t in types))

    def set_statuses(self, statuses: Iterable[Status | str] | None) -> None:
        self._change("_statuses", None if statuses is None else frozenset(Status(s) for s in statuses))

    def set_text(self, text: str) -> None:
        self._change("_text", (text or "").strip().casefold())

    def _change(self, attr: str, value) -> None:
        if getattr(self, attr) == value:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            setattr(self, attr, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            setattr(self, attr, value)
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ResultsModel):
            return super().filterAcceptsRow(source_row, source_parent)
        r = model.result_at(source_row)
        if self._types is not None and r.type not in self._types:
            return False
        if self._statuses is not None and r.status not in self._statuses:
            return False
        if self._risks is not None and r.verdict_risk not in self._risks:  # a URL on a high-risk host is high
            return False
        return not self._text or self._text in model.haystack(source_row)


def summary_counts(results: Iterable[LookupResult]) -> dict:
    """``{"total", "done", "status": {...}, "risk": {...}, "type": {...}}`` for a summary strip."""
    results = list(results)
    summary: dict = summarize(results)
    summary["total"] = len(results)
    summary["done"] = sum(1 for r in results if r.done)
    return summary
