"""E-mail messages (.eml, RFC 822/MIME) as text chunks, one per scanned header or part (internal).

Everything in a mail is attacker-controlled, so it is only ever read as text:
HTML is stripped with ``html.parser`` (never rendered, no resource fetched),
attachments are decoded, never opened. Read as raw text, a quoted-printable
mail hid its links (``?url=3Dhttps%3A=`` with a soft line break in the middle)
and listed the recipient as an IOC; so the transfer encodings and charsets are
undone here, for every place that reads files. What is scanned:

* the headers that carry the sender's infrastructure (``From``, ``Reply-To``,
  ``Return-Path``, ``Received`` relays, ``X-Originating-IP``,
  ``Authentication-Results``), of the mail and of every attached mail. The
  recipients (``To``, ``Cc``, ``Delivered-To``...) are the analyst's own
  people, not IOCs, and are not read;
* text parts, and the ``href``/``src`` values of HTML parts: the link text of
  a phishing mail says one thing and the link goes elsewhere;
* text-like attachments, attached mails (``message/rfc822``, recursively),
  attached PDF, Word and Excel documents (``_attached.py``), and the *file
  names* of all attachments (``invoice.pdf.exe`` or a hash-named file is an
  IOC too).

Sources name the header or part: ``"phish.eml, header From"``,
``"phish.eml, part 2 (text/html)"``, ``"phish.eml, part 3.1 (text/plain)"``
(the first part of a mail attached as part 3).

``email`` is lenient: malformed MIME still yields best-effort text. Only data
without any mail header (From, To, Subject, Date...) is refused.

Memory (issue 14: a 75 MB mail peaked at 661 MB): the parser is fed the file a
block at a time (fed whole, it holds the bytes, their text and a 4-byte-a-character
buffer of it at once); the chunks are made as they are read, not collected; a
part's encoded text is dropped once it is decoded; an attachment that is not
read is never decoded (its first bytes tell whether it is a document); and
HTML is converted a slice at a time. What remains is the parser itself: the
body of the part being parsed as a list of lines, then joined, about 2.7x that
part's size, while the parts parsed before it are held once.
"""

from __future__ import annotations

import binascii
import codecs
import email.parser
import email.policy
import time
from collections.abc import Callable, Iterable, Iterator
from email.message import Message
from html.parser import HTMLParser
from typing import NamedTuple

from iocdesk.extraction.importers._attached import document_chunks, is_document
from iocdesk.extraction.importers._common import CHUNK_CHARS, READ_BLOCK, InputError
from iocdesk.extraction.importers._detect import MAIL_HEADERS
from iocdesk.extraction.importers._text import decode_bytes, stream_text_chunks
from iocdesk.indicators.types import Source, TextChunk

SUBJECT_MAX = 200
SCANNED_HEADERS = (
    "From",
    "Sender",
    "Reply-To",
    "Return-Path",
    "Received",
    "X-Originating-IP",
    "Authentication-Results",
)
_MAX_DEPTH = 50  # parts inside parts; a MIME bomb nests thousands
MAX_PARTS = 100_000  # headers and parts read from one mail
TIME_BUDGET = 120.0  # seconds for the whole mail, as for a PDF (importers/_pdf.py)
_TEXT_TYPES = frozenset({"application/json", "application/x-ndjson", "application/csv", "application/xml"})
TEXT_NAMES = (".txt", ".csv", ".tsv", ".log", ".json", ".jsonl", ".ndjson", ".xml", ".html", ".htm", ".md")
_HEAD_CHARS = 4096  # encoded characters decoded to see whether an attachment is a document (1 KiB tells)
# Characters of HTML parsed at a time (at first; see html_text_blocks). html.parser is made to be
# fed in pieces; only malformed markup cut by a slice boundary ("<evil.com&amp; ..." with no ">"
# before the cut) can read differently, as a tag rather than text.
_HTML_SLICE = 4 * CHUNK_CHARS
# Attributes whose value is an address the mail points at (kept as text: they may be IOCs).
_LINK_ATTRS = frozenset({"href", "src", "action", "formaction", "background", "cite", "poster", "data"})
# Tags that end a line: without a break, "<td>evil.com</td><td>10.0.0.1</td>" would run together.
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    ]
)


class Mail:
    """The subject and the chunks of one message."""

    def __init__(self, subject: str, chunks: list[TextChunk]) -> None:
        self.subject = subject
        self.chunks = chunks


class OpenMail(NamedTuple):
    """A parsed message whose chunks are made as they are read (``open_mail``, ``_msg.open_msg``)."""

    subject: str
    chunks: Iterator[TextChunk]


def read_mail(
    data: bytes, *, name: str, clock: Callable[[], float] = time.monotonic, budget: float = TIME_BUDGET
) -> Mail:
    """Parse a raw message in memory and read all of it; InputError (starting with ``name``) if it
    is not one or cannot be walked.

    Limits: ``MAX_PARTS`` headers and parts, ``budget`` seconds (checked after each part).
    """
    mail = open_mail(in_blocks(data), name=name, clock=clock, budget=budget)
    return Mail(mail.subject, list(mail.chunks))


def in_blocks(data: bytes) -> Iterator[bytes]:
    """``data`` as file-sized blocks for ``open_mail``: fed whole, the parser holds 4 bytes a character."""
    for start in range(0, len(data), READ_BLOCK):
        yield data[start : start + READ_BLOCK]


def open_mail(
    blocks: Iterable[bytes], *, name: str, clock: Callable[[], float] = time.monotonic, budget: float = TIME_BUDGET
) -> OpenMail:
    """Parse a raw message fed as ``blocks`` (a file read a block at a time); its chunks come lazily.

    Data that is not a mail, or that the parser gives up on, raises InputError here; a part
    that cannot be walked raises it while iterating. The limits of ``read_mail``; the time
    counted is parsing plus making the chunks, not what the caller does between them.
    """
    started = clock()
    # email.message_from_bytes, a block at a time: given the whole file, the parser holds the
    # bytes, their text and a 4-byte-a-character buffer of it at once (7x the file).
    parser = email.parser.BytesFeedParser(policy=email.policy.default)
    blank = True
    try:
        for block in blocks:
            blank = blank and (not block or block.isspace())
            parser.feed(block)
        message = parser.close()
    except InputError:  # from ``blocks``: the file is too large, or cannot be read
        raise
    except RecursionError:
        raise InputError(f"{name}: not a readable e-mail message (MIME parts nested too deeply)") from None
    except Exception as exc:  # a parser surprise on hostile input: still one clean line
        raise InputError(f"{name}: not a readable e-mail message ({type(exc).__name__}: {exc})") from exc
    if blank:
        raise InputError(f"{name}: the file is empty")
    if not any(header in message for header in MAIL_HEADERS):
        raise InputError(f"{name}: not an e-mail message (no From, To, Subject or Date header)")
    subject = header_values(message, "Subject")
    chunks = within_limits(_message_chunks(message, name, "", 0), name, clock() - started, clock, budget)
    return OpenMail(
        cut_subject(subject[0] if subject else ""),
        guarded(chunks, name, "e-mail message", nested="MIME parts nested too deeply"),
    )


def within_limits(
    chunks: Iterable[TextChunk], name: str, spent: float, clock: Callable[[], float], budget: float
) -> Iterator[TextChunk]:
    """``chunks``; InputError past ``MAX_PARTS`` of them, or once making them has taken ``budget``
    seconds (``spent`` already, e.g. parsing). Time the caller spends between chunks is not counted."""
    resumed = clock()
    for count, chunk in enumerate(chunks, 1):
        if count > MAX_PARTS:
            raise InputError(f"{name}: the message has more than {MAX_PARTS:,} parts and headers")
        now = clock()
        spent += now - resumed
        if spent > budget:
            raise InputError(f"{name}: reading the message took longer than {budget:.0f} s")
        yield chunk
        resumed = clock()


def guarded(chunks: Iterator[TextChunk], name: str, what: str, *, nested: str) -> Iterator[TextChunk]:
    """``chunks``; a failure while making them becomes one InputError: "not a readable ``what``"."""
    try:
        yield from chunks
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{name}: not a readable {what} ({nested})") from None
    except Exception as exc:  # a parser surprise on hostile input: still one clean line
        raise InputError(f"{name}: not a readable {what} ({type(exc).__name__}: {exc})") from exc


def _message_chunks(message: Message, name: str, prefix: str, depth: int) -> Iterator[TextChunk]:
    """Headers of a (top-level or attached) message, then its body parts numbered under ``prefix``."""
    where = f"part {prefix}, " if prefix else ""
    for header in SCANNED_HEADERS:
        for value in header_values(message, header):
            yield TextChunk(f"{header}: {value}", Source(file=name, sheet=f"{where}header {header}"))
    if message.is_multipart():
        yield from _children(message, name, prefix, depth)
    else:
        yield from _part_chunks(message, name, f"{prefix}.1" if prefix else "1", depth)


def _children(part: Message, name: str, prefix: str, depth: int) -> Iterator[TextChunk]:
    if depth > _MAX_DEPTH:
        raise InputError(f"{name}: not a readable e-mail message (MIME parts nested too deeply)")
    payload = part.get_payload()
    for index, child in enumerate(payload if isinstance(payload, list) else [], 1):
        if isinstance(child, Message):
            yield from _part_chunks(child, name, f"{prefix}.{index}" if prefix else str(index), depth + 1)


def _part_chunks(part: Message, name: str, number: str, depth: int) -> Iterator[TextChunk]:
    content_type = part.get_content_type()
    label = f"part {number} ({content_type})"
    if content_type == "message/rfc822" or (part.is_multipart() and content_type.startswith("message/")):
        payload = part.get_payload()
        for inner in payload if isinstance(payload, list) else []:
            if isinstance(inner, Message):
                if depth > _MAX_DEPTH:
                    raise InputError(f"{name}: not a readable e-mail message (MIME parts nested too deeply)")
                yield from _message_chunks(inner, name, number, depth + 1)
        return
    if part.is_multipart():
        yield from _children(part, name, number, depth)
        return
    source = Source(file=name, sheet=label)
    filename = _filename(part)
    if filename:
        yield TextChunk(filename, source)
    if _is_text(part, filename):
        yield from _text_chunks(part, content_type, source)
    elif content_type.startswith(("application/", "binary/")) and is_document(_payload_head(part)):
        data = _payload_bytes(part)
        part.set_payload("")  # decoded: the encoded copy can go
        yield from document_chunks(data, name, f"part {number} ({filename or content_type})")
    part.set_payload("")  # read (or never to be): nothing keeps a part's payload in memory longer


def _text_chunks(part: Message, content_type: str, source: Source) -> Iterator[TextChunk]:
    """The part's text: transfer encoding undone, then its charset (``errors="replace"``).

    Without a charset (or with one Python does not know) the importers' rules
    apply: BOMs, UTF-16, cp1252 per line; a binary payload named ``.txt`` is
    skipped rather than scanned as noise. HTML comes out in chunks as it is converted.
    """
    data = _payload_bytes(part)
    part.set_payload("")
    text = decode_text(data, part.get_content_charset()) if data else ""
    del data
    if not text:
        return
    if content_type == "text/html":
        yield from stream_text_chunks(html_text_blocks(text), source)
    else:
        yield TextChunk(text, source)


def _is_text(part: Message, filename: str | None) -> bool:
    content_type = part.get_content_type()
    if content_type.startswith("text/") or content_type in _TEXT_TYPES:
        return True
    return filename is not None and filename.lower().endswith(TEXT_NAMES)


def _encoded(part: Message) -> tuple[str | None, str]:
    """The part's payload as the parser left it (encoded text), and its transfer encoding.

    Read from the attribute, not through ``get_payload()``: that encodes the whole payload
    to UTF-8 to look for undecodable bytes, a copy of a 50 MB attachment just to sniff it.
    Without the attribute (another Python), None: the callers then use ``get_payload``.
    """
    payload = getattr(part, "_payload", None)
    cte = str(part.get("content-transfer-encoding", "")).lower()  # as get_payload() reads it
    return (payload if isinstance(payload, str) else None), cte


def _payload_bytes(part: Message) -> bytes:
    """The payload, transfer encoding undone: what ``get_payload(decode=True)`` returns.

    base64 and quoted-printable are decoded straight from the parsed text by the same
    C functions: get_payload(decode=True) first copies the text to bytes and, for base64,
    splits that into lines and joins them again (four copies of an attachment at once).
    Anything unusual (non-ASCII, bad padding, uuencode) goes the library's lenient way.
    """
    payload, cte = _encoded(part)
    if payload is not None and cte in ("base64", "quoted-printable"):
        try:
            return binascii.a2b_base64(payload) if cte == "base64" else binascii.a2b_qp(payload)
        except ValueError:  # binascii.Error, or a non-ASCII str
            pass
    decoded = part.get_payload(decode=True)
    return decoded if isinstance(decoded, bytes) else b""


def _payload_head(part: Message) -> bytes:
    """The first bytes of the decoded payload (about 3 KiB), enough for ``is_document``."""
    payload, cte = _encoded(part)
    if payload is not None and len(payload) > _HEAD_CHARS:  # else decoding it all costs nothing
        head = payload[:_HEAD_CHARS]
        try:
            if cte == "base64":
                compact = "".join(head.split())
                return binascii.a2b_base64(compact[: len(compact) - len(compact) % 4])
            if cte == "quoted-printable":
                return binascii.a2b_qp(head)
            if cte in ("", "7bit", "8bit", "binary"):
                return head.encode("ascii", "surrogateescape")  # as get_payload(decode=True) does
        except (ValueError, UnicodeError):
            pass
    return _payload_bytes(part)[:_HEAD_CHARS]  # a small or odd part: decoded whole, as before


def decode_text(payload: bytes, charset: str | None) -> str:
    """Bytes in ``charset`` (if Python knows it), else by the importers' rules; "" if binary."""
    if charset:
        try:
            return payload.decode(codecs.lookup(charset).name, errors="replace")
        except LookupError:
            pass
    try:
        return decode_bytes(payload, name="attachment")
    except InputError:
        return ""


def header_values(part: Message, header: str) -> list[str]:
    """Decoded values (RFC 2047 words undone); the raw value if the parser trips on one."""
    try:
        return [str(value) for value in part.get_all(header) or ()]
    except Exception:  # noqa: BLE001 - policy.default parses lazily; a hostile header can make it raise
        return [str(value) for key, value in part.raw_items() if key.lower() == header.lower()]


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a malformed Content-Disposition: no name rather than no mail
        return None
    return str(name) if name else None


def cut_subject(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        for key, value in attrs:
            if value and key in _LINK_ATTRS:
                self.parts.append(f"\n{value}\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text_blocks(html: str) -> Iterator[str]:
    """``html_to_text`` a slice at a time: the text of a 50 MB HTML body as it is made."""
    parser = _TextExtractor()
    start, size = 0, _HTML_SLICE
    while start < len(html):
        parser.feed(html[start : start + size])
        start += size
        if len(parser.rawdata) > size // 2:  # held back (a script or comment left open), re-scanned
            size *= 2  # at each feed: bigger slices keep that linear
        if parser.parts:
            yield "".join(parser.parts)
            parser.parts.clear()
    parser.close()
    yield "".join(parser.parts)


def html_to_text(html: str) -> str:
    """Visible text of ``html`` plus link targets, one per line; nothing is rendered or fetched."""
    return "".join(html_text_blocks(html))
