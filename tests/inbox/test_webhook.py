"""The inbox and its local webhook: real HTTP requests on loopback, real lookups against the sandbox."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from iocdesk.inbox.alert import MAX_BODY, AlertError, AlertStatus, read_body
from iocdesk.inbox.queues import InboxBusy
from iocdesk.inbox.service import Inbox, InboxOptions, Rule
from iocdesk.inbox.webhook import WebhookServer
from iocdesk.indicators.results import Risk
from iocdesk.lookup.engine import EngineOptions
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.store import History, LookupCache, account_fingerprint
from tests.helpers.inbox_client import get_json, post_bytes

TOKEN = "inbox-test-token-5f2b9c0e7d1a"


class Recorder:
    def __init__(self) -> None:
        self.changes: list[tuple[str, str]] = []
        self.notified: list[str] = []
        self.finished = threading.Event()

    def alert_changed(self, alert) -> None:
        self.changes.append((alert.id, str(alert.status)))

    def notify(self, alert) -> None:
        self.notified.append(alert.id)


class LiveInbox:
    """An Inbox serving on its own asyncio loop in a thread, a webhook in front, the sandbox behind."""

    def __init__(self, tmp_path, sandbox, **options) -> None:
        self.sandbox = sandbox
        self.client = PulsediveClient(None, base_url=self.sandbox.base_url)
        self.history = History(tmp_path / "history.sqlite3")
        self.cache = LookupCache(tmp_path / "cache.sqlite3")
        self.cache.set_scope(account_fingerprint(None), self.sandbox.base_url)
        engine = EngineOptions(limits=RateLimits(per_second=None), concurrency=4)
        self.recorder = Recorder()
        self.inbox = Inbox(
            self.client,
            InboxOptions(engine=engine, **options),
            history=self.history,
            cache=self.cache,
            listener=self.recorder,
        )
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.inbox.serve(),), daemon=True)
        self.thread.start()
        self.hook = WebhookServer(self.inbox.submit_text, TOKEN, lookup=self.inbox.find).start()

    def close(self) -> None:
        self.hook.stop()
        self.inbox.stop()
        self.thread.join(10)
        self.loop.close()
        self.client.close()
        self.history.close()
        self.cache.close()

    def wait_done(self, alert_id: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _status, body = get(self.hook.url + "/" + alert_id)
            if body["status"] in ("done", "failed", "duplicate"):
                return body
            time.sleep(0.05)
        raise AssertionError(f"alert {alert_id} not done: {body}")


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox(seed=4)


@pytest.fixture
def live(tmp_path, sandbox):
    inbox = LiveInbox(tmp_path, sandbox)
    yield inbox
    inbox.close()


def post(
    url: str,
    body: bytes,
    *,
    token: str | None = TOKEN,
    content_type: str = "application/json",
    headers: dict | None = None,
) -> tuple[int, dict]:
    return post_bytes(url, body, token=token, content_type=content_type, headers=headers)


def get(url: str, token: str = TOKEN) -> tuple[int, dict]:
    return get_json(url, token)


def alert_json(live: LiveInbox, title: str, n: int = 4, offset: int = 0) -> bytes:
    values = live.sandbox.dataset.known_values("domain")[offset : offset + n]
    return json.dumps(
        {
            "rule": {"name": title},
            "title": title,
            "events": [{"dst": v.replace(".", "[.]"), "severity": 7} for v in values],
        }
    ).encode()


def test_an_alert_is_accepted_at_once_and_looked_up_in_the_background(live):
    started = time.monotonic()
    status, body = post(live.hook.url, alert_json(live, "EDR: beacon"))
    assert time.monotonic() - started < 1.0
    assert status == 202 and body["status"] in ("queued", "running") and body["indicators"] == 4
    assert body["name"] == "EDR: beacon" and body["run_id"] is not None
    done = live.wait_done(body["id"])
    assert done["status"] == "done" and done["counts"] == {"found": 4} and done["worst_risk"]
    deadline = time.monotonic() + 5  # notified after the exports and rules, just after "done"
    while not get(live.hook.url + "/" + body["id"])[1]["notified"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert get(live.hook.url + "/" + body["id"])[1]["notified"] is (done["worst_risk"] in ("high", "critical"))
    _, saved = live.history.load_run(body["run_id"])
    assert [r.status for r in saved] == ["found"] * 4  # a run in history, like any other
    assert live.sandbox.stats.requests == 4


def test_wrong_or_missing_token_is_401_and_nothing_is_queued(live):
    for token in (None, "wrong-token-000000000000", TOKEN + "x", ""):
        status, body = post(live.hook.url, alert_json(live, "x"), token=token)
        assert status == 401 and "token" in body["error"]
        assert body["_headers"]["WWW-Authenticate"].startswith("Bearer")
    status, _ = post(live.hook.url, alert_json(live, "x"), token=None, headers={"Authorization": f"Basic {TOKEN}"})
    assert status == 401
    assert live.inbox.alerts == [] and live.sandbox.stats.requests == 0
    assert get(live.hook.url + "/anything", token="nope")[0] == 401


def test_limits_and_bad_bodies(live):
    status, body = post(live.hook.url, b"x" * (MAX_BODY + 1), content_type="text/plain")
    assert status == 413 and "larger than" in body["error"]
    status, body = post(
        live.hook.url,
        b'{"title": "broken", ',
    )
    assert status == 400 and body["error"].startswith("malformed JSON") and "line 1" in body["error"]
    status, body = post(live.hook.url, b"\xff\xfe\x00garbage", content_type="text/plain")
    assert status == 400 and "UTF-8" in body["error"]
    status, body = post(live.hook.url, b"   ", content_type="text/plain")
    assert status == 400 and "empty" in body["error"]
    assert post(live.hook.url.replace("/alert", "/other"), b"{}")[0] == 404
    assert live.inbox.alerts == []
    # plain text is an alert too: its first line names it
    status, body = post(
        live.hook.url, b"Phishing report\nclicked hxxp://nothing-here[.]top/x", content_type="text/plain"
    )
    assert status == 202 and body["name"] == "Phishing report" and body["indicators"] == 2  # the URL and its host


def test_concurrent_alerts_are_all_taken_and_each_ioc_looked_up_once(live):
    bodies = [alert_json(live, f"alert {n}", n=3, offset=3 * n) for n in range(12)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda b: post(live.hook.url, b), bodies))
    assert [status for status, _ in answers] == [202] * 12
    assert len({body["id"] for _, body in answers}) == 12
    for _, body in answers:
        assert live.wait_done(body["id"])["counts"] == {"found": 3}
    assert all(n == 1 for n in live.sandbox.stats.lookups.values()) and sum(live.sandbox.stats.lookups.values()) == 36


def test_duplicates_and_the_cache_spare_the_quota(live):
    first = post(live.hook.url, alert_json(live, "noisy rule"))[1]
    live.wait_done(first["id"])
    again = post(live.hook.url, alert_json(live, "noisy rule (repeat)"))[1]
    assert again["status"] == "duplicate" and again["duplicate_of"] == first["id"] and again["run_id"] is None
    # overlapping IOCs: a new alert, but what is cached is not asked again
    overlap = post(live.hook.url, alert_json(live, "overlap", n=6))[1]
    assert live.wait_done(overlap["id"])["counts"] == {"found": 6}
    assert sum(live.sandbox.stats.lookups.values()) == 6  # 4 + the 2 new ones


def test_a_flood_is_refused_with_429_and_retry_after(tmp_path, sandbox):
    live = LiveInbox(tmp_path, sandbox, max_per_minute=5)
    try:
        answers = [post(live.hook.url, alert_json(live, f"flood {n}", n=1, offset=n)) for n in range(8)]
        assert [s for s, _ in answers] == [202] * 5 + [429] * 3
        assert int(answers[-1][1]["_headers"]["Retry-After"]) > 0
        assert len(live.inbox.alerts) == 5
    finally:
        live.close()


def test_rules_notify_and_write_drafts_only_when_they_match(tmp_path, sandbox):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    live = LiveInbox(
        tmp_path,
        sandbox,
        rules=[Rule(match="edr:*", min_risk=Risk.LOW, draft_dir=str(drafts))],
        notify_min_risk=Risk.LOW,
    )
    try:
        matched = post(live.hook.url, alert_json(live, "EDR: lateral movement"))[1]
        other = post(live.hook.url, alert_json(live, "SIEM: something", offset=10))[1]
        for body in (matched, other):
            live.wait_done(body["id"])
        deadline = time.monotonic() + 5
        while len(live.recorder.notified) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(live.recorder.notified) == sorted([matched["id"], other["id"]])
        assert [p.name for p in drafts.iterdir()] == [f"iocdesk-{matched['id']}.eml"]
        assert b"X-Unsent: 1" in (drafts / f"iocdesk-{matched['id']}.eml").read_bytes()
    finally:
        live.close()


def test_a_chat_rule_posts_to_the_stored_webhook(tmp_path, memory_keyring, sandbox):
    from iocdesk.delivery import chat

    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    chat.store_webhook("soc", "slack", f"http://127.0.0.1:{server.server_address[1]}/hook/T0K3N-secret-path")
    live = LiveInbox(tmp_path, sandbox, rules=[Rule(match="*", min_risk=Risk.NONE, chat="soc")])
    try:
        body = post(live.hook.url, alert_json(live, "EDR: ransomware"))[1]
        live.wait_done(body["id"])
        deadline = time.monotonic() + 5
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received and "EDR: ransomware" in json.dumps(received[0])
    finally:
        live.close()
        server.shutdown()


def test_submit_rules_without_a_loop():
    """The Inbox decides at submit time: busy, duplicate, nothing to look up."""
    from iocdesk.extraction.extract import extract

    class FakeHistory:
        runs = 0

        def start_run(self, meta):
            FakeHistory.runs += 1
            return FakeHistory.runs

        def add_items(self, run_id, items):
            pass

    now = [0.0]
    inbox = Inbox(
        PulsediveClient(None, base_url="http://127.0.0.1:9/api/"),
        InboxOptions(max_per_minute=3),
        history=FakeHistory(),
        clock=lambda: now[0],
    )
    a = inbox.submit("a", extract("evil.com 8.8.8.8"), "test")
    b = inbox.submit("b", extract("8.8.8.8 evil.com"), "test")
    c = inbox.submit("c", extract("nothing here, only 10.0.0.1"), "test")
    assert (a.status, b.status, b.duplicate_of, c.status) == (
        AlertStatus.QUEUED,
        AlertStatus.DUPLICATE,
        a.id,
        AlertStatus.DONE,
    )
    with pytest.raises(InboxBusy) as busy:
        inbox.submit("d", extract("other.org"), "test")
    assert busy.value.retry_after == 61
    now[0] = 61.0  # a minute later: accepted again, and the duplicate window still holds
    assert inbox.submit("e", extract("evil.com 8.8.8.8"), "test").status is AlertStatus.DUPLICATE
    now[0] = 700.0  # past the duplicate window: looked up again (the cache still answers)
    assert inbox.submit("f", extract("evil.com 8.8.8.8"), "test").status is AlertStatus.QUEUED
    assert FakeHistory.runs == 2


def test_read_body_names_alerts_from_any_shape():
    assert read_body(b'{"rule_name": "R1", "x": [{"y": "evil.com"}]}')[0] == "R1"
    name, text = read_body(b'[{"msg": "seen 8.8.8.8"}, {"host": {"evil.com": 1}}]')
    assert name == "seen 8.8.8.8" and "evil.com" in text.split("\n")
    assert read_body(b"[" * 500 + b'"evil.com"' + b"]" * 500)[1] == "evil.com"
    with pytest.raises(AlertError, match="nested too deeply") as deep:
        read_body(b"[" * 50_000 + b"]" * 50_000)
    assert deep.value.status == 400
    with pytest.raises(AlertError) as too_big:
        read_body(b" " * (MAX_BODY + 1))
    assert too_big.value.status == 413


def test_the_webhook_refuses_to_listen_beyond_loopback():
    with pytest.raises(ValueError, match="loopback"):
        WebhookServer(lambda *a: None, TOKEN, host="0.0.0.0")
    with pytest.raises(ValueError, match="16 characters"):
        WebhookServer(lambda *a: None, "short")
