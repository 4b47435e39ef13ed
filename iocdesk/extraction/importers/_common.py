"""Shared constants and helpers for the importers (internal)."""

from __future__ import annotations

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
# An e-mail (.eml, .msg) is parsed whole: 2-3x its size in memory, up to 5x for a body sent as
# 8-bit text or as one enormous line (benchmarks/mail_memory.py). 100 MiB is above every mainstream
# service's default (Exchange Online 35 MB, Gmail 25 MB sent and 50 MB received, most servers
# 25-50 MB); only an Exchange Online tenant raised to its 150 MB maximum can deliver more. A mail
# then costs at most ~0.55 GB, where the 1 GiB file limit allowed ~9 GB (a 75 MB mail took 661 MB).
MAX_MAIL_BYTES = 100 << 20
CHUNK_CHARS = 1 << 20  # text chunks are about this many characters
READ_BLOCK = 1 << 20  # bytes read from a file at a time
SNIFF_CHARS = 64 * 1024  # decoded characters used to sniff CSV dialects
CSV_FIELD_LIMIT = 64 * (1 << 20)  # characters in a field (and a line); csv's default of 128 KiB is too small
MAX_WARNINGS = 20  # individual warnings kept per file; the rest are counted
SUPPORTED = "iocdesk reads text, CSV, TSV, XLSX, JSON, e-mail (.eml, .msg), PDF and Word (.docx)"


class InputError(Exception):
    """A file or input that cannot be read, with a one-line, user-facing message.

    The message starts with the file name (``"report.xlsx: ..."``); callers
    print it as is. The original exception, if any, is kept as ``__cause__``.
    """

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))

    @property
    def message(self) -> str:
        return str(self.args[0])


class Warnings:
    """Collects per-file warnings, keeping the first MAX_WARNINGS and counting the rest."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.dropped = 0
        self._finished = False

    def add(self, message: str) -> None:
        if len(self.messages) < MAX_WARNINGS:
            self.messages.append(message)
        else:
            self.dropped += 1

    def finish(self) -> None:
        if not self._finished and self.dropped:
            self.messages.append(f"… and {self.dropped} more like these")
        self._finished = True


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace (no newlines in user messages) and cap the length."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def too_large(name: str, size: int | None, limit: int) -> InputError:
    if size is None:
        return InputError(f"{name}: the input is larger than the limit of {human_size(limit)}")
    shown, limit_shown = human_size(size), human_size(limit)
    if shown == limit_shown:  # "(1.0 GiB; the limit is 1.0 GiB)" reads as a contradiction
        shown, limit_shown = f"{size:,} bytes", f"{limit:,} bytes"
    return InputError(f"{name}: the file is too large ({shown}; the limit is {limit_shown})")


def column_letter(index: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA, as a spreadsheet names columns."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
