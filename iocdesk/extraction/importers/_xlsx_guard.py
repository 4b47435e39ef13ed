"""Limits on what a workbook (or a Word document) may unpack to, checked as it is read (internal).

An .xlsx or .docx is a ZIP of XML parts, and a few megabytes can inflate to gigabytes (issue 14:
a 5.8 MB workbook whose sheet inflates to 2 GB held the watched folder for 105 s at 3.3 GB; a
112 KB one with a row of a million cells took 31 s and 955 MB). openpyxl and python-docx have no
limits of their own, so the checks are made here, in three places:

1. The ZIP's central directory, before anything is inflated: its size (a directory of millions
   of entries costs seconds and gigabytes just to list), each part's declared inflated size (at
   most ``part_bytes``, 256 MiB) and all parts together (``total_bytes``, 512 MiB, or the
   caller's smaller limit). zipfile never inflates past a part's declared size and checks its
   CRC at the end, so a part that understates its size is cut short and ends as "corrupt".

2. Every XML part, the first time a reader opens it (``GuardedZip``): an expat parser counts the
   whole part, block by block, keeping only numbers and a digest of each block, and refuses it
   at the first limit passed, at expat's speed, before openpyxl spends time on it. The reader
   then gets the part again with each block compared to its digest, so it reads exactly the
   bytes that were counted (a scan followed by a second, unchecked read would let a file
   rewritten in between through). A DTD is refused (no entity is declared or expanded: XXE and
   "billion laughs" stop at ``<!DOCTYPE``), and so is a tag or comment longer than
   ``token_bytes`` (a parser buffers one whole).

   Excel's own limits, which only a workbook not written by Excel exceeds (the message says so):
   1,048,576 rows per sheet (row numbers too), 16,384 cells per row (column XFD), 32,767
   characters in a cell or a shared string (an ``_x000D_`` escape counts as one), formulas of
   8,192 characters (``formula_chars`` allows twice that: newer functions are written with an
   ``_xlfn.`` prefix).

   Ours, for memory. An ElementTree-style reader (openpyxl, the links) keeps the elements of one
   row or shared string until it ends, everything outside the rows until the part ends, and a
   part it parses whole (styles, relationships...) entirely: each of these may hold at most
   ``held_elements`` elements and ``held_bytes`` of XML (more than its characters). The shared
   strings, a list in memory, at most ``shared_strings`` items and ``shared_chars`` characters;
   a workbook at most ``cells`` cells. They sit where openpyxl (~50,000 cells, ~100,000 shared
   strings a second) would spend most of the time budget anyway.

3. Time: ``Guard.check_time`` at each block and each row, ``budget`` seconds (120, as for a PDF
   or a mail) for the whole file: "reading the workbook took longer than 120 s".

What the limits let through costs at most (benchmarks/xlsx_bomb.py): ~360 MB for a text table of
2,000,000 strings, ~475 MB for styles at Excel's 64,000 formats, ~900 MB and 50 s for a file
holding every such worst case at once; before, the issue's bombs took 2.6 GB and more. A bomb
itself is refused in well under a second at ~40 MB: at the directory, or at the first limit.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, NoReturn, cast
from xml.parsers import expat

from iocdesk.extraction.importers._common import InputError, human_size

MAX_DIRECTORY_BYTES = 4 << 20  # the central directory: ~40,000 parts, more than any real workbook
MAX_PART_BYTES = 256 << 20  # one part, inflated (a sheet this size is past the time budget anyway)
MAX_TOTAL_BYTES = 512 << 20  # all parts of one file, inflated
MAX_ROWS = 1_048_576  # Excel's limit per sheet
MAX_COLUMNS = 16_384  # Excel's limit per row (column XFD)
MAX_CELL_CHARS = 32_767  # Excel's limit per cell and per shared string
MAX_FORMULA_CHARS = 16_384  # Excel's limit is 8,192, spelled with _xlfn. prefixes in the file
MAX_CELLS = 20_000_000  # per workbook: ~7 minutes of openpyxl, far past the time budget
MAX_SHARED_STRINGS = 2_000_000  # openpyxl holds them in a list: ~330 MB and 20 s at the limit
MAX_SHARED_CHARS = 64 << 20  # characters in all shared strings
MAX_HELD_ELEMENTS = 500_000  # Excel's 64,000 cell formats are ~450,000 elements of styles
MAX_HELD_BYTES = 32 << 20  # XML held at once (its characters are fewer)
MAX_TOKEN_BYTES = 1 << 20  # one tag, comment or processing instruction
TIME_BUDGET = 120.0  # seconds for the whole file, as for a PDF (importers/_pdf.py)

_READ_BLOCK = 64 * 1024  # parts are inflated, counted and compared in blocks of this size


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits above, in one value a caller (a test, the Word reader) can vary."""

    part_bytes: int = MAX_PART_BYTES
    total_bytes: int = MAX_TOTAL_BYTES
    directory_bytes: int = MAX_DIRECTORY_BYTES
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    cell_chars: int = MAX_CELL_CHARS
    formula_chars: int = MAX_FORMULA_CHARS
    cells: int = MAX_CELLS
    shared_strings: int = MAX_SHARED_STRINGS
    shared_chars: int = MAX_SHARED_CHARS
    held_elements: int = MAX_HELD_ELEMENTS
    held_bytes: int = MAX_HELD_BYTES
    token_bytes: int = MAX_TOKEN_BYTES


LIMITS = Limits()  # read at each use: a test may monkeypatch it


class Guard:
    """The limits and the time budget for reading one file, and the messages when one is passed.

    ``what`` and ``writer`` name the file in messages ("workbook", "Excel").
    """

    def __init__(
        self,
        name: str,
        *,
        what: str = "workbook",
        writer: str = "Excel",
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        budget: float = TIME_BUDGET,
    ) -> None:
        self.name, self.what, self.writer = name, what, writer
        self.limits = limits or LIMITS
        self._clock = clock
        self._budget = budget
        self._started = clock()

    def check_time(self) -> None:
        if self._clock() - self._started > self._budget:
            raise InputError(f"{self.name}: reading the {self.what} took longer than {self._budget:.0f} s")

    def refuse(self, detail: str) -> NoReturn:
        raise InputError(f"{self.name}: {detail}")

    def not_written_by_writer(self, detail: str, *, past_limit: bool = True) -> NoReturn:
        """Refuse a file that breaks a rule its supposed writer never breaks, and say so."""
        past = f", past {self.writer}'s own limit" if past_limit else ""
        self.refuse(f"{detail}{past}: this {self.what} was not written by {self.writer}")

    def check_directory(self, fh: BinaryIO) -> None:
        """Refuse a central directory too large to list (read from the end record, not listed)."""
        size = directory_size(fh)
        if size is not None and size > self.limits.directory_bytes:
            self.refuse(
                f"the ZIP archive lists too many parts (its table of contents is {human_size(size)}; "
                f"the limit is {human_size(self.limits.directory_bytes)})"
            )

    def check_sizes(self, infos: list[zipfile.ZipInfo], max_total: int | None = None) -> None:
        """Refuse from the declared sizes alone: one part, or all together, unpacking to too much."""
        limit = self.limits.part_bytes
        for info in infos:
            if info.file_size > limit:
                self.refuse(
                    f"{info.filename} unpacks to {human_size(info.file_size)}; the limit is {human_size(limit)}"
                )
        total = sum(info.file_size for info in infos)
        limit = min(self.limits.total_bytes, max_total) if max_total is not None else self.limits.total_bytes
        if total > limit:
            self.refuse(f"the {self.what} unpacks to {human_size(total)}; the limit is {human_size(limit)}")


def directory_size(fh: BinaryIO) -> int | None:
    """The size of a ZIP's central directory as its end record states it (what zipfile will read).

    Found as zipfile finds it: the end record at the very end, else the last one in the final
    64 KiB (the comment). With ZIP64, the larger of the record right before the locator (where
    zipfile 3.11 reads it) and the one the locator points to (where newer ones do). None: no
    end record.
    """
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    tail_size = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = len(tail) - 22 if tail[-22:-18] == b"PK\x05\x06" else tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        fh.seek(0)
        return None
    (directory,) = struct.unpack_from("<I", tail, at + 12)
    end_record = size - tail_size + at
    fh.seek(max(end_record - 20, 0))
    locator = fh.read(20)
    if end_record >= 20 and locator[:4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", locator, 8)
        for where in (end_record - 20 - 56, offset):
            fh.seek(max(where, 0))
            record = fh.read(56)
            if where >= 0 and record[:4] == b"PK\x06\x06" and len(record) == 56:
                directory = max(directory, struct.unpack_from("<Q", record, 40)[0])
    fh.seek(0)
    return int(directory)


class CorruptPart(ValueError):
    """A part that is not well-formed XML: the reader's own error would say "corrupt" too."""


class GuardedZip(zipfile.ZipFile):
    """A read-only ZipFile whose every part is counted whole before its reader gets a byte.

    The central directory is checked when the archive is opened. The first time a part is
    opened, a ``Scanner`` counts all of it, block by block, keeping a digest of each block and
    nothing else; then the reader gets the part again, each block checked against its digest,
    so it reads exactly the bytes that were counted (a file rewritten in the meantime ends as
    corrupt), and a bomb is refused at the scanner's speed, before openpyxl spends time on it.
    A part read again (openpyxl reads a sheet for its size, then for its rows; the links are
    read after) is only checked against the digests. ``cells`` counts the cells of all sheets;
    ``titles`` maps a sheet's part to its title, for messages.
    """

    def __init__(self, fh: BinaryIO, guard: Guard, *, max_total: int | None = None) -> None:
        guard.check_directory(fh)
        super().__init__(fh)
        self.guard = guard
        guard.check_sizes(self.infolist(), max_total)
        self.cells = 0
        self.titles: dict[str, str] = {}
        self._parts: dict[int, _Part] = {}  # by where the part starts: two may share a name

    def open(  # read-only: "r" is the only mode
        self, name: str | zipfile.ZipInfo, mode: str = "r", pwd: bytes | None = None, *, force_zip64: bool = False
    ) -> IO[bytes]:
        if mode != "r":
            raise ValueError("a GuardedZip is read-only")
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        part = self._parts.get(info.header_offset)
        if part is None:
            part = self._parts[info.header_offset] = _Part(Scanner(self, info.filename))
            with super().open(info, "r", pwd) as member:
                part.count(member)
        if part.refused is not None:
            raise part.refused
        return cast(IO[bytes], _PartReader(super().open(info, "r", pwd), part, info.file_size))

    def has_links(self, name: str) -> bool:
        """Whether worksheet part ``name`` holds a formula or a hyperlink (counting it if need be)."""
        self.open(name).close()
        return self._parts[self.getinfo(name).header_offset].scanner.links


def _digest(block: bytes) -> bytes:
    return hashlib.blake2b(block, digest_size=16).digest()


class _Part:
    """One part: its scanner, the digest of each block counted, and where it breaks, if it does."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner
        self.digests: list[bytes] = []
        self.binary = False  # not XML: only its first block is compared
        self.broken: Exception | None = None  # met by the reader at block len(digests)
        self.refused: InputError | None = None

    def count(self, member: IO[bytes]) -> None:
        """Count the whole part, and refuse it at a limit.

        A part that is not well-formed XML, or not whole, is served up to where it breaks: its
        reader fails there, as it did before there was a guard (messages name the sheet).
        """
        scanner = self.scanner
        try:
            while True:
                scanner.guard.check_time()
                block = member.read(_READ_BLOCK)
                if not self.digests and block and not block.startswith(_XML_START):
                    self.binary = True  # an image: no XML reader gets past its first byte
                elif block:
                    scanner.feed(block)
                else:
                    scanner.close()
                self.digests.append(_digest(block))
                if self.binary or not block:
                    return
        except InputError as exc:
            self.refused = exc  # a reader that caught it and opened the part again meets it again
            raise
        except Exception as exc:  # noqa: BLE001 - CorruptPart, BadZipFile (CRC), zlib.error...: kept for the reader
            self.broken = exc


class _PartReader(io.BufferedIOBase):
    """What the reader gets from ``GuardedZip.open``: the part again, each block compared with its digest."""

    def __init__(self, member: IO[bytes], part: _Part, size: int) -> None:
        self._member = member
        self._part = part
        self._size = size
        self._index = 0  # blocks taken from the member
        self._block = b""
        self._at = 0  # bytes of ``_block`` served
        self._eof = False

    def readable(self) -> bool:
        return True

    def _next_block(self) -> None:
        part, index = self._part, self._index
        part.scanner.guard.check_time()
        if part.binary and index > 0:
            block = self._member.read(_READ_BLOCK)
        elif index < len(part.digests):
            block = self._member.read(_READ_BLOCK)
            if _digest(block) != part.digests[index]:
                raise CorruptPart(f"{part.scanner.part} changed while it was read")
        else:
            raise CorruptPart(f"{part.scanner.part}: {part.broken}") from part.broken
        self._index += 1
        self._block, self._at, self._eof = block, 0, not block

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._read_whole()
        # What is left of the block, or the next one: never a block more than asked for, so a
        # reader that stops early (openpyxl looking for a sheet's size) never meets the part's end.
        if self._at >= len(self._block) and not self._eof:
            self._next_block()
        piece = self._block[self._at : self._at + size]
        self._at += len(piece)
        return piece

    read1 = read

    def _read_whole(self) -> bytes:
        """The rest of the part, for a reader that parses it at once and so holds all of it."""
        scanner = self._part.scanner
        limits = scanner.limits
        if not self._part.binary:  # an image is only bytes, at most a part's size
            if self._size > limits.held_bytes:
                scanner.guard.refuse(
                    f"{scanner.part} unpacks to {human_size(self._size)}, read at once; "
                    f"the limit is {human_size(limits.held_bytes)}"
                )
            if scanner.elements > limits.held_elements:
                limit = limits.held_elements
                scanner.guard.refuse(f"{scanner.part} holds more than {limit:,} XML elements (the limit)")
        pieces = [self._block[self._at :]]
        while not self._eof:
            self._next_block()
            pieces.append(self._block)
        self._at = len(self._block)
        return b"".join(pieces)

    def close(self) -> None:
        try:
            self._member.close()
        finally:
            super().close()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# Read row by row, as openpyxl reads a worksheet: a worksheet, and the old dialog and macro sheets.
_SHEETS = frozenset(
    {f"{_MAIN}worksheet", f"{_MAIN}dialogsheet", "http://schemas.microsoft.com/office/excel/2006/main}macrosheet"}
)
_SST = f"{_MAIN}sst"
_ROW, _SI, _F, _RPH = f"{_MAIN}row", f"{_MAIN}si", f"{_MAIN}f", f"{_MAIN}rPh"
_LINKS = frozenset({_F, f"{_MAIN}hyperlink"})  # elements _xlsx_links reads links from
_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")  # one character in Excel's count ("_x000D_" is a CR)
_DIGITS = "0123456789"
_XML_START = (b"<", b" ", b"\t", b"\r", b"\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class Scanner:
    """Counts one XML part as it is fed, and refuses it at the first limit passed.

    The root element decides the rules: a worksheet is counted row by row and cell by cell (a
    row's cells are all its child elements, as openpyxl reads them), the shared strings item by
    item, anything else as one block held whole (and ``_PartReader`` holds any part read at
    once to that). What a reader holds is measured in elements and in bytes of XML (more than
    its characters), the bytes after each block.

    The handlers run for every element of a sheet of millions: they do as little as they can.
    """

    def __init__(self, archive: GuardedZip, part: str) -> None:
        self.guard = archive.guard
        self.limits = archive.guard.limits
        self.archive = archive
        self.part = part
        self._parser: Any = None  # created at the first block; dropped at the end
        self._sheet = False
        self._fed = 0  # bytes fed
        self.depth = self.elements = 0
        # Held at once: one row or string (the unit), and everything outside them.
        self.unit_depth = self.unit_elements = self.unit_start = 0
        self.outer_elements = self.unit_bytes = 0  # unit_bytes: of the units that ended
        # A worksheet: rows, the row number as openpyxl counts it, this row's cells, the cell read.
        self.rows = self.row_number = self.row_cells = self.column = 0
        self.cell_depth = self.cell_chars = self.cell_escapes = 0
        self.formula_depth = self.formula_chars = self.phonetic_depth = 0
        # The shared strings.
        self.strings = self.string_chars = 0
        self.links = False  # a formula or a hyperlink, or not a sheet: the links pass reads it
        # The limits the handlers compare with at each element, as plain attributes (faster).
        self._held, self._columns = self.limits.held_elements, self.limits.columns
        self._cell_chars = self.limits.cell_chars

    # -- feeding --------------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        parser = self._parser
        if parser is None:
            parser = self._parser = self._new_parser()
        try:
            parser.Parse(data, False)
        except expat.ExpatError as exc:
            self._parser = None
            raise CorruptPart(f"{self.part}: {exc}") from exc
        fed = self._fed = self._fed + len(data)
        # After Parse, expat's position is its last event: a tag, comment or processing
        # instruction still open since then is buffered whole, by this parser and the reader's.
        if fed - parser.CurrentByteIndex > self.limits.token_bytes:
            self._refuse(f"holds an XML tag or comment longer than {human_size(self.limits.token_bytes)} (the limit)")
        held = self.limits.held_bytes
        in_unit = fed - self.unit_start if self.unit_depth else 0
        if in_unit > held:
            self._refuse(f"holds more than {human_size(held)} of XML (the limit)", unit=True)
        if fed - self.unit_bytes - in_unit > held:
            outside = " outside its rows" if self._sheet else " outside its strings" if self.strings else ""
            self._refuse(f"holds more than {human_size(held)} of XML{outside} (the limit)")

    def close(self) -> None:
        parser, self._parser = self._parser, None
        if parser is not None:
            try:
                parser.Parse(b"", True)
            except expat.ExpatError as exc:
                raise CorruptPart(f"{self.part}: {exc}") from exc

    def _new_parser(self) -> Any:
        parser = expat.ParserCreate(namespace_separator="}")  # as ElementTree (openpyxl) parses
        parser.buffer_text = True  # text comes in pieces of up to 8 KiB, never held whole
        parser.ordered_attributes = True  # [name, value, ...]: a cell's "r" is first
        parser.StartDoctypeDeclHandler = self._doctype
        parser.StartElementHandler = self._root
        return parser

    def _doctype(self, *_: object) -> None:
        where = self._where(False)
        self.guard.not_written_by_writer(
            f"{where} declares a DTD (<!DOCTYPE>), which no Office file has", past_limit=False
        )

    # -- messages -------------------------------------------------------------------------------

    def _where(self, unit: bool) -> str:
        """The part or sheet, with the row or string when ``unit``: "sheet 'Data', row 7"."""
        title = self.archive.titles.get(self.part)
        where = f"sheet {title!r}" if title is not None else self.part
        if unit:
            where += f", row {self.row_number:,}" if self._sheet else f", string {self.strings:,}"
        return where

    def _refuse(self, detail: str, *, unit: bool = False) -> NoReturn:
        self.guard.refuse(f"{self._where(unit)} {detail}")

    def _refuse_not_written(self, detail: str, *, unit: bool = False) -> NoReturn:
        self.guard.not_written_by_writer(f"{self._where(unit)} {detail}")

    def _too_many_elements(self, *, unit: bool) -> NoReturn:
        outside = "" if unit else " outside its rows" if self._sheet else " outside its strings" if self.strings else ""
        limit = self.limits.held_elements
        self._refuse(f"holds more than {limit:,} XML elements{outside} (the limit)", unit=unit)

    # -- the root decides the rules --------------------------------------------------------------

    def _root(self, tag: str, attrs: list[str]) -> None:
        parser = self._parser
        if tag in _SHEETS:
            self._sheet = True
            parser.StartElementHandler = self._start_sheet
            parser.EndElementHandler = self._end_sheet
            parser.CharacterDataHandler = self._text_sheet
        elif tag == _SST:
            parser.StartElementHandler = self._start_strings
            parser.EndElementHandler = self._end_strings
            parser.CharacterDataHandler = self._text_strings
        else:
            self.links = True  # not known to be free of links: the links pass reads it, as ever
            parser.StartElementHandler = self._start_outer
        parser.StartElementHandler(tag, attrs)

    def _start_outer(self, tag: str, attrs: list[str]) -> None:
        self.elements += 1
        self.outer_elements += 1
        if self.outer_elements > self._held:
            self._too_many_elements(unit=False)

    def _start_unit(self, depth: int) -> None:
        self.unit_depth, self.unit_elements = depth, 0
        self.unit_start = self._parser.CurrentByteIndex

    def _end_unit(self) -> None:
        self.unit_depth = 0
        self.unit_bytes += self._parser.CurrentByteIndex - self.unit_start

    # -- a worksheet ----------------------------------------------------------------------------

    def _start_sheet(self, tag: str, attrs: list[str]) -> None:
        self.elements += 1
        depth = self.depth = self.depth + 1
        unit = self.unit_depth
        if tag == _ROW:  # openpyxl reads a row wherever it is, a row in a row too
            self._count_row(attrs)
            if not unit:
                self._start_unit(depth)
                self.row_cells = self.column = 0
                unit = depth
        elif tag in _LINKS:
            self.links = True
        if not unit:
            self.outer_elements += 1
            if self.outer_elements > self._held:
                self._too_many_elements(unit=False)
            return
        self.unit_elements += 1
        if self.unit_elements > self._held:
            self._too_many_elements(unit=True)
        if depth != unit + 1:  # inside a cell: its formula and phonetic text are not its value
            if self.cell_depth:
                if tag == _F and not self.formula_depth:
                    self.formula_depth, self.formula_chars = depth, 0
                elif tag == _RPH and not self.phonetic_depth:
                    self.phonetic_depth = depth
            return
        # A cell: every child of a row is one to openpyxl, at the column its reference names or
        # the next one.
        self.row_cells += 1
        self.archive.cells += 1
        reference = (attrs[1] if attrs[0] == "r" else _attribute(attrs, "r")) if attrs else None
        if reference is None:
            self.column += 1
        else:
            column = _COLUMNS.get(reference.rstrip(_DIGITS))
            self.column = column if column is not None else self._odd_column(reference)
        if self.row_cells > self._columns or self.column > self._columns:
            self._refuse_not_written(f"has more than {self._columns:,} cells", unit=True)
        if self.archive.cells > self.limits.cells:
            limit, what = self.limits.cells, self.guard.what
            self.guard.refuse(f"the {what} holds more than {limit:,} cells; the limit is {limit:,}")
        self.cell_depth = depth
        self.cell_chars = self.cell_escapes = 0

    def _count_row(self, attrs: list[str]) -> None:
        limits = self.limits
        self.rows += 1
        if self.rows > limits.rows:
            self._refuse_not_written(f"has more than {limits.rows:,} rows")
        number = _attribute(attrs, "r") if attrs else None
        if number is None:
            self.row_number += 1
        else:
            try:
                self.row_number = int(number)
            except ValueError:
                try:  # openpyxl takes "7.0" too; anything else it refuses itself
                    self.row_number = int(float(number))
                except (ValueError, OverflowError):
                    pass
        if self.row_number > limits.rows:
            self._refuse_not_written(f"has a row {self.row_number:,}, past row {limits.rows:,}")

    def _odd_column(self, reference: str) -> int:
        """The column of a reference not in A..XFD: past XFD is refused, anything else openpyxl's."""
        letters = reference.rstrip(_DIGITS).upper()
        if letters.isalpha() and letters.isascii() and (len(letters) > 3 or (letters > "XFD" and len(letters) == 3)):
            self._refuse_not_written(f"has a cell {reference[:20]}, past column XFD")
        return _COLUMNS.get(letters, self.column + 1)

    def _end_sheet(self, tag: str) -> None:
        depth = self.depth
        self.depth = depth - 1
        if depth == self.cell_depth:
            self.cell_depth = 0
        elif depth == self.formula_depth:
            self.formula_depth = 0
        elif depth == self.phonetic_depth:
            self.phonetic_depth = 0
        elif depth == self.unit_depth:
            self._end_unit()

    def _text_sheet(self, data: str) -> None:
        if not self.cell_depth or self.depth == self.cell_depth:  # only the text of a cell's elements
            return
        if self.formula_depth:
            self.formula_chars += len(data)
            if self.formula_chars > self.limits.formula_chars:
                limit = self.limits.formula_chars
                self._refuse_not_written(f"holds a formula of more than {limit:,} characters", unit=True)
        elif not self.phonetic_depth:
            self.cell_chars += len(data)
            if "_x" in data:
                self.cell_escapes += len(_ESCAPE.findall(data))
            if self.cell_chars > self._cell_chars:
                self._check_text("holds a cell of")

    def _check_text(self, holder: str) -> None:
        """Characters of a cell or a shared string as Excel counts them: an escape is one."""
        if self.cell_chars - 6 * self.cell_escapes > self._cell_chars:
            self._refuse_not_written(f"{holder} more than {self._cell_chars:,} characters", unit=True)

    # -- the shared strings ---------------------------------------------------------------------

    def _start_strings(self, tag: str, attrs: list[str]) -> None:
        self.elements += 1
        depth = self.depth = self.depth + 1
        if self.unit_depth:
            self.unit_elements += 1
            if self.unit_elements > self._held:
                self._too_many_elements(unit=True)
            if tag == _RPH and not self.phonetic_depth:
                self.phonetic_depth = depth
        elif tag == _SI:
            self.strings += 1
            if self.strings > self.limits.shared_strings:
                limit = self.limits.shared_strings
                self._refuse(f"holds more than {limit:,} strings (the limit)")
            self._start_unit(depth)
            self.cell_chars = self.cell_escapes = 0
        else:
            self.outer_elements += 1
            if self.outer_elements > self._held:
                self._too_many_elements(unit=False)

    def _end_strings(self, tag: str) -> None:
        depth = self.depth
        self.depth = depth - 1
        if depth == self.phonetic_depth:
            self.phonetic_depth = 0
        elif depth == self.unit_depth:
            self._end_unit()

    def _text_strings(self, data: str) -> None:
        self.string_chars += len(data)
        if self.string_chars > self.limits.shared_chars:
            limit = self.limits.shared_chars
            self._refuse(f"holds more than {limit:,} characters in all its strings (the limit)")
        if self.unit_depth and not self.phonetic_depth:
            self.cell_chars += len(data)
            if "_x" in data:
                self.cell_escapes += len(_ESCAPE.findall(data))
            if self.cell_chars > self._cell_chars:
                self._check_text("holds")


def _attribute(attrs: list[str], name: str) -> str | None:
    """An attribute's value from expat's ordered list [name, value, name, value, ...]."""
    for i in range(0, len(attrs), 2):
        if attrs[i] == name:
            return attrs[i + 1]
    return None


def _column_names() -> dict[str, int]:
    """ "A" -> 1 ... "XFD" -> 16,384: every column Excel has."""
    names: dict[str, int] = {}
    for number in range(1, MAX_COLUMNS + 1):
        name, rest = "", number
        while rest:
            rest, digit = divmod(rest - 1, 26)
            name = chr(65 + digit) + name
        names[name] = number
    return names


_COLUMNS = _column_names()
