"""The inbox in the main window: a dock with the alerts, its Inbox menu, and the on/off logic
from the settings.

It owns what the inbox needs for as long as it is on: its own Pulsedive client
(built like a run's, from the settings and the key), cache and history
handles. In demo mode it looks alerts up in the demo sandbox, so the inbox can
be tried without an account.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from iocdesk.gui.demo import DemoService
from iocdesk.gui.inbox.controller import InboxController
from iocdesk.gui.inbox.panel import InboxPanel
from iocdesk.gui.inbox.settings import InboxSettings
from iocdesk.gui.settings import AppSettings
from iocdesk.gui.tasks import Tasks
from iocdesk.lookup.session import LookupSession, NoApiKey
from iocdesk.platform.credentials import KeyringUnavailable

log = logging.getLogger(__name__)


class InboxDock(QDockWidget):
    openRun = Signal(int)
    failed = Signal(str)  # plain words for the window's status line and notice

    def __init__(
        self, settings: AppSettings, *, demo: DemoService | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Alert inbox"), parent)
        self.setObjectName("inboxDock")
        self._settings, self._demo = settings, demo
        self.controller = InboxController(self)
        self.panel = InboxPanel(self.controller, self)
        self.setWidget(self.panel)
        self.panel.openRun.connect(self.openRun)
        self.controller.failed.connect(self.failed)
        self._session: LookupSession | None = None  # client, cache, history of the running inbox
        self._tasks: Tasks | None = None
        self.action: QAction | None = None  # Inbox > Receive alerts, once installed
        self.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)

    def install(self, window: QMainWindow, tasks: Tasks) -> QAction:
        """Dock it at the bottom of ``window`` (hidden until the inbox is on) and add the Inbox menu:
        on/off and show/hide. On at start when the settings say so, once the event loop runs."""
        self._tasks = tasks
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self.hide()
        action = self.action = QAction(self.tr("&Receive alerts (webhook, watched folder)"), self, checkable=True)
        action.toggled.connect(self._toggle)
        self.failed.connect(self._show_state)  # before the window's own handler: the check mark is right first
        menu = window.menuBar().addMenu(self.tr("&Inbox"))
        menu.addAction(action)
        menu.addAction(self.toggleViewAction())
        if self.inbox_settings.active:
            QTimer.singleShot(0, lambda: action.setChecked(True))
        return action

    def _toggle(self, on: bool) -> None:
        if on and not self.controller.running:
            self.start()
            self._show_state()
        elif not on and self._tasks is not None:
            self._tasks.spawn(self.stop(), name="inbox off")

    def _show_state(self, _message: str = "") -> None:
        """The menu's check mark says whether the inbox is on, without toggling it again."""
        if self.action is not None:
            with QSignalBlocker(self.action):
                self.action.setChecked(self.controller.running)

    def settings_applied(self) -> None:
        """New settings (port, folder, rules, token) take effect: off, then on again."""
        if self.controller.running and self._tasks is not None:
            self._tasks.spawn(self._restart(), name="inbox restart")

    async def _restart(self) -> None:
        await self.stop()
        self.start()
        self._show_state()

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
        demo_url = self._demo.base_url if self._demo is not None else None
        try:
            session = LookupSession.open(self._settings.session_config(demo_url))
        except NoApiKey:
            self.failed.emit(self.tr("The inbox needs a Pulsedive API key: add one in Settings (Ctrl+,)."))
            return False
        token = None
        if s.webhook_enabled:
            from iocdesk.inbox.token import inbox_token

            try:
                token = inbox_token()
            except KeyringUnavailable as exc:
                self.failed.emit(self.tr("The inbox webhook cannot start: {reason}").format(reason=str(exc)))
                session.close()
                return False
        self.controller.start(
            session,
            options=s.options(session.options),
            webhook_port=s.port if s.webhook_enabled else None,
            token=token,
            folder=s.folder_path(),
            settle=s.settle,
        )
        if not self.controller.running:  # it said why (failed)
            session.close()
            return False
        self._session = session
        if not self.isVisible():
            self.show()
            window = self.parentWidget()
            if hasattr(window, "resizeDocks"):  # a short strip: the results stay the main view
                window.resizeDocks([self], [max(160, window.height() // 4)], Qt.Orientation.Vertical)
        return True

    async def stop(self) -> None:
        await self.controller.stop()
        session, self._session = self._session, None
        if session is not None:
            session.close()  # never raises: closing must not stop the window from closing
