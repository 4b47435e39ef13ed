"""Turn input files into text chunks with precise sources.

Importers only read: they yield :class:`~iocdesk.indicators.types.TextChunk`
objects (text plus a :class:`~iocdesk.indicators.types.Source`) and leave
finding indicators to :mod:`iocdesk.extraction.extract`. No Qt, no network.

Public API
----------
``InputError(Exception)``
    The only exception these functions raise for bad input. ``str(err)`` is
    one user-facing line starting with the file name, e.g.
    ``"report.xlsx: not a valid Excel workbook (corrupt or truncated)"``; the
    original exception, if any, is ``err.__cause__``.

``iter_chunks(path, *, max_bytes=DEFAULT_MAX_BYTES, name=None) -> ChunkStream``
    Read a file. The call itself opens the file, reads the first block and
    decides the format, so a missing, empty, binary, too large or
    unsupported file raises right away; corrupt content further in raises
    while iterating. ``name`` replaces the path in messages and sources.

``iter_stream_chunks(stream, *, name="<stdin>", max_bytes=DEFAULT_MAX_BYTES) -> ChunkStream``
    The same for an open binary stream (stdin); it is not closed. Workbooks
    need a seekable stream (``< file.xlsx`` works, a pipe does not).

``ChunkStream``
    An ``Iterator[TextChunk]`` with ``name``, ``format`` (``"text"``,
    ``"csv"``, ``"xlsx"``, ``"json"``, ``"jsonl"``, ``"eml"`` or ``"msg"``),
    ``title`` (an e-mail's Subject, else ``""``) and ``warnings`` (a
    list of one-line messages, complete once iteration ends). Use it as a
    context manager, or call ``close()``, to release the file early.

``read_mail(data, *, name) -> Mail``
    A raw RFC 822 message in memory: ``Mail.subject`` and ``Mail.chunks`` (a
    list: every part read at once; ``iter_chunks`` makes them one at a time).

``html_to_text(html) -> str``
    Visible text plus link targets (``href``, ``src``...), one per line;
    nothing rendered or fetched.

``iter_text_chunks(text, source=Source(), *, chunk_chars=CHUNK_CHARS) -> Iterator[TextChunk]``
    Pasted text: chunks of about 1 MiB characters ending on line breaks; a
    single longer line is split on whitespace.

``decode_bytes(data, *, name="<input>") -> str``
    The encoding rules below for bytes already in memory; InputError if
    binary, ``""`` if empty.

``DEFAULT_MAX_BYTES`` (1 GiB), ``MAX_MAIL_BYTES`` (100 MiB: e-mail, see below),
``CHUNK_CHARS`` (1 MiB characters).

``mail_too_large(name, size) -> InputError``
    The refusal of a mail over ``MAX_MAIL_BYTES`` (``size`` None if unknown):
    ``"phish.eml: the message is 180.0 MiB; mail larger than 100 MiB is not read"``.

Formats (by extension first, then by content)
---------------------------------------------
* Text (``.txt``, ``.log``, ``.md``, ``.html``, anything else that decodes
  as text): streamed in chunks of ~1 MiB ending on line breaks; the source
  is the file only (a chunk spans many lines). ``.txt`` and unknown extensions are sniffed for CSV/TSV
  (every record of the sample with the same number >= 2 of fields), JSON
  Lines (the first lines each a JSON object) and a JSON document smaller
  than 1 MiB (so ``http:\\/\\/`` escapes are undone).
* CSV/TSV (``.csv``, ``.tsv``, sniffed text, Excel's "Unicode text" export):
  the delimiter (``csv.Sniffer``'s guess or one of ``, TAB ; |``) that
  splits the sample into most consistent fields, falling back to ``,``
  (``.csv``) or tab (``.tsv``). One chunk per non-empty cell, so a field
  never runs into its neighbour. If a cell in one of the first 10 non-empty
  rows is named like indicator, ioc(s), value, observable, artifact,
  indicator value, ioc value (case, spaces, ``_`` and ``-`` ignored), only
  those columns are read below that header row (rows above it whole, the
  header itself not); otherwise every cell, and a first row of label-like
  cells (2+ of them, or a one-column table) only names the columns. Source:
  row as a spreadsheet numbers it (header = row 1, a quoted multi-line
  record is one row), column = header text or the letter A, B, ... Fields
  may be up to 64 Mi characters (``csv.field_size_limit`` is raised
  process-wide).
* Excel ``.xlsx``/``.xlsm`` (openpyxl, read-only, cached formula values):
  every worksheet, same column rule per sheet. Strings are read; numbers
  only if integral with at least 6 digits (Excel turns long digit strings
  into numbers; short numbers, dates and booleans are never indicators); a
  formula without a cached value yields nothing and a formula's text is
  never read. Source: sheet, row, column letter plus header
  (``"C (IOC Value)"``). Legacy ``.xls``, ``.xlsb``, ``.ods`` and
  password-protected workbooks are refused with a hint. Decompression bombs
  are refused before openpyxl reads them (``_xlsx_guard``): a part unpacking
  to more than 256 MiB or a file to more than 512 MiB, Excel's own limits
  (rows, cells per row, characters per cell), cells, shared strings and XML
  held at once, and 120 s per file; Word documents get the same guard.
* JSON (``.json``): every string *value* anywhere, not keys (keys are field
  names; ECS-style keys such as ``host.name`` would read as domains) and not
  numbers. Source column = JSON path (``$.alerts[3].src_ip``,
  ``$["odd key"]``). Parsed whole, so prefer JSON Lines for huge exports. A
  ``.json`` file with one document per line (Suricata's eve.json) is read as
  JSON Lines.
* E-mail (``.eml``, or any name whose content starts with an RFC 822
  header block naming From/To/Subject/Received...): MIME decoded
  (quoted-printable, base64, charsets, RFC 2047 headers). One chunk per
  sender-side header (From, Sender, Reply-To, Return-Path, Received,
  X-Originating-IP, Authentication-Results) and per text part; HTML parts as
  text plus their link targets; text attachments, attached PDF/Word/Excel
  documents and attached mails (``message/rfc822``, recursively) read, other
  attachments by file name only (never decoded). The recipients (To, Cc,
  Delivered-To...) are not read: they are the analyst's own people. Source
  sheet = the header or part (``"phish.eml, header From"``,
  ``"phish.eml, part 2 (text/html)"``).
  Memory: the message is parsed when the file is opened (so
  ``ChunkStream.title`` is its Subject at once), fed to the parser a block at
  a time, and held until iteration ends; each part is decoded when its chunks
  are read and dropped after, and an attachment read by name only is never
  decoded. Peak memory is 2-3x the file above the interpreter's ~20 MB (a
  75 MB mail with attachments or a quoted-printable HTML body: 170-245 MB,
  it was 620-690 MB), up to 5x for a body sent as 8-bit text or as one
  enormous line (390-400 MB). So mail has its own size limit,
  ``MAX_MAIL_BYTES`` = 100 MiB (at most ~0.55 GB; the 1 GiB file limit
  allowed ~9 GB), whatever ``max_bytes`` says (a smaller ``max_bytes`` still
  applies), for ``.eml``, ``.msg`` and mail recognised by its content alike:
  a larger one is refused with ``mail_too_large``'s message, on its size
  before it is parsed (a file, a seekable stream), else once 100 MiB have
  been read (a pipe). Figures: ``benchmarks/mail_memory.py``.
* Outlook ``.msg`` (python-oxmsg; an OLE file with a ``.msg`` name, or small
  enough for its first block to show the ``.msg`` layout): the same as an
  e-mail: transport headers (or the sender), plain and HTML body, attached
  files' text and names, attached mails. Source sheet e.g. ``"body (text/html)"``,
  ``"attachment 2 (iocs.txt)"``. python-oxmsg reads every stream into memory
  when the file is opened (from the file itself when it is seekable, else
  from its bytes); the same 100 MiB limit.
* JSON Lines (``.jsonl``, ``.ndjson``): streamed, source row = line number.
  A bad line does not abort: it is scanned as plain text (nothing is lost)
  and a warning naming the line goes to ``ChunkStream.warnings`` (first 20,
  then a count).

Encodings: UTF-8 with or without BOM; UTF-16 LE/BE with BOM (or unmistakably
without); cp1252 for each line that is not UTF-8 (files glued together from
two systems mix both). Decoding is incremental and CRLF/CR become LF. Binary
files (known magic numbers, NUL bytes or >10% control characters in the first
block) are refused.
"""

from __future__ import annotations

import io
import itertools
import os
import stat
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from iocdesk.extraction.importers._common import (
    CHUNK_CHARS,
    CSV_FIELD_LIMIT,
    DEFAULT_MAX_BYTES,
    MAX_MAIL_BYTES,
    READ_BLOCK,
    SNIFF_CHARS,
    InputError,
    Warnings,
    human_size,
    one_line,
    too_large,
)
from iocdesk.extraction.importers._detect import (
    OLE_MAGIC,
    OLE_MSG_MARK,
    PDF_MAGIC,
    XLSX_EXTENSIONS,
    ZIP_MAGIC,
    looks_like_mail,
    sniff_binary,
    sniff_delimiter,
    strong_magic,
    text_encoding,
)
from iocdesk.extraction.importers._text import (
    ByteReader,
    TextDecoder,
    decode_bytes,
    decoded_blocks,
    iter_lines,
    iter_text_chunks,
    stream_text_chunks,
)
from iocdesk.indicators.types import Source, TextChunk

# The readers of e-mail, Outlook, PDF, Word, Excel, JSON and CSV files (and the libraries behind
# them: email, python-oxmsg, pypdf, python-docx, openpyxl, zipfile) are imported where a file
# of that kind is read, not here: `iocdesk extract notes.txt` must start fast, and
# tests/cli/test_startup.py checks what it imports. _detect decides the format without them.
if TYPE_CHECKING:
    from iocdesk.extraction.importers._eml import Mail, html_to_text, read_mail


def __getattr__(name: str) -> Any:
    """``Mail``, ``html_to_text`` and ``read_mail``, imported from ``._eml`` at first use."""
    if name in ("Mail", "html_to_text", "read_mail"):
        from iocdesk.extraction.importers import _eml

        return getattr(_eml, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CHUNK_CHARS",
    "DEFAULT_MAX_BYTES",
    "MAX_MAIL_BYTES",
    "ChunkStream",
    "InputError",
    "Mail",
    "decode_bytes",
    "html_to_text",
    "iter_chunks",
    "iter_stream_chunks",
    "iter_text_chunks",
    "mail_too_large",
    "read_mail",
    "too_large",
]

InputError.__module__ = __name__  # shown as iocdesk.extraction.importers.InputError

_PROSE = frozenset({".log", ".md", ".markdown", ".html", ".htm", ".xml", ".rtf"})
# Extensions whose format is settled by the name: never sniffed as an e-mail.
_STRUCTURED = frozenset({".json", ".jsonl", ".ndjson", ".csv", ".tsv"})


class ChunkStream(Iterator[TextChunk]):
    """The chunks of one input, with its name, detected format and warnings."""

    def __init__(
        self, name: str, format: str, chunks: Iterator[TextChunk], *, fh: BinaryIO | None, warnings: Warnings
    ) -> None:
        self.name = name
        self.format = format
        self._chunks: Iterator[TextChunk] | None = chunks
        self._fh = fh
        self._warnings = warnings
        self.warnings: list[str] = warnings.messages
        self.title = ""  # an e-mail's Subject; "" for every other format

    def __iter__(self) -> ChunkStream:
        return self

    def __next__(self) -> TextChunk:
        if self._chunks is None:
            raise StopIteration
        try:
            return next(self._chunks)
        except (StopIteration, InputError):
            self.close()
            raise
        except Exception as exc:  # a bug or a library surprise: still one clean line
            self.close()
            kind = "out of memory" if isinstance(exc, MemoryError) else f"{type(exc).__name__}: {exc}"
            raise InputError(f"{self.name}: could not read this {self.format} file ({one_line(kind, 160)})") from exc

    def close(self) -> None:
        chunks, self._chunks = self._chunks, None
        fh, self._fh = self._fh, None
        try:
            if chunks is not None and hasattr(chunks, "close"):
                chunks.close()
        except Exception:  # noqa: BLE001 - a generator failing to close must not keep the file open
            pass
        finally:
            if fh is not None:
                fh.close()
            self._warnings.finish()

    def __enter__(self) -> ChunkStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing may escape __del__ (it would print at exit)
            pass

    def __repr__(self) -> str:
        return f"<ChunkStream {self.name!r} format={self.format!r}>"


def iter_chunks(
    path: str | os.PathLike[str], *, max_bytes: int | None = DEFAULT_MAX_BYTES, name: str | None = None
) -> ChunkStream:
    """Open ``path`` and return its chunks; see the module docstring."""
    fspath = os.fspath(path)
    name = name or os.fsdecode(fspath)
    try:
        info = os.stat(fspath)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise InputError(f"{name}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{name}: permission denied") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{name}: cannot open ({getattr(exc, 'strerror', None) or exc})") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{name}: is a directory, not a file")
    regular = stat.S_ISREG(info.st_mode)
    if regular and max_bytes is not None and info.st_size > max_bytes:
        raise too_large(name, info.st_size, max_bytes)
    try:
        fh = open(fspath, "rb")  # noqa: SIM115 - owned by the ChunkStream
    except PermissionError as exc:
        raise InputError(f"{name}: permission denied") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{name}: is a directory, not a file") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot open ({exc.strerror or exc})") from exc
    try:
        return _prepare(fh, name, max_bytes, seekable=regular, owned=True, empty="the file is empty")
    except BaseException:
        fh.close()
        raise


def iter_stream_chunks(
    stream: BinaryIO | io.TextIOBase, *, name: str = "<stdin>", max_bytes: int | None = DEFAULT_MAX_BYTES
) -> ChunkStream:
    """Chunks from an open stream (e.g. ``sys.stdin``); see the module docstring."""
    # A text stream (sys.stdin) is read through its binary buffer. The cast
    # assumes it has one: io.TextIOBase does not promise .buffer, and one
    # without (io.StringIO) is passed on as it is and fails as unreadable.
    binary = cast(BinaryIO, getattr(stream, "buffer", stream)) if isinstance(stream, io.TextIOBase) else stream
    try:
        seekable = bool(binary.seekable())
    except (OSError, ValueError, AttributeError):
        seekable = False
    return _prepare(binary, name, max_bytes, seekable=seekable, owned=False, empty="the input is empty")


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _prepare(fh: BinaryIO, name: str, max_bytes: int | None, *, seekable: bool, owned: bool, empty: str) -> ChunkStream:
    try:
        return _dispatch(fh, name, max_bytes, seekable=seekable, owned=owned, empty=empty)
    except InputError:
        raise
    except Exception as exc:  # a bug or a library surprise: still one clean line
        raise InputError(f"{name}: could not read this file ({one_line(f'{type(exc).__name__}: {exc}', 160)})") from exc


def _dispatch(
    fh: BinaryIO, name: str, max_bytes: int | None, *, seekable: bool, owned: bool, empty: str
) -> ChunkStream:
    extension = _extension(name)
    reader = ByteReader(fh, name, max_bytes)
    first = reader.read()
    if not first:
        raise InputError(f"{name}: {empty}")
    warnings = Warnings()
    own = fh if owned else None

    if extension == ".eml" or (
        extension not in _STRUCTURED
        and not sniff_binary(first)
        and looks_like_mail(first[:SNIFF_CHARS].decode("latin-1"))
    ):
        return _mail_stream(reader, first, name, own, warnings, seekable=seekable)
    if first.startswith(PDF_MAGIC) or PDF_MAGIC in first[:1024]:  # the header may follow a little junk
        if not seekable:
            raise InputError(f"{name}: a PDF cannot be read from a pipe; pass the file path")
        from iocdesk.extraction.importers._pdf import pdf_chunks

        return ChunkStream(name, "pdf", pdf_chunks(fh, name), fh=own, warnings=warnings)
    if first.startswith(ZIP_MAGIC):
        if not seekable:
            raise InputError(f"{name}: a workbook or ZIP archive cannot be read from a pipe; pass the file path")
        from iocdesk.extraction.importers._docx import docx_chunks, is_docx
        from iocdesk.extraction.importers._xlsx import check_zip, xlsx_chunks

        if is_docx(fh):
            return ChunkStream(name, "docx", docx_chunks(fh, name, max_bytes), fh=own, warnings=warnings)
        check_zip(fh, name, extension, max_bytes)
        return ChunkStream(name, "xlsx", xlsx_chunks(fh, name), fh=own, warnings=warnings)
    if first.startswith(OLE_MAGIC):
        if extension == ".msg" or OLE_MSG_MARK in first:
            return _mail_stream(reader, first, name, own, warnings, seekable=seekable, outlook=True)
        from iocdesk.extraction.importers._xlsx import ole_error

        raise ole_error(reader, first, name, extension, seekable)
    if extension == ".msg":
        raise InputError(f"{name}: not an Outlook message (.msg); save the mail again from Outlook, or as .eml")
    if extension in XLSX_EXTENSIONS:
        described = strong_magic(first) or sniff_binary(first)
        if described:
            raise InputError(f"{name}: not an Excel workbook (it looks like a {described})")
        raise InputError(
            f"{name}: not an Excel workbook (the content is text, perhaps CSV or HTML saved with an Excel name); "
            "rename it to .csv or .txt"
        )

    encoding, bom = text_encoding(first, name)
    whole = len(first) < READ_BLOCK
    decoder = TextDecoder(encoding)
    first_text = decoder.decode(first[bom:] if bom else first, final=whole)
    del first
    blocks = decoded_blocks(reader, decoder, first_text)
    source = Source(file=name)

    def lines() -> Iterator[str]:
        return iter_lines(blocks, name, CSV_FIELD_LIMIT)

    if extension in (".jsonl", ".ndjson"):
        from iocdesk.extraction.importers._json import jsonl_chunks

        return ChunkStream(name, "jsonl", jsonl_chunks(lines(), name, warnings), fh=own, warnings=warnings)
    if extension == ".json":
        from iocdesk.extraction.importers._json import json_chunks, jsonl_chunks, looks_like_jsonl

        if looks_like_jsonl(first_text, whole=whole, objects_only=False):
            return ChunkStream(name, "jsonl", jsonl_chunks(lines(), name, warnings), fh=own, warnings=warnings)
        return ChunkStream(name, "json", json_chunks(blocks, name, warnings), fh=own, warnings=warnings)
    if extension in (".csv", ".tsv"):
        default = "\t" if extension == ".tsv" else ","
        delimiter = sniff_delimiter(
            first_text[:SNIFF_CHARS], whole=whole and len(first_text) <= SNIFF_CHARS, default=default
        )
        assert delimiter is not None
        from iocdesk.extraction.importers._table import csv_chunks

        return ChunkStream(name, "csv", csv_chunks(lines(), file=name, delimiter=delimiter), fh=own, warnings=warnings)

    if first_text.lstrip()[:1] in ("{", "["):  # JSON Lines, or a whole JSON document in the first block
        from iocdesk.extraction.importers._json import jsonl_chunks, looks_like_jsonl, walk

        if looks_like_jsonl(first_text, whole=whole, objects_only=True):
            return ChunkStream(name, "jsonl", jsonl_chunks(lines(), name, warnings), fh=own, warnings=warnings)
        document = _small_json(first_text) if whole else None
        if document is not None:
            return ChunkStream(name, "json", walk(document, name, None), fh=own, warnings=warnings)
    if extension not in _PROSE:
        sample = first_text[:SNIFF_CHARS]
        delimiter = sniff_delimiter(sample, whole=whole and len(first_text) <= SNIFF_CHARS, default=None)
        if delimiter is not None:
            from iocdesk.extraction.importers._table import csv_chunks

            return ChunkStream(
                name, "csv", csv_chunks(lines(), file=name, delimiter=delimiter), fh=own, warnings=warnings
            )
    return ChunkStream(name, "text", stream_text_chunks(blocks, source), fh=own, warnings=warnings)


def _mail_stream(
    reader: ByteReader,
    first: bytes,
    name: str,
    own: BinaryIO | None,
    warnings: Warnings,
    *,
    seekable: bool,
    outlook: bool = False,
) -> ChunkStream:
    """A message, parsed now (so its Subject is the title), its chunks made as they are read.

    Mail is parsed whole, so it has its own, lower size limit (``MAX_MAIL_BYTES``), checked
    before reading when the size is known, else as the blocks come in.
    """
    size = _size_from_here(reader, len(first)) if seekable else None
    if size is not None:
        if reader.max_bytes is not None and size > reader.max_bytes:
            raise too_large(name, size, reader.max_bytes)  # a stream, unchecked until now
        if size > MAX_MAIL_BYTES:
            raise mail_too_large(name, size)
    if outlook:
        from iocdesk.extraction.importers._msg import open_msg

        # python-oxmsg reads a file from its offset 0; given the file, it holds no second copy
        if size is not None and reader.fh.tell() == len(first):
            reader.fh.seek(0)
            mail = open_msg(reader.fh, name=name)
        else:
            mail = open_msg(b"".join(_mail_blocks(reader, first, name)), name=name)
    else:
        from iocdesk.extraction.importers._eml import open_mail

        mail = open_mail(_mail_blocks(reader, first, name), name=name)
    stream = ChunkStream(name, "msg" if outlook else "eml", mail.chunks, fh=own, warnings=warnings)
    stream.title = mail.subject
    return stream


def _size_from_here(reader: ByteReader, consumed: int) -> int | None:
    """Bytes of a seekable input from where reading began (``consumed`` bytes ago) to its end."""
    fh = reader.fh
    try:
        here = fh.tell()
        end = fh.seek(0, io.SEEK_END)
        fh.seek(here)
    except (OSError, ValueError, AttributeError):
        return None
    return end - (here - consumed)


def _mail_blocks(reader: ByteReader, first: bytes, name: str) -> Iterator[bytes]:
    """``first``, then the rest of the input; InputError once past ``MAX_MAIL_BYTES``."""
    for block in itertools.chain((first,), reader.blocks()):
        if reader.total > MAX_MAIL_BYTES:
            raise mail_too_large(name, None)
        yield block


def mail_too_large(name: str, size: int | None) -> InputError:
    """``"phish.eml: the message is 180.0 MiB; mail larger than 100 MiB is not read"``."""
    limit = f"{MAX_MAIL_BYTES >> 20} MiB" if MAX_MAIL_BYTES % (1 << 20) == 0 else human_size(MAX_MAIL_BYTES)
    if size is None:  # a pipe: all we know is that it went past the limit
        return InputError(f"{name}: the message is larger than {limit}; mail that large is not read")
    shown = human_size(size)
    if shown in (limit, human_size(MAX_MAIL_BYTES)):  # "is 100.0 MiB; larger than 100 MiB" would read
        shown = f"{size:,} bytes"  # as a contradiction
    return InputError(f"{name}: the message is {shown}; mail larger than {limit} is not read")


def _small_json(text: str) -> object | None:
    import json

    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, (dict, list)) else None
