"""The inbox's local webhook: ``POST /alert`` on loopback, bearer-token authenticated.

Answers at once; the lookups happen in the background (``Inbox.serve``).

- ``POST /alert`` with ``Authorization: Bearer <token>`` and a JSON or text body:
  202 ``{"id": ..., "status": "queued"|"duplicate"|"done", "indicators": N}``;
  401 without the right token (nothing read, nothing queued); 411 without a
  Content-Length; 413 over the size limit (before reading the body); 400 with a
  reason for a body that is not UTF-8 or not JSON; 429 with Retry-After when
  the inbox is busy.
- ``GET /alert/<id>`` (same token): the alert's status, worst risk and counts.

Only loopback addresses are served, and only under a loopback ``Host``
(127.0.0.1, [::1], localhost; anything else is 421, against DNS rebinding): a SIEM
on another host forwards through an SSH tunnel or a local agent. A web page cannot use the endpoint from the
analyst's browser: it cannot send the Authorization header cross-origin (no
CORS preflight is ever answered) and does not know the token. The token is
compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import http.client
import ipaddress
import itertools
import json
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO

from iocdesk.inbox.alert import MAX_BODY, Alert, AlertError, read_body
from iocdesk.inbox.queues import InboxBusy

log = logging.getLogger(__name__)

PATH = "/alert"
_READ_TIMEOUT = 10.0  # seconds a read of the body may wait for the next bytes
# Slowloris (issue 14): a header line every 5 s reset the per-read timeout, so 1,000 idle
# connections held ~245 threads for 80 s, and 62 heads of 65 KB took 370 MB. Now a request head
# (the wait for it on a kept-alive connection included) has a total deadline and a size cap, and
# connections beyond _MAX_CONNECTIONS are answered 503 at once, without a thread.
_HEAD_DEADLINE = 10.0  # seconds from the connection (or the previous answer) to the end of the head
_MAX_HEAD = 32 << 10  # bytes of request line and headers; a SIEM sends well under 2 KB
_MAX_CONNECTIONS = 64  # served at once; a SIEM posts one alert at a time
# DNS rebinding: a page on evil.example whose name later resolves to 127.0.0.1 reaches the
# webhook from the analyst's browser with "Host: evil.example". Only loopback names are served
# (any port: an SSH tunnel's local port may differ); no Host at all is an HTTP/1.0 client.
_LOOPBACK_HOST = re.compile(r"(?:127\.0\.0\.1|\[::1\]|localhost)(?::[0-9]{1,5})?", re.IGNORECASE)
_DRAIN_LIMIT = 16 << 20  # bytes of an oversized body read and dropped so the client sees the 413
# Request lines come from anyone who can connect: C0/C1 controls and backslashes escaped as
# http.server does (an ESC sequence would retitle the terminal or rewrite log lines).
_CONTROL = str.maketrans({c: f"\\x{c:02x}" for c in itertools.chain(range(0x20), range(0x7F, 0xA0))} | {0x5C: "\\\\"})


class WebhookServer:
    """``with WebhookServer(inbox.submit_text, token, port=8765) as hook: hook.url``"""

    def __init__(
        self,
        submit: Callable[[str, str, str], Alert],
        token: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body: int = MAX_BODY,
        lookup: Callable[[str], Alert | None] | None = None,
    ) -> None:
        if not token or len(token) < 16:
            raise ValueError("the webhook token must be at least 16 characters")
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the inbox webhook listens on loopback only, not {host}")
        self._submit, self._token, self._lookup = submit, token.encode(), lookup
        self.max_body = max_body
        self._server = _Server((host, port), _handler(self))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        host = str(self._server.server_address[0])  # an IP address (typeshed allows bytes for AF_UNIX)
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}{PATH}"

    def start(self) -> WebhookServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="inbox-webhook", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for serve_forever: only when it runs
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> WebhookServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def authorised(self, header: str | None) -> bool:
        scheme, _, given = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self._token)


class _HeadTooLarge(http.client.HTTPException):
    """A request head over _MAX_HEAD: http.server answers 431 for a header line, we for the request line."""


class _HeadReader:
    """The handler's ``rfile``: ``readline`` (the request head) within a total deadline and size;
    ``read`` (the body) as before, with the per-read timeout."""

    def __init__(self, raw: BinaryIO, connection: socket.socket) -> None:
        self._raw, self._connection = raw, connection
        self._deadline, self._left = 0.0, _MAX_HEAD

    def start_head(self) -> None:
        self._deadline, self._left = time.monotonic() + _HEAD_DEADLINE, _MAX_HEAD

    def readline(self, limit: int = -1) -> bytes:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request head took too long")
        self._connection.settimeout(min(remaining, _READ_TIMEOUT))
        cap = self._left + 1 if limit < 0 else min(limit, self._left + 1)
        line = self._raw.readline(cap)
        self._left -= len(line)
        if self._left < 0:
            raise _HeadTooLarge(f"the request head is larger than {_MAX_HEAD:,} bytes")
        return line

    def read(self, size: int = -1) -> bytes:
        self._connection.settimeout(_READ_TIMEOUT)
        return self._raw.read(size)

    def close(self) -> None:
        self._raw.close()

    @property
    def closed(self) -> bool:
        return self._raw.closed


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog: socketserver's 5 made a burst of SIEM connects time out before the
    # server could answer (even with the 503 below); the kernel caps it at somaxconn anyway.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self.address_family = socket.AF_INET6 if ipaddress.ip_address(address[0]).version == 6 else socket.AF_INET
        self._slots = threading.BoundedSemaphore(_MAX_CONNECTIONS)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):  # full: answered and closed here, no thread
            body = json.dumps({"error": "too many connections to the inbox; try again shortly"}).encode()
            head = (
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
            )
            try:
                request.settimeout(1.0)
                request.sendall(head.encode() + body)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """socketserver prints a traceback to stderr; a client that hung up early is one debug line."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            log.debug("webhook: connection ended early: %s", type(error).__name__)
        else:
            log.exception("webhook: unexpected error while answering a request")

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def _handler(hook: WebhookServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "iocdesk-inbox"
        sys_version = ""
        timeout = _READ_TIMEOUT
        rfile: Any  # a _HeadReader once set up

        def setup(self) -> None:
            super().setup()
            self.rfile = _HeadReader(self.rfile, self.connection)

        def handle_one_request(self) -> None:
            self.rfile.start_head()  # each request's head, the wait for it included, has its deadline
            try:
                super().handle_one_request()
            except _HeadTooLarge:  # in the request line (a header line is answered 431 by http.server)
                self.close_connection = True
                self.requestline, self.request_version, self.command = "", "HTTP/1.0", ""
                self._answer(431, {"error": f"the request head is larger than {_MAX_HEAD:,} bytes"})

        def do_POST(self) -> None:
            if not self._host_allowed():
                return None
            if self.path.split("?", 1)[0].rstrip("/") not in (PATH, PATH + "s"):
                return self._answer(404, {"error": f"not found: POST {PATH}"})
            if not hook.authorised(self.headers.get("Authorization")):
                return self._unauthorised()
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return self._answer(411, {"error": "send the body with a Content-Length, not chunked"})
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._answer(411, {"error": "a Content-Length header is required"})
            if length < 0 or length > hook.max_body:
                self._drain(length)
                return self._answer(413, {"error": f"the alert is larger than {hook.max_body:,} bytes"})
            body = self.rfile.read(length)
            try:
                name, text = read_body(body, self.headers.get("Content-Type", ""))
                alert = hook._submit(name, text, "webhook")
            except AlertError as exc:
                return self._answer(exc.status, {"error": exc.reason})
            except InboxBusy as exc:
                return self._answer(429, {"error": str(exc)}, {"Retry-After": str(exc.retry_after)})
            except Exception as exc:  # history refused it: an answer, not a dropped connection
                log.exception("webhook: the alert could not be recorded")
                # the type only: the exception's text may quote the alert (attacker text)
                reason = f"the alert could not be recorded ({type(exc).__name__}); nothing was queued"
                return self._answer(500, {"error": reason})
            self._answer(202, _brief(alert))

        def do_GET(self) -> None:
            if not self._host_allowed():
                return None
            path = self.path.split("?", 1)[0]
            if not path.startswith(PATH + "/"):
                return self._answer(404, {"error": f"not found: GET {PATH}/<id>"})
            if not hook.authorised(self.headers.get("Authorization")):
                return self._unauthorised()
            alert = hook._lookup(path[len(PATH) + 1 :]) if hook._lookup else None
            if alert is None:
                return self._answer(404, {"error": "no such alert"})
            self._answer(200, _brief(alert))

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """http.server's own refusals (400 bad request line, 414, 431, 501, 505) as JSON, as ours are."""
            reason = message or self.responses.get(code, ("error",))[0]
            self.close_connection = True
            if self.request_version == "HTTP/0.9":  # an unparsable line: still a status line and headers
                self.request_version = "HTTP/1.0"
            self._answer(code, {"error": reason.translate(_CONTROL)})

        def _host_allowed(self) -> bool:
            """A loopback Host (or none); else 421 before the token or the body is looked at."""
            hosts = self.headers.get_all("Host") or []
            if len(hosts) <= 1 and all(_LOOPBACK_HOST.fullmatch(h.strip()) for h in hosts):
                return True
            self._answer(421, {"error": "the inbox answers only to the Host 127.0.0.1, [::1] or localhost"})
            return False

        def _drain(self, length: int) -> None:
            """Read and drop a body too large to take, up to a bound: a client still sending
            when the 413 comes (urllib, requests) sees a broken pipe instead of the answer."""
            left = min(length, _DRAIN_LIMIT)
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)

        def _unauthorised(self) -> None:
            self._answer(
                401, {"error": "missing or wrong bearer token"}, {"WWW-Authenticate": 'Bearer realm="iocdesk"'}
            )

        def _answer(self, status: int, document: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status >= 400:
                self.send_header("Connection", "close")  # an unread body must not be parsed as a request
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server API
            log.debug("webhook %s: %s", self.address_string(), (format % args).translate(_CONTROL))

    return Handler


def _brief(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "status": str(alert.status),
        "name": alert.name,
        "indicators": alert.indicators,
        "worst_risk": None if alert.worst_risk is None else str(alert.worst_risk),
        "counts": alert.counts,
        "run_id": alert.run_id,
        "duplicate_of": alert.duplicate_of,
        "notified": alert.notified,
        "error": alert.error,
    }
