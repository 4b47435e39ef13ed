"""Unexpected exceptions: logged, then shown once in plain words with copyable, key-free details.

Expected conditions (key rejected, quota exhausted, network down) never come
here: the window reports those itself. This catches bugs, so the analyst
keeps working and can send us the details.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from iocdesk.platform.redact import redact, registered_secrets

log = logging.getLogger("iocdesk.gui")


def describe(exc: BaseException) -> str:
    """The traceback text with every registered secret (the API key) redacted."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return redact(text, registered_secrets())


class ErrorDialog(QDialog):
    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(self.tr("iocdesk: something went wrong"))
        message = QLabel(
            self.tr(
                "iocdesk hit an unexpected problem. Your work is kept; you can go on. "
                "If it happens again, please copy the details (they contain no API key) and report them."
            ),
        )
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setWordWrap(True)
        self.details = QPlainTextEdit(details, objectName="errorDetails", readOnly=True)
        self.details.setAccessibleName(self.tr("Error details"))
        copy = QPushButton(self.tr("Copy details"), objectName="copyDetails")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.details.toPlainText()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.resize(640, 360)


class ErrorReporter:
    """Installed once per app: sys.excepthook and the asyncio loop's exception handler."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        self.dialog: ErrorDialog | None = None

    def install(self, loop: Any) -> None:
        sys.excepthook = self.excepthook
        loop.set_exception_handler(self.loop_handler)

    def excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        self.report(exc.with_traceback(tb))

    def loop_handler(self, loop: Any, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is None:
            log.error("asyncio: %s", context.get("message"))
            return
        self.report(exc)

    def report(self, exc: BaseException) -> None:
        details = describe(exc)
        log.error("unexpected error:\n%s", details)
        if self.dialog is not None and self.dialog.isVisible():
            return  # one at a time: the first one is what matters
        self.dialog = ErrorDialog(details, self.parent)
        self.dialog.open()
