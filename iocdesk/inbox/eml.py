"""An e-mail message (.eml) as one text: a reported phishing mail is an alert.

The reading itself lives in the importers (``iocdesk.extraction.importers``:
``.eml`` and Outlook ``.msg``), so the watched folder, ``iocdesk analyze`` and
the window read a mail the same way; this module keeps the inbox's
``(subject, text)`` view of raw bytes.
"""

from __future__ import annotations

from iocdesk.extraction.importers import (
    DEFAULT_MAX_BYTES,
    MAX_MAIL_BYTES,
    InputError,
    html_to_text,
    mail_too_large,
    read_mail,
    too_large,  # the same wording as a too large file
)

__all__ = ["html_to_text", "read_eml"]


def read_eml(data: bytes, *, name: str = "<e-mail>", max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """``(subject, text)`` of a raw message; ``subject`` is ``""`` when it has none.

    Raises InputError (message starting with ``name``) for empty data, data over
    ``max_bytes`` or over the mail limit (``MAX_MAIL_BYTES``, as for a saved mail),
    data that is not an e-mail (no mail header), or a structure the parser
    cannot walk (MIME parts nested too deeply).
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if len(data) > max_bytes:
        raise too_large(name, len(data), max_bytes)
    if len(data) > MAX_MAIL_BYTES:
        raise mail_too_large(name, len(data))
    mail = read_mail(data, name=name)
    return mail.subject, "\n".join(chunk.text for chunk in mail.chunks if chunk.text)
