"""One run as an Excel workbook: a summary with a chart, one flat results sheet, the details.

    write_workbook(report, "run.xlsx", defang=False, details=False)

Sheets:

- ``Summary``: run metadata, counts by risk / status / type, the ten most
  frequent threats and feeds, and a native bar chart of the risk distribution
  (its series reference the risk count cells, so it updates if they change).
- ``Results``: one row per IOC; header frozen, autofilter over the data, risk
  cells coloured (the risk text stays too, for filtering and colour-blind
  readers). The "Pulsedive" column is a real hyperlink built from the
  indicator's numeric iid only (``https://pulsedive.com/indicator/?iid=N``);
  a URL found in the data is never linked.
- ``Details`` (``details=True``): every Pulsedive property, one row per
  IOC, group, property and value.

Safety: every value that comes from data (indicators, intel, file names) is
written as a text cell, never a formula or an error value, so ``=HYPERLINK(..)``,
``=cmd|' /C calc'!A0``, ``+1``, ``@SUM(1)`` or ``#N/A`` arrive as the literal
text; a text that starts like a formula is also quote-prefixed (as if typed after
a ``'``), so editing the cell does not turn it into one. Characters XML 1.0
cannot hold (and other invisible ones: bidi overrides, zero-width...) are shown
as visible escapes (``\\x07``, ``\\u202e``) by :func:`iocdesk.indicators.display.reveal`.
Texts longer than Excel's cell limit (32,767 characters) are cut with a note
saying how much was left out.

Limits: an Excel sheet holds 1,048,576 rows. A run with more results (or more
detail rows) continues on "Results (2)", "Results (3)"... each with its own
header, filter and frozen pane. Excel also keeps at most 65,530 hyperlinks per
sheet: past that, the Pulsedive column holds the URL as plain text.

The workbook is always written in openpyxl's write-only (streaming) mode: one
code path for ten rows and a million, with memory flat in the number of rows.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from iocdesk.extraction.refang import defang as defang_value
from iocdesk.indicators.display import reveal
from iocdesk.indicators.host_links import parent_type, verdict_text
from iocdesk.indicators.results import LookupResult, Risk
from iocdesk.indicators.risk_style import RISK_STYLES
from iocdesk.platform.safe_files import EXPORT_MODE, Target, open_for_write
from iocdesk.reports.report import Report, pulsedive_iid, pulsedive_link
from iocdesk.reports.safety import FORMULA_PREFIXES

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header included
EXCEL_MAX_CHARS = 32_767  # characters per cell
EXCEL_MAX_LINKS = 65_530  # hyperlinks per sheet
TOP_N = 10

# "Host" and "Host risk": the host of a URL or e-mail address and its verdict, next to the URL's own
# (a URL Pulsedive has never seen on a high-risk domain must not read as clean); "Found in": for a
# host, the URLs and addresses it came from.
RESULTS_HEADER = (
    "Indicator", "Type", "Status", "Risk", "Host", "Host risk", "Risk factors", "Threats", "Feeds",
    "Country", "ASN", "Org", "First seen", "Last seen", "Defanged in input", "Source", "Found in", "Error",
    "Pulsedive",
)  # fmt: skip
DETAILS_HEADER = ("Indicator", "Group", "Property", "Value")
_RISK_COLUMN = RESULTS_HEADER.index("Risk")
_HOST_RISK_COLUMN = RESULTS_HEADER.index("Host risk")
_LINK_COLUMN = RESULTS_HEADER.index("Pulsedive")
# Width caps per column (characters); the actual width follows the first rows' content.
_RESULTS_WIDTHS = (48, 10, 12, 10, 36, 10, 50, 36, 36, 9, 12, 30, 20, 20, 10, 24, 48, 36, 12)
_DETAILS_WIDTHS = (48, 16, 24, 60)
_WIDTH_SAMPLE = 500

# Fill colour per risk (ARGB), from the palette the window uses: light, so black risk text stays readable.
RISK_COLOURS: dict[Risk, str] = {risk: "FF" + style.fill[1:].upper() for risk, style in RISK_STYLES.items()}
_RISK_FILLS = {risk: PatternFill(fill_type="solid", start_color=c, end_color=c) for risk, c in RISK_COLOURS.items()}
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_LINK_FONT = Font(color="FF0563C1", underline="single")
_TRUNCATED = "… ({} more characters; Excel cells hold at most 32,767)"


def _styled(ws: Any, text: str, proto: Any) -> Any:
    """A text cell with ``proto``'s style: copying the style array skips openpyxl's
    per-cell style lookup (hashing fills and fonts), a third of the time for big runs."""
    cell = WriteOnlyCell(ws, value=None)
    # openpyxl's own fast path: private attributes its stubs do not declare
    cell._value, cell.data_type = text, "s"  # type: ignore[attr-defined]
    cell._style = copy(proto._style)  # type: ignore[attr-defined]
    return cell


def _prototypes(ws: Any) -> tuple[dict[Risk, Any], Any]:
    risks = {}
    for risk, fill in _RISK_FILLS.items():
        risks[risk] = WriteOnlyCell(ws, value=None)
        risks[risk].fill = fill
    link = WriteOnlyCell(ws, value=None)
    link.font = _LINK_FONT
    return risks, link


def write_workbook(
    report: Report,
    path: str | Path,
    *,
    defang: bool = False,
    details: bool = False,
    max_rows: int = EXCEL_MAX_ROWS,
    target: Target = Target.CHOSEN,
) -> Path:
    """Write ``report`` to ``path`` (an .xlsx) and return the path.

    ``defang`` writes indicators defanged (``example[.]com``); ``details`` adds
    the Details sheet. ``max_rows`` is the row limit per sheet (header
    included) after which results continue on a new sheet; Excel's by default.
    ``target``: whether an existing file may be replaced (``platform.safe_files``;
    never through a link).
    """
    if max_rows < 2:
        raise ValueError("max_rows must leave room for a header and a row")
    path = Path(path)
    # The file first: a refused name (a link, a file it may not replace) costs no workbook, and no
    # half-built write-only sheet is left to the garbage collector.
    with open_for_write(path, target=target, mode=EXPORT_MODE) as out:
        wb = Workbook(write_only=True)
        _write_summary(wb, report, defang=defang)
        results = report.results
        _write_split(
            wb, "Results", RESULTS_HEADER, _result_rows(results, defang=defang), max_rows=max_rows,
            widths=_widths(RESULTS_HEADER, _RESULTS_WIDTHS, (_plain_result(r, defang) for r in results[:_WIDTH_SAMPLE])),
        )  # fmt: skip
        if details:
            _write_split(
                wb, "Details", DETAILS_HEADER, _detail_rows(results, defang=defang), max_rows=max_rows,
                widths=_widths(DETAILS_HEADER, _DETAILS_WIDTHS, _sample(_detail_values(results, defang), _WIDTH_SAMPLE)),
            )  # fmt: skip
        wb.save(out)
    return path


# -- cells ------------------------------------------------------------------------------


def safe_text(value: object) -> str:
    """Data as a text Excel can hold: hidden characters escaped, cut at the cell limit."""
    text = reveal(value)
    if len(text) > EXCEL_MAX_CHARS:
        # The note's own length depends on the count; size it for the worst case.
        note = _TRUNCATED.format(len(text))
        keep = EXCEL_MAX_CHARS - len(note)
        text = text[:keep] + _TRUNCATED.format(len(text) - keep)
    return text


_FORCE_FIRST = frozenset("=+-@#")  # safe_text has escaped a leading tab or CR already


def _text_cell(ws: Any, value: object) -> Any:
    """A data value as a text cell: a plain str when openpyxl would keep it text anyway
    and no spreadsheet would evaluate it, else a :func:`_forced` text cell."""
    text = safe_text(value)
    if text[:1] in _FORCE_FIRST and (text.startswith(FORMULA_PREFIXES) or text in ERROR_CODES):
        return _forced(ws, text)
    return text


def _join(values: Iterable[object]) -> str:
    return "; ".join(str(v) for v in values)


def _opt(value: object) -> str:
    return "" if value is None else str(value)


def _indicator(result: LookupResult, defang: bool) -> str:
    if not defang:
        return result.indicator
    try:
        return defang_value(result.indicator, result.type)
    except ValueError:
        return result.indicator


def _plain_result(result: LookupResult, defang: bool) -> list[str]:
    """The Results row as plain strings (before escaping and cell typing)."""
    intel = result.intel
    source = getattr(result, "source", None)
    link = pulsedive_link(result)
    if intel is None:
        intel_part = [""] * 8
    else:
        intel_part = [
            _join(rf.description for rf in intel.riskfactors),
            _join(t.name for t in intel.threats),
            _join(f.name for f in intel.feeds),
            _opt(intel.country),
            _opt(intel.asn),
            _opt(intel.org),
            _opt(intel.added),
            _opt(intel.seen),
        ]
    host = result.host_result
    return [
        _indicator(result, defang),
        str(result.type),
        str(result.status),
        str(result.risk) if result.risk else "",
        _indicator(host, defang) if host is not None else "",
        verdict_text(host) if host is not None else "",
        *intel_part,
        "yes" if result.defanged else "no",
        _join(source) if isinstance(source, list | tuple) else _opt(source),
        _join(_parent(v, defang) for v in result.derived_from),
        _opt(result.error),
        str(pulsedive_iid(result)) if link else "",
    ]


def _parent(value: str, defang: bool) -> str:
    """A URL or address a host was found in, defanged like the indicators when asked."""
    if not defang:
        return value
    kind = parent_type(value)
    try:
        return defang_value(value, kind)
    except ValueError:
        return value


def _result_rows(results: Sequence[LookupResult], *, defang: bool) -> Iterator[Callable[[Any, int], list[Any]]]:
    """Rows as functions of (sheet, data row number on that sheet), so links can respect the per-sheet cap."""
    protos: dict[int, tuple[dict[Risk, Any], Any]] = {}
    for result in results:

        def make(ws: Any, n: int, result: LookupResult = result) -> list[Any]:
            if id(ws) not in protos:
                protos.clear()
                protos[id(ws)] = _prototypes(ws)
            return _result_row(ws, n, result, defang, *protos[id(ws)])

        yield make


def _result_row(ws: Any, n: int, result: LookupResult, defang: bool, risk_protos: Any, link_proto: Any) -> list[Any]:
    plain = _plain_result(result, defang)
    row: list[Any] = [_text_cell(ws, v) if v else None for v in plain]
    risk = result.risk
    if risk is not None:
        row[_RISK_COLUMN] = _styled(ws, str(risk), risk_protos[risk])
    host_risk = result.host_result.risk if result.host_result is not None else None
    if host_risk is not None:
        row[_HOST_RISK_COLUMN] = _styled(ws, str(host_risk), risk_protos[host_risk])
    link = pulsedive_link(result)
    if link is not None:
        if n <= EXCEL_MAX_LINKS:
            cell = _styled(ws, plain[_LINK_COLUMN], link_proto)
            cell.hyperlink = link
            row[_LINK_COLUMN] = cell
        else:
            row[_LINK_COLUMN] = link
    return row


def _detail_values(results: Sequence[LookupResult], defang: bool) -> Iterator[list[str]]:
    for result in results:
        intel = result.intel
        if intel is None or not intel.properties:
            continue
        indicator = _indicator(result, defang)
        for group, props in intel.properties.items():
            for name, values in props.items():
                if isinstance(values, str):
                    values = [values]
                for value in values or [""]:
                    yield [indicator, _opt(group), _opt(name), _opt(value)]


def _detail_rows(results: Sequence[LookupResult], *, defang: bool) -> Iterator[Callable[[Any, int], list[Any]]]:
    for values in _detail_values(results, defang):
        yield functools.partial(_detail_cells, values=values)


def _detail_cells(ws: Any, n: int, *, values: list[Any]) -> list[Any]:
    return [_text_cell(ws, v) if v else None for v in values]


def _sample(rows: Iterable[list[str]], n: int) -> Iterator[list[str]]:
    for i, row in enumerate(rows):
        if i >= n:
            return
        yield row


def _widths(header: Sequence[str], caps: Sequence[int], sample: Iterable[Sequence[str]]) -> list[float]:
    widths = [max(len(h), 6) for h in header]
    for row in sample:
        for i, value in enumerate(row):
            if value and len(value) > widths[i]:
                widths[i] = len(value)
    return [min(w, cap) + 2 for w, cap in zip(widths, caps, strict=True)]


# -- sheets -----------------------------------------------------------------------------


def split_titles(base: str, n_rows: int, max_rows: int = EXCEL_MAX_ROWS) -> list[tuple[str, int]]:
    """(sheet title, data rows on it) for ``n_rows`` data rows, each sheet holding a header
    and at most ``max_rows - 1`` data rows: "Results", "Results (2)", ... (one sheet when empty)."""
    per_sheet = max_rows - 1
    chunks = max(1, -(-n_rows // per_sheet))
    return [(base if i == 0 else f"{base} ({i + 1})", min(per_sheet, n_rows - i * per_sheet)) for i in range(chunks)]


def _new_data_sheet(wb: Workbook, title: str, header: Sequence[str], widths: Sequence[float]) -> Any:
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    head = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = _BOLD
        head.append(cell)
    ws.append(head)
    return ws


def _close_data_sheet(ws: Any, columns: int, data_rows: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{data_rows + 1}"


def _write_split(
    wb: Workbook,
    base: str,
    header: Sequence[str],
    rows: Iterable[Callable[[Any, int], list[Any]]],
    *,
    max_rows: int,
    widths: Sequence[float],
) -> list[str]:
    """Stream ``rows`` onto ``base``, ``base (2)``... sheets of at most ``max_rows`` rows each."""
    per_sheet = max_rows - 1
    titles = [base]
    ws = _new_data_sheet(wb, base, header, widths)
    n = 0
    for make in rows:
        if n == per_sheet:
            _close_data_sheet(ws, len(header), n)
            titles.append(f"{base} ({len(titles) + 1})")
            ws = _new_data_sheet(wb, titles[-1], header, widths)
            n = 0
        n += 1
        ws.append(make(ws, n))
    _close_data_sheet(ws, len(header), n)
    return titles


def _safe_api_url(url: str | None) -> str:
    """The API URL without credentials, query or fragment (a key must never land in a report)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return ""


def _write_summary(wb: Workbook, report: Report, *, defang: bool) -> None:
    ws = wb.create_sheet("Summary")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 48
    row = 0

    def put(*values: Any, font: Font | None = None) -> None:
        nonlocal row
        cells: list[Any] = []
        for value in values:
            if isinstance(value, str):
                value = _forced(ws, safe_text(value)) if font is not None else _text_cell(ws, value)
            elif value is not None and font is not None:
                value = WriteOnlyCell(ws, value=value)
            if font is not None and value is not None:
                value.font = font
            cells.append(value)
        ws.append(cells)
        row += 1

    def section(title: str, columns: tuple[str, str]) -> None:
        put()
        put(title, font=_BOLD)
        put(*columns, font=_BOLD)

    results = report.results
    summary = report.summary
    put(report.title or "IOC triage", font=_TITLE)
    put("Generated", datetime.now(UTC).isoformat(timespec="seconds"))
    put("Created", report.created)
    put("Run id", report.run_id)
    put("IOCs", len(results))
    put("Headline", report.headline())
    put("Sources", _join(report.sources))
    put("Scan policy", report.scan)
    put("API URL", _safe_api_url(report.api_url))
    put("Indicators defanged", "yes" if defang else "no")

    section("By risk (an IOC's own or its host's, whichever is worse)", ("Risk", "IOCs"))
    risk_counts = report.risk_counts()
    first_risk_row = row + 1
    for risk, count in risk_counts:
        put(str(risk), count)
    last_risk_row = row
    no_intel = sum(1 for r in results if r.verdict_risk is None)
    if no_intel:
        put("(no risk: not found, error...)", no_intel)

    section("By status", ("Status", "IOCs"))
    for name, count in sorted(summary["status"].items(), key=lambda kv: (-kv[1], kv[0])):
        put(name, count)
    section("By type", ("Type", "IOCs"))
    for name, count in sorted(summary["type"].items(), key=lambda kv: (-kv[1], kv[0])):
        put(name, count)

    threats: Counter[str] = Counter()
    feeds: Counter[str] = Counter()
    for result in results:
        if result.intel is not None:
            threats.update({t.name for t in result.intel.threats})
            feeds.update({f.name for f in result.intel.feeds})
    section(f"Top {TOP_N} threats", ("Threat", "IOCs"))
    for name, count in sorted(threats.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_N]:
        put(name, count)
    section(f"Top {TOP_N} feeds", ("Feed", "IOCs"))
    for name, count in sorted(feeds.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_N]:
        put(name, count)

    if risk_counts:
        chart = BarChart()
        chart.type = "col"
        chart.title = "IOCs by risk"
        chart.y_axis.title = "IOCs"
        chart.x_axis.title = "Risk"
        chart.legend = None
        data = Reference(ws, min_col=2, min_row=first_risk_row - 1, max_row=last_risk_row)
        cats = Reference(ws, min_col=1, min_row=first_risk_row, max_row=last_risk_row)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.width, chart.height = 16, 8
        ws.add_chart(chart, "D2")


def _forced(ws: Any, text: str) -> Any:
    """A cell that is text whatever it holds: typed "s" (openpyxl would make "=..." a formula
    and "#N/A" an error) and, when it starts like a formula, quote-prefixed (as if typed after
    an apostrophe), so Excel keeps it text even when someone edits the cell and presses Enter;
    a plain text cell "=cmd|..." turns into the formula then."""
    cell = WriteOnlyCell(ws, value=None)
    cell._value, cell.data_type = text, "s"  # type: ignore[attr-defined]  # as in _styled
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


__all__ = [
    "DETAILS_HEADER",
    "EXCEL_MAX_CHARS",
    "EXCEL_MAX_LINKS",
    "EXCEL_MAX_ROWS",
    "RESULTS_HEADER",
    "RISK_COLOURS",
    "pulsedive_link",
    "safe_text",
    "split_titles",
    "write_workbook",
]
