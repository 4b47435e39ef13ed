"""``iocdesk analyze``, ``key``, ``history`` and ``sandbox`` as users and pipelines run them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iocdesk.pulsedive.sandbox import SandboxServer
from iocdesk.store import History


def cli(
    *args: str, env: dict | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iocdesk", *args],
        input=stdin.encode() if stdin is not None else None,
        capture_output=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture
def home(tmp_path) -> dict:
    """An environment with its own cache/history directory and no key."""
    env = {k: v for k, v in os.environ.items() if k != "PULSEDIVE_API_KEY"}
    env.update(IOCDESK_BASEDIR=str(tmp_path / "iocdesk"), PYTHONIOENCODING="utf-8")
    return env


def report_for(server: SandboxServer, tmp_path: Path, known: int = 8, unknown: int = 2) -> Path:
    values = server.dataset.known_values("domain")[:known] + server.dataset.unknown_values()[:unknown]
    text = "Incident notes\n" + "\n".join(f"- seen {v.replace('.', '[.]')}" for v in values)
    text += "\nalso 10.0.0.7 and 44d88612fea8a8f36de82e1278abb02f\n"
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_run_writes_the_documented_json(tmp_path, home):
    report = tmp_path / "alert.txt"
    report.write_text("beacon to hxxp://nothing-here[.]top/a and 8.8.8.8, hash 44d88612fea8a8f36de82e1278abb02f")
    out = tmp_path / "out.json"
    res = cli("analyze", "--demo", str(report), "--json", str(out), "--csv", str(tmp_path / "out.csv"), env=home)
    assert res.returncode == 0, res.stderr.decode()
    document = json.loads(out.read_text())
    assert {"generated", "summary", "results"} <= set(document)
    required = {
        "indicator",
        "type",
        "status",
        "risk",
        "iid",
        "threats",
        "feeds",
        "riskfactors",
        "last_seen",
        "url",
        "error",
        "defanged",
    }
    for result in document["results"]:
        assert required <= set(result)
        assert result["status"] in {"found", "not_found", "scanned", "unsupported", "skipped", "error"}
    statuses = {r["indicator"]: r["status"] for r in document["results"]}
    assert statuses["44d88612fea8a8f36de82e1278abb02f"] == "unsupported"
    assert "of 4 indicators" in res.stdout.decode()  # the URL's host too: the URL got no verdict
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_missing_key_is_one_message_and_exit_3(tmp_path, home):
    report = tmp_path / "r.txt"
    report.write_text("evil.com")
    res = cli("analyze", str(report), env=home)
    assert res.returncode == 3
    lines = res.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "no Pulsedive API key" in lines[0] and "iocdesk key set" in lines[0]


def test_rejected_key_is_one_message_and_exit_3(tmp_path, home, make_sandbox):
    server = make_sandbox(require_key="the-real-key")
    report = report_for(server, tmp_path)
    res = cli("analyze", "--api-url", server.base_url, str(report), env={**home, "PULSEDIVE_API_KEY": "not-the-key"})
    assert res.returncode == 3
    assert "rejected the API key" in res.stderr.decode()
    assert server.stats.unauthorized_count <= 4  # stopped at once, not a run full of 401s


def test_run_with_key_then_cache_then_history(tmp_path, home, make_sandbox):
    env = {**home, "PULSEDIVE_API_KEY": "k-123"}
    server = make_sandbox(require_key="k-123")
    report = report_for(server, tmp_path)
    first = cli("analyze", "--api-url", server.base_url, "--rate", "50", str(report), env=env)
    assert first.returncode == 0, first.stderr.decode()
    sent = server.stats.requests
    assert sent == 10  # 8 known + 2 unknown; the private IP and the hash cost nothing
    second = cli("analyze", "--api-url", server.base_url, str(report), "--json", str(tmp_path / "2.json"), env=env)
    assert second.returncode == 0 and server.stats.requests == sent  # all from the cache
    stale = cli("analyze", "--api-url", server.base_url, "--rate", "50", "--cache-ttl", "0.00001", str(report), env=env)
    assert stale.returncode == 0 and server.stats.requests == sent * 2  # too old for this TTL: asked again
    sent *= 2
    assert all(
        r["from_cache"]
        for r in json.loads((tmp_path / "2.json").read_text())["results"]
        if r["status"] in ("found", "not_found")
    )
    listing = cli("history", "list", env=env).stdout.decode()
    assert listing.count("finished") == 3
    shown = cli("history", "show", "1", env=env)
    assert shown.returncode == 0 and "of 12 indicators" in shown.stdout.decode()
    assert "10 cached answers" in cli("cache", "stats", env=env).stdout.decode()
    assert "cleared 10" in cli("cache", "clear", env=env).stdout.decode()
    third = cli("analyze", "--api-url", server.base_url, "--rate", "50", str(report), env=env)
    assert third.returncode == 0 and server.stats.requests == sent + 10  # asked again after the clear


def test_sigkill_mid_run_then_resume_without_requerying(tmp_path, home, make_sandbox):
    env = {**home, "PULSEDIVE_API_KEY": "k-9"}
    server = make_sandbox(require_key="k-9", latency=0.15)
    report = report_for(server, tmp_path, known=20, unknown=0)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "iocdesk",
            "analyze",
            "--api-url",
            server.base_url,
            "--rate",
            "50",
            "--concurrency",
            "2",
            str(report),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while server.stats.requests < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with History(Path(env["IOCDESK_BASEDIR"]) / "data" / "history.sqlite3") as history:
        history.mark_interrupted_runs()
        (summary,) = history.list_runs()
        assert summary.state == "interrupted"
        _, saved = history.load_run(summary.id)
        kept = [r.indicator for r in saved if r.status == "found"]
    assert 0 < len(kept) < 20
    listing = cli("history", "list", env=env).stdout.decode()
    assert "interrupted" in listing
    resumed = cli("history", "resume", str(summary.id), "--api-url", server.base_url, "--rate", "50", env=env)
    assert resumed.returncode == 0, resumed.stderr.decode()
    # What the killed run recorded is not asked again; only answers that were in flight
    # when it died (at most one per concurrent request) are.
    assert all(server.lookup_count(value) == 1 for value in kept)
    assert sum(count - 1 for count in server.stats.lookups.values()) <= 2
    shown = cli("history", "show", str(summary.id), "--json", str(tmp_path / "r.json"), env=env)
    assert shown.returncode == 0
    results = json.loads((tmp_path / "r.json").read_text())["results"]
    assert sum(r["status"] == "found" for r in results) == 20


def test_key_commands_with_a_memory_keyring(memory_keyring, monkeypatch, capsys, make_sandbox):
    import io

    from iocdesk.cli import main

    monkeypatch.delenv("PULSEDIVE_API_KEY", raising=False)
    assert main(["key", "status"]) == 3
    monkeypatch.setattr("sys.stdin", io.StringIO("abcdef0123456789abcdef\n"))
    assert main(["key", "set", "--stdin"]) == 0
    assert memory_keyring.passwords[("iocdesk", "pulsedive-api-key")] == "abcdef0123456789abcdef"
    out = capsys.readouterr().out
    assert "abcdef0123456789abcdef" not in out and "••••cdef" in out
    assert main(["key", "status"]) == 0
    server = make_sandbox(require_key="abcdef0123456789abcdef", per_second=3)
    assert main(["key", "test", "--api-url", server.base_url]) == 0
    assert "works" in capsys.readouterr().out
    assert main(["key", "delete"]) == 0
    assert main(["key", "status"]) == 3


def test_key_set_without_a_keyring_says_so_and_stores_nothing(monkeypatch, capsys):
    import io

    from iocdesk.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("abcdef0123456789abcdef\n"))
    assert main(["key", "set", "--stdin"]) == 1  # conftest: keyring's "fail" backend
    err = capsys.readouterr().err
    assert "OS keyring" in err and "PULSEDIVE_API_KEY" in err and "abcdef0123456789abcdef" not in err


def test_sandbox_command_serves_on_loopback(home):
    proc = subprocess.Popen(
        [sys.executable, "-m", "iocdesk", "sandbox"], env=home, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        line = proc.stdout.readline().decode()
        url = next(word for word in line.split() if word.startswith("http://127.0.0.1:"))
        import requests

        answer = requests.get(url + "info.php", params={"indicator": "definitely-unknown.example"}, timeout=5)
        assert answer.status_code == 404 and answer.json() == {"error": "Indicator not found."}
    finally:
        proc.terminate()
        proc.wait(10)


def test_ctrl_c_with_hanging_requests_exits_130_within_two_seconds(tmp_path, home, make_sandbox):
    env = {**home, "PULSEDIVE_API_KEY": "k"}
    server = make_sandbox(require_key="k", timeout_rate=1.0, timeout_seconds=25)
    report = report_for(server, tmp_path, known=6, unknown=0)
    proc = subprocess.Popen(
        [sys.executable, "-m", "iocdesk", "analyze", "--api-url", server.base_url, "--rate", "50", str(report)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while server.stats.requests < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    proc.wait(timeout=25)
    took = time.monotonic() - sent
    assert proc.returncode == 130, proc.stderr.read().decode()[-1500:]
    assert took < 2.0
    assert "history resume" in proc.stderr.read().decode()  # the run is kept


@pytest.fixture
def forward_proxy():
    """A real HTTP forward proxy on loopback that counts what it relays."""
    import http.server
    import threading
    import urllib.request

    relayed: list[str] = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            relayed.append(self.path.split("?")[0])
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            try:
                answer = opener.open(self.path, timeout=10)
                status, body, headers = answer.status, answer.read(), answer.headers
            except urllib.error.HTTPError as exc:
                status, body, headers = exc.code, exc.read(), exc.headers
            self.send_response(status)
            for name in ("Content-Type", "X-Requests-Remaining-Day"):
                if headers.get(name):
                    self.send_header(name, headers[name])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", relayed
    server.shutdown()


def test_explicit_proxy_is_used_and_a_refusing_proxy_is_one_clear_message(tmp_path, home, forward_proxy, make_sandbox):
    proxy, relayed = forward_proxy
    env = {k: v for k, v in home.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    env["PULSEDIVE_API_KEY"] = "k"
    server = make_sandbox(require_key="k")
    report = report_for(server, tmp_path, known=3, unknown=0)
    ok = cli(
        "analyze", "--api-url", server.base_url, "--rate", "50", "--proxy", proxy, "--no-cache", str(report), env=env
    )
    assert ok.returncode == 0, ok.stderr.decode()
    assert len(relayed) == 3 and all(p.endswith("/api/info.php") for p in relayed)
    refused = cli(
        "analyze",
        "--api-url",
        server.base_url,
        "--rate",
        "50",
        "--proxy",
        "http://127.0.0.1:9",
        "--no-cache",
        str(report),
        env=env,
        timeout=120,
    )
    err = refused.stderr.decode()
    assert refused.returncode == 4  # incomplete: the run is kept for a resume
    assert "cannot be reached" in err and "proxy error" in err and "--proxy" in err
    assert err.count("cannot be reached") == 1 and "Traceback" not in err
