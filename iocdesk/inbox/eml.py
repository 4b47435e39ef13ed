"""An e-mail message (.eml) as text to scan for IOCs: a reported phishing mail is an alert.

Everything in a mail is attacker-controlled, so it is only ever read as text:
HTML is stripped with ``html.parser`` (never rendered, no resource fetched),
attachments are decoded, never opened. What is scanned, beyond the text parts:

* the headers that carry the sender's infrastructure (``Received`` holds the
  relay IPs, ``Return-Path`` and ``Reply-To`` the real addresses);
* the ``href``/``src`` values of HTML parts: the link text of a phishing mail
  says one thing and the link goes elsewhere;
* text-like attachments, and the *file names* of all others (a name such as
  ``invoice.pdf.exe`` or a hash-named file is an IOC too).

``email`` is lenient: malformed MIME still yields best-effort text. Only data
without any mail header (From, To, Subject, Date...) is refused, as not an e-mail.
"""

from __future__ import annotations

import codecs
import email
import email.policy
from email.message import Message
from html.parser import HTMLParser

from iocdesk.extraction.importers import (
    DEFAULT_MAX_BYTES,
    InputError,
    decode_bytes,
    too_large,  # the same wording as a too large file
)

SUBJECT_MAX = 200
SCANNED_HEADERS = ("From", "Reply-To", "Return-Path", "Received", "X-Originating-IP", "Authentication-Results")
# One of these makes data an e-mail; "Note: see 1.2.3.4" on a first line is not a mail header.
_MAIL_HEADERS = ("From", "To", "Subject", "Date", "Received", "Message-ID", "MIME-Version", "Return-Path", "Sender")
_TEXT_TYPES = frozenset({"application/json", "application/x-ndjson", "application/csv", "application/xml"})
_TEXT_NAMES = (".txt", ".csv", ".tsv", ".log", ".json", ".jsonl", ".ndjson")
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


def read_eml(data: bytes, *, name: str = "<e-mail>", max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """``(subject, text)`` of a raw message; ``subject`` is ``""`` when it has none.

    Raises InputError (message starting with ``name``) for empty or too large
    data, data that is not an e-mail (no mail header), or a structure the parser
    cannot walk (nesting deep enough to exhaust the stack).
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if len(data) > max_bytes:
        raise too_large(name, len(data), max_bytes)
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        if not any(header in message for header in _MAIL_HEADERS):
            raise InputError(f"{name}: not an e-mail message (no From, To, Subject or Date header)")
        subject = _header_values(message, "Subject")
        lines: list[str] = []
        for part in message.walk():
            lines.extend(_part_text(part))
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{name}: not a readable e-mail message (MIME parts nested too deeply)") from None
    except Exception as exc:  # a parser surprise on hostile input: still one clean line
        raise InputError(f"{name}: not a readable e-mail message ({type(exc).__name__}: {exc})") from exc
    return _cut(subject[0] if subject else ""), "\n".join(line for line in lines if line)


def _part_text(part: Message) -> list[str]:
    """The scanned headers, file name and decoded text of one MIME part (or message)."""
    lines: list[str] = []
    for header in SCANNED_HEADERS:
        lines.extend(f"{header}: {value}" for value in _header_values(part, header))
    if part.is_multipart():
        return lines
    filename = _filename(part)
    if filename:
        lines.append(filename)
    if _is_text(part, filename):
        text = _decode(part)
        subtype = part.get_content_type()
        lines.append(html_to_text(text) if subtype == "text/html" else text)
    return lines


def _is_text(part: Message, filename: str | None) -> bool:
    content_type = part.get_content_type()
    if content_type.startswith("text/") or content_type in _TEXT_TYPES:
        return True
    return filename is not None and filename.lower().endswith(_TEXT_NAMES)


def _decode(part: Message) -> str:
    """The part's text: transfer encoding undone, then its charset (``errors="replace"``).

    Without a charset (or with one Python does not know) the importers' rules
    apply: BOMs, UTF-16, cp1252 per line; a binary payload named ``.txt`` is
    skipped rather than scanned as noise.
    """
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        return ""
    charset = part.get_content_charset()
    if charset:
        try:
            return payload.decode(codecs.lookup(charset).name, errors="replace")
        except LookupError:
            pass
    try:
        return decode_bytes(payload, name="attachment")
    except InputError:
        return ""


def _header_values(part: Message, header: str) -> list[str]:
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


def _cut(text: str) -> str:
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
