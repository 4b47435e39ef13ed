"""Word documents (.docx, internal): paragraphs, tables, headers and footers, and link targets.

python-docx (MIT licence) reads the document; link targets are text, never opened. A small file
can unpack to gigabytes, and python-docx loads every part and parses every XML part whole, so
before it opens the file each part is inflated once through the workbook's guard
(``_xlsx_guard``): the same limits on declared sizes, a DTD refused, and what a part parsed whole
may hold (``DOCX_LIMITS``: a long Word document holds more elements than a workbook's styles).
The time budget counts from there to the last paragraph.
"""

from __future__ import annotations

import dataclasses
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from iocdesk.extraction.importers._common import InputError
from iocdesk.extraction.importers._xlsx_guard import LIMITS, TIME_BUDGET, Guard, GuardedZip, directory_size
from iocdesk.indicators.types import Source, TextChunk

DOCX_EXTENSIONS = frozenset({".docx", ".docm", ".dotx", ".dotm"})
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
# A part parsed whole: ~2 million elements (lxml holds ~230 bytes each) in up to 128 MiB, a
# document of thousands of pages.
DOCX_LIMITS = dataclasses.replace(LIMITS, held_elements=2_000_000, held_bytes=128 << 20)


def is_docx(fh: BinaryIO) -> bool:
    """A ZIP archive holding a Word document (one too large to list is left to check_zip to refuse)."""
    try:
        size = directory_size(fh)
        if size is not None and size > LIMITS.directory_bytes:
            return False
        with zipfile.ZipFile(fh) as archive:
            return "word/document.xml" in archive.namelist()
    except Exception:  # noqa: BLE001 - not a ZIP archive at all
        return False
    finally:
        fh.seek(0)


def docx_chunks(
    fh: BinaryIO,
    name: str,
    max_bytes: int | None,
    *,
    clock: Callable[[], float] = time.monotonic,
    budget: float = TIME_BUDGET,
) -> Iterator[TextChunk]:
    """One chunk per paragraph and table cell (with where it is), one per link target."""
    import docx  # imported here: text files don't pay for it

    guard = Guard(name, what="document", writer="Word", limits=DOCX_LIMITS, clock=clock, budget=budget)
    _check_parts(fh, guard, max_bytes)
    try:
        document = docx.Document(fh)
    except Exception as exc:  # zip/XML/OPC errors of every kind
        raise InputError(f"{name}: not a valid Word document (corrupt or truncated)") from exc
    yield from _blocks(document.element.body, document, name, "body", guard)
    for number, section in enumerate(document.sections, 1):
        for where, part in (("header", section.header), ("footer", section.footer)):
            if not part.is_linked_to_previous:
                yield from _blocks(part._element, part, name, f"{where} {number}", guard)
    for relationship in document.part.rels.values():
        if relationship.reltype == _HYPERLINK and relationship.is_external:
            yield TextChunk(str(relationship.target_ref)[:8192], Source(file=name, sheet="link target"))


def _check_parts(fh: BinaryIO, guard: Guard, max_bytes: int | None) -> None:
    """Inflate and count every part once, as python-docx will read it: refused at the first limit."""
    try:
        with GuardedZip(fh, guard, max_total=max_bytes) as archive:
            for info in archive.infolist():
                with archive.open(info) as part:
                    part.read()  # whole, as python-docx reads it: the limits of a part held whole
    except InputError:
        raise
    except Exception as exc:  # CorruptPart (not XML), BadZipFile, EOFError, struct/zlib errors
        raise InputError(f"{guard.name}: not a valid Word document (corrupt or truncated)") from exc
    finally:
        fh.seek(0)


def _blocks(container: Any, parent: Any, name: str, where: str, guard: Guard) -> Iterator[TextChunk]:
    """Paragraphs and tables in document order, tables cell by cell (nested tables too)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    paragraph = 0
    for child in container.iterchildren():
        guard.check_time()
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph += 1
            text = Paragraph(child, parent).text
            if text.strip():
                yield TextChunk(text, Source(file=name, sheet=f"{where}, paragraph {paragraph}"))
        elif tag == "tbl":
            yield from _table(Table(child, parent), name, where, guard)


def _table(table: Any, name: str, where: str, guard: Guard) -> Iterator[TextChunk]:
    for row_number, row in enumerate(table.rows, 1):
        for column_number, cell in enumerate(_unique(row.cells), 1):
            label = f"{where}, table row {row_number}, cell {column_number}"
            yield from _blocks(cell._tc, cell, name, label, guard)


def _unique(cells: Iterable[Any]) -> list[Any]:
    """Merged cells appear once per grid column they span: read each once."""
    seen: set[int] = set()
    unique = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            unique.append(cell)
    return unique
