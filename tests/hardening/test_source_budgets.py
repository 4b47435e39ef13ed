"""Issue 14, item 8: the watched folder cannot starve the SIEM's webhook.

Before, the folder and the webhook shared one allowance of 30 alerts a minute:
anyone who could write the folder dropped 30 files and the SIEM's next alert got
429 with Retry-After 42. Now each source has its own allowance and its own share
of the queue, and lookups take the sources in turn, so a folder backlog delays
a webhook alert by one alert at most. Real files, a real webhook on loopback,
lookups against the sandbox; bounded by a 20 s wait.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.inbox.alert import AlertStatus
from iocdesk.inbox.folder import FolderAlert, FolderWatcher
from iocdesk.inbox.queues import InboxBusy, SourceQueues, source_kind
from iocdesk.inbox.service import Inbox, InboxOptions
from iocdesk.lookup.engine import EngineOptions
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.store import History
from tests.helpers.clock import FakeClock
from tests.inbox.test_webhook import LiveInbox, post


def test_source_kinds():
    assert source_kind("webhook") == "webhook"
    assert source_kind("folder: report: final.csv") == "folder"
    assert source_kind("  ") == "other"


def test_each_source_has_its_own_allowance_and_queue_share():
    queues: SourceQueues[str] = SourceQueues(per_minute=3, max_waiting=5)
    for n in range(3):
        queues.admit("folder: f.txt", now=float(n))
    with pytest.raises(InboxBusy) as busy:
        queues.admit("folder: g.txt", now=10.0)
    assert busy.value.retry_after == 51 and "from the folder" in str(busy.value)
    queues.admit("webhook", now=10.0)  # the folder's minute is spent, the webhook's is not
    queues.admit("folder: h.txt", now=60.5)  # the first folder alert left the window


def test_a_full_queue_of_one_source_does_not_refuse_another():
    queues: SourceQueues[str] = SourceQueues(per_minute=100, max_waiting=2)
    for name in ("a", "b"):
        queues.admit(f"folder: {name}", now=0)
        queues.put(f"folder: {name}", name)
    with pytest.raises(InboxBusy, match="2 alerts from the folder are waiting"):
        queues.admit("folder: c", now=0)
    queues.admit("webhook", now=0)


def test_sources_are_taken_in_turn():
    queues: SourceQueues[str] = SourceQueues(per_minute=100, max_waiting=100)
    for n in range(5):
        queues.put("folder: x", f"file{n}")
    queues.put("webhook", "siem1")
    queues.put("webhook", "siem2")
    order = [queues.take() for _ in range(len(queues))]
    assert order == ["file0", "siem1", "file1", "siem2", "file2", "file3", "file4"]
    assert queues.take() is None and len(queues) == 0


@pytest.fixture
def live(tmp_path, make_sandbox):
    inbox = LiveInbox(tmp_path, make_sandbox(seed=4), max_per_minute=3)
    yield inbox
    inbox.close()


def test_a_flooded_folder_leaves_the_webhook_open(live, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    for n in range(6):  # an attacker with write access to the folder floods it
        (folder / f"flood{n}.txt").write_text(f"198.51.100.{n + 1}\n")
    clock = FakeClock()

    def submit(alert: FolderAlert) -> None:
        live.inbox.submit(alert.name, alert.indicators, alert.source)

    watcher = FolderWatcher(folder, submit, settle=0, clock=clock)
    taken = watcher.scan_once()
    assert len(taken) == 3  # the folder's allowance; the rest wait in the folder, nothing is lost
    assert len(list(folder.glob("flood*.txt"))) == 3 and watcher.scan_once() == []  # paused, nothing lost

    values = live.sandbox.dataset.known_values("domain")[:2]
    body = json.dumps({"title": "SIEM: beacon", "events": [{"dst": v} for v in values]}).encode()
    status, answer = post(live.hook.url, body)
    assert status == 202, answer  # before: 429 Retry-After 42
    assert live.wait_done(answer["id"])["status"] == "done"
    for n in range(2):
        body = json.dumps({"title": f"SIEM {n}", "ip": f"192.0.2.{n + 10}"}).encode()
        assert post(live.hook.url, body)[0] == 202
    status, answer = post(live.hook.url, json.dumps({"title": "4th", "ip": "192.0.2.99"}).encode())
    assert status == 429 and "from the webhook" in answer["error"]  # its own allowance still holds
    assert len(list(folder.glob("flood*.txt"))) == 3  # still waiting for the folder's next minute


def test_lookups_alternate_between_sources(tmp_path, make_sandbox):
    """Five folder alerts queued before one webhook alert: the webhook's runs second, not sixth."""
    sandbox = make_sandbox(seed=4)
    client = PulsediveClient(None, base_url=sandbox.base_url)
    history = History(tmp_path / "history.sqlite3")
    started: list[str] = []

    class Listener:
        def alert_changed(self, alert) -> None:
            if alert.status is AlertStatus.RUNNING:
                started.append(alert.source)

        def notify(self, alert) -> None:
            pass

    engine = EngineOptions(limits=RateLimits(per_second=None), concurrency=2)
    inbox = Inbox(client, InboxOptions(engine=engine), history=history, listener=Listener())
    try:
        values = sandbox.dataset.known_values("domain")
        for n in range(5):
            collector = IndicatorCollector()
            collector.add_text(values[n])
            inbox.submit(f"file {n}", collector.results(), f"folder: f{n}.txt")
        collector = IndicatorCollector()
        collector.add_text(values[9])
        inbox.submit("SIEM", collector.results(), "webhook")

        async def drain() -> None:
            task = asyncio.ensure_future(inbox.serve())
            for _ in range(400):
                if len(started) == 6 and all(a.status is AlertStatus.DONE for a in inbox.alerts):
                    break
                await asyncio.sleep(0.05)
            inbox.stop()
            await task

        asyncio.run(drain())
    finally:
        client.close()
        history.close()
    assert started[:2] == ["folder: f0.txt", "webhook"]
    assert len(started) == 6
