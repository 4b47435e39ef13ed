"""Word documents (.docx, internal): paragraphs, tables, headers and footers, and link targets.

python-docx (MIT licence) reads the document. The XML parts are checked before they are parsed
(a small file can unpack to gigabytes); link targets are text, never opened.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from iocdesk.extraction.importers._common import InputError, human_size
from iocdesk.indicators.types import Source, TextChunk

DOCX_EXTENSIONS = frozenset({".docx", ".docm", ".dotx", ".dotm"})
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def is_docx(fh: BinaryIO) -> bool:
    """A ZIP archive holding a Word document."""
    try:
        with zipfile.ZipFile(fh) as archive:
            return "word/document.xml" in archive.namelist()
    except Exception:  # noqa: BLE001 - not a ZIP archive at all
        return False
    finally:
        fh.seek(0)


def docx_chunks(fh: BinaryIO, name: str, max_bytes: int | None) -> Iterator[TextChunk]:
    """One chunk per paragraph and table cell (with where it is), one per link target."""
    import docx  # imported here: text files don't pay for it

    _check_sizes(fh, name, max_bytes)
    try:
        document = docx.Document(fh)
    except Exception as exc:  # zip/XML/OPC errors of every kind
        raise InputError(f"{name}: not a valid Word document (corrupt or truncated)") from exc
    yield from _blocks(document.element.body, document, name, "body")
    for number, section in enumerate(document.sections, 1):
        for where, part in (("header", section.header), ("footer", section.footer)):
            if not part.is_linked_to_previous:
                yield from _blocks(part._element, part, name, f"{where} {number}")
    for relationship in document.part.rels.values():
        if relationship.reltype == _HYPERLINK and relationship.is_external:
            yield TextChunk(str(relationship.target_ref)[:8192], Source(file=name, sheet="link target"))


def _check_sizes(fh: BinaryIO, name: str, max_bytes: int | None) -> None:
    try:
        with zipfile.ZipFile(fh) as archive:
            unpacked = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    except Exception as exc:  # BadZipFile, EOFError, struct/zlib errors
        raise InputError(f"{name}: not a valid Word document (corrupt or truncated)") from exc
    finally:
        fh.seek(0)
    if max_bytes is not None and unpacked > max_bytes:
        raise InputError(
            f"{name}: the document's text unpacks to {human_size(unpacked)}; the limit is {human_size(max_bytes)}"
        )


def _blocks(container: Any, parent: Any, name: str, where: str) -> Iterator[TextChunk]:
    """Paragraphs and tables in document order, tables cell by cell (nested tables too)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    paragraph = 0
    for child in container.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph += 1
            text = Paragraph(child, parent).text
            if text.strip():
                yield TextChunk(text, Source(file=name, sheet=f"{where}, paragraph {paragraph}"))
        elif tag == "tbl":
            yield from _table(Table(child, parent), name, where)


def _table(table: Any, name: str, where: str) -> Iterator[TextChunk]:
    for row_number, row in enumerate(table.rows, 1):
        for column_number, cell in enumerate(_unique(row.cells), 1):
            label = f"{where}, table row {row_number}, cell {column_number}"
            yield from _blocks(cell._tc, cell, name, label)


def _unique(cells: Iterable[Any]) -> list[Any]:
    """Merged cells appear once per grid column they span: read each once."""
    seen: set[int] = set()
    unique = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            unique.append(cell)
    return unique
