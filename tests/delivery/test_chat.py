"""Chat webhooks: payload shapes, defanging and escaping, posting to a real local receiver, keyring storage."""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from iocdesk.delivery import chat
from iocdesk.delivery.chat import (
    Webhook,
    WebhookError,
    delete_webhook,
    google_chat_payload,
    list_webhooks,
    load_webhook,
    payload_for,
    post,
    slack_payload,
    store_webhook,
    teams_payload,
)
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status, Threat
from iocdesk.indicators.types import IndicatorType as T
from iocdesk.platform.credentials import SERVICE
from iocdesk.reports.report import Report

TOKEN = "SECRETTOKEN123"
HOSTILE_THREAT = "<!channel> <https://attacker.test|click> & **bold** [x](HTTP://attacker.test) <b>hi</b>"


def make_report(extra: int = 0) -> Report:
    results = [
        LookupResult(
            "evil.example", T.DOMAIN, Status.FOUND, Intel(risk=Risk.CRITICAL, threats=[Threat(1, HOSTILE_THREAT)])
        ),
        LookupResult("https://bad.example/x?a=1&b=<2>", T.URL, Status.FOUND, Intel(risk=Risk.HIGH)),
        LookupResult("203.0.113.9", T.IPV4, Status.FOUND, Intel(risk=Risk.MEDIUM)),
        LookupResult("2001:db8::5", T.IPV6, Status.SCANNED, Intel(risk=Risk.LOW), scan="passive"),
        LookupResult("phish@bad.example", T.EMAIL, Status.FOUND, Intel(risk=Risk.HIGH)),
        LookupResult("quiet.example", T.DOMAIN, Status.FOUND, Intel(risk=Risk.NONE)),
        *(LookupResult(f"host{i}.example", T.DOMAIN, Status.FOUND, Intel(risk=Risk.MEDIUM)) for i in range(extra)),
    ]
    return Report(results, run_id=12, created="2024-06-01T12:00:00+00:00", title="Triage <& friends>")


RAW_IOCS = ("evil.example", "bad.example", "203.0.113.9", "2001:db8::5", "phish@bad.example")
DEFANGED = (
    "evil[.]example",
    "hxxps[://]bad[.]example",
    "203[.]0[.]113[.]9",
    "2001[:]db8[:][:]5",
    "phish[@]bad[.]example",
)


def all_strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in all_strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in all_strings(v)]
    return []


def assert_defanged(payload) -> None:
    text = "\n".join(s for s in all_strings(payload) if not s.startswith("http://adaptivecards.io/"))
    for raw in RAW_IOCS:
        assert raw not in text
    for defanged in DEFANGED:
        assert defanged in text
    assert "quiet" not in text  # not notable
    assert "://" not in text.lower().replace("[://]", "")  # URLs in threat names are defanged too
    assert "hxxps[://]attacker[.]test" in text  # the whole URL, as in e-mail: no host left to link


# -- payloads ----------------------------------------------------------------------


TEMPLATE = "{title}: {headline}"


def test_slack_payload_structure_and_escaping():
    payload = slack_payload(make_report(), template=TEMPLATE)
    blocks = payload["blocks"]
    assert [b["type"] for b in blocks] == ["header", "section", "divider", "section", "context"]
    assert blocks[0]["text"]["type"] == "plain_text" and len(blocks[0]["text"]["text"]) <= 150
    assert "1 critical, 2 high, 1 medium of 6 IOCs" in blocks[1]["text"]["text"]
    assert "1 low, 1 none" in blocks[1]["text"]["text"]
    assert "run 12" in blocks[-1]["elements"][0]["text"] and "2024-06-01 12:00" in blocks[-1]["elements"][0]["text"]
    assert payload["text"].startswith("Triage &lt;&amp; friends&gt;: 1 critical")
    assert blocks[0]["text"]["text"].startswith("Triage &lt;&amp; friends&gt;")
    assert_defanged(payload)
    text = "\n".join(all_strings(payload))
    assert "<" not in text and ">" not in text  # no mention, no link, no token of any kind
    assert "&lt;!channel&gt;" in blocks[3]["text"]["text"]
    assert "b=&lt;2&gt;" in blocks[3]["text"]["text"]


def test_slack_limits_long_lists_and_values():
    report = make_report(extra=20)
    report.results.append(
        LookupResult("https://long.example/" + "&" * 2000, T.URL, Status.FOUND, Intel(risk=Risk.HIGH))
    )
    blocks = slack_payload(report)["blocks"]
    listing = blocks[3]["text"]["text"]
    assert len(listing) <= 3000
    assert listing.endswith("more")
    assert listing.count("\n• ") + 1 == 10
    # an entity is never cut in half
    for line in listing.splitlines():
        assert not line.rstrip("…").endswith(("&", "&a", "&am", "&amp"))
    assert len(blocks[0]["text"]["text"]) <= 150


def test_teams_payload_is_an_adaptive_card_with_plain_text_runs():
    payload = teams_payload(make_report(), template=TEMPLATE)
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["$schema"].startswith("http://adaptivecards.io/schemas/")
    assert isinstance(card["body"], list) and card["body"]
    assert {e["type"] for e in card["body"]} <= {"RichTextBlock", "FactSet"}
    for element in card["body"]:
        if element["type"] == "RichTextBlock":
            assert all(run["type"] == "TextRun" for run in element["inlines"])
    facts = next(e for e in card["body"] if e["type"] == "FactSet")["facts"]
    assert {"title": "critical", "value": "1"} in facts
    assert_defanged(payload)
    # TextRuns are plain: the data is shown as written (no markdown to escape)
    hostile = HOSTILE_THREAT.replace("https://", "hxxps[://]").replace("HTTP://", "hxxp[://]")
    hostile = hostile.replace("attacker.test", "attacker[.]test")
    assert any(hostile in s for s in all_strings(card))
    assert card["body"][0]["inlines"][0]["text"].startswith("Triage <& friends>: ")
    json.dumps(payload)


def test_teams_card_without_verdicts_has_no_empty_factset():
    report = Report([LookupResult("x.example", T.DOMAIN, Status.NOT_FOUND)])
    card = teams_payload(report)["attachments"][0]["content"]
    assert all(e["type"] != "FactSet" for e in card["body"])


def test_google_chat_payload_cards_v2_and_html_escaping():
    payload = google_chat_payload(make_report(), template=TEMPLATE)
    (card,) = payload["cardsV2"]
    assert card["cardId"] == "iocdesk-run-12"
    assert card["card"]["header"]["title"] == "iocdesk"
    sections = card["card"]["sections"]
    assert all(isinstance(s["widgets"], list) and s["widgets"] for s in sections)
    summary = sections[0]["widgets"][0]["textParagraph"]["text"]
    assert "<b>Triage &lt;&amp; friends&gt;: 1 critical, 2 high, 1 medium of 6 IOCs</b>" in summary
    items = [w["decoratedText"] for w in sections[1]["widgets"]]
    assert items[0]["text"] == "<b>evil[.]example</b>"
    assert items[0]["topLabel"] == "domain · critical"
    assert "&lt;!channel&gt;" in items[0]["bottomLabel"] and "<b>hi" not in items[0]["bottomLabel"]
    assert "&amp;b=&lt;2&gt;" in items[1]["text"]
    assert_defanged(payload)


def test_payload_for_dispatch():
    report = make_report()
    assert payload_for("slack", report) == slack_payload(report)
    assert "cardsV2" in payload_for("google_chat", report)
    with pytest.raises(WebhookError):
        payload_for("irc", report)


# -- webhook validation --------------------------------------------------------------


def test_webhook_validation_never_echoes_the_url():
    with pytest.raises(WebhookError) as info:
        Webhook("w", "slack", f"http://hooks.example/services/{TOKEN}")
    assert TOKEN not in str(info.value)
    with pytest.raises(WebhookError):
        Webhook("w", "irc", "https://hooks.example/x")
    with pytest.raises(WebhookError):
        Webhook(" ", "slack", "https://hooks.example/x")
    with pytest.raises(WebhookError):
        Webhook("w", "slack", "ftp://hooks.example/x")
    assert TOKEN not in repr(Webhook("w", "slack", f"https://hooks.example/services/{TOKEN}"))
    Webhook("local", "teams", "http://127.0.0.1:8080/x")  # plain http only to this machine


# -- posting to a real local receiver -------------------------------------------------


class Receiver:
    def __init__(self, status: int = 200, body: bytes = b"ok") -> None:
        self.status, self.body = status, body
        self.received: list[tuple[str, dict, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.received.append((self.path, json.loads(self.rfile.read(length)), self.headers["Content-Type"]))
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.body)))
                if 300 <= receiver.status < 400:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, kind_path: str = f"/services/T000/B000/{TOKEN}") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{kind_path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    return caplog


def assert_no_token(text: str) -> None:
    assert TOKEN not in text
    assert "B000" not in text  # the path around it is redacted too


@pytest.mark.parametrize("kind", ["slack", "teams", "google_chat"])
def test_post_delivers_json(receiver, debug_logs, kind):
    webhook = Webhook("team", kind, receiver.url())
    payload = payload_for(kind, make_report())
    post(webhook, payload)
    ((path, body, content_type),) = receiver.received
    assert path == f"/services/T000/B000/{TOKEN}"
    assert body == payload
    assert content_type == "application/json"
    assert any(r.name.startswith("urllib3") for r in debug_logs.records)  # urllib3 did log the request...
    assert_no_token(debug_logs.text)  # ...without the token


@pytest.mark.parametrize("status", [400, 403, 404, 500, 503, 302])
def test_http_errors_raise_without_the_url(receiver, debug_logs, status):
    receiver.status = status
    receiver.body = f"invalid_token for /services/T000/B000/{TOKEN}".encode()
    with pytest.raises(WebhookError) as info:
        post(Webhook("team", "slack", receiver.url()), {"text": "hi"})
    message = str(info.value)
    assert f"HTTP {status}" in message and "'team'" in message
    assert_no_token(message)
    assert (info.value.__cause__ is None and info.value.__context__ is None) or TOKEN not in str(info.value.__context__)
    assert_no_token(debug_logs.text)
    assert len(receiver.received) == 1  # a redirect is not followed


def test_unreachable_raises_without_the_url(debug_logs):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed right after: nothing listens there
    url = f"http://127.0.0.1:{port}/services/T000/B000/{TOKEN}?sig={TOKEN}Q"
    with pytest.raises(WebhookError) as info:
        post(Webhook("team", "teams", url), {"text": "hi"}, timeout=2)
    message = str(info.value)
    assert message.startswith("could not reach the teams webhook 'team'")
    assert_no_token(message)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert_no_token(debug_logs.text)


def test_timeout_raises_without_the_url(debug_logs):
    with socket.socket() as server:  # accepts the connection, never answers
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/services/T000/B000/{TOKEN}"
        with pytest.raises(WebhookError) as info:
            post(Webhook("slow", "slack", url), {"text": "hi"}, timeout=0.3)
    assert "did not answer within 0.3 s" in str(info.value)
    assert_no_token(str(info.value))
    assert_no_token(debug_logs.text)


# -- keyring storage -------------------------------------------------------------------


def test_store_load_list_delete(memory_keyring):
    url = f"https://hooks.slack.com/services/T000/B000/{TOKEN}"
    assert list_webhooks() == []
    stored = store_webhook(" soc ", "slack", f" {url} ")
    assert stored == Webhook("soc", "slack", url)
    store_webhook("ops", "teams", "https://prod.example/workflows/abc?sig=XYZSIGNATURE")
    assert list_webhooks() == ["ops", "soc"]
    assert load_webhook("soc") == Webhook("soc", "slack", url)
    assert json.loads(memory_keyring.passwords[(SERVICE, "webhook:soc")]) == {"kind": "slack", "url": url}
    index = memory_keyring.passwords[(SERVICE, chat.INDEX_ENTRY)]
    assert json.loads(index) == ["ops", "soc"] and TOKEN not in index

    store_webhook("soc", "google_chat", "https://chat.googleapis.com/v1/spaces/X/messages?key=K&token=T")
    assert load_webhook("soc").kind == "google_chat"
    assert list_webhooks() == ["ops", "soc"]

    assert delete_webhook("soc") is True
    assert load_webhook("soc") is None
    assert delete_webhook("soc") is False
    assert list_webhooks() == ["ops"]
    assert delete_webhook("ops") is True
    assert list_webhooks() == []
    assert (SERVICE, chat.INDEX_ENTRY) not in memory_keyring.passwords


def test_store_rejects_bad_input_and_broken_entries(memory_keyring):
    with pytest.raises(WebhookError):
        store_webhook("x", "slack", "http://hooks.example/not-https")
    with pytest.raises(WebhookError):
        store_webhook("x", "fax", "https://hooks.example/a")
    assert list_webhooks() == []
    memory_keyring.passwords[(SERVICE, "webhook:broken")] = "not json"
    assert load_webhook("broken") is None
    memory_keyring.passwords[(SERVICE, chat.INDEX_ENTRY)] = "garbage"
    assert list_webhooks() == []


def test_keyring_failure_is_reported_without_the_url(memory_keyring, monkeypatch):
    def fail(service, username, password):
        raise RuntimeError(f"backend refused {password}")

    monkeypatch.setattr(memory_keyring, "set_password", fail)
    from iocdesk.platform.credentials import KeyringUnavailable

    with pytest.raises(KeyringUnavailable) as info:
        store_webhook("soc", "slack", f"https://hooks.slack.com/services/T000/B000/{TOKEN}")
    assert TOKEN not in str(info.value)
    assert info.value.__cause__ is None
