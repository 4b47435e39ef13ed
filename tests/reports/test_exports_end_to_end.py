"""Every export from both faces: `iocdesk analyze` flags and the window's Export menu."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl
import pytest

from iocdesk.cli import main
from iocdesk.delivery import chat


@pytest.fixture
def receiver():
    """A local chat-webhook endpoint that keeps the JSON it receives."""
    bodies: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/SECRET-TOKEN-123", bodies
    server.shutdown()


@pytest.mark.slow  # ~9 s: a demo run through every export
def test_analyze_writes_every_format_and_posts_to_chat(
    tmp_path, monkeypatch, memory_keyring, receiver, capsys, make_sandbox
):
    url, bodies = receiver
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "base"))
    chat.store_webhook("soc", "slack", url)
    report = tmp_path / "alert.txt"
    server = make_sandbox()  # only to pick values the demo sandbox knows
    values = server.dataset.known_values("domain")[:6] + server.dataset.known_values("ip")[:4]
    report.write_text("seen: " + " ".join(v.replace(".", "[.]") for v in values), encoding="utf-8")
    out = {kind: tmp_path / f"out.{kind}" for kind in ("xlsx", "json", "csv", "eml")}
    stix = tmp_path / "out.stix.json"
    status = main(
        [
            "analyze",
            "--demo",
            "--quiet",
            str(report),
            "--xlsx",
            str(out["xlsx"]),
            "--json",
            str(out["json"]),
            "--csv",
            str(out["csv"]),
            "--stix",
            str(stix),
            "--eml",
            str(out["eml"]),
            "--mail-to",
            "soc@corp.example.org",
            "--webhook",
            "soc",
        ]
    )
    assert status == 0, capsys.readouterr().err
    results = json.loads(out["json"].read_text())["results"]
    assert len(results) == 10 and sum(r["status"] == "found" for r in results) == 10
    sheet = openpyxl.load_workbook(out["xlsx"])["Results"]
    assert sheet.max_row == 11  # header + one row per IOC
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("Source") + 1).value.endswith("alert.txt")  # where each IOC was seen
    bundle = json.loads(stix.read_text())
    assert sum(o["type"] == "indicator" for o in bundle["objects"]) == 10
    draft = email.message_from_bytes(out["eml"].read_bytes(), policy=email.policy.default)
    assert draft["X-Unsent"] == "1" and draft["To"] == "soc@corp.example.org"
    (attachment,) = draft.iter_attachments()
    assert attachment.get_filename().endswith(".xlsx") and attachment.get_content()[:2] == b"PK"
    body = draft.get_body(("plain",)).get_content()
    assert "[.]" in body and values[0] not in body  # defanged
    assert len(bodies) == 1 and bodies[0]["blocks"]
    assert "SECRET-TOKEN-123" not in capsys.readouterr().err


def test_a_failing_export_is_one_line_and_exit_1_the_others_still_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "base"))
    report = tmp_path / "alert.txt"
    report.write_text("8.8.8.8")
    status = main(
        [
            "analyze",
            "--demo",
            "--quiet",
            str(report),
            "--json",
            str(tmp_path / "no-such-dir" / "x.json"),
            "--csv",
            str(tmp_path / "ok.csv"),
            "--webhook",
            "missing",
        ]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert "could not write the JSON file" in err and "webhook 'missing'" in err
    assert (tmp_path / "ok.csv").exists()


def test_window_exports_and_drafts(qtbot, tmp_path, monkeypatch, memory_keyring, receiver, make_window):
    import asyncio

    from PySide6.QtGui import QDesktopServices, QGuiApplication

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    win = make_window(demo=True, basedir="base", show=False)
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 10, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=30000)
    report = win.report()
    for kind in ("xlsx", "csv", "json", "stix"):
        task = asyncio.ensure_future(win.exports.write_file(kind, report, str(tmp_path / f"w.{kind}")))
        qtbot.waitUntil(task.done, timeout=10000)
        assert (tmp_path / f"w.{kind}").stat().st_size > 100
    task = asyncio.ensure_future(win.exports.write_draft(report))
    qtbot.waitUntil(task.done, timeout=10000)
    assert opened and opened[-1].endswith(".eml")
    win.exports.email_link()
    assert opened[-1].startswith("mailto:")
    win.exports.copy_summary()
    assert report.headline() in QGuiApplication.clipboard().text()
    url, bodies = receiver
    chat.store_webhook("team", "teams", url)
    win.exports.fill_chat_menu()
    assert [a.text() for a in win.exports.chat_menu.actions()] == ["team"]
    task = asyncio.ensure_future(win.exports.post("team", report))
    qtbot.waitUntil(task.done, timeout=10000)
    assert bodies and bodies[-1]["type"] == "message" and "posted to team" in win.status.text()
    win.close()
