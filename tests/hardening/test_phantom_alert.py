"""Issue 14, item 3: an alert that could not be recorded leaves no phantom behind.

Before, ``Inbox.submit`` recorded an alert's IOC set for duplicate detection (and
listed it as queued) before writing its planned run to history. When that write
failed (a lone surrogate in the title raised UnicodeEncodeError), the webhook
dropped the connection without an answer, yet the next clean alert with the same
IOCs came back ``duplicate`` of an alert that never ran, and the phantom stayed
``queued`` forever. Now an alert counts for duplicates only once its run is in
history, a failed write is answered 500 with a JSON reason, and every text field
of an alert is stored as UTF-8 can carry it.

The history write failure is a fake (``FailingOnceHistory``, named as such): the
real History already stores surrogates as U+FFFD, so the failure is forced once
to prove the ordering, whatever a future write may raise. Bounded: a few
loopback requests against the sandbox, a 20 s wait at most.
"""

from __future__ import annotations

import json
import socket

import pytest

from iocdesk.inbox.alert import Alert, AlertStatus
from iocdesk.inbox.service import Inbox
from iocdesk.inbox.webhook import WebhookServer
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.store import History, RunMeta
from tests.inbox.test_webhook import TOKEN, LiveInbox, post


class FailingOnceHistory(History):
    """A fake: the real History whose first ``start_run`` raises as a surrogate once made it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fail_next = True

    def start_run(self, meta: RunMeta) -> int:
        if self.fail_next:
            self.fail_next = False
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return super().start_run(meta)


@pytest.fixture
def live(tmp_path, make_sandbox):
    inbox = LiveInbox(tmp_path, make_sandbox(seed=4))
    inbox.history.close()
    inbox.history = FailingOnceHistory(tmp_path / "failing.sqlite3")
    inbox.inbox._history = inbox.history
    yield inbox
    inbox.close()


def _body(live: LiveInbox, title: str) -> bytes:
    values = live.sandbox.dataset.known_values("domain")[:3]
    return json.dumps({"title": title, "events": [{"dst": v} for v in values]}, ensure_ascii=True).encode()


def test_a_failed_alert_is_answered_and_the_next_clean_one_is_not_its_duplicate(live):
    status, answer = post(live.hook.url, _body(live, "EDR \ud800 beacon"))
    assert status == 500 and "could not be recorded" in answer["error"]
    assert live.inbox.alerts == [] and live.inbox.queued == 0  # no phantom left queued

    status, answer = post(live.hook.url, _body(live, "EDR beacon"))
    assert status == 202 and answer["status"] in ("queued", "running") and answer["duplicate_of"] is None
    done = live.wait_done(answer["id"])
    assert done["status"] == "done" and done["counts"] == {"found": 3}

    status, again = post(live.hook.url, _body(live, "EDR beacon, again"))
    assert status == 202 and again["status"] == "duplicate" and again["duplicate_of"] == answer["id"]


def test_a_raw_request_gets_an_answer_not_a_dropped_connection(live):
    body = _body(live, "x \ud800")
    head = (
        f"POST /alert HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", live.hook.port), timeout=10) as conn:
        conn.sendall(head + body)
        reply = conn.recv(65536)
    assert reply.startswith(b"HTTP/1.0 500") or reply.startswith(b"HTTP/1.1 500"), reply[:80]


def test_every_text_field_of_an_alert_is_utf8(tmp_path):
    alert = Alert(name="EDR \ud800", source="folder: \udcff.txt")
    for value in (alert.name, alert.source):
        value.encode("utf-8")  # strict: a surrogate would raise
    assert alert.name == "EDR \ufffd" and alert.source == "folder: \ufffd.txt"

    history = History(tmp_path / "h.sqlite3")
    inbox = Inbox(PulsediveClient(None, base_url="http://127.0.0.1:9"), history=history)
    try:
        from iocdesk.extraction.extract import IndicatorCollector

        collector = IndicatorCollector()
        collector.add_text("evil.example.com 8.8.8.8")
        first = inbox.submit("\udc80 rule", collector.results(), "folder: \udc80")
        assert first.status is AlertStatus.QUEUED and first.name == "\ufffd rule"
        assert json.dumps(first.name, ensure_ascii=False).encode("utf-8")
    finally:
        history.close()
        inbox.client.close()


def test_the_webhook_server_answers_500_for_any_failed_submit():
    def broken(name: str, text: str, source: str) -> Alert:
        raise RuntimeError("disk full")

    with WebhookServer(broken, TOKEN) as hook:
        status, answer = post(hook.url, b'{"title": "x", "ip": "8.8.8.8"}')
    assert status == 500 and "could not be recorded" in answer["error"] and "disk full" not in answer["error"]
