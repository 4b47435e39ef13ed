"""Unexpected exceptions reach the analyst once, in plain words, with key-free details."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from iocdesk.gui.dialogs.errors import ErrorReporter
from iocdesk.platform.redact import register_secret, unregister_secret

CANARY = "CANARYdeadbeef0123456789abcdef0123456789abcdef0123456789abcdef01"


def test_unexpected_error_dialog_with_redacted_copyable_details(qtbot):
    register_secret(CANARY)
    try:
        reporter = ErrorReporter()
        try:
            raise RuntimeError(f"GET https://pulsedive.com/api/info.php?indicator=x&key={CANARY} failed")
        except RuntimeError as exc:
            reporter.excepthook(type(exc), exc, exc.__traceback__)
        dialog = reporter.dialog
        qtbot.addWidget(dialog)
        assert dialog.isVisible()
        details = dialog.details.toPlainText()
        assert "RuntimeError" in details and CANARY not in details and CANARY[:12] not in details
        dialog.findChild(QPushButton, "copyDetails").click()
        assert QGuiApplication.clipboard().text() == details
        # a second error while the first is shown does not stack another dialog
        reporter.report(ValueError("again"))
        assert reporter.dialog is dialog
        dialog.close()
    finally:
        unregister_secret(CANARY)


def test_asyncio_errors_go_to_the_same_dialog(qtbot):
    reporter = ErrorReporter()
    reporter.loop_handler(None, {"message": "Task exception was never retrieved", "exception": KeyError("boom")})
    qtbot.addWidget(reporter.dialog)
    assert "KeyError" in reporter.dialog.details.toPlainText()
    reporter.dialog.close()
