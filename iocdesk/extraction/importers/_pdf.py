"""PDF threat reports (internal): each page's text layer and the targets of its links.

pypdf (BSD licence) reads the text layer; a scanned PDF without one yields nothing, and that is
said. Vendor reports defang in the text and link the real URL: link annotations' URIs are read as
text too (never opened). Limits: pages, and a time budget, because a hostile PDF can make text
extraction crawl; both end in one clear message, never a hang.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from iocdesk.extraction.importers._common import InputError
from iocdesk.indicators.types import Source, TextChunk

log = logging.getLogger(__name__)

MAX_PAGES = 5000
TIME_BUDGET = 120.0  # seconds for the whole document


def pdf_chunks(
    fh: BinaryIO, name: str, *, clock: Callable[[], float] = time.monotonic, budget: float = TIME_BUDGET
) -> Iterator[TextChunk]:
    """One chunk per page (its text) and one per link target, with the page as the source."""
    import pypdf  # imported here: text files don't pay for it

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about odd files are not the analyst's
    started = clock()
    try:
        reader = pypdf.PdfReader(fh, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: the PDF is password-protected; remove the password and save it again")
        pages = reader.pages
        count = len(pages)
    except InputError:
        raise
    except Exception as exc:  # PdfReadError and many other kinds for a bad file
        raise InputError(f"{name}: not a valid PDF (corrupt or truncated)") from exc
    if count > MAX_PAGES:
        raise InputError(f"{name}: the PDF has {count:,} pages; the limit is {MAX_PAGES:,}")
    found_text = False
    for number in range(count):
        if clock() - started > budget:
            raise InputError(f"{name}: reading the PDF took longer than {budget:.0f} s (page {number + 1} of {count})")
        source = Source(file=name, sheet=f"page {number + 1}")
        try:
            page = pages[number]
            text = page.extract_text() or ""
            links = list(_link_targets(page))
        except Exception as exc:  # noqa: BLE001 - one bad page: the rest are still read
            log.info("%s: page %d unreadable (%s)", name, number + 1, type(exc).__name__)
            continue
        if text.strip():
            found_text = True
            yield TextChunk(text, source)
        for target in links:
            yield TextChunk(target, source)
    if count and not found_text:
        log.info("%s: no text layer (a scanned document?)", name)


def _link_targets(page: Any) -> Iterator[str]:
    """URIs of the page's link annotations (``/Annots`` -> ``/A`` -> ``/URI``)."""
    annotations = page.get("/Annots")
    if annotations is None:
        return
    for reference in annotations.get_object() or ():
        annotation = reference.get_object()
        if annotation.get("/Subtype") != "/Link":
            continue
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if action is not None and action.get("/S") == "/URI":
            uri = action.get("/URI")
            if uri:
                yield str(uri)[:8192]
