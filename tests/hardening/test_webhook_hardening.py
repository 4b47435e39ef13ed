"""Issue 14, items 10, 12 and 6: the inbox webhook and the sandbox under hostile requests.

- 10: with ``--debug``, a request line carrying raw control characters (an ESC
  sequence that retitles the terminal, a carriage return that overwrites the
  line) reached the terminal and the log as sent. Now escaped as http.server does.
- 12: no Host check, so a DNS-rebinding page reached the webhook (the token still
  stopped it). Now only loopback names are served: anything else is 421, before
  the token is even looked at.
- 6: slowloris. 1,000 idle connections each sending a header line every 5 s held
  ~245 threads for 80 s; 62 connections with 65 KB headers took memory from 86 to
  457 MB. Now the head has a total deadline, a size cap, and connections a cap
  (the tests shrink the deadline and the cap to keep to seconds).

Each test sends a handful of raw requests over loopback with socket timeouts:
seconds, a few kilobytes.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time

import pytest

from iocdesk.inbox import webhook
from iocdesk.inbox.alert import Alert
from iocdesk.inbox.webhook import WebhookServer
from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer

TOKEN = "hardening-token-7c1e2a9b4d"
HOSTILE = "/alert\x1b]0;pwned\x07\x1b[2K\x9bok"  # no whitespace: a path http.server takes whole
_RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _never(name: str, text: str, source: str) -> Alert:
    raise AssertionError("nothing may be submitted")


def raw(port: int, data: bytes, *, timeout: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(data)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_webhook_debug_log_escapes_control_characters(caplog):
    caplog.set_level(logging.DEBUG, logger="iocdesk.inbox.webhook")
    with WebhookServer(_never, TOKEN) as hook:
        lines = (f"GET {HOSTILE} HTTP/1.1", f"POST {HOSTILE} HTTP/1.1", f"\x1b[31mBOGUS{HOSTILE}", "GET /\r\x1b[2K x")
        for line in lines:
            raw(hook.port, line.encode("latin-1") + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    messages = [r.getMessage() for r in caplog.records if r.name == "iocdesk.inbox.webhook"]
    assert messages, "the webhook logs its requests at debug level"
    for message in messages:
        assert not _RAW_CONTROL.search(message), repr(message)
    assert any("\\x1b]0;pwned\\x07" in m for m in messages)


@pytest.mark.parametrize("path", [HOSTILE, "/api/info.php?key=SECRETKEY1234\x1b[2J&indicator=x"])
def test_sandbox_request_log_escapes_control_characters(capsys, path):
    with SandboxServer(SandboxConfig(log_requests=True)) as server:
        raw(server.port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
    err = capsys.readouterr().err
    lines = [line for line in err.split("\n") if line]
    assert lines, "the sandbox logs its requests"
    for line in lines:
        assert not _RAW_CONTROL.search(line), repr(line)
    assert "SECRETKEY1234" not in err


def _request(port: int, host: str | None, *, method: str = "GET", path: str = "/alert/none") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\n"
    if host is not None:
        head += f"Host: {host}\r\n"
    head += f"Authorization: Bearer {TOKEN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    return raw(port, head.encode("latin-1"))


@pytest.mark.parametrize(
    "host",
    [
        "evil.example.com",
        "evil.example.com:{port}",
        "127.0.0.1.nip.io:{port}",
        "localhost.evil.com",
        "10.0.0.1:{port}",
        "[::2]:{port}",
        "",
        "127.0.0.1:{port}@evil.com",
        "localhost:x",
    ],
)
def test_webhook_refuses_a_foreign_host_header(host):
    with WebhookServer(_never, TOKEN) as hook:
        for method in ("GET", "POST"):
            reply = _request(hook.port, host.format(port=hook.port), method=method)
            status, _, body = reply.partition(b"\r\n")
            assert b" 421 " in status, reply[:200]
            assert b"application/json" in body and b"Host" in body.split(b"\r\n\r\n", 1)[1]


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:{port}", "localhost", "LocalHost:{port}", "[::1]", "[::1]:{port}", None]
)
def test_webhook_accepts_loopback_host_headers(host):
    with WebhookServer(_never, TOKEN, lookup=lambda _id: None) as hook:
        reply = _request(hook.port, None if host is None else host.format(port=hook.port))
    assert reply.split(b"\r\n", 1)[0].endswith(b"404 Not Found"), reply[:200]  # past the Host check


# -- item 6: slowloris ------------------------------------------------------------------------
# Before: a header line every few seconds reset the 10 s read timeout (one thread held per
# connection, indefinitely); 100 header lines of 64 KB each were read; connections were unbounded.


def test_the_request_head_has_a_total_deadline(monkeypatch):
    monkeypatch.setattr(webhook, "_HEAD_DEADLINE", 1.0)
    with WebhookServer(_never, TOKEN) as hook, socket.create_connection(("127.0.0.1", hook.port), timeout=5) as conn:
        started = time.monotonic()
        conn.sendall(b"POST /alert HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        closed_after = None
        for i in range(16):  # a header line every 0.25 s: each alone is well within any read timeout
            time.sleep(0.25)
            try:
                conn.sendall(f"X-Slow-{i}: 1\r\n".encode())
                conn.setblocking(False)
                try:
                    if conn.recv(1) == b"":
                        closed_after = time.monotonic() - started
                        break
                except BlockingIOError:
                    pass
                finally:
                    conn.setblocking(True)
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - started
                break
    assert closed_after is not None and closed_after < 2.5, closed_after


def test_the_request_head_size_is_capped():
    with WebhookServer(_never, TOKEN) as hook:
        headers = "".join(f"X-Pad-{i}: {'a' * 2000}\r\n" for i in range(60))  # 120 kB, 60 lines
        reply = raw(hook.port, f"GET /alert/x HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
    assert reply.split(b"\r\n", 1)[0].split(b" ")[1] == b"431", reply[:200]
    assert _json_error(reply)  # http.server's own refusal, answered as JSON like every other
    with WebhookServer(_never, TOKEN) as hook:
        reply = raw(hook.port, b"GET /" + b"a" * 40000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert reply == b"" or reply.split(b" ")[1] in (b"414", b"431"), reply[:200]
    assert reply == b"" or _json_error(reply)


def test_a_malformed_request_line_is_answered_as_json():
    with WebhookServer(_never, TOKEN) as hook:
        reply = raw(hook.port, b"NONSENSE\x1b]0;pwned\x07\r\n\r\n")
        assert reply.split(b" ")[1] == b"400" and _json_error(reply)
        reply = raw(hook.port, b"BREW /alert HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert reply.split(b" ")[1] == b"501" and _json_error(reply)


def _json_error(reply: bytes) -> str:
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"Content-Type: application/json" in head, head
    error = json.loads(body)["error"]
    assert isinstance(error, str) and error and "\x1b" not in error
    return error


def test_concurrent_connections_are_capped(monkeypatch):
    monkeypatch.setattr(webhook, "_MAX_CONNECTIONS", 4)
    with WebhookServer(_never, TOKEN, lookup=lambda _id: None) as hook:
        idle = [socket.create_connection(("127.0.0.1", hook.port), timeout=5) for _ in range(4)]
        try:
            for conn in idle:
                conn.sendall(b"GET /alert/x HTTP/1.1\r\n")  # and then nothing
            time.sleep(0.2)
            reply = _request(hook.port, "127.0.0.1")
            assert reply.split(b"\r\n", 1)[0].split(b" ")[1] == b"503", reply[:200]
            assert b"Retry-After" in reply and b'"error"' in reply
        finally:
            for conn in idle:
                conn.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the slots come back once the idle ones are gone
            reply = _request(hook.port, "127.0.0.1")
            if b" 404 " in reply.split(b"\r\n", 1)[0]:
                break
            time.sleep(0.1)
        assert b" 404 " in reply.split(b"\r\n", 1)[0], reply[:200]


def test_a_client_hanging_up_early_prints_no_traceback(capfd, caplog):
    """socketserver printed a traceback to stderr for every client gone before its answer."""
    with WebhookServer(_never, TOKEN) as hook:
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", hook.port), timeout=5) as conn:
                conn.sendall(b"POST /alert HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\n")
                conn.shutdown(socket.SHUT_RDWR)  # gone before the 401 is written
        time.sleep(0.3)
    assert "Traceback" not in capfd.readouterr().err
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
