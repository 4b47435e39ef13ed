"""Tables (CSV/TSV and worksheets): the header rule, one chunk per cell (internal; _detect sniffs the dialect)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain

from iocdesk.extraction.importers._common import CHUNK_CHARS, CSV_FIELD_LIMIT, InputError, column_letter
from iocdesk.extraction.importers._text import iter_text_chunks
from iocdesk.indicators.types import Source, TextChunk

# Header names (lower-cased, non-alphanumerics removed) of an indicator column.
IOC_HEADERS = frozenset(
    {
        "indicator", "indicators", "ioc", "iocs", "value", "values",
        "observable", "observables", "artifact", "artifacts", "artefact", "artefacts",
        "indicatorvalue", "indicatorvalues", "iocvalue", "iocvalues",
        "observablevalue", "artifactvalue", "artefactvalue",
    }
)  # fmt: skip
HEADER_SCAN_ROWS = 10  # non-empty rows searched for an indicator header (title rows above it)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LABEL = re.compile(r"[^\W\d][\w .#/()&%:+-]{0,63}")
_NOT_LABEL = re.compile(r"://|@|\w\.\w|^[0-9a-f]{16,}$|^cve-\d|^as\d+$", re.IGNORECASE)


def is_ioc_header(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 64 and _NON_ALNUM.sub("", value.lower()) in IOC_HEADERS


def _is_label(value: object) -> bool:
    """A header-looking cell: a short name, not something that looks like data."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(_LABEL.fullmatch(text)) and not _NOT_LABEL.search(text)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


Row = tuple[int, Sequence[object]]  # (1-based row number, cells from column A)


def table_chunks(
    rows: Iterable[Row],
    *,
    file: str,
    sheet: str | None,
    to_text: Callable[[object], str | None],
    letter_and_header: bool,
) -> Iterator[TextChunk]:
    """One chunk per non-empty cell, honouring the indicator-column rule.

    If one of the first non-empty rows has a cell named like an indicator
    column, only those columns are read below it (rows above it, e.g. a
    title, are read whole) and the header row itself is skipped. Otherwise
    every cell is read, and a first row of label-like cells names the columns.
    """
    rows = iter(rows)
    head: list[Row] = []
    non_empty = 0
    for row in rows:
        head.append(row)
        if any(not _blank(c) for c in row[1]):
            non_empty += 1
            if non_empty >= HEADER_SCAN_ROWS or any(is_ioc_header(c) for c in row[1]):
                break

    names: Sequence[object] = ()
    wanted: set[int] | None = None
    header_at = next((i for i, (_, cells) in enumerate(head) if any(is_ioc_header(c) for c in cells)), None)
    if header_at is not None:
        names = head[header_at][1]
        wanted = {i for i, c in enumerate(names) if is_ioc_header(c)}
        above = head[:header_at]
        below: Iterable[Row] = chain(head[header_at + 1 :], rows)
    else:
        filled = [(cells, [i for i, c in enumerate(cells) if not _blank(c)]) for _, cells in head]
        filled = [(cells, used) for cells, used in filled if used]
        if filled:
            first, used = filled[0]
            # A title row ("Incident 42" above a table) is no header: a lone
            # label only names its column if the table has that one column.
            if all(_is_label(first[i]) for i in used) and (len(used) >= 2 or all(u == used for _, u in filled)):
                names = first
        above, below = [], chain(head, rows)

    column_names: dict[tuple[int, bool], str] = {}

    def column(index: int, named: bool) -> str:
        key = (index, named)
        if key not in column_names:
            letter = column_letter(index + 1)
            header = names[index] if named and index < len(names) and _is_label_or_ioc(names[index]) else None
            if header is None:
                column_names[key] = letter
            else:
                header = " ".join(str(header).split())
                column_names[key] = f"{letter} ({header})" if letter_and_header else header
        return column_names[key]

    def emit(number: int, cells: Sequence[object], named: bool) -> Iterator[TextChunk]:
        indexes = range(len(cells)) if wanted is None or not named else sorted(i for i in wanted if i < len(cells))
        for i in indexes:
            text = to_text(cells[i])
            if not text or text.isspace():
                continue
            source = Source(file, sheet, number, column(i, named))
            if len(text) > CHUNK_CHARS:
                yield from iter_text_chunks(text, source)
            else:
                yield TextChunk(text, source)

    for number, cells in above:
        yield from emit(number, cells, named=False)
    for number, cells in below:
        yield from emit(number, cells, named=True)


def _is_label_or_ioc(value: object) -> bool:
    return is_ioc_header(value) or (_is_label(value) and not _blank(value))


def csv_chunks(lines: Iterable[str], *, file: str, delimiter: str) -> Iterator[TextChunk]:
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    count = 0

    def numbered() -> Iterator[Row]:
        nonlocal count
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                detail = str(exc)
                if "field larger than field limit" in detail:
                    detail = f"a field is longer than {CSV_FIELD_LIMIT >> 20} million characters (unbalanced quote?)"
                raise InputError(f"{file}: row {count + 1}: malformed CSV: {detail}") from exc
            count += 1
            yield count, record

    return table_chunks(numbered(), file=file, sheet=None, to_text=_csv_text, letter_and_header=False)


def _csv_text(value: object) -> str | None:
    return value if isinstance(value, str) else None
