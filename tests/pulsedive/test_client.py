"""The Pulsedive client over real HTTP on loopback, and the secret redaction.

A ThreadingHTTPServer on 127.0.0.1 (port 0) plays Pulsedive: canned bodies
from tests/data/pulsedive/ per path and parameters, and every failure the
client must survive (404 text, 429 with and without quota headers, 401, 400,
500, a slow answer, a reset connection, truncated JSON, non-object JSON,
paginated links). It records what it received, so the tests check what was
actually sent. ``requests`` is not mocked. Nothing leaves the machine.
"""

from __future__ import annotations

import concurrent.futures
import io
import json
import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from iocdesk import __version__
from iocdesk.platform import redact as redact_module
from iocdesk.platform.redact import (
    RedactingFilter,
    install_log_redaction,
    redact,
    redact_url,
    register_secret,
    registered_secrets,
    unregister_secret,
)
from iocdesk.pulsedive.client import ApiResult, Outcome, PulsediveClient, Quota
from iocdesk.pulsedive.parse import parse_indicator, parse_linked_list, parse_links, parse_scan_poll

DATA = Path(__file__).parent.parent / "data" / "pulsedive"
KEY = "0123456789abcdef" * 4  # the shape of a real key: 64 hex characters
REJECTED_KEY = "f" * 64
QUOTA_HEADERS = {
    "X-Requests-Remaining-Second": "1",
    "X-Requests-Remaining-Day": "9",
    "X-Requests-Remaining-Month": "249",
}


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def jbody(obj: object) -> bytes:
    return json.dumps(obj).replace("/", "\\/").encode()  # PHP json_encode escapes slashes


# ---------------------------------------------------------------------------
# The fake Pulsedive
# ---------------------------------------------------------------------------
@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


class Reset(Exception):
    """Raised by the handler after it reset the connection on purpose."""


LINK_PAGES = {  # iid=2: three pages, groups split across them
    0: {"page_current": 0, "page_next": 1, "Active DNS": [{"iid": 3, "indicator": "187.191.98.202", "risk": "none"}]},
    1: {
        "page_current": 1,
        "page_next": "2",
        "Active DNS": [{"iid": 6, "indicator": "ns2.emidhost4.com.br", "risk": "retired", "summary": []}],
        "Sources": [{"iid": 3894198, "indicator": "https://www.alvoportas.com.br/site/", "type": "url"}],
    },
    2: {"page_current": 2, "Sources": [{"iid": 3894199, "indicator": "https://www.alvoportas.com.br/site/x.css"}]},
}


def _threat_link_page(page: int) -> dict:
    results = [
        {"iid": 100 * page + i, "indicator": f"host{page}-{i}.example", "type": "domain", "risk": "high"}
        for i in range(3)
    ]
    body: dict = {"page_current": page, "results": results}
    if page < 3:
        body["page_next"] = page + 1
    return body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Apache answers
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: FakePulsedive

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        form = {}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
        self.server.recorded.append(Recorded(method, parts.path, query, form, dict(self.headers)))
        self._respond(parts.path, {**query, **form})

    # -- answers ---------------------------------------------------------------
    def send(self, status: int, body: bytes, *, headers: dict | None = None, content_type="application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (QUOTA_HEADERS if headers is None else headers).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reset(self) -> None:
        """Close the socket with an RST, no response at all."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
        raise Reset

    def _respond(self, path: str, p: dict[str, str]) -> None:
        name = path.rsplit("/", 1)[-1]
        if p.get("key") == REJECTED_KEY:
            return self.send(401, jbody({"error": "Unauthorized."}))
        if name in ("info.php", "indicator.php") and "indicator" in p:
            return self._indicator(p["indicator"])
        if name in ("info.php", "indicator.php") and "iid" in p:
            return self._iid(int(p["iid"]), p)
        if name in ("info.php", "threat.php") and ("tid" in p or "tname" in p):
            if p.get("get") == "links":
                if p["tid"] == "9":  # page 1 fails
                    if p.get("page") == "1":
                        return self.send(500, b"<html>Internal Server Error</html>", content_type="text/html")
                    return self.send(200, jbody({"page_current": 0, "page_next": 1, "results": [{"iid": 1}]}))
                return self.send(200, jbody(_threat_link_page(int(p.get("page", 0)))))
            return self.send(200, fixture("threat_tid1_2019.json"))
        if name in ("info.php", "feed.php") and "fid" in p:
            return self.send(200, fixture("feed_fid1_2019.json"))
        if name == "explore.php":
            return self.send(200, fixture("explore_2025.json"))
        if name == "analyze.php" and self.command == "POST":
            return self.send(200, fixture("scan_submit_2023.json"))
        if name == "analyze.php":
            polls = {
                "1": "scan_poll_processing_docs.json",
                "2": "scan_poll_done_2023.json",
                "3": "scan_poll_processing_2020.json",
            }
            if p.get("qid") in polls:
                return self.send(200, fixture(polls[p["qid"]]))
            return self.send(200, jbody({"status": "not found", "error": "Report not found."}))
        return self.send(400, jbody({"error": "Invalid request."}))

    def _indicator(self, value: str) -> None:
        if value == "1.1.1.1":
            return self.send(200, fixture("indicator_1.1.1.1_2019.json"))
        if value == "unknown.example":
            return self.send(
                404, fixture("error_not_found.json"), headers={**QUOTA_HEADERS, "X-Requests-Remaining-Day": "8"}
            )
        if value == "notfound200.example":
            return self.send(200, fixture("error_not_found.json"))
        if value == "text404.example":
            return self.send(404, b"<html><body><h1>404 Not Found</h1></body></html>", content_type="text/html")
        if value == "ratelimited.example":
            headers = {
                "X-Requests-Remaining-Second": "0",
                "X-Requests-Remaining-Day": "0",
                "X-Requests-Remaining-Month": "100",
            }
            return self.send(429, fixture("error_rate_limit.json"), headers=headers)
        if value == "ratelimited-bare.example":
            return self.send(429, fixture("error_rate_limit.json"), headers={})
        if value == "ratelimited-text.example":
            return self.send(429, b"Too Many Requests", headers={}, content_type="text/plain")
        if value == "forbidden.example":
            return self.send(403, b"Forbidden", content_type="text/plain")
        if value == "bad.example":
            return self.send(400, jbody({"error": "Invalid indicator."}))
        if value == "teapot.example":
            return self.send(418, b"")
        if value == "boom.example":
            return self.send(
                500, b"<html><title>500</title>Internal   Server\n\nError</html>", content_type="text/html"
            )
        if value == "unavailable.example":
            return self.send(503, jbody({"error": "Maintenance."}))
        if value.startswith("echo.example"):  # an error page that echoes the request line, key included
            return self.send(502, f"Bad gateway for {self.requestline}".encode(), content_type="text/plain")
        if value == "slow.example":
            time.sleep(1.0)
            return self.send(200, fixture("indicator_1.1.1.1_2019.json"))
        if value == "reset.example":
            return self.reset()
        if value == "truncated.example":
            return self.send(200, fixture("indicator_1.1.1.1_2019.json")[:500])
        if value == "shortbody.example":  # Content-Length promises more than comes
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(fixture("indicator_1.1.1.1_2019.json")[:100])
            self.wfile.flush()
            return self.reset()
        if value == "array.example":
            return self.send(200, b"[1, 2, 3]")
        if value == "string.example":
            return self.send(200, b'"Indicator not found."')
        if value == "html.example":
            return self.send(200, b"<html>Cloudflare says hello</html>", content_type="text/html")
        if value == "empty.example":
            return self.send(200, b"")
        if value == "partialquota.example":
            return self.send(
                200, jbody({"iid": 1}), headers={"X-Requests-Remaining-Day": "7", "X-Requests-Remaining-Second": "abc"}
            )
        if value == "unlimited.example":
            return self.send(200, jbody({"iid": 1}), headers={})
        if value == "processing408.example":
            return self.send(408, fixture("scan_poll_processing_2020.json"))
        return self.send(404, fixture("error_not_found.json"))

    def _iid(self, iid: int, p: dict[str, str]) -> None:
        if p.get("get") == "properties":
            return self.send(200, fixture("properties_history_iid7274049_2019.json"))
        if p.get("get") == "links":
            page = int(p.get("page", 0))
            if iid == 2:
                return self.send(200, jbody(LINK_PAGES[page]))
            if iid == 3:  # page_next points back at a page already seen
                return self.send(200, jbody({"page_current": page, "page_next": 1, "Active DNS": [{"iid": page}]}))
            if iid == 4:  # the second page is rate limited
                if page == 1:
                    return self.send(429, fixture("error_rate_limit.json"), headers={})
                return self.send(200, jbody(LINK_PAGES[0]))
            return self.send(200, fixture("links_iid2_2019.json"))
        if iid == 2:
            return self.send(200, fixture("indicator_iid2_schema_2019.json"))
        return self.send(404, fixture("error_not_found.json"))


class FakePulsedive(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.recorded: list[Recorded] = []

    def handle_error(self, request, client_address):  # resets and abandoned slow answers are on purpose
        pass

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/"


@pytest.fixture(scope="module")
def server():
    srv = FakePulsedive()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def make_client(server: FakePulsedive, key: str | None = KEY, **kwargs) -> PulsediveClient:
    kwargs.setdefault("timeout", (2.0, 3.0))
    kwargs.setdefault("base_url", server.base_url)
    client = PulsediveClient(key, **kwargs)
    client.session.trust_env = False  # never a proxy from the environment: loopback only
    return client


@pytest.fixture
def client(server):
    server.recorded.clear()
    with make_client(server) as c:
        yield c


# ---------------------------------------------------------------------------
# Lookups and what was sent
# ---------------------------------------------------------------------------
def test_indicator_ok_sends_key_and_parses(client, server):
    result = client.indicator("1.1.1.1")
    assert result.outcome is Outcome.OK and result.ok and result.status == 200
    assert parse_indicator(result.data).asn == "AS13335"
    assert result.quota == Quota(second=1, day=9, month=249) == client.quota
    assert result.elapsed > 0 and "OK" in result.message and KEY not in result.message
    (req,) = server.recorded
    assert (req.method, req.path, req.query) == ("GET", "/api/info.php", {"indicator": "1.1.1.1", "key": KEY})
    assert req.headers["User-Agent"] == f"iocdesk/{__version__}"
    assert req.headers["Accept"] == "application/json"


def test_indicator_value_is_url_encoded(client, server):
    value = "https://evil.example/a b?x=1&key=zzz#frag"
    client.indicator(value)
    assert server.recorded[-1].query == {"indicator": value, "key": KEY}


def test_no_key_sends_no_key_parameter(server):
    server.recorded.clear()
    with make_client(server, key=None) as anonymous:
        assert anonymous.indicator("1.1.1.1").ok
        assert anonymous.submit_scan("x.example").ok
        assert repr(anonymous).endswith("no key)")
    assert all("key" not in r.query and "key" not in r.form for r in server.recorded)


def test_blank_key_is_no_key(server):
    with make_client(server, key="   ") as c:
        assert not c.has_key and "no key" in repr(c)


@pytest.mark.parametrize(
    ("family", "calls"),
    [
        (
            "legacy",
            [
                ("indicator", ("1.1.1.1",), {}, "/api/info.php", {"indicator": "1.1.1.1"}),
                ("indicator_by_iid", (2,), {"schema": True}, "/api/info.php", {"iid": "2", "schema": "1"}),
                ("indicator_by_iid", (2,), {}, "/api/info.php", {"iid": "2"}),
                ("properties", (7274049,), {}, "/api/info.php", {"iid": "7274049", "get": "properties"}),
                ("threat", (), {"tid": 1}, "/api/info.php", {"tid": "1"}),
                ("threat", (), {"name": "Zeus"}, "/api/info.php", {"tname": "Zeus"}),
                ("feed", (1,), {}, "/api/info.php", {"fid": "1"}),
                (
                    "explore",
                    ("ioc=pulsedive.com or threat=ryuk",),
                    {"limit": 1},
                    "/api/explore.php",
                    {"q": "ioc=pulsedive.com or threat=ryuk", "limit": "1"},
                ),
                ("explore", ("risk=high",), {}, "/api/explore.php", {"q": "risk=high", "limit": "100"}),
                ("poll_scan", (2,), {}, "/api/analyze.php", {"qid": "2"}),
            ],
        ),
        (
            "current",
            [
                ("indicator", ("1.1.1.1",), {}, "/api/indicator.php", {"indicator": "1.1.1.1"}),
                ("indicator_by_iid", (2,), {"schema": True}, "/api/indicator.php", {"iid": "2", "schema": "1"}),
                ("properties", (7274049,), {}, "/api/indicator.php", {"iid": "7274049", "get": "properties"}),
                ("threat", (), {"tid": 1}, "/api/threat.php", {"tid": "1"}),
                ("threat", (), {"name": "Zeus"}, "/api/threat.php", {"tname": "Zeus"}),
                ("feed", (1,), {}, "/api/feed.php", {"fid": "1"}),
                ("explore", ("risk=high",), {"limit": 5}, "/api/explore.php", {"q": "risk=high", "limit": "5"}),
                ("poll_scan", ("2",), {}, "/api/analyze.php", {"qid": "2"}),
            ],
        ),
    ],
)
def test_path_families_and_parameters(server, family, calls):
    with make_client(server, paths=family) as c:
        for method, args, kwargs, path, params in calls:
            server.recorded.clear()
            result = getattr(c, method)(*args, **kwargs)
            assert result.outcome is Outcome.OK, (method, result)
            (req,) = server.recorded
            assert (req.method, req.path, req.query) == ("GET", path, {**params, "key": KEY}), method


def test_base_url_without_trailing_slash(server):
    server.recorded.clear()
    with make_client(server, base_url=server.base_url.rstrip("/")) as c:
        assert c.indicator("1.1.1.1").ok
    assert server.recorded[-1].path == "/api/info.php"


def test_invalid_arguments_raise_value_error_without_secrets(client):
    with pytest.raises(ValueError) as neither:
        client.threat()
    with pytest.raises(ValueError):
        client.threat(tid=1, name="Zeus")
    with pytest.raises(ValueError):
        PulsediveClient(KEY, paths="modern")  # type: ignore[arg-type]
    assert KEY not in str(neither.value)


# ---------------------------------------------------------------------------
# Scans
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "form"),
    [
        ({}, {"value": "x.example", "probe": "0"}),
        ({"probe": False}, {"value": "x.example", "probe": "0"}),
        ({"probe": True}, {"value": "x.example", "probe": "1"}),
        ({"probe": True, "submit": True}, {"value": "x.example", "probe": "1", "submit": "1"}),
    ],
)
def test_submit_scan_is_a_form_post(client, server, kwargs, form):
    result = client.submit_scan("x.example", **kwargs)
    assert result.ok and result.data == {"success": "Added request to queue.", "qid": 774460693}
    (req,) = server.recorded
    assert (req.method, req.path, req.query) == ("POST", "/api/analyze.php", {})  # the key is not in the URL
    assert req.form == {**form, "key": KEY}
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize(("qid", "status"), [(1, "processing"), ("3", "processing"), (2, "done"), (99, "not found")])
def test_poll_scan(client, qid, status):
    result = client.poll_scan(qid)
    assert result.outcome is Outcome.OK  # "Request(s) still processing." is not a failure
    assert parse_scan_poll(result.data).status == status
    if status == "processing":
        assert result.message.endswith("Request(s) still processing.")


# ---------------------------------------------------------------------------
# Pagination
# ---------------------------------------------------------------------------
def test_links_follow_page_next_and_merge(client, server):
    result = client.links(2)
    assert result.ok
    assert [r.query.get("page") for r in server.recorded] == [None, "1", "2"]
    assert all(r.query["get"] == "links" and r.query["iid"] == "2" for r in server.recorded)
    assert "page_next" not in result.data and "page_current" not in result.data
    links = parse_links(result.data)
    assert [i.iid for i in links["Active DNS"]] == [3, 6]
    assert [i.iid for i in links["Sources"]] == [3894198, 3894199]


def test_links_single_page_fixture(client, server):
    result = client.links(7)
    assert result.ok and len(server.recorded) == 1
    assert set(parse_links(result.data)) == {"Active DNS", "Related URLs", "Related Domains", "Sources"}


def test_links_page_loop_is_cut(client, server):
    result = client.links(3)
    assert result.ok
    assert [r.query.get("page") for r in server.recorded] == [None, "1"]  # page 1 points at page 1 again


def test_links_failure_on_a_later_page_keeps_earlier_pages(client):
    result = client.links(4)
    assert result.outcome is Outcome.RATE_LIMITED and result.status == 429
    assert [i.iid for i in parse_links(result.data)["Active DNS"]] == [3]
    assert "after 1 page(s)" in result.message


def test_threat_links_all_pages(client, server):
    result = client.threat_links(1)
    assert result.ok
    assert [r.query.get("page") for r in server.recorded] == [None, "1", "2", "3"]
    items = parse_linked_list(result.data)
    assert len(items) == 12 and items[-1].iid == 302
    assert set(result.data) == {"results"}


def test_threat_links_first_page_failure_has_no_data(client):
    result = client.threat_links(9)
    assert result.outcome is Outcome.SERVER_ERROR
    assert [i.iid for i in parse_linked_list(result.data)] == [1]


# ---------------------------------------------------------------------------
# Failures: each one an outcome, never an exception
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "outcome", "status", "in_message"),
    [
        ("unknown.example", Outcome.NOT_FOUND, 404, "Indicator not found."),
        ("notfound200.example", Outcome.NOT_FOUND, 200, "Indicator not found."),
        # not Pulsedive's JSON: a wrong API URL or a proxy page, never a "not found" verdict
        ("text404.example", Outcome.MALFORMED, 404, "is the API URL right? <html><body><h1>404 Not Found"),
        ("ratelimited.example", Outcome.RATE_LIMITED, 429, "API rate limit exceeded: 1 requests per second"),
        ("ratelimited-bare.example", Outcome.RATE_LIMITED, 429, "pulsedive.com/api"),
        ("ratelimited-text.example", Outcome.RATE_LIMITED, 429, "Too Many Requests"),
        ("forbidden.example", Outcome.KEY_REJECTED, 403, "Forbidden"),
        ("bad.example", Outcome.BAD_REQUEST, 400, "Invalid indicator."),
        ("teapot.example", Outcome.BAD_REQUEST, 418, "(empty body)"),
        ("boom.example", Outcome.SERVER_ERROR, 500, "<html><title>500</title>Internal Server Error</html>"),
        ("unavailable.example", Outcome.SERVER_ERROR, 503, "Maintenance."),
        ("echo.example", Outcome.SERVER_ERROR, 502, "key=***"),
        ("truncated.example", Outcome.MALFORMED, 200, "invalid JSON"),
        ("array.example", Outcome.MALFORMED, 200, "not a JSON object"),
        ("string.example", Outcome.MALFORMED, 200, "not a JSON object"),
        ("html.example", Outcome.MALFORMED, 200, "invalid JSON"),
        ("empty.example", Outcome.MALFORMED, 200, "empty body"),
        ("processing408.example", Outcome.OK, 408, "still processing"),
    ],
)
def test_http_failures(client, value, outcome, status, in_message):
    result = client.indicator(value)
    assert (result.outcome, result.status) == (outcome, status), result
    assert in_message in result.message
    assert isinstance(result.message, str) and KEY not in result.message
    if outcome is Outcome.MALFORMED:
        assert result.data is None


def test_message_format(client):
    assert client.indicator("unknown.example").message == "HTTP 404 (not found): Indicator not found."
    assert client.indicator("array.example").message == "HTTP 200 (malformed answer): not a JSON object (list)"
    assert client.indicator("1.1.1.1").message == "OK"
    assert client.submit_scan("x.example").message == "Added request to queue."
    long = client.indicator("echo.example" + "x" * 2000)  # a 2 KB error page
    assert long.outcome is Outcome.SERVER_ERROR and len(long.message) <= 603 and long.message.endswith("...")


def test_key_rejected(server):
    with make_client(server, key=REJECTED_KEY) as c:
        result = c.indicator("1.1.1.1")
    assert (result.outcome, result.status) == (Outcome.KEY_REJECTED, 401)
    assert "Unauthorized." in result.message and REJECTED_KEY not in result.message


def test_timeout(server):
    with make_client(server, timeout=(2.0, 0.2)) as c:
        started = time.monotonic()
        result = c.indicator("slow.example")
    assert result.outcome is Outcome.TIMEOUT and result.status is None and result.data is None
    assert time.monotonic() - started < 0.9
    assert result.message == f"127.0.0.1:{server.server_address[1]}/api/info.php: no answer within 0.2 s"


def test_connection_reset(client):
    result = client.indicator("reset.example")
    assert result.outcome is Outcome.NETWORK_ERROR and result.status is None
    assert "connection" in result.message.lower() and KEY not in result.message
    assert client.indicator("1.1.1.1").ok  # the session recovers


def test_body_cut_short(client):
    result = client.indicator("shortbody.example")
    assert result.outcome is Outcome.NETWORK_ERROR and result.status is None
    assert KEY not in result.message


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused():
    port = closed_port()
    with PulsediveClient(KEY, base_url=f"http://127.0.0.1:{port}/api/", timeout=(1.0, 1.0)) as c:
        c.session.trust_env = False
        result = c.indicator("1.1.1.1")
    assert result.outcome is Outcome.NETWORK_ERROR and result.quota is None
    assert "refused" in result.message.lower() and KEY not in result.message
    assert result.message.startswith(f"127.0.0.1:{port}/api/info.php: connection failed: ")


@pytest.mark.parametrize(
    "url", ["nonsense://[::1", "ftp://pulsedive.com/api/", "pulsedive.com/api", "http://:80/", "http://h:99999/"]
)
def test_unusable_base_url_is_refused_at_construction(url):
    with pytest.raises(ValueError) as info:
        PulsediveClient(KEY, base_url=url)
    assert KEY not in str(info.value)


# ---------------------------------------------------------------------------
# Quota
# ---------------------------------------------------------------------------
def test_quota_on_every_response(client):
    client.indicator("unknown.example")
    assert client.quota == Quota(1, 8, 249)  # 404s carry it too
    result = client.indicator("ratelimited.example")
    assert result.quota == client.quota == Quota(0, 0, 100)
    result = client.indicator("partialquota.example")
    assert result.quota == client.quota == Quota(second=None, day=7, month=None)  # "abc" -> unknown


def test_quota_absent_headers(client):
    client.indicator("1.1.1.1")
    bare = client.indicator("ratelimited-bare.example")
    assert bare.quota is None  # a 429 without headers says nothing about the quota...
    assert client.quota == Quota(1, 9, 249)  # ...so the last known one stays
    unlimited = client.indicator("unlimited.example")
    assert unlimited.quota == client.quota == Quota(None, None, None) and unlimited.quota.unlimited
    failed = client.indicator("reset.example")
    assert failed.quota is None and client.quota == Quota(None, None, None)


def test_concurrent_calls_from_executor_threads(client, server):
    values = ["1.1.1.1", "unknown.example", "ratelimited.example", "bad.example"] * 10
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(client.indicator, values))
    expected = {
        "1.1.1.1": Outcome.OK,
        "unknown.example": Outcome.NOT_FOUND,
        "ratelimited.example": Outcome.RATE_LIMITED,
        "bad.example": Outcome.BAD_REQUEST,
    }
    assert [r.outcome for r in results] == [expected[v] for v in values]
    assert client.quota in {Quota(1, 9, 249), Quota(1, 8, 249), Quota(0, 0, 100)}
    assert len(server.recorded) == len(values)


# ---------------------------------------------------------------------------
# The canary: the key appears nowhere, whatever happens
# ---------------------------------------------------------------------------
CANARY = "CANARYKEY0123456789abcdef+/=0123456789abcdef0123456789abcdefCANARY"


def _canary_forms() -> list[str]:
    return [CANARY, quote(CANARY), quote(CANARY, safe=""), quote_plus(CANARY), CANARY[:12], quote_plus(CANARY)[:12]]


def test_canary_key_never_leaks(server, caplog):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)  # added AFTER the client installed its redaction (via the record factory)
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    try:
        with make_client(server, key=CANARY, timeout=(2.0, 0.3)) as c:
            seen += [repr(c), str(c)]
            results: list[ApiResult] = [
                c.indicator("1.1.1.1"),
                c.indicator_by_iid(2, schema=True),
                c.links(2),
                c.links(4),
                c.properties(7274049),
                c.threat(tid=1),
                c.threat(name="Zeus"),
                c.threat_links(1),
                c.threat_links(9),
                c.feed(1),
                c.explore("ioc=pulsedive.com"),
                c.submit_scan("x.example", probe=True, submit=True),
                c.poll_scan(1),
                c.poll_scan(2),
                *(
                    c.indicator(v)
                    for v in (
                        "unknown.example",
                        "text404.example",
                        "ratelimited.example",
                        "ratelimited-bare.example",
                        "forbidden.example",
                        "bad.example",
                        "boom.example",
                        "echo.example",
                        "slow.example",
                        "reset.example",
                        "truncated.example",
                        "shortbody.example",
                        "array.example",
                        "html.example",
                        "empty.example",
                    )
                ),
            ]
            try:
                c.threat()
            except ValueError as exc:
                seen.append(str(exc))
            # a failure logged with its exception, the way an engine might
            try:
                c.session.get(f"http://127.0.0.1:{closed_port()}/api/info.php", params={"key": CANARY}, timeout=0.5)
            except requests.RequestException as exc:
                seen.append(redact(str(exc), [CANARY]))
                logging.getLogger("iocdesk.engine").exception("lookup failed: %s", exc)
        with PulsediveClient(CANARY, base_url=f"http://127.0.0.1:{closed_port()}/api/", timeout=(0.5, 0.5)) as refused:
            refused.session.trust_env = False
            results.append(refused.indicator("1.1.1.1"))
            seen.append(repr(refused))
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)

    outcomes = {r.outcome for r in results}
    assert outcomes == set(Outcome), set(Outcome) - outcomes  # every kind of failure was exercised
    seen += [r.message for r in results] + [repr(r) for r in results]
    seen.append(stream.getvalue())
    seen.append(caplog.text)
    seen += [r.getMessage() for r in caplog.records]
    logs = stream.getvalue()
    assert "urllib3.connectionpool DEBUG" in logs and "key=***" in logs  # the dangerous lines were logged...
    assert "Traceback" in logs
    everything = "\n".join(seen)
    for form in _canary_forms():
        assert form not in everything, form  # ...redacted


# ---------------------------------------------------------------------------
# Redaction
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /api/info.php?indicator=x&key={KEY} HTTP/1.1", "GET /api/info.php?indicator=x&key=*** HTTP/1.1"),
        (f"key={KEY}&value=x", "key=***&value=x"),
        (f"url: /api/?KEY={KEY} (Caused by", "url: /api/?KEY=*** (Caused by"),
        ("apikey=abc123&api_key=def456", "apikey=***&api_key=***"),
        ("monkey=banana turnkey=solution", "monkey=banana turnkey=solution"),
        ("proxy http://alice:s3cret@proxy:3128 failed", "proxy http://alice:***@proxy:3128 failed"),
        ("see https://pulsedive.com/api/ and user@example.com", "see https://pulsedive.com/api/ and user@example.com"),
        (f"'{KEY}'", "'***'"),
        ("no secrets here", "no secrets here"),
    ],
)
def test_redact(text, expected):
    assert redact(text, [KEY]) == expected


def test_redact_encoded_forms():
    secret = "s3cr3t+/=&?% key"
    for form in (secret, quote(secret), quote(secret, safe=""), quote_plus(secret), quote_plus(secret).lower()):
        out = redact(f"before {form} after", [secret])
        assert "before" in out and "after" in out
        assert secret not in out
    assert redact(quote(secret, safe=""), [secret]) == "***"
    assert redact(quote(secret, safe="").replace("%2F", "%2f"), [secret]) == "***"


def test_redact_ignores_empty_and_tiny_secrets():
    assert redact("a b c", ["", None, "a"]) == "a b c"  # type: ignore[list-item]


def test_redact_url_uses_the_registry():
    secret = "REGISTRY" + "9" * 20
    register_secret(secret)
    try:
        assert secret in registered_secrets()
        assert redact_url(f"https://x/?q={secret}&key=other") == "https://x/?q=***&key=***"
    finally:
        unregister_secret(secret)
    assert secret not in registered_secrets()


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="*"), min_size=8, max_size=40).filter(
        lambda s: s.strip()
    ),
    st.text(max_size=50),
    st.text(max_size=50),
    st.sampled_from([lambda s: s, quote, lambda s: quote(s, safe=""), quote_plus]),
)
def test_redact_property(secret, before, after, encode):
    out = redact(before + encode(secret) + after, [secret])
    assert encode(secret) not in out
    assert secret not in out


def test_redacting_filter_on_a_logger_and_exception_text():
    secret = "FILTERSECRET" + "7" * 20
    stream = io.StringIO()
    logger = logging.getLogger("iocdesk.tests.redact")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([secret]))
    logger.addHandler(handler)
    try:
        logger.warning("value %s and %d", secret, 3)
        try:
            raise RuntimeError(f"failed for https://x/?key={secret}")
        except RuntimeError:
            logger.exception("boom %s", "x")
        logger.warning("bad format %s %s", secret)  # logging's own error path must not leak either
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    text = stream.getvalue()
    assert secret not in text and secret[:12] not in text
    assert "value *** and 3" in text and "RuntimeError: failed for https://x/?key=***" in text


def test_install_log_redaction_is_idempotent():
    install_log_redaction()
    factory = logging.getLogRecordFactory()
    install_log_redaction()
    assert logging.getLogRecordFactory() is factory
    for name in ("urllib3", "urllib3.connectionpool", "requests"):
        filters = [f for f in logging.getLogger(name).filters if isinstance(f, RedactingFilter)]
        assert len(filters) == 1, name
    root_handler = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(root_handler)
    try:
        install_log_redaction()
        install_log_redaction()
        assert sum(isinstance(f, RedactingFilter) for f in root_handler.filters) == 1
    finally:
        logging.getLogger().removeHandler(root_handler)
    assert redact_module.registered_secrets() is registered_secrets()
