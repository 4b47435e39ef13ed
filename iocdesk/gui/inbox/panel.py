"""The alert inbox panel: every alert the inbox took, its state, and a way to its run.

``InboxPanel(controller)`` shows the controller's alerts (``InboxModel``) and a
status line (inbox state and today's Pulsedive quota); "Open run" (or a
double-click) emits ``openRun(run_id)`` for the window to show that run from
the history; "Copy curl example" puts a ready-to-edit ``curl`` command for the
webhook on the clipboard, with ``<token>`` in place of the token, which is never
copied or shown here. The controller, bridge and notifier live in
:mod:`iocdesk.gui.inbox.controller` and are re-exported here::

    panel = InboxPanel(controller, parent=window)
    panel.openRun.connect(window.reopen_run)
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from iocdesk.gui.inbox.controller import InboxBridge, InboxController, Notifier
from iocdesk.gui.models.common import SortRole
from iocdesk.gui.models.inbox import InboxColumn, InboxModel
from iocdesk.gui.widgets.tables import row_table
from iocdesk.inbox.alert import Alert

__all__ = ["InboxBridge", "InboxController", "InboxPanel", "Notifier", "curl_example"]

TOKEN_PLACEHOLDER = "<token>"


def curl_example(url: str) -> str:
    """A POST of a small JSON alert to ``url``, with the token left for the analyst to paste.

    The header goes to curl on its standard input (``-H @-``), written by the shell's built-in
    printf: on curl's command line the token would be readable by every local user
    (``/proc/<pid>/cmdline``)."""
    body = json.dumps({"title": "test alert", "events": [{"dst": "example.com"}]})
    return (
        f"printf 'Authorization: Bearer %s\\n' '{TOKEN_PLACEHOLDER}' | "
        f"curl --noproxy '*' -X POST '{url}' -H @- "
        f"-H 'Content-Type: application/json' "
        f"-d '{body}'"
    )


class InboxPanel(QWidget):
    """The inbox's alerts, newest first (sortable by any column)."""

    openRun = Signal(int)  # the selected alert's run id, for the window to show from the history

    def __init__(self, controller: InboxController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxPanel")
        self.setAccessibleName(self.tr("Alert inbox"))
        self.controller = controller
        self.model = InboxModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self._build()
        controller.bridge.alertChanged.connect(self.model.upsert)
        controller.stateChanged.connect(self.refresh_status)
        self.model.dataChanged.connect(lambda *_: self._update_buttons())
        self.model.rowsInserted.connect(lambda *_: self._update_buttons())
        self.refresh_status()

    def _build(self) -> None:
        self.status_label = QLabel(self, objectName="inboxStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(self.tr("Inbox status"))

        widths = {
            InboxColumn.RECEIVED: 90,
            InboxColumn.SOURCE: 150,
            InboxColumn.NAME: 260,
            InboxColumn.IOCS: 50,
            InboxColumn.RISK: 100,
        }
        self.view = row_table(
            self,
            self.proxy,
            name="inboxTable",
            accessible_name=self.tr("Alerts received, newest first"),
            widths=widths,
            interactive=InboxColumn.NAME,
        )
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(InboxColumn.RECEIVED, Qt.SortOrder.DescendingOrder)

        self.open_button = QPushButton(self.tr("&Open run"), self, objectName="openRunButton")
        self.open_button.setAccessibleName(self.tr("Open the selected alert's run"))
        self.open_button.setToolTip(self.tr("Show this alert's results from the history (or double-click the alert)"))
        self.curl_button = QPushButton(self.tr("Copy &curl example"), self, objectName="copyCurlButton")
        self.curl_button.setAccessibleName(self.tr("Copy a curl command that posts a test alert"))
        self.curl_button.setToolTip(
            self.tr(
                "Copies a curl command for the webhook; paste the token from "
                "Settings in place of <token> (the token itself is not copied)"
            )
        )

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.curl_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self.open_button.clicked.connect(self.open_selected)
        self.curl_button.clicked.connect(self.copy_curl)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

    # -- state ------------------------------------------------------------------------------------
    def selected_alert(self) -> Alert | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.alert_at(self.proxy.mapToSource(rows[0]).row())

    def select_alert(self, alert_id: str) -> bool:
        row = self.model.row_of(alert_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectRow(index.row())
        self.view.setCurrentIndex(index)
        return True

    def refresh_status(self, *_args) -> None:
        """The controller's state, and today's Pulsedive quota once a response told it."""
        text = self.controller.state
        inbox = self.controller.inbox
        quota = inbox.client.quota if inbox is not None else None
        if quota is not None and quota.day is not None:
            text = self.tr("{state} · quota today: {left} left").format(state=text, left=quota.day)
        self.status_label.setText(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        alert = self.selected_alert()
        self.open_button.setEnabled(alert is not None and alert.run_id is not None)
        self.curl_button.setEnabled(self.controller.webhook_url is not None)

    # -- actions ----------------------------------------------------------------------------------
    def open_selected(self) -> None:
        alert = self.selected_alert()
        if alert is not None and alert.run_id is not None:
            self.openRun.emit(alert.run_id)

    def curl_text(self) -> str:
        url = self.controller.webhook_url
        return curl_example(url) if url else ""

    def copy_curl(self) -> None:
        text = self.curl_text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.status_label.setText(
                self.tr("{state} · curl example copied: replace <token> with the token from Settings").format(
                    state=self.controller.state
                )
            )
