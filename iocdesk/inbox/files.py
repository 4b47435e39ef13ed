"""One file of the watched folder: is it an alert, what it says, and a free name for it.

Tables, JSON and text go through the same importers as ``iocdesk analyze``
(so a CSV is read cell by cell, JSON value by value, with the same limits and
messages); a saved e-mail (.eml, Outlook .msg) too, decoded part by part. The alert is named
the way a webhook alert is (a JSON ``title``/``name``/``rule`` field, the mail's
Subject), else after the file: a file name says more than the first line of a
SIEM export.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.extraction.importers import DEFAULT_MAX_BYTES, InputError, iter_stream_chunks, too_large
from iocdesk.inbox.alert import MAX_BODY, read_json
from iocdesk.indicators.types import Indicator
from iocdesk.platform.safe_files import UnsafePathError, open_checked

SUPPORTED = frozenset({".txt", ".log", ".csv", ".tsv", ".xlsx", ".json", ".jsonl", ".ndjson", ".eml", ".msg"})
# Still being written by an editor, Office or a browser: never taken, whatever the extension.
_TEMP_PREFIXES = (".", "~$")
_TEMP_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp")
_NO_NAME = "\x00iocdesk-no-name\x00"
# One file's share of the watched folder: the files behind it wait while it is read.
FILE_BUDGET = 60.0  # seconds
# An alert's indicators: a file past this is an export or a log dump, not one alert. Every one is
# held in memory (about 1 KB each while extracting) and planned as a lookup.
MAX_INDICATORS = 50_000  # read_json's fallback name when a document has no name field


def is_alert_name(name: str) -> bool:
    """A supported extension (any case), and not a hidden or temporary file."""
    lower = name.lower()
    if lower.startswith(_TEMP_PREFIXES) or lower.endswith(_TEMP_SUFFIXES):
        return False
    return os.path.splitext(lower)[1] in SUPPORTED


def shown_name(name: str) -> str:
    """A file name as text for alerts, history and reason files.

    Bytes that are not UTF-8 (which Python keeps as lone surrogates, unwritable
    to UTF-8 files and SQLite) become U+FFFD; control characters become "?".
    """
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from a Windows name
        raw = name.encode("utf-8", "replace")
    return "".join(c if c.isprintable() else "?" for c in raw.decode("utf-8", "replace"))


def read_alert_file(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    expected: os.stat_result | None = None,
    budget: float | None = None,
    max_indicators: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[str, list[Indicator]]:
    """``(alert name, indicators)`` of one file; InputError (one clear line) when it cannot be read.

    Each file has ``budget`` seconds (FILE_BUDGET) and ``max_indicators`` indicators
    (MAX_INDICATORS), checked after every chunk
    (a cell, a part, about 1 MiB of text): one huge or hostile file fails with the reason instead
    of holding up every file behind it and the memory of what it found (issue 14). The importers
    have their own limits inside a chunk (a workbook's cells, a mail's parts, a PDF's pages).

    ``expected`` is the ``lstat`` the caller checked (else it is taken now): the
    file is opened without following a link and read only if it is still that
    regular file (issue 14: a file swapped for a link to a private file between
    the check and the read). UnsafePathError (an OSError) when it is not.
    """
    name = shown_name(path.name)
    try:
        checked = expected if expected is not None else os.lstat(path)
        fh = open_checked(path, checked)
    except UnsafePathError:
        raise
    except FileNotFoundError as exc:
        raise InputError(f"{name}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{name}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror or exc})") from exc
    with fh:
        # The checks iter_chunks makes on a path, made here on the file held open.
        if checked.st_size == 0:
            raise InputError(f"{name}: the file is empty")
        if checked.st_size > max_bytes:
            raise too_large(name, checked.st_size, max_bytes)
        budget = FILE_BUDGET if budget is None else budget
        max_indicators = MAX_INDICATORS if max_indicators is None else max_indicators
        collector = IndicatorCollector()
        started = clock()
        with iter_stream_chunks(fh, max_bytes=max_bytes, name=name) as stream:
            for chunk in stream:
                collector.add_text(chunk.text, chunk.source)
                if len(collector) > max_indicators:
                    raise InputError(
                        f"{name}: more than {max_indicators:,} indicators: too many for one alert; "
                        "split the file, or read it with `iocdesk analyze`"
                    )
                if clock() - started > budget:
                    raise InputError(
                        f"{name}: reading it took longer than {budget:.0f} s, the watched folder's limit "
                        "for one file; split the file, or read it with `iocdesk analyze`"
                    )
            title = stream.title  # a mail's Subject
            if stream.format in ("json", "jsonl"):
                fh.seek(0)
                title = _json_name(fh)
    return title or name, collector.results()


def _json_name(fh: BinaryIO) -> str:
    """The name field of a JSON alert (or of the first record of JSON Lines), "" if none.

    Only the first MAX_BODY bytes are looked at: a bigger document is an
    export, not one alert, and is named after the file.
    """
    head = fh.read(MAX_BODY + 1)
    text = head.decode("utf-8-sig", errors="replace")
    first_line = text.split("\n", 1)[0]
    for candidate in (text, first_line) if len(head) <= MAX_BODY else (first_line,):
        try:
            document = json.loads(candidate)
        except (ValueError, RecursionError):
            continue
        # A sentinel first string tells "no name field" apart from a name equal to the first value.
        name, _ = read_json([_NO_NAME, document])
        return "" if name == _NO_NAME else name
    return ""


def free_name(directory: Path, name: str, *, reason: bool = False) -> Path:
    """``name`` in ``directory``, or ``stem (2).ext``, ``stem (3).ext``...: never an existing file."""
    stem, ext = os.path.splitext(name)
    n = 1
    while True:
        target = directory / (name if n == 1 else f"{stem} ({n}){ext}")
        # lexists: a dangling link planted under the name takes it too (it is never written through)
        if not os.path.lexists(target) and not (
            reason and os.path.lexists(target.with_name(target.name + ".reason.txt"))
        ):
            return target
        n += 1
