"""The inbox in the main window: on from the settings, alerts arriving, the notification, the run, off on close."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

from iocdesk.gui.demo import demo_service
from iocdesk.gui.inbox.settings import InboxSettings
from iocdesk.inbox.alert import AlertStatus
from iocdesk.indicators.results import Status
from tests.helpers.inbox_client import post_json

TOKEN = "window-inbox-token-3e9f1c7a5b"


@pytest.fixture
def ini(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def post(url: str, document: dict) -> dict:
    status, body = post_json(url, document, TOKEN)
    assert status == 202, body
    return body


def test_window_turns_the_inbox_on_from_settings_and_off_on_close(
    qtbot, tmp_path, ini, monkeypatch, unused_port, make_window
):
    monkeypatch.setenv("IOCDESK_INBOX_TOKEN", TOKEN)
    drop = tmp_path / "drop"
    drop.mkdir()
    inbox = InboxSettings(ini)
    inbox.webhook_enabled, inbox.port = True, unused_port
    inbox.folder_enabled, inbox.folder = True, str(drop)
    inbox.settle = 1  # the window's watcher takes the setting (5 s by default)
    with demo_service() as demo:
        win = make_window(demo=demo, settings=ini, basedir="base")
        dock = win.inbox_dock
        qtbot.waitUntil(lambda: dock.controller.running, timeout=5000)
        assert win.inbox_action.isChecked() and dock.isVisible()
        assert dock.controller.webhook_url == f"http://127.0.0.1:{unused_port}/alert"
        values = demo.sample_text.split()  # the demo alert's own IOCs are in the sandbox
        answer = None

        async def send() -> None:
            nonlocal answer
            document = {"title": "EDR: beacon", "text": demo.sample_text}
            answer = await asyncio.get_running_loop().run_in_executor(None, post, dock.controller.webhook_url, document)

        task = asyncio.ensure_future(send())
        qtbot.waitUntil(task.done, timeout=10000)
        assert answer["status"] in ("queued", "running") and values
        model = dock.panel.model
        qtbot.waitUntil(lambda: model.rowCount() == 1 and model.alert_at(0).status is AlertStatus.DONE, timeout=30000)
        alert = model.alert_at(0)
        assert alert.worst_risk is not None and alert.indicators >= 10
        # a high/critical alert: the notification (offscreen has no tray: the window's status line)
        qtbot.waitUntil(lambda: "risk alert" in win.status.text(), timeout=5000)
        assert "EDR: beacon" in win.status.text()
        # the alert's run opens in the results table
        dock.panel.select_alert(alert.id)
        dock.panel.open_selected()
        assert win.results.rowCount() == alert.counts.get("found", 0) + sum(
            n for s, n in alert.counts.items() if s != "found"
        )
        assert Status.FOUND in {win.results.result_at(r).status for r in range(win.results.rowCount())}
        # a file dropped into the watched folder is an alert too
        (drop / "report.txt").write_text("seen " + demo.sample_text, encoding="utf-8")
        qtbot.waitUntil(lambda: (drop / "done" / "report.txt").exists(), timeout=15000)
        qtbot.waitUntil(
            lambda: model.rowCount() == 2 and model.alert_at(0).status is AlertStatus.DUPLICATE, timeout=10000
        )  # the same IOCs as the webhook's alert: not looked up again
        started = time.monotonic()
        win.close()
        qtbot.waitUntil(lambda: not dock.controller.running and not win.isVisible(), timeout=5000)
        assert time.monotonic() - started < 3
    with socket.socket() as sock:  # the port is free for a server again (TIME_WAIT allowed, as servers do)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", unused_port))
        sock.listen()


def test_menu_toggle_without_any_input_says_what_to_do(ini, make_window):
    from PySide6.QtWidgets import QMessageBox

    win = make_window(settings=ini, basedir="base", show=False)
    win.inbox_action.setChecked(True)
    assert not win.inbox_action.isChecked() and not win.inbox_dock.controller.running
    notices = [b for b in win.findChildren(QMessageBox) if b.objectName() == "notice"]
    assert len(notices) == 1 and "Settings > Inbox" in notices[0].text()


def test_settings_inbox_tab_round_trip_rules_and_token(qtbot, qloop, tmp_path, ini, memory_keyring, monkeypatch):
    from iocdesk.gui.dialogs.settings import SettingsDialog
    from iocdesk.gui.settings import AppSettings

    monkeypatch.delenv("IOCDESK_INBOX_TOKEN", raising=False)
    settings = AppSettings(ini)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    tab = dialog.inbox_tab
    assert not tab.webhook.isChecked() and tab.port.value() == 8765 and not tab.folder_on.isChecked()
    assert tab.settle.value() == 5
    tab.settle.setValue(12)
    tab.webhook.setChecked(True)
    tab.port.setValue(9911)
    tab.rules.setPlainText("EDR:*=chat:soc\nnot a rule")
    assert not dialog.apply()
    from PySide6.QtWidgets import QLabel

    error = dialog.findChild(QLabel, "settingsError").text()
    assert "not a rule" in error and "GLOB=draft:DIR" in error
    assert InboxSettings(ini).rules == [] and not InboxSettings(ini).webhook_enabled  # nothing half-saved
    tab.rules.setPlainText(f"EDR:*=chat:soc\n*=draft:{tmp_path}")
    assert dialog.apply()
    saved = InboxSettings(ini)
    assert saved.settle == 12
    assert saved.webhook_enabled and saved.port == 9911 and saved.rules == ["EDR:*=chat:soc", f"*=draft:{tmp_path}"]
    assert [r.chat or r.draft_dir for r in saved.options(settings.engine_options()).rules] == ["soc", str(tmp_path)]
    tab.copy_token_to_clipboard()
    token = QGuiApplication.clipboard().text()
    assert len(token) >= 32 and memory_keyring.passwords[("iocdesk", "inbox-webhook-token")] == token
    assert (
        token not in tab.message.text()
        and token not in ini.fileName()
        and token not in Path(ini.fileName()).read_text()
    )
    tab.make_new_token()
    assert QGuiApplication.clipboard().text() != token
