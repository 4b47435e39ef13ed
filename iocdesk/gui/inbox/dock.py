"""The inbox in the main window: a dock with the alerts, and the on/off logic from the settings.

It owns what the inbox needs for as long as it is on: its own Pulsedive client
(built like a run's, from the settings and the key), cache and history
handles. In demo mode it looks alerts up in the demo sandbox, so the inbox can
be tried without an account.
"""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from iocdesk.store import History, LookupCache, account_fingerprint
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.platform.credentials import KeyringUnavailable, get_key
from iocdesk.gui.app import DemoService
from iocdesk.gui.inbox.controller import InboxController
from iocdesk.gui.inbox.panel import InboxPanel
from iocdesk.gui.inbox.settings import InboxSettings
from iocdesk.gui.settings import AppSettings

log = logging.getLogger(__name__)


class InboxDock(QDockWidget):
    openRun = Signal(int)
    failed = Signal(str)  # plain words for the window's status line and notice

    def __init__(self, settings: AppSettings, *, demo: DemoService | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Alert inbox"), parent)
        self.setObjectName("inboxDock")
        self._settings, self._demo = settings, demo
        self.controller = InboxController(self)
        self.panel = InboxPanel(self.controller, self)
        self.setWidget(self.panel)
        self.panel.openRun.connect(self.openRun)
        self.controller.failed.connect(self.failed)
        self._owned: list = []  # client, cache, history of the running inbox
        self.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)

    def set_demo(self, demo: DemoService | None) -> None:
        """The window switched to demo data: the next start looks alerts up in the sandbox."""
        self._demo = demo

    @property
    def inbox_settings(self) -> InboxSettings:
        return InboxSettings(self._settings.qsettings)

    def start(self) -> bool:
        """Turn the inbox on as the settings say (webhook, folder); False with ``failed`` when it cannot."""
        if self.controller.running:
            return True
        s = self.inbox_settings
        if not s.active:
            self.failed.emit(self.tr("The inbox is off: turn on its webhook or a watched folder in Settings > Inbox."))
            return False
        if self._demo is not None:
            key, base_url = None, self._demo.base_url
        else:
            key, base_url = get_key().key, self._settings.api_base_url
            if not key:
                self.failed.emit(self.tr("The inbox needs a Pulsedive API key: add one in Settings (Ctrl+,)."))
                return False
        token = None
        if s.webhook_enabled:
            from iocdesk.inbox.token import inbox_token

            try:
                token = inbox_token()
            except KeyringUnavailable as exc:
                self.failed.emit(self.tr("The inbox webhook cannot start: {reason}").format(reason=str(exc)))
                return False
        kwargs = self._settings.client_kwargs()
        kwargs["base_url"] = base_url
        client = PulsediveClient(key, **kwargs)
        history = History()
        cache = None
        if self._settings.use_cache:
            cache = LookupCache(ttl=self._settings.cache_ttl_hours * 3600)
            cache.set_scope(account_fingerprint(key), base_url)
        self.controller.start(client, cache, history, options=s.options(self._settings.engine_options()),
                              webhook_port=s.port if s.webhook_enabled else None, token=token, folder=s.folder_path())
        if not self.controller.running:  # it said why (failed)
            self._close(client, cache, history)
            return False
        self._owned = [client, cache, history]
        if not self.isVisible():
            self.show()
            window = self.parentWidget()
            if hasattr(window, "resizeDocks"):  # a short strip: the results stay the main view
                window.resizeDocks([self], [max(160, window.height() // 4)], Qt.Orientation.Vertical)
        return True

    async def stop(self) -> None:
        await self.controller.stop()
        owned, self._owned = self._owned, []
        self._close(*owned)

    @staticmethod
    def _close(*resources) -> None:
        for resource in resources:
            if resource is not None:
                with contextlib.suppress(Exception):  # closing must not stop the window from closing
                    resource.close()
