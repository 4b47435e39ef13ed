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
"""

from __future__ import annotations

import codecs
import email
import email.policy
import time
from collections.abc import Callable, Iterable, Iterator
from email.message import Message
from html.parser import HTMLParser

from iocdesk.extraction.importers._attached import document_chunks, is_document
from iocdesk.extraction.importers._common import InputError
from iocdesk.extraction.importers._detect import MAIL_HEADERS
from iocdesk.extraction.importers._text import decode_bytes
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


def read_mail(
    data: bytes, *, name: str, clock: Callable[[], float] = time.monotonic, budget: float = TIME_BUDGET
) -> Mail:
    """Parse a raw message; InputError (starting with ``name``) if it is not one or cannot be walked.

    Limits: ``MAX_PARTS`` headers and parts, ``budget`` seconds (checked after each part).
    """
    started = clock()
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        if not any(header in message for header in MAIL_HEADERS):
            raise InputError(f"{name}: not an e-mail message (no From, To, Subject or Date header)")
        subject = header_values(message, "Subject")
        chunks = within_limits(_message_chunks(message, name, "", 0), name, started, clock, budget)
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{name}: not a readable e-mail message (MIME parts nested too deeply)") from None
    except Exception as exc:  # a parser surprise on hostile input: still one clean line
        raise InputError(f"{name}: not a readable e-mail message ({type(exc).__name__}: {exc})") from exc
    return Mail(cut_subject(subject[0] if subject else ""), chunks)


def within_limits(
    chunks: Iterable[TextChunk], name: str, started: float, clock: Callable[[], float], budget: float
) -> list[TextChunk]:
    """``chunks`` as a list; InputError past ``MAX_PARTS`` of them or ``budget`` seconds after ``started``."""
    kept: list[TextChunk] = []
    for chunk in chunks:
        kept.append(chunk)
        if len(kept) > MAX_PARTS:
            raise InputError(f"{name}: the message has more than {MAX_PARTS:,} parts and headers")
        if clock() - started > budget:
            raise InputError(f"{name}: reading the message took longer than {budget:.0f} s")
    return kept


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
        text = _decode(part)
        if text:
            yield TextChunk(html_to_text(text) if content_type == "text/html" else text, source)
    elif content_type.startswith(("application/", "binary/")):
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and is_document(payload):
            yield from document_chunks(payload, name, f"part {number} ({filename or content_type})")


def _is_text(part: Message, filename: str | None) -> bool:
    content_type = part.get_content_type()
    if content_type.startswith("text/") or content_type in _TEXT_TYPES:
        return True
    return filename is not None and filename.lower().endswith(TEXT_NAMES)


def _decode(part: Message) -> str:
    """The part's text: transfer encoding undone, then its charset (``errors="replace"``).

    Without a charset (or with one Python does not know) the importers' rules
    apply: BOMs, UTF-16, cp1252 per line; a binary payload named ``.txt`` is
    skipped rather than scanned as noise.
    """
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        return ""
    return decode_text(payload, part.get_content_charset())


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


def html_to_text(html: str) -> str:
    """Visible text of ``html`` plus link targets, one per line; nothing is rendered or fetched."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
