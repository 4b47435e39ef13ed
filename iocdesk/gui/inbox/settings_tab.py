"""Settings > Inbox: the local webhook, the watched folder, notifications and auto-action rules.

The webhook token is never shown: "Copy token" puts it on the clipboard for the
SIEM's configuration, "New token" replaces it (the old one stops working).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from iocdesk.gui.inbox.settings import NOTIFY_RISKS, InboxSettings
from iocdesk.inbox.folder import MAX_SETTLE
from iocdesk.platform.credentials import KeyringUnavailable


class InboxSettingsTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.webhook = QCheckBox(self.tr("Accept alerts on a local webhook (127.0.0.1 only, bearer token)"))
        self.webhook.setObjectName("inboxWebhookCheck")
        form.addRow(self.webhook)
        self.port = QSpinBox(objectName="inboxPortSpin")
        self.port.setRange(1024, 65535)
        self.port.setAccessibleName(self.tr("Webhook port"))
        form.addRow(self.tr("Port:"), self.port)
        token_row = QHBoxLayout()
        self.copy_token = QPushButton(self.tr("Copy token"), objectName="copyTokenButton")
        self.copy_token.setToolTip(
            self.tr("Put the webhook's bearer token on the clipboard, for the SIEM's configuration")
        )
        self.new_token = QPushButton(self.tr("New token"), objectName="newTokenButton")
        self.new_token.setToolTip(self.tr("Replace the token: the old one stops working"))
        for button in (self.copy_token, self.new_token):
            button.setAutoDefault(False)
            token_row.addWidget(button)
        token_row.addStretch(1)
        form.addRow(self.tr("Token:"), token_row)
        self.folder_on = QCheckBox(self.tr("Watch a folder for alert files (txt, csv, xlsx, json, eml, msg)"))
        self.folder_on.setObjectName("inboxFolderCheck")
        form.addRow(self.folder_on)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit(objectName="inboxFolderEdit")
        self.folder.setAccessibleName(self.tr("Watched folder"))
        browse = QPushButton(self.tr("Browse..."))
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form.addRow(self.tr("Folder:"), folder_row)
        self.settle = QSpinBox(objectName="inboxSettleSpin")
        self.settle.setRange(0, int(MAX_SETTLE))
        self.settle.setSuffix(self.tr(" s"))
        self.settle.setAccessibleName(self.tr("Seconds a dropped file must stay unchanged before it is read"))
        self.settle.setToolTip(
            self.tr(
                "A file is read once its size and time have not changed for this long. Tools that can "
                "should write under a .tmp or .part name and rename the file when it is complete."
            )
        )
        form.addRow(self.tr("Wait until unchanged for:"), self.settle)
        self.notify = self._risk_combo("inboxNotifyCombo", self.tr("Notify from risk"))
        form.addRow(self.tr("Notify from risk:"), self.notify)
        self.per_minute = QSpinBox(objectName="inboxPerMinuteSpin")
        self.per_minute.setRange(1, 10_000)
        self.per_minute.setAccessibleName(self.tr("Alerts accepted per minute from each source"))
        self.per_minute.setToolTip(
            self.tr(
                "Counted separately for the webhook and the watched folder: a flooded folder cannot starve the SIEM"
            )
        )
        form.addRow(self.tr("Alerts per minute, each source:"), self.per_minute)
        self.rules = QPlainTextEdit(objectName="inboxRulesEdit")
        self.rules.setAccessibleName(self.tr("Auto-action rules"))
        self.rules.setPlaceholderText(self.tr("EDR:*=draft:/home/me/drafts\n*ransomware*=chat:soc"))
        self.rules.setFixedHeight(80)
        form.addRow(self.tr("Rules:"), self.rules)
        self.rule_risk = self._risk_combo("inboxRuleRiskCombo", self.tr("Rules fire from risk"))
        form.addRow(self.tr("Rules fire from risk:"), self.rule_risk)
        hint = QLabel(
            self.tr(
                "One rule per line: NAME-GLOB=draft:FOLDER writes an e-mail draft there, "
                "NAME-GLOB=chat:WEBHOOK posts to a stored chat webhook. Nothing happens without a rule."
            )
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        form.addRow(hint)
        self.message = QLabel(objectName="inboxSettingsMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        form.addRow(self.message)
        self.copy_token.clicked.connect(self.copy_token_to_clipboard)
        self.new_token.clicked.connect(self.make_new_token)

    def _risk_combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(objectName=name)
        combo.setAccessibleName(accessible)
        for risk in NOTIFY_RISKS:
            combo.addItem(risk, risk)  # Pulsedive's risk words, as in the table and exports
        return combo

    def load(self, s: InboxSettings) -> None:
        self.webhook.setChecked(s.webhook_enabled)
        self.port.setValue(s.port)
        self.folder_on.setChecked(s.folder_enabled)
        self.folder.setText(s.folder)
        self.notify.setCurrentIndex(max(0, self.notify.findData(s.notify_min_risk)))
        self.rule_risk.setCurrentIndex(max(0, self.rule_risk.findData(s.rule_min_risk)))
        self.per_minute.setValue(s.max_per_minute)
        self.settle.setValue(s.settle)
        self.rules.setPlainText("\n".join(s.rules))

    def apply(self, s: InboxSettings) -> str | None:
        """Write the form; the problem in words (and nothing written) when a rule does not parse."""
        try:
            s.rules = self.rules.toPlainText().splitlines()
        except ValueError as exc:
            return self.tr("Inbox rule not saved: {reason}").format(reason=str(exc))
        s.webhook_enabled = self.webhook.isChecked()
        s.port = self.port.value()
        s.folder_enabled = self.folder_on.isChecked()
        s.folder = self.folder.text()
        s.notify_min_risk = self.notify.currentData()
        s.rule_min_risk = self.rule_risk.currentData()
        s.max_per_minute = self.per_minute.value()
        s.settle = self.settle.value()
        return None

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder to watch for alerts"), self.folder.text())
        if folder:
            self.folder.setText(folder)
            self.folder_on.setChecked(True)

    def copy_token_to_clipboard(self) -> None:
        from iocdesk.inbox.token import inbox_token

        try:
            token = inbox_token()  # create=True: a new token when there is none, never None
        except KeyringUnavailable as exc:
            self.message.setText(self.tr("No token: {reason}").format(reason=str(exc)))
            return
        assert token is not None
        QGuiApplication.clipboard().setText(token)
        self.message.setText(self.tr("The webhook token is on the clipboard."))

    def make_new_token(self) -> None:
        from iocdesk.inbox.token import new_inbox_token

        try:
            QGuiApplication.clipboard().setText(new_inbox_token())
        except KeyringUnavailable as exc:
            self.message.setText(self.tr("No new token: {reason}").format(reason=str(exc)))
            return
        self.message.setText(
            self.tr("A new webhook token is on the clipboard; the old one no longer works once the inbox restarts.")
        )
