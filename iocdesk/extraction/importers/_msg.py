"""Outlook messages (.msg, OXMSG in an OLE compound file) as text chunks, like an .eml (internal).

Read with python-oxmsg (MIT licence; extract-msg is GPL and is not used). What
is scanned is what :mod:`._eml` scans: the sender-side transport headers (or
the sender's address when the message has none), the plain-text body, the
HTML body as text plus its link targets (the same ``html_to_text``), the text
of attached files, the file names of all attachments, and attached mails
(embedded ``.msg`` messages, ``.msg`` and ``.eml`` files), recursively. The
recipients are the analyst's own people and are not read.

Sources: ``"phish.msg, header From"``, ``"phish.msg, body (text/html)"``,
``"phish.msg, attachment 2 (iocs.txt)"``, ``"phish.msg, attachment 3, body (text/plain)"``.
"""

from __future__ import annotations

import email.parser
import email.policy
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, BinaryIO, cast

from iocdesk.extraction.importers._attached import document_chunks, is_document
from iocdesk.extraction.importers._common import InputError
from iocdesk.extraction.importers._eml import (
    SCANNED_HEADERS,
    TEXT_NAMES,
    TIME_BUDGET,
    Mail,
    OpenMail,
    cut_subject,
    decode_text,
    guarded,
    header_values,
    html_to_text,
    in_blocks,
    open_mail,
    within_limits,
)
from iocdesk.indicators.types import Source, TextChunk

if TYPE_CHECKING:
    from oxmsg import Message
    from oxmsg.attachment import Attachment

_PID_TRANSPORT_MESSAGE_HEADERS = 0x007D
_EMBEDDED = "__substg1.0_3701000D"  # PidTagAttachDataObject as a storage: an attached Outlook message
_MAX_DEPTH = 20  # mails attached to mails


def read_msg(
    data: bytes, *, name: str, clock: Callable[[], float] = time.monotonic, budget: float = TIME_BUDGET
) -> Mail:
    """Parse an Outlook message and read all of it; InputError (starting with ``name``) if it is not one.

    The same limits as an .eml (``_eml.MAX_PARTS``, ``budget`` seconds).
    """
    mail = open_msg(data, name=name, clock=clock, budget=budget)
    return Mail(mail.subject, list(mail.chunks))


def open_msg(
    source: bytes | BinaryIO,
    *,
    name: str,
    clock: Callable[[], float] = time.monotonic,
    budget: float = TIME_BUDGET,
) -> OpenMail:
    """Load an Outlook message from its bytes or a seekable file starting at offset 0; chunks come lazily.

    python-oxmsg reads every stream of the file into memory at once, so the message is
    held whole (about its size once more); given the file, it is not also held as bytes.
    """
    started = clock()
    try:
        from oxmsg import Message  # lazy: only .msg files need it (start-up time)

        message = Message.load(source)
        subject = message.subject
    except RecursionError:
        raise InputError(f"{name}: not a readable Outlook message (attachments nested too deeply)") from None
    except Exception as exc:  # a parser surprise on hostile input: still one clean line
        raise InputError(f"{name}: not a readable Outlook message ({type(exc).__name__}: {exc})") from exc
    chunks = within_limits(_message_chunks(message, name, "", 0), name, clock() - started, clock, budget)
    return OpenMail(
        cut_subject(subject or ""),
        guarded(chunks, name, "Outlook message", nested="attachments nested too deeply"),
    )


def _message_chunks(message: Message, name: str, prefix: str, depth: int) -> Iterator[TextChunk]:
    if depth > _MAX_DEPTH:
        raise InputError(f"{name}: not a readable Outlook message (attachments nested too deeply)")
    where = f"{prefix}, " if prefix else ""

    def source(label: str) -> Source:
        return Source(file=name, sheet=f"{where}{label}")

    raw = message.properties.str_prop_value(_PID_TRANSPORT_MESSAGE_HEADERS) or ""
    headers = email.parser.HeaderParser(policy=email.policy.default).parsestr(raw)
    for header in SCANNED_HEADERS:
        for value in header_values(headers, header):
            yield TextChunk(f"{header}: {value}", source(f"header {header}"))
    if "From" not in headers and message.sender:  # a draft or a message saved without its headers
        yield TextChunk(f"From: {message.sender}", source("header From"))
    if message.body:
        yield TextChunk(message.body, source("body (text/plain)"))
    html = message.html_body
    if html:
        yield TextChunk(html_to_text(html), source("body (text/html)"))
    for number, attachment in enumerate(message.attachments, 1):
        yield from _attachment_chunks(attachment, name, f"{where}attachment {number}", depth)


def _attachment_chunks(attachment: Attachment, name: str, label: str, depth: int) -> Iterator[TextChunk]:
    embedded = _embedded_message(attachment)
    if embedded is not None:
        yield from _message_chunks(embedded, name, label, depth + 1)
        return
    filename = attachment.file_name or ""
    source = Source(file=name, sheet=f"{label} ({filename})" if filename else label)
    if filename:
        yield TextChunk(filename, source)
    data = attachment.file_bytes
    if not data:
        return
    lower = filename.lower()
    mime = (attachment.mime_type or "").lower()
    if lower.endswith(".eml") or mime == "message/rfc822":
        for chunk in open_mail(in_blocks(data), name=name).chunks:
            yield TextChunk(chunk.text, Source(file=name, sheet=f"{label}, {chunk.source.sheet}"))
    elif lower.endswith(".msg") and data.startswith(b"\xd0\xcf\x11\xe0"):
        from oxmsg import Message  # lazy, as in read_msg

        yield from _message_chunks(Message.load(data), name, label, depth + 1)
    elif lower.endswith(TEXT_NAMES) or mime.startswith("text/"):
        text = decode_text(data, None)
        if text:
            yield TextChunk(
                html_to_text(text) if mime == "text/html" or lower.endswith((".html", ".htm")) else text, source
            )
    elif is_document(data):
        yield from document_chunks(data, name, f"{label} ({filename})" if filename else label)


def _embedded_message(attachment: Attachment) -> Message | None:
    """An Outlook message attached as an object (attach method 5), or None.

    python-oxmsg reads only top-level messages, whose property stream has a
    32-byte header; an embedded one has 24. Eight bytes in front of its
    property stream make it read like a top-level one.
    """
    from oxmsg import Message  # lazy, as in read_msg
    from oxmsg.storage import Storage, Stream

    # python-oxmsg has no public way to an embedded message; its storage is a Storage
    # (typed as the narrower StorageT protocol).
    storage = cast(Storage, attachment._storage)
    inner = next((s for s in storage.storages if s.name == _EMBEDDED), None)
    if inner is None:
        return None
    streams = tuple(
        Stream(s.path, b"\0" * 8 + s.bytes_) if s.name == "__properties_version1.0" else s for s in inner.streams
    )
    return Message(Storage(path=inner.path, streams=streams, storages=inner.storages))
