"""``iocdesk serve`` end to end: a real process on the demo sandbox, fed by HTTP and a folder."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from iocdesk.store import History
from tests.helpers.inbox_client import post_json

TOKEN = "serve-test-token-8c1e5a2f9b7d"


@pytest.fixture(scope="module")
def demo_values(make_module_sandbox) -> dict[str, list[str]]:
    server = make_module_sandbox()  # the demo sandbox has the same data
    return {"domain": server.dataset.known_values("domain")[:20], "ip": server.dataset.known_values("ip")[:6]}


@pytest.fixture
def env(tmp_path) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("PULSEDIVE_API_KEY", "IOCDESK_INBOX_TOKEN")}
    return {
        **clean,
        "IOCDESK_BASEDIR": str(tmp_path / "base"),
        "PYTHONIOENCODING": "utf-8",
        "IOCDESK_INBOX_TOKEN": TOKEN,
    }


class Serve:
    def __init__(self, args: list[str], env: dict) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "iocdesk", "serve", "--demo", "--rate", "50", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        self.banner: list[str] = []
        while True:
            line = self.proc.stderr.readline()
            assert line, "serve ended early: " + "".join(self.banner) + self.proc.stderr.read()
            self.banner.append(line)
            if "ready" in line:
                break
        found = re.search(r"POST (http://\S+)", "".join(self.banner))
        self.url = found.group(1) if found else None
        self.lines: list[str] = []

    def post(self, document: dict, token: str = TOKEN) -> tuple[int, dict]:
        return post_json(self.url, document, token)

    def wait_for(self, text: str, n: int = 1, timeout: float = 30) -> list[str]:
        """Read output lines until ``n`` of them contain ``text``."""
        deadline = time.monotonic() + timeout
        while sum(text in line for line in self.lines) < n and time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # the process prints one line per alert, flushed
            if line:
                self.lines.append(line.rstrip("\n"))
        assert sum(text in line for line in self.lines) >= n, self.lines
        return self.lines

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        rest, err = self.proc.communicate(timeout=20)
        self.lines += [line for line in rest.splitlines() if line]
        return self.proc.returncode, err


def test_serve_takes_alerts_over_http_prints_a_line_each_and_writes_exports(tmp_path, env, demo_values):
    out = tmp_path / "out"
    serve = Serve(["--port", "0", "--out", str(out), "--formats", "json,csv"], env)
    try:
        doms = demo_values["domain"]
        status, first = serve.post({"title": "EDR: beacon", "hosts": [d.replace(".", "[.]") for d in doms[:4]]})
        assert status == 202 and first["indicators"] == 4
        status, second = serve.post({"rule": "SIEM: scan", "msg": f"from {demo_values['ip'][0]} and {doms[5]}"})
        assert status == 202
        assert serve.post({"title": "x"}, token="wrong-token-1234567890")[0] == 401
        status, dup = serve.post({"title": "EDR: beacon again", "hosts": doms[:4]})
        assert status == 202 and dup["status"] == "duplicate"
        lines = serve.wait_for(" done | ", 2)
        serve.wait_for(" duplicate | ")
    finally:
        code, err = serve.stop()
    assert code == 0 and "Traceback" not in err and "stopped" in err
    done = [line for line in serve.lines if " done | " in line]
    assert len(done) == 2 and any("'EDR: beacon'" in line and "4 found" in line for line in done)
    assert any(" duplicate | " in line and first["id"] in line for line in lines)
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ A\S+ ", line) for line in serve.lines)
    document = json.loads((out / f"{first['id']}.json").read_text())
    assert len(document["results"]) == 4 and {r["status"] for r in document["results"]} == {"found"}
    assert (out / f"{second['id']}.csv").exists()
    with History(tmp_path / "base" / "data" / "history.sqlite3") as history:
        sources = [run.sources for run in history.list_runs()]
    assert any("EDR: beacon" in " ".join(s) for s in sources) and len(sources) == 2


def test_serve_watches_a_folder_and_survives_a_restart(tmp_path, env, demo_values):
    inbox = tmp_path / "drop"
    inbox.mkdir()
    (inbox / "alert-1.txt").write_text("Suspicious: " + " ".join(demo_values["domain"][:3]), encoding="utf-8")
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    old = time.time() - 60
    for path in inbox.iterdir():
        os.utime(path, (old, old))  # dropped while the app was closed
    serve = Serve(["--no-webhook", "--folder", str(inbox)], env)
    try:
        assert serve.url is None
        serve.wait_for(" done | ")
        (inbox / "alert-2.json").write_text(json.dumps({"title": "from the EDR", "ip": demo_values["ip"][1]}))
        serve.wait_for(" done | ", 2)
    finally:
        code, _err = serve.stop()
    assert code == 0
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["alert-1.txt", "alert-2.json"]
    assert (inbox / "failed" / "broken.xlsx").exists()
    assert "broken.xlsx" in (inbox / "failed" / "broken.xlsx.reason.txt").read_text()
    assert any("folder: alert-1.txt" in line and "3 found" in line for line in serve.lines)
    assert any("'from the EDR'" in line for line in serve.lines)


def test_token_commands_and_usage_errors(tmp_path, env):
    shown = subprocess.run(
        [sys.executable, "-m", "iocdesk", "serve", "--show-token"], capture_output=True, text=True, env=env
    )
    assert shown.returncode == 0 and shown.stdout.strip() == TOKEN
    no_env = {k: v for k, v in env.items() if k != "IOCDESK_INBOX_TOKEN"}  # subprocesses have no keyring (conftest)
    failed = subprocess.run(
        [sys.executable, "-m", "iocdesk", "serve", "--demo"], capture_output=True, text=True, env=no_env
    )
    assert failed.returncode == 1 and "OS keyring" in failed.stderr and "IOCDESK_INBOX_TOKEN" in failed.stderr
    for args, message in (
        (["--no-webhook"], "nothing to serve"),
        (["--folder", str(tmp_path / "nope")], "not a folder"),
        (["--rule", "bad"], "GLOB=draft:DIR"),
        (["--formats", "pdf"], "unknown pdf"),
    ):
        res = subprocess.run(
            [sys.executable, "-m", "iocdesk", "serve", "--demo", *args], capture_output=True, text=True, env=env
        )
        assert res.returncode == 2 and message in res.stderr, res.stderr


def test_the_token_lives_in_the_keyring(memory_keyring, monkeypatch, capsys):
    from iocdesk.cli import main

    monkeypatch.delenv("IOCDESK_INBOX_TOKEN", raising=False)
    assert main(["serve", "--show-token"]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 32 and memory_keyring.passwords[("iocdesk", "inbox-webhook-token")] == token
    assert main(["serve", "--show-token"]) == 0 and capsys.readouterr().out.strip() == token
    assert main(["serve", "--new-token"]) == 0
    assert capsys.readouterr().out.strip() != token
