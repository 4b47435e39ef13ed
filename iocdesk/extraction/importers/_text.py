"""Streaming decoding and line-bounded chunking of text (internal)."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from iocdesk.extraction.importers._common import CHUNK_CHARS, READ_BLOCK, InputError, too_large
from iocdesk.extraction.importers._detect import text_encoding
from iocdesk.indicators.types import Source, TextChunk


class ByteReader:
    """Reads a binary file in blocks, enforcing the byte limit."""

    def __init__(self, fh: BinaryIO, name: str, max_bytes: int | None) -> None:
        self.fh = fh
        self.name = name
        self.max_bytes = max_bytes
        self.total = 0

    def read(self, size: int = READ_BLOCK) -> bytes:
        try:
            data = self.fh.read(size)
        except OSError as exc:
            raise InputError(f"{self.name}: read error ({exc.strerror or exc})") from exc
        self.total += len(data)
        if self.max_bytes is not None and self.total > self.max_bytes:
            raise too_large(self.name, None, self.max_bytes)
        return data

    def blocks(self) -> Iterator[bytes]:
        while data := self.read():
            yield data


_FIRST_WINDOW = 256  # bytes tried as UTF-8 after a cp1252 line; doubles while they decode
# A well-formed UTF-8 multi-byte sequence: all the non-ASCII of UTF-8 text, rare in cp1252 text.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class TextDecoder:
    """Incremental bytes -> str.

    UTF-8 falls back to cp1252 line by line: a line that is not UTF-8 is read
    as cp1252, and UTF-8 resumes at the next line holding a UTF-8 sequence.
    Files glued together from two systems mix both; switching for good at the
    first cp1252 byte turned every later UTF-8 name into mojibake ("münchen.de"
    became the indicator "xn--m14nchen-rza5441f.de"). UTF-16 replaces
    undecodable input with U+FFFD. Line endings (CRLF, CR) are translated to LF.
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._utf16 = None if encoding == "utf-8" else codecs.getincrementaldecoder(encoding)("replace")
        self._pending = b""  # an incomplete UTF-8 sequence at the end of the last block
        self._legacy_line = False  # the last block ended inside a cp1252 line
        self._window = 1 << 30  # bytes tried as UTF-8 at once; small after a cp1252 line
        self._newlines = io.IncrementalNewlineDecoder(None, translate=True)

    def decode(self, data: bytes, final: bool = False) -> str:
        text = self._utf16.decode(data, final) if self._utf16 else self._decode_utf8(data, final)
        return self._newlines.decode(text, final)

    def _decode_utf8(self, data: bytes, final: bool) -> str:
        if self._pending:
            data, self._pending = self._pending + data, b""
        out: list[str] = []
        view, pos, size = memoryview(data), 0, len(data)
        if self._legacy_line:
            pos = self._legacy(data, view, 0, out)
        while pos < size:
            # A growing window: the decoder allocates for all it is given, and trying
            # the whole rest after every cp1252 line made alternating lines 10-30x slower.
            stop = min(size, pos + self._window)
            try:
                text, used = codecs.utf_8_decode(view[pos:stop], "strict", final and stop == size)
            except UnicodeDecodeError as exc:
                bad = pos + exc.start
                line = max(pos, data.rfind(b"\n", pos, bad) + 1)
                out.append(codecs.utf_8_decode(view[pos:line], "strict", True)[0])
                pos = self._legacy(data, view, line, out)
                self._window = _FIRST_WINDOW
                continue
            out.append(text)
            pos += used
            if stop == size:
                self._pending = bytes(view[pos:])
                break
            self._window *= 2
        return "".join(out)

    def _legacy(self, data: bytes, view: memoryview, start: int, out: list[str]) -> int:
        """Decode the line at ``start`` and the lines after it without a UTF-8 sequence
        as cp1252; return where UTF-8 decoding resumes. Linear: one search, no per-line step."""
        end = data.find(b"\n", start)
        self._legacy_line = end < 0  # this line goes on in the next block
        if end < 0:
            resume = len(data)
        else:  # the line a UTF-8 sequence is on, or the last one (it may go on in the next block)
            found = _UTF8_SEQUENCE.search(data, end + 1)
            resume = data.rfind(b"\n", end, len(data) if found is None else found.start()) + 1
        out.append(str(view[start:resume], "cp1252", "replace"))
        return resume


def decoded_blocks(reader: ByteReader, decoder: TextDecoder, first_text: str) -> Iterator[str]:
    """``first_text`` (the already decoded first block), then the rest of the file."""
    if first_text:
        yield first_text
    del first_text  # don't pin the first block for the whole file
    for data in reader.blocks():
        text = decoder.decode(data)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def iter_lines(blocks: Iterable[str], name: str, max_line: int) -> Iterator[str]:
    """Lines ending in ``"\\n"`` (the last one maybe not) from decoded blocks."""
    rest = ""
    for block in blocks:
        lines = (rest + block).split("\n")
        rest = lines.pop()
        for line in lines:
            yield line + "\n"
        if len(rest) > max_line:
            raise InputError(f"{name}: a line is longer than {max_line // (1 << 20)} million characters")
    if rest:
        yield rest


_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def _cut(text: str, start: int, limit: int) -> int:
    """End of the next chunk of ``text`` starting at ``start``.

    After the last line break within ``limit`` characters; failing that (one
    enormous line) after the last whitespace; failing that, hard at ``limit``.
    """
    end = start + limit
    if len(text) <= end:
        return len(text)
    brk = max(text.rfind("\n", start, end), text.rfind("\r", start, end))
    if brk >= start:
        return brk + 1
    match = _LAST_SPACE.match(text, start, end)
    return match.end() if match else end


def _chunks(text: str, source: Source, limit: int) -> Iterator[TextChunk]:
    pos, size = 0, len(text)
    while pos < size:
        cut = _cut(text, pos, limit)
        piece = text if (pos == 0 and cut == size) else text[pos:cut]
        if not piece.isspace():
            yield TextChunk(piece, source)
        pos = cut


def iter_text_chunks(text: str, source: Source = Source(), *, chunk_chars: int = CHUNK_CHARS) -> Iterator[TextChunk]:
    """Pasted text (or one huge cell) as chunks of about ``chunk_chars`` characters.

    Chunks end on line boundaries; only a single line longer than
    ``chunk_chars`` is split, on whitespace (hard only if it has none).
    Whitespace-only input yields nothing.
    """
    if chunk_chars < 1:
        raise ValueError("chunk_chars must be positive")
    return _chunks(text, source, chunk_chars)


def stream_text_chunks(blocks: Iterable[str], source: Source, limit: int = CHUNK_CHARS) -> Iterator[TextChunk]:
    """Chunks from a stream of decoded blocks, holding at most ~limit + a block."""
    buf = ""
    for block in blocks:
        buf = buf + block if buf else block
        if len(buf) <= limit:
            continue
        pos = 0
        while len(buf) - pos > limit:
            cut = _cut(buf, pos, limit)
            piece = buf[pos:cut]
            if not piece.isspace():
                yield TextChunk(piece, source)
            pos = cut
        buf = buf[pos:]
    yield from _chunks(buf, source, limit)


def decode_bytes(data: bytes, *, name: str = "<input>") -> str:
    """Decode in-memory input (e.g. stdin) with the same rules as files.

    UTF-8 with or without BOM, UTF-16 with BOM (or unmistakably without),
    cp1252 for lines that are not UTF-8; CRLF/CR become LF. Raises :class:`InputError`
    for binary data. Empty input gives ``""``.
    """
    if not data:
        return ""
    encoding, bom = text_encoding(data[:READ_BLOCK], name)
    decoder = TextDecoder(encoding)
    return decoder.decode(data[bom:] if bom else data, final=True)
