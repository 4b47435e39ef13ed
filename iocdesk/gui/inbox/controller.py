"""The alert inbox in the window: the Qt-free Inbox, its webhook and watched folder on the qasync loop.

- ``InboxBridge`` is the Inbox's listener: it turns ``alert_changed`` / ``notify``
  calls into signals. The inbox calls it from the webhook's request threads and
  the folder watcher's worker as well as from the loop; the bridge lives in the
  GUI thread, so Qt queues those emissions to it and slots run in the GUI thread.
- ``Notifier`` shows a tray message, or (no system tray, e.g. a bare X session
  or offscreen) emits ``fallback`` for an in-window notice.
- ``InboxController`` starts and stops it all and describes its state in one line.

Wiring, in the window::

    controller = InboxController(self)
    controller.notifier.fallback.connect(show_notice)  # (title, message), plain text
    controller.failed.connect(show_error)  # e.g. the port is in use
    controller.start(
        client, cache, history, options=InboxOptions(...), webhook_port=8765, token=inbox_token(), folder=None
    )
    ...
    await controller.stop()  # before closing cache and history
"""

from __future__ import annotations

import asyncio
import errno
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from iocdesk.inbox.alert import Alert
from iocdesk.inbox.folder import DEFAULT_SETTLE
from iocdesk.inbox.service import Inbox, InboxOptions
from iocdesk.indicators.display import reveal
from iocdesk.indicators.results import Risk
from iocdesk.lookup.session import LookupSession

log = logging.getLogger(__name__)

__all__ = ["InboxBridge", "InboxController", "Notifier"]

_STOP_WAIT = 3.0  # seconds stop() waits for the inbox and the watcher before cancelling them


class InboxBridge(QObject):
    """The Inbox listener protocol as signals; callable from any thread."""

    alertChanged = Signal(object)  # Alert
    alertNotified = Signal(object)  # Alert whose worst risk reached notify_min_risk

    def alert_changed(self, alert: Alert) -> None:
        self.alertChanged.emit(alert)

    def notify(self, alert: Alert) -> None:
        self.alertNotified.emit(alert)


class Notifier(QObject):
    """Tray messages when there is a system tray, else ``fallback(title, message)``; both plain text."""

    fallback = Signal(str, str)
    messageClicked = Signal()  # the analyst clicked a tray message: raise the window
    KEEP = 50

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shown: list[tuple[str, str]] = []  # the last KEEP notifications, oldest first
        self._tray: QSystemTrayIcon | None = None
        self._active = False

    def set_active(self, active: bool) -> None:
        """The tray icon is visible only while the inbox is on."""
        self._active = active
        if self._tray is not None:
            self._tray.setVisible(active)

    def notify(self, title: str, message: str) -> None:
        self.shown.append((title, message))
        del self.shown[: -self.KEEP]
        tray = self._tray_icon() if self._active else None
        if tray is None:  # no tray here, or a late notice after the inbox went off
            self.fallback.emit(title, message)
            return
        tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, 15000)

    def _tray_icon(self) -> QSystemTrayIcon | None:
        if not (QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages()):
            return None
        if self._tray is None:
            icon = QApplication.windowIcon()
            if icon.isNull():
                icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self._tray = QSystemTrayIcon(icon, self)
            self._tray.setToolTip(self.tr("iocdesk alert inbox"))
            self._tray.messageClicked.connect(self.messageClicked)
        self._tray.show()
        return self._tray


class InboxController(QObject):
    """Owns the running inbox, its webhook and its folder watcher (see the module docstring)."""

    stateChanged = Signal(str)  # one plain line: "Inbox on: webhook ..., watching ..., 2 queued" / "Inbox off"
    failed = Signal(str)  # plain words: the port is in use, the folder is gone, an unexpected error

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        notifier: Notifier | None = None,
        poll_interval: float = 1.0,
        settle: float | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = InboxBridge(self)
        self.notifier = notifier if notifier is not None else Notifier(self)
        self._poll_interval = poll_interval
        self._settle = settle  # None: start()'s, from the settings (a test sets a short one here)
        self._inbox: Inbox | None = None
        self._hook = None  # WebhookServer
        self._folder: Path | None = None
        self._halt: asyncio.Event | None = None  # stops the folder watcher
        self._tasks: list[asyncio.Future] = []
        self._stopping: asyncio.Future | None = None
        self._state = self.tr("Inbox off")
        self.bridge.alertChanged.connect(self._alert_changed)
        self.bridge.alertNotified.connect(self._alert_notified)

    # -- state ----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return bool(self._tasks) and self._stopping is None

    @property
    def inbox(self) -> Inbox | None:
        """The running inbox, or the last one (its alerts stay readable after stop)."""
        return self._inbox

    @property
    def webhook_url(self) -> str | None:
        return self._hook.url if self._hook is not None else None

    @property
    def folder(self) -> Path | None:
        return self._folder if self.running else None

    @property
    def state(self) -> str:
        return self._state

    def _emit_state(self) -> None:
        if self.running and self._inbox is not None:
            parts = []
            if self._hook is not None:
                parts.append(self.tr("webhook {url}").format(url=self._hook.url))
            if self._folder is not None:
                parts.append(self.tr("watching {folder}").format(folder=_short_path(self._folder)))
            parts.append(self.tr("%n queued", "", self._inbox.queued))
            state = self.tr("Inbox on: {parts}").format(parts=", ".join(parts))
        elif self._inbox is not None and self._inbox.queued:
            state = self.tr("Inbox off; %n alerts not looked up yet are kept in the history", "", self._inbox.queued)
        else:
            state = self.tr("Inbox off")
        self._state = state
        self.stateChanged.emit(state)

    # -- start / stop -----------------------------------------------------------------------------
    def start(
        self,
        session: LookupSession,
        *,
        options: InboxOptions,
        webhook_port: int | None,
        token: str | None,
        folder: Path | None,
        settle: float = DEFAULT_SETTLE,
    ) -> None:
        """Start on the running (qasync) loop. A problem (port in use, no folder) emits ``failed``
        once and leaves the inbox off; calling it while on is a programming error."""
        if self.running or self._stopping is not None:
            raise RuntimeError("the inbox is already on")
        if webhook_port is None and folder is None:
            self.failed.emit(
                self.tr("The inbox has nothing to listen to: turn on the webhook or choose a folder to watch.")
            )
            return
        loop = asyncio.get_running_loop()  # RuntimeError outside the qasync loop
        inbox = Inbox.from_session(session, options, listener=self.bridge)
        hook = watcher = None
        if folder is not None:  # first: a watcher holds nothing yet, a webhook holds its port
            watcher = self._watcher(inbox, Path(folder), settle if self._settle is None else self._settle)
            if watcher is None:
                return
        if webhook_port is not None:
            hook = self._webhook(inbox, token, webhook_port)
            if hook is None:
                return
        self._inbox, self._hook, self._folder = inbox, hook, Path(folder) if folder is not None else None
        self._halt = asyncio.Event()
        self._tasks = [loop.create_task(inbox.serve())]
        if watcher is not None:
            self._tasks.append(loop.create_task(watcher.run(self._halt)))
        for task in self._tasks:
            task.add_done_callback(self._task_ended)
        if hook is not None:
            hook.start()
        self.notifier.set_active(True)
        log.info("inbox on: webhook %s, folder %s", self.webhook_url, self._folder)
        self._emit_state()

    def _webhook(self, inbox: Inbox, token: str | None, port: int):
        from iocdesk.inbox.webhook import WebhookServer

        try:
            return WebhookServer(inbox.submit_text, token or "", port=port, lookup=inbox.find)
        except ValueError:  # no token, or one too short to be safe
            self.failed.emit(self.tr("The inbox webhook has no usable token. Create a new token in Settings."))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = self.tr(
                    "The inbox webhook cannot start: port {port} on 127.0.0.1 is already in use "
                    "by another program. Choose another port in Settings."
                )
            else:
                message = self.tr("The inbox webhook cannot listen on 127.0.0.1:{port}: {reason}.")
            self.failed.emit(message.format(port=port, reason=reveal(exc.strerror or exc, limit=200)))
        return None

    def _watcher(self, inbox: Inbox, folder: Path, settle: float):
        from iocdesk.inbox.folder import FolderAlert, FolderWatcher
        from iocdesk.platform.safe_files import UnsafePathError

        def submit(a: FolderAlert) -> None:  # the watcher wants no result; inbox.submit() returns the Alert
            inbox.submit(a.name, a.indicators, a.source)

        try:
            watcher = FolderWatcher(folder, submit, poll_interval=self._poll_interval, settle=settle)
        except UnsafePathError as exc:  # done/ or failed/ is a link or another user's: it says which
            self.failed.emit(
                self.tr("The inbox cannot watch {folder}: {reason}").format(
                    folder=reveal(folder, limit=300), reason=reveal(str(exc), limit=400)
                )
            )
            return None
        except OSError:  # missing, or not a folder
            self.failed.emit(
                self.tr("The inbox cannot watch {folder}: it does not exist or is not a folder.").format(
                    folder=reveal(folder, limit=300)
                )
            )
            return None
        if watcher.notice:  # other users can write the folder: the analyst should know
            self.failed.emit(reveal(watcher.notice, limit=400))
        return watcher

    async def stop(self) -> None:
        """Stop the webhook and the watcher, and the inbox after the alert in progress (about a
        second); alerts not looked up yet stay in the history. Safe to call twice or when off."""
        if self._stopping is None:
            if not self._tasks:
                return
            self._stopping = asyncio.ensure_future(self._shutdown())
        await asyncio.shield(self._stopping)

    async def _shutdown(self) -> None:
        loop = asyncio.get_running_loop()
        hook, tasks = self._hook, self._tasks
        try:
            if self._halt is not None:
                self._halt.set()
            if self._inbox is not None:
                self._inbox.stop()
            # The webhook's shutdown blocks up to half a second (its poll): off the GUI thread,
            # while the inbox and the watcher wind down.
            closing = loop.run_in_executor(None, hook.stop) if hook is not None else None
            _, pending = await asyncio.wait(tasks, timeout=_STOP_WAIT)
            for task in pending:
                log.warning("inbox: %r did not stop in %.0f s; cancelled", task, _STOP_WAIT)
                task.cancel()
            if closing is not None:
                await closing
        finally:
            self._hook, self._halt, self._tasks, self._stopping = None, None, [], None
            self.notifier.set_active(False)
            log.info("inbox off")
            self._emit_state()

    def _task_ended(self, task: asyncio.Future) -> None:
        if task.cancelled() or task.exception() is None or self._stopping is not None:
            return
        log.error("inbox: a task ended unexpectedly", exc_info=task.exception())
        self.failed.emit(self.tr("The alert inbox stopped because of an unexpected error. The details are in the log."))
        if self._tasks:  # the rest stops too; kept in _stopping, which stop() awaits
            self._stopping = asyncio.ensure_future(self._shutdown())

    # -- from the inbox ---------------------------------------------------------------------------
    def _alert_changed(self, _alert: Alert) -> None:
        if self.running:
            self._emit_state()  # the queued count

    def _alert_notified(self, alert: Alert) -> None:
        risk = alert.worst_risk
        if risk is Risk.CRITICAL:
            title = self.tr("iocdesk: critical-risk alert")
        elif risk is Risk.HIGH:
            title = self.tr("iocdesk: high-risk alert")
        else:
            title = self.tr("iocdesk: {risk}-risk alert").format(risk=reveal(risk))
        message = self.tr("{name}: %n IOCs, worst {risk}", "", alert.indicators)
        self.notifier.notify(title, message.format(name=reveal(alert.name, limit=100), risk=reveal(risk)))


def _short_path(path: Path) -> str:
    """``~/alerts`` for a folder under the home directory; hidden characters shown escaped."""
    try:
        inside = path.expanduser().resolve().relative_to(Path.home().resolve()).as_posix()
        shown = "~" if inside == "." else "~/" + inside
    except (ValueError, OSError, RuntimeError):
        shown = str(path)
    return reveal(shown, limit=200)
