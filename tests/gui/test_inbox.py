"""The alert inbox in the window: real webhook, real watched folder, real lookups against the sandbox."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
from PySide6.QtCore import QModelIndex, Qt, QThread
from PySide6.QtGui import QGuiApplication

from iocdesk.gui.inbox.panel import InboxBridge, InboxController, InboxPanel, Notifier
from iocdesk.gui.models.inbox import InboxColumn, InboxModel
from iocdesk.inbox.alert import Alert, AlertStatus
from iocdesk.inbox.service import InboxOptions
from iocdesk.indicators.results import Risk
from iocdesk.lookup.engine import EngineOptions
from iocdesk.lookup.limiter import RateLimits
from iocdesk.lookup.session import Connection, LookupSession, SessionConfig
from iocdesk.store import History, LookupCache, account_fingerprint
from tests.helpers.inbox_client import post_json

TOKEN = "gui-inbox-token-7c1e0a9b44d2"
FINAL = (AlertStatus.DONE, AlertStatus.FAILED, AlertStatus.DUPLICATE)


class World:
    """Sandbox, client, stores, a watched folder, and a controller with its panel."""

    def __init__(self, tmp_path, qtbot, sandbox) -> None:
        self.sandbox = sandbox

        self.history = History(tmp_path / "history.sqlite3")
        self.cache = LookupCache(tmp_path / "cache.sqlite3")
        self.cache.set_scope(account_fingerprint(None), self.sandbox.base_url)
        self.folder = tmp_path / "alerts"
        self.folder.mkdir()
        self.controller = InboxController(poll_interval=0.1, settle=0.2)
        self.panel = InboxPanel(self.controller)
        qtbot.addWidget(self.panel)
        self.fallbacks: list[tuple[str, str]] = []
        self.failures: list[str] = []
        self.controller.notifier.fallback.connect(lambda title, message: self.fallbacks.append((title, message)))
        self.controller.failed.connect(self.failures.append)
        self.options = InboxOptions()
        config = SessionConfig(
            connection=Connection(api_url=self.sandbox.base_url),
            engine=EngineOptions(limits=RateLimits(per_second=None)),
        )
        self.session = LookupSession(config, None, history=self.history, cache=self.cache)

    def start(self, *, port: int | None = 0, folder: bool = True) -> None:
        self.controller.start(
            self.session, options=self.options, webhook_port=port, token=TOKEN, folder=self.folder if folder else None
        )

    def domains(self, *risks: str) -> list[str]:
        return [r.indicator for r in self.sandbox.dataset.records("domain") if r.risk in risks and not r.retired]

    def close(self, qtbot) -> None:
        if self.controller.running:
            stopping = asyncio.ensure_future(self.controller.stop())
            qtbot.waitUntil(stopping.done, timeout=10_000)
        self.session.close()
        self.history.close()
        self.cache.close()


@pytest.fixture
def world(tmp_path, qtbot, qloop, make_sandbox):
    w = World(tmp_path, qtbot, make_sandbox(seed=4, per_day=1000))
    yield w
    w.close(qtbot)


@pytest.fixture
def slow_world(tmp_path, qtbot, qloop, make_sandbox):
    w = World(tmp_path, qtbot, make_sandbox(seed=4, per_day=1000, latency=5.0))
    yield w
    w.close(qtbot)


def post(url: str, document: dict, token: str = TOKEN) -> tuple[int, dict]:
    return post_json(url, document, token)


def post_in_background(qtbot, loop, url: str, document: dict) -> dict:
    """The POST blocks: run it in a worker while the qasync loop keeps serving the inbox."""
    future = loop.run_in_executor(None, post, url, document)
    qtbot.waitUntil(future.done, timeout=20_000)
    status, body = future.result()
    assert status == 202, body
    return body


def drop_file(folder, name: str, text: str) -> None:
    partial = folder / (name + ".part")  # ignored by the watcher until renamed
    partial.write_text(text, encoding="utf-8")
    partial.rename(folder / name)


def cell(model: InboxModel, row: int, column: InboxColumn, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column), role)


def test_webhook_and_folder_alerts_are_looked_up_shown_and_notified_once(world, qtbot, qloop):
    high = world.domains("critical")[:1] + world.domains("high")[:2]
    unknown = world.sandbox.dataset.unknown_values()[:2]
    world.start()
    url = world.controller.webhook_url
    assert world.controller.running and url.startswith("http://127.0.0.1:") and url.endswith("/alert")
    assert world.controller.folder == world.folder

    name = "EDR: beacon \u202etxt.exe"  # attacker-chosen text in the alert name
    sent = post_in_background(
        qtbot, qloop, url, {"title": name, "events": [{"dst": d.replace(".", "[.]")} for d in high]}
    )
    drop_file(world.folder, "phish.txt", "Phishing report\n" + "\n".join(unknown))

    model = world.panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 2 and all(a.status in FINAL for a in model.alerts()), timeout=20_000)
    qtbot.wait(200)  # a second (wrong) notification would have come by now
    newest, oldest = model.alerts()
    hooked, dropped = (oldest, newest) if oldest.id == sent["id"] else (newest, oldest)
    assert hooked.status is dropped.status is AlertStatus.DONE
    assert (hooked.indicators, hooked.worst_risk, hooked.counts) == (3, Risk.CRITICAL, {"found": 3})
    assert (dropped.indicators, dropped.worst_risk, dropped.source) == (2, None, "folder: phish.txt")
    assert (world.folder / "done" / "phish.txt").exists()

    row = model.row_of(hooked.id)
    assert cell(model, row, InboxColumn.IOCS) == "3" and cell(model, row, InboxColumn.RISK) == "critical"
    assert not cell(model, row, InboxColumn.RISK, Qt.ItemDataRole.DecorationRole).isNull()
    assert cell(model, row, InboxColumn.STATUS) == "done" and cell(model, row, InboxColumn.SOURCE) == "webhook"
    assert "\u202e" not in cell(model, row, InboxColumn.NAME) and "\\u202e" in cell(model, row, InboxColumn.NAME)
    folder_row = model.row_of(dropped.id)
    assert (cell(model, folder_row, InboxColumn.IOCS), cell(model, folder_row, InboxColumn.RISK)) == ("2", "")

    # exactly one notice, for the critical alert; offscreen there is no tray, so the fallback says it
    expected = ("iocdesk: critical-risk alert", "EDR: beacon \\u202etxt.exe: 3 IOCs, worst critical")
    assert world.controller.notifier.shown == [expected]
    assert world.fallbacks == [expected]

    status = world.panel.status_label.text()
    assert status.startswith(f"Inbox on: webhook {url}, watching ") and "0 queued" in status
    assert f"quota today: {world.session.client.quota.day} left" in status and world.session.client.quota.day < 1000

    # Open run: disabled without a selection, then the selected alert's run id
    assert not world.panel.open_button.isEnabled()
    assert world.panel.select_alert(hooked.id) and world.panel.open_button.isEnabled()
    with qtbot.waitSignal(world.panel.openRun, timeout=2000) as opened:
        qtbot.mouseClick(world.panel.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [hooked.run_id]
    _, saved = world.history.load_run(hooked.run_id)
    assert sorted(r.indicator for r in saved) == sorted(high)
    world.panel.select_alert(dropped.id)
    with qtbot.waitSignal(world.panel.openRun, timeout=2000) as opened:
        world.panel.view.doubleClicked.emit(world.panel.view.currentIndex())
    assert opened.args == [dropped.run_id] and dropped.run_id != hooked.run_id

    # the curl example names the URL, never the token
    qtbot.mouseClick(world.panel.curl_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert url in copied and "'<token>'" in copied and TOKEN not in copied
    curl = copied[copied.index("curl ") :]  # the header reaches curl on stdin, not on its command line
    assert "-H @-" in curl and "Authorization" not in curl
    assert world.failures == []


def test_stop_is_quick_frees_the_port_and_says_off(world, qtbot, qloop):
    world.start()
    port = int(world.controller.webhook_url.rsplit(":", 1)[1].split("/")[0])
    states: list[str] = []
    world.controller.stateChanged.connect(states.append)
    started = time.monotonic()
    stopping = asyncio.ensure_future(world.controller.stop())
    qtbot.waitUntil(stopping.done, timeout=10_000)
    assert time.monotonic() - started < 2.5  # ~0.5 s for the webhook's shutdown poll, on a loaded machine
    stopping.result()
    assert not world.controller.running and world.controller.webhook_url is None and world.controller.folder is None
    assert states == ["Inbox off"] and world.panel.status_label.text().startswith("Inbox off")
    assert not world.panel.curl_button.isEnabled()
    with socket.socket() as sock:  # the port is free again
        sock.bind(("127.0.0.1", port))
    # a file dropped now waits for the next start
    drop_file(world.folder, "later.txt", "x\n" + world.domains("high")[0])
    qtbot.wait(400)
    assert (world.folder / "later.txt").exists() and world.panel.model.rowCount() == 0


def test_stop_during_a_slow_lookup_is_quick_and_keeps_the_waiting_alert_in_history(slow_world, qtbot, qloop):
    world = slow_world
    world.start(folder=False)
    domains = world.domains("high")
    first = post_in_background(qtbot, qloop, world.controller.webhook_url, {"title": "one", "x": domains[:2]})
    second = post_in_background(qtbot, qloop, world.controller.webhook_url, {"title": "two", "x": domains[2:4]})
    qtbot.waitUntil(lambda: world.controller.inbox.find(first["id"]).status is AlertStatus.RUNNING, timeout=5000)
    assert "1 queued" in world.panel.status_label.text()
    started = time.monotonic()
    stopping = asyncio.ensure_future(world.controller.stop())
    qtbot.waitUntil(stopping.done, timeout=10_000)
    assert time.monotonic() - started < 3.0  # the lookups in flight take 5 s: they are not waited for
    assert world.controller.inbox.find(second["id"]).status is AlertStatus.QUEUED
    off = world.panel.status_label.text()
    assert off.startswith("Inbox off; 1 ") and "kept in the history" in off
    _meta, saved = world.history.load_run(second["run_id"])
    assert sorted(r.indicator for r in saved) == sorted(domains[2:4]) and all(r.status == "pending" for r in saved)


def test_a_port_in_use_fails_with_one_message_and_leaves_the_inbox_off(world, qtbot, qloop):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        states: list[str] = []
        world.controller.stateChanged.connect(states.append)
        world.start(port=port)
        assert len(world.failures) == 1 and str(port) in world.failures[0] and "in use" in world.failures[0]
        assert not world.controller.running and states == [] and world.controller.webhook_url is None
    # nothing was left half-started: the folder watcher did not run, and a new start works
    drop_file(world.folder, "waiting.txt", "x\n" + world.domains("high")[0])
    qtbot.wait(400)
    assert (world.folder / "waiting.txt").exists()
    world.start(port=port)
    assert world.controller.running and world.controller.webhook_url.endswith(f":{port}/alert")
    qtbot.waitUntil(lambda: world.panel.model.rowCount() == 1, timeout=10_000)


def test_no_token_or_missing_folder_fail_plainly(world, qtbot, qloop):
    world.controller.start(world.session, options=world.options, webhook_port=0, token=None, folder=None)
    world.controller.start(
        world.session, options=world.options, webhook_port=None, token=None, folder=world.folder / "missing"
    )
    assert len(world.failures) == 2 and "token" in world.failures[0] and "missing" in world.failures[1]
    assert not world.controller.running


def test_a_linked_done_folder_is_refused_with_its_reason(world, tmp_path, qtbot, qloop):
    (tmp_path / "elsewhere").mkdir()
    (world.folder / "done").symlink_to(tmp_path / "elsewhere")
    world.controller.start(world.session, options=world.options, webhook_port=None, token=None, folder=world.folder)
    assert len(world.failures) == 1 and "done/" in world.failures[0] and "link" in world.failures[0]
    assert not world.controller.running


def test_a_folder_others_can_write_is_watched_with_a_warning(world, qtbot, qloop):
    world.folder.chmod(0o777)
    world.controller.start(world.session, options=world.options, webhook_port=None, token=None, folder=world.folder)
    assert world.controller.running
    assert len(world.failures) == 1 and "other users can write" in world.failures[0]


def test_the_bridge_delivers_alerts_from_other_threads_in_the_gui_thread(qtbot, qapp):
    bridge = InboxBridge()
    seen: list[tuple[str, bool]] = []
    bridge.alertChanged.connect(lambda a: seen.append((a.id, QThread.currentThread() is qapp.thread())))
    alerts = [Alert(name=f"a{n}", source="webhook") for n in range(5)]
    workers = [threading.Thread(target=bridge.alert_changed, args=(a,)) for a in alerts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    qtbot.waitUntil(lambda: len(seen) == 5, timeout=2000)
    assert sorted(i for i, _ in seen) == sorted(a.id for a in alerts) and all(in_gui for _, in_gui in seen)


def test_the_model_shows_the_newest_first_refreshes_one_row_and_stays_bounded(qtbot, qapp):
    model = InboxModel(limit=3)
    first, second = Alert(name="first", source="webhook"), Alert(name="<b>second</b>\x1b[31m", source="folder: x.txt")
    model.upsert(first)
    model.upsert(second)
    assert [model.alert_at(r).name for r in range(2)] == [second.name, first.name]
    assert cell(model, 0, InboxColumn.NAME) == "<b>second</b>\\x1b[31m"
    assert "&lt;b&gt;" in cell(model, 0, InboxColumn.NAME, Qt.ItemDataRole.ToolTipRole)

    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda tl, br, *_: changed.append((tl.row(), tl.column(), br.row(), br.column())))
    first.status, first.error = AlertStatus.FAILED, "the Pulsedive key was rejected"
    model.upsert(first)
    assert changed == [(1, 0, 1, len(InboxColumn) - 1)] and model.rowCount() == 2
    assert cell(model, 1, InboxColumn.STATUS) == "failed"
    assert "key was rejected" in cell(model, 1, InboxColumn.STATUS, Qt.ItemDataRole.ToolTipRole)

    again = Alert(name="again", source="webhook", status=AlertStatus.DUPLICATE, duplicate_of=second.id)
    model.upsert(again)
    assert cell(model, 0, InboxColumn.STATUS) == f"duplicate (same IOCs as {second.id})"
    model.upsert(Alert(name="fourth", source="webhook"))  # over the limit: the oldest goes
    assert [a.name for a in model.alerts()] == ["fourth", "again", second.name]
    assert model.row_of(first.id) == -1 and model.row_of(second.id) == 2
    second.worst_risk = Risk.HIGH
    model.upsert(second)
    assert changed[-1][0] == 2 and cell(model, 2, InboxColumn.RISK) == "high"
    assert model.rowCount(model.index(0, 0)) == 0 and model.data(QModelIndex()) is None


def test_the_notifier_keeps_the_last_fifty(qtbot, qapp):
    notifier = Notifier()
    fallbacks: list[tuple[str, str]] = []
    notifier.fallback.connect(lambda t, m: fallbacks.append((t, m)))
    for n in range(60):
        notifier.notify("title", f"message {n}")
    assert len(notifier.shown) == 50 and notifier.shown[0] == ("title", "message 10") and len(fallbacks) == 60
