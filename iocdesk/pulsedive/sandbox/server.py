"""SandboxServer: the sandbox on a loopback socket (stdlib http.server, one thread per connection).

Binds to 127.0.0.1 or ::1 only (any other host raises ValueError) and never
resolves a name: ``HTTPServer.server_bind``'s ``getfqdn`` is skipped. HTTP/1.1
keep-alive, like Apache. ``stop()`` returns quickly even with requests stalled
in a latency/timeout fault: those wait on an event that stop() sets, idle
keep-alive sockets are shut down, and handler threads are joined with a deadline.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from iocdesk.pulsedive.sandbox.api import Api
from iocdesk.pulsedive.sandbox.config import SandboxConfig
from iocdesk.pulsedive.sandbox.dataset import Dataset
from iocdesk.pulsedive.sandbox.stats import Stats
from iocdesk.pulsedive.sandbox.values import lookup_key

MAX_BODY = 1 << 20
_KEY_IN_QUERY = re.compile(r"((?:^|[?&])key=)[^&]*")
# Paths come from anyone who can connect: C0/C1 controls and backslashes escaped as http.server
# does before they reach the terminal (an ESC sequence would retitle it or rewrite lines).
_CONTROL = str.maketrans({c: f"\\x{c:02x}" for c in itertools.chain(range(0x20), range(0x7F, 0xA0))} | {0x5C: "\\\\"})
# socketserver's request and client address types; for this TCP server a
# request is always the accepted socket and an address (host, port[, ...]).
_Request = socket.socket | tuple[bytes, socket.socket]
_ClientAddress = Any


def loopback_address(host: str) -> tuple[str, socket.AddressFamily]:
    """``(address, family)`` for a loopback host; anything else raises ValueError."""
    if host.strip().lower() == "localhost":
        return "127.0.0.1", socket.AF_INET
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise ValueError(f"the Pulsedive sandbox listens on loopback only (127.0.0.1 or ::1), not {host!r}")
    return str(address), socket.AF_INET6 if address.version == 6 else socket.AF_INET


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    timeout = 120  # an idle keep-alive connection is closed after this
    disable_nagle_algorithm = True  # else headers + body in two writes stall ~40 ms on keep-alive
    server: _HTTPServer  # the only server this handler is made for

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length).decode("utf-8", "replace")
            if "multipart/" not in self.headers.get("Content-Type", ""):
                # form fields win over the query string, as in PHP's $_REQUEST
                params.update({k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()})
        endpoint = url.path[len("/api/") :] if url.path.startswith("/api/") else url.path
        reply = self.server.api.handle(method, endpoint, params)
        if reply.abort:
            self._abort()
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _abort(self) -> None:
        """Drop the connection with a TCP reset (SO_LINGER 0), answering nothing."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        for stream in (self.rfile, self.wfile):
            try:
                stream.close()
            except OSError:
                pass
        self.connection.close()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.api.config.log_requests:
            path = _KEY_IN_QUERY.sub(r"\1***", self.path).translate(_CONTROL)  # never log the key
            sys.stderr.write(f"{time.strftime('%H:%M:%S')} {str(self.command).translate(_CONTROL)} {path} {code}\n")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server API
        pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() joins the handler threads itself, with a deadline

    def __init__(self, address: tuple[str, int], api: Api, family: socket.AddressFamily) -> None:
        self.address_family = family
        self.api = api
        self._lock = threading.Lock()
        self._handlers: set[threading.Thread] = set()
        self._connections: set[socket.socket] = set()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # not HTTPServer's: its getfqdn() may query DNS
        host, port = self.server_address[:2]
        assert isinstance(host, str)  # getsockname() gives the host as text
        self.server_name, self.server_port = host, port

    def process_request(self, request: _Request, client_address: _ClientAddress) -> None:
        assert isinstance(request, socket.socket)  # a TCP server's requests are sockets
        thread = threading.Thread(
            target=self._run, args=(request, client_address), daemon=True, name="pulsedive-sandbox-connection"
        )
        with self._lock:
            self._handlers.add(thread)
            self._connections.add(request)
        thread.start()

    def _run(self, request: socket.socket, client_address: _ClientAddress) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._handlers.discard(threading.current_thread())
                self._connections.discard(request)

    def handle_error(self, request: _Request, client_address: _ClientAddress) -> None:
        error = sys.exc_info()[1]
        # The client went away, or stop() closed the socket; http.server then also fails
        # flushing its closed file object (ValueError): neither is the sandbox's error.
        if isinstance(error, OSError) or (isinstance(error, ValueError) and "closed file" in str(error)):
            return
        super().handle_error(request, client_address)

    def close_connections(self, deadline: float) -> None:
        with self._lock:
            connections, threads = list(self._connections), list(self._handlers)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class SandboxServer:
    """A Pulsedive-compatible API on loopback; see docs/sandbox.md.

    ``with SandboxServer(SandboxConfig(seed=1)) as sb: requests.get(sb.base_url + "info.php", ...)``
    """

    def __init__(self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self._family = loopback_address(host)
        if not 0 <= int(port) <= 65535:
            raise ValueError(f"port out of range: {port}")
        self.config = config if config is not None else SandboxConfig()
        self.stats = Stats()
        self.dataset = Dataset(self.config.seed)
        self._requested_port = int(port)
        self._stopping = threading.Event()
        self._api = Api(self.config, self.dataset, self.stats, self._stopping)
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    def start(self) -> SandboxServer:
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._stopping.clear()
        self._server = _HTTPServer((self.host, self._requested_port), self._api, self._family)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="pulsedive-sandbox"
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving: wakes stalled requests, closes every socket, joins threads (at most ``timeout``)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        assert thread is not None  # start() sets both
        deadline = time.monotonic() + timeout
        self._stopping.set()
        server.shutdown()
        server.server_close()
        server.close_connections(deadline)
        thread.join(max(0.0, deadline - time.monotonic()))
        self._server = self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the sandbox has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if self._family == socket.AF_INET6 else self.host
        return f"http://{host}:{self.port}/api/"

    def url(self, endpoint: str) -> str:
        return self.base_url + endpoint

    def lookup_count(self, value: str) -> int:
        """How many indicator lookups of ``value`` (any spelling that normalises alike) got an answer."""
        return self.stats.lookups.get(lookup_key(value)[1], 0)

    def reset_quota(self, period: str | None = None) -> None:
        """Refill the quota of one period ("second", "day", "month") or of all."""
        self._api.quota.reset(period)


def main_sandbox(port: int = 0, **config: Any) -> int:
    """``iocdesk sandbox``: print the base URL on stdout, serve until Ctrl+C or SIGTERM."""
    host = config.pop("host", "127.0.0.1")
    try:
        server = SandboxServer(SandboxConfig(**config), host=host, port=port).start()
    except (TypeError, ValueError) as error:
        print(f"iocdesk sandbox: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"iocdesk sandbox: cannot listen on {host} port {port}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(server.base_url, flush=True)
    print(
        "Pulsedive sandbox: generated demo data, loopback only, nothing is contacted. Ctrl+C stops it.",
        file=sys.stderr,
        flush=True,
    )
    done = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0
