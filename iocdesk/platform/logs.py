"""Where iocdesk logs, and how: a rotating file in the user's log directory.

INFO by default, DEBUG with ``--debug`` (then also on standard error). Every
handler carries the redaction filter, and the record factory redacts too
(see iocdesk.platform.redact), so no secret reaches a log line.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from iocdesk.platform.paths import log_dir
from iocdesk.platform.redact import RedactingFilter, install_log_redaction

LOG_FILE = "iocdesk.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MAX_BYTES = 2 * 1024 * 1024
_BACKUPS = 5
_installed: list[logging.Handler] = []


def setup_logging(*, debug: bool = False, console: bool = False) -> Path | None:
    """Log to the rotating file (and stderr when ``console``); returns the file, or None when
    the log directory cannot be written (iocdesk then logs to stderr only, and says so)."""
    root = logging.getLogger()
    for handler in _installed:  # idempotent: tests and the GUI may call it again
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
    level = logging.DEBUG if debug else logging.INFO
    path: Path | None = None
    try:
        path = log_dir() / LOG_FILE
        file_handler: logging.Handler = _RotatingFile(path)
    except OSError as exc:
        file_handler = logging.StreamHandler(sys.stderr)
        sys.stderr.write(f"iocdesk: warning: cannot write the log file ({exc.strerror or exc}); logging to stderr\n")
        path = None
    handlers = [file_handler]
    if console and path is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(RedactingFilter())
        handler.setLevel(level)
        root.addHandler(handler)
        _installed.append(handler)
    root.setLevel(level)
    install_log_redaction()
    return path


class _RotatingFile(logging.Handler):
    """The rotating log file: created here, written by a RotatingFileHandler made at the first record.

    ``logging.handlers`` (which imports socket, pickle and queue) is imported only then: most
    ``iocdesk extract`` runs log nothing, and that import was a noticeable part of their start-up.
    An unwritable log file still raises OSError here, at start-up, as RotatingFileHandler did.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        with open(path, "a", encoding="utf-8"):
            pass
        self.path = path
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            try:
                import logging.handlers

                self._file = logging.handlers.RotatingFileHandler(
                    self.path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
                )
            except Exception:  # noqa: BLE001 - the logging contract: report, never raise from emit
                self.handleError(record)
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        try:
            if self._file is not None:
                self._file.close()
        finally:
            super().close()
