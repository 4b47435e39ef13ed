"""Content sniffing: binary formats, byte-order marks, text encodings, mail headers, CSV dialects (internal).

What the importers need to decide a file's format lives here (JSON aside: _json looks at text
that starts with ``{`` or ``[``), so that deciding it imports none of the readers (e-mail, PDF,
Word, Excel, tables): a text file pays for none of them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from iocdesk.extraction.importers._common import SUPPORTED, InputError

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_MSG_MARK = "__properties_version1.0".encode("utf-16-le")  # a directory entry every Outlook .msg has
PDF_MAGIC = b"%PDF-"
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
# One of these makes data an e-mail; "Note: see 1.2.3.4" on a first line is not a mail header.
MAIL_HEADERS = ("From", "To", "Subject", "Date", "Received", "Message-ID", "MIME-Version", "Return-Path", "Sender")
DELIMITERS = (",", "\t", ";", "|")  # tried by sniff_delimiter
_HEADER_LINE = re.compile(r"[!-9;-~]+:[ \t]?.*|[ \t]+\S.*")  # "Name: value" or a folded continuation

# Prefixes that are binary whatever follows (checked before any text rule).
_STRONG_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, PDF_MAGIC, "PDF document"),
    (0, b"\x7fELF", "ELF executable"),
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (0, b"\x1f\x8b", "gzip archive"),
    (0, b"\xfd7zXZ\x00", "xz archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"\x28\xb5\x2f\xfd", "zstd archive"),
    (4, b"1AY&SY", "bzip2 archive"),
    (257, b"ustar", "tar archive"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"ElfFile\x00", "Windows event log (.evtx); export it to CSV, XML or JSON first"),
    (0, b"\xd4\xc3\xb2\xa1", "packet capture (pcap)"),
    (0, b"\xa1\xb2\xc3\xd4", "packet capture (pcap)"),
    (0, b"\x0a\x0d\x0d\x0a", "packet capture (pcapng)"),
    (0, b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
    (0, b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (0, b"\xce\xfa\xed\xfe", "Mach-O executable"),
    (0, b"\x00asm", "WebAssembly module"),
)
# Prefixes a text file could start with; only used to describe a file already
# found to be binary.
_WEAK_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows executable (PE/MZ)"),
    (b"BM", "BMP image"),
    (b"RIFF", "RIFF media file"),
    (b"ID3", "MP3 audio"),
)

# Bytes that do not occur in text: C0 controls except TAB LF VT FF CR ESC, and DEL.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_CONTROL_CHARS = dict.fromkeys(_CONTROL_BYTES)
CONTROL_RATIO = 0.10


def binary_error(name: str, description: str) -> InputError:
    return InputError(f"{name}: looks like a binary file ({description}); {SUPPORTED}")


def strong_magic(head: bytes) -> str | None:
    for offset, magic, description in _STRONG_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return description
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP image"
    return None


def weak_magic(head: bytes) -> str | None:
    for magic, description in _WEAK_MAGIC:
        if head.startswith(magic):
            return description
    return None


def bom_encoding(head: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) if ``head`` starts with a UTF-8 or UTF-16 BOM."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    return None


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without BOM: mostly-ASCII text has a NUL in every other byte."""
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0 : 2 * pairs : 2].count(0)
    odd_nul = sample[1 : 2 * pairs : 2].count(0)
    # A short file (one indicator, "1.2.3.4" is 14 bytes) has too few pairs for
    # a ratio: only the exact pattern, a NUL in every other byte, counts.
    high, low = (0.7 * pairs, 0.05 * pairs) if pairs >= 8 else (pairs, 0)
    if odd_nul >= high and even_nul <= low:
        return "utf-16-le"
    if even_nul >= high and odd_nul <= low:
        return "utf-16-be"
    return None


def _control_count_text(text: str) -> int:
    return len(text) - len(text.translate(_CONTROL_CHARS))


def sniff_binary(head: bytes) -> str | None:
    """A description if ``head`` (the first block of a file) is not text."""
    described = strong_magic(head)
    if described:
        return described
    if bom_encoding(head) or _bomless_utf16(head):
        return None  # judged after decoding, see text_encoding()
    if b"\x00" in head:
        return weak_magic(head) or "contains NUL bytes"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > CONTROL_RATIO * len(head):
        return weak_magic(head) or f"{100 * controls // len(head)}% control characters"
    return None


def text_encoding(head: bytes, name: str) -> tuple[str, int]:
    """(encoding, BOM length) for a first block, or InputError if it is binary.

    UTF-8 (BOM optional) is returned as ``"utf-8"``; the decoder falls back to
    cp1252 by itself at the first byte that is not UTF-8.
    """
    described = sniff_binary(head)
    if described:
        raise binary_error(name, described)
    found = bom_encoding(head)
    encoding, bom = found if found else (_bomless_utf16(head) or "utf-8", 0)
    if encoding.startswith("utf-16"):
        sample = head[bom : bom + 65536]
        text = sample[: len(sample) // 2 * 2].decode(encoding, "replace")
        if text and _control_count_text(text) > CONTROL_RATIO * len(text):
            raise binary_error(name, "control characters where UTF-16 text was expected")
    return encoding, bom


def looks_like_mail(text: str) -> bool:
    """True if ``text`` starts with an RFC 822 header block naming a mail header.

    At least two header lines before the first blank line, all of them header
    syntax, and one of them From/To/Subject/Received...: a note that starts
    with "Note: see 1.2.3.4" is not a mail.
    """
    head = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n\n", 1)[0]
    lines = head.split("\n")[:200]
    if len(lines) < 2 or not lines[0] or lines[0][0] in " \t":
        return False
    if not all(_HEADER_LINE.fullmatch(line) for line in lines):
        return False
    names = {line.split(":", 1)[0].lower() for line in lines if line[0] not in " \t"}
    return any(header.lower() in names for header in MAIL_HEADERS)


def _consistent_width(sample: str, delimiter: str, min_rows: int, share: float) -> int:
    """Fields per record if ``share`` of the sample's records agree on it (>= 2), else 0."""
    try:
        records = list(csv.reader(io.StringIO(sample), delimiter=delimiter, strict=False))[:200]
    except csv.Error:
        return 0
    widths = [len(r) for r in records if any(f.strip() for f in r)]
    if len(widths) < min_rows:
        return 0
    width = max(set(widths), key=widths.count)
    return width if width >= 2 and widths.count(width) >= share * len(widths) else 0


def sniff_delimiter(sample: str, *, whole: bool, default: str | None) -> str | None:
    """The field delimiter of a CSV/TSV sample, or None if it does not look delimited.

    Candidates (``csv.Sniffer``'s guess, the extension's delimiter, then
    ``, TAB ; |``) must split the sample's records into the same number of
    fields; the one giving most fields wins (``01.05.2024;1,5;x`` is
    semicolon-separated). ``default`` (``.csv``: comma, ``.tsv``: tab) is
    used when none is consistent; without it (``.txt``, unknown extensions)
    the sample must have at least 2 non-empty records (3 if the file is
    longer), every one with the same number (>= 2) of fields.
    """
    if not whole and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]  # drop the partial last line
    candidates: list[str] = []
    try:
        candidates.append(csv.Sniffer().sniff(sample[:16384], delimiters="".join(DELIMITERS)).delimiter)
    except csv.Error:
        pass
    if default:
        candidates.append(default)
    candidates.extend(DELIMITERS)
    min_rows, share = (1, 0.9) if default else (2 if whole else 3, 1.0)
    best, best_width = default, 0
    for delimiter in dict.fromkeys(candidates):
        width = _consistent_width(sample, delimiter, min_rows, share)
        if width > best_width:
            best, best_width = delimiter, width
    return best
