"""Documents attached to a mail (PDF, Word .docx, Excel workbooks) read like the same files on disk.

Vendors send their threat reports as PDF, users forward invoices as workbooks: an attachment's
name alone says little. The bytes go through the same readers, limits and time budgets as a file
opened from disk; an attachment that cannot be read is logged and skipped, the mail is still read.
Sources say which attachment and which page or sheet: ``phish.eml, part 2 (report.pdf), page 3``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from iocdesk.extraction.importers._common import InputError
from iocdesk.extraction.importers._detect import PDF_MAGIC, ZIP_MAGIC
from iocdesk.indicators.types import Source, TextChunk

log = logging.getLogger(__name__)

# What one attached document may hold once unpacked (an XLSX or DOCX is a ZIP: a bomb is checked
# against this as a file on disk is against its own limit).
MAX_UNPACKED = 100 * 1024 * 1024


def is_document(data: bytes) -> bool:
    """PDF or ZIP (Word, Excel) bytes, by their magic numbers (never by the attacker's file name)."""
    return data.startswith(PDF_MAGIC) or PDF_MAGIC in data[:1024] or data.startswith(ZIP_MAGIC)


def document_chunks(data: bytes, name: str, where: str) -> Iterator[TextChunk]:
    """The text of an attached document; ``where`` names the attachment inside the mail ``name``."""
    label = f"{name}, {where}"
    try:
        chunks = list(_read(data, label))
    except InputError as exc:
        log.info("attachment skipped: %s", exc)
        return
    for chunk in chunks:
        inner = chunk.source.sheet
        yield TextChunk(chunk.text, Source(file=name, sheet=f"{where}, {inner}" if inner else where))


def _read(data: bytes, label: str) -> Iterator[TextChunk]:
    fh = io.BytesIO(data)
    if not data.startswith(ZIP_MAGIC):
        from iocdesk.extraction.importers._pdf import pdf_chunks  # imported here: most mails hold no PDF

        yield from pdf_chunks(fh, label)
        return
    from iocdesk.extraction.importers._docx import docx_chunks, is_docx
    from iocdesk.extraction.importers._xlsx import check_zip, xlsx_chunks

    if is_docx(fh):
        yield from docx_chunks(fh, label, MAX_UNPACKED)
        return
    check_zip(fh, label, ".xlsx", MAX_UNPACKED)  # an archive that is no workbook says so here: skipped
    yield from xlsx_chunks(fh, label, max_unpacked=MAX_UNPACKED)
