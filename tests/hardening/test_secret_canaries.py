"""Canary secrets through the whole product: not one byte iocdesk produces may hold them.

A Pulsedive API key (with characters that URL-encode), a webhook URL whose path
carries a token and an SMTP password go through the CLI (``--debug``) and the
window, through every failure the sandbox stages (401, 429, 500, resets,
timeouts, malformed JSON, scans), every export, webhook posts, SMTP sends and the
crash dialog. Then every byte produced is searched (output, log records, widgets,
clipboard, every file: workbooks unzipped, e-mails decoded, databases and their
-wal/-journal files read raw and dumped) for each secret, its URL-encoded,
JSON-escaped and base64 forms, its first 12 characters and SMTP's AUTH PLAIN.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import os
import subprocess
import sys
import threading
import zipfile
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from iocdesk.lookup.engine import EngineOptions
from iocdesk.platform import redact
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer
from tests.helpers.secret_scan import Evidence, secret_forms

API_KEY = "cnry-7Qx+9fA/b3K=d8e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5"  # "+", "/", "=": URL-encoded forms differ
HOOK_TOKEN = "whtok-CANARY-5e6f7a8b9c0d1e2f"
SMTP_USER = "analyst"
SMTP_PASSWORD = "smtp-CANARY-pw/Zx9+Qr=Lm"
CLIENT_TIMEOUT = 0.4  # the sandbox's "timeout" faults stall longer than this


NEEDLES = {
    **secret_forms("API key", API_KEY),
    **secret_forms("webhook token", HOOK_TOKEN),
    **secret_forms("SMTP password", SMTP_PASSWORD),
    "SMTP AUTH PLAIN": base64.b64encode(f"\0{SMTP_USER}\0{SMTP_PASSWORD}".encode()).decode(),
}


def test_the_search_finds_every_form():
    """The scanner itself can fail: each form is found where it is, even inside a zip or an e-mail."""
    evidence = Evidence(NEEDLES)
    evidence.add("log", f"GET /api/info.php?key={quote_plus(API_KEY)} HTTP/1.1")
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", f"<t>{HOOK_TOKEN}</t>")
    message = EmailMessage()
    message.set_content("see attachment")
    message.add_attachment(SMTP_PASSWORD.encode(), maintype="application", subtype="octet-stream")
    evidence.add_file("book.xlsx", stream.getvalue())
    evidence.add_file("draft.eml", message.as_bytes())
    leaks = " | ".join(evidence.leaks())
    assert "API key (quote_plus) in log" in leaks
    assert "webhook token in book.xlsx!xl/sharedStrings.xml" in leaks
    assert "SMTP password in draft.eml part 2" in leaks


# --- Fixtures -----------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fresh_process_state(monkeypatch):
    """Like a new process: no canary registered for redaction, no session key; logging restored after."""
    from iocdesk.platform import credentials as secrets

    for secret in redact.registered_secrets():  # the key, and the webhook URLs' registered parts
        if any(canary in secret for canary in (API_KEY, HOOK_TOKEN, SMTP_PASSWORD)):
            redact.unregister_secret(secret)
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    secrets.keep_for_session("")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    secrets.keep_for_session("")
    for handler in [h for h in root.handlers if h not in handlers]:  # setup_logging's file/stderr handlers
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.fixture
def hooks():
    """A chat-webhook endpoint: 200 for the good hook's path, 404 naming the path (as real ones do) otherwise."""
    good_path = f"/services/T0CANARY/B0CANARY/{HOOK_TOKEN}"
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            ok = self.path == good_path
            body = b"ok" if ok else f"no_service: {self.path}".encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield base + good_path, base + f"/services/T0CANARY/B0GONE/{HOOK_TOKEN}x", received
    server.shutdown()
    server.server_close()


# Seeded so the faults land early and few (the sandbox draws them in arrival order): requests
# 1, 3 and 7 are malformed, reset and 500, every 9th charged one is a 429 burst; then calm.
CLI_FAULTS = SandboxConfig(
    require_key=API_KEY,
    seed=4684,
    malformed_rate=0.1,
    reset_rate=0.05,
    error_rate=0.08,
    rate_limit_bursts=9,
    scan_polls_until_done=1,
)
# Request 3 stalls past the client's timeout; then calm.
TIMEOUT_FAULTS = SandboxConfig(
    require_key=API_KEY,
    seed=2183,
    timeout_rate=0.2,
    reset_rate=0.05,
    error_rate=0.05,
    timeout_seconds=2 * CLIENT_TIMEOUT + 0.5,
)


def alert_text(server: SandboxServer) -> str:
    """Known and unknown domains and IPs (found, not found, scanned), a private IP and a hash."""
    known = server.dataset.known_values("domain")[:8] + server.dataset.known_values("ip")[:3]
    unknown = server.dataset.unknown_values()[:3]
    lines = [f"- seen {v.replace('.', '[.]')}" for v in known + unknown]
    return "Incident notes\n" + "\n".join(lines) + "\nalso 10.0.0.7 and 44d88612fea8a8f36de82e1278abb02f\n"


def exports(folder: Path) -> list[str]:
    return [
        "--xlsx",
        str(folder / "r.xlsx"),
        "--xlsx-details",
        "--csv",
        str(folder / "r.csv"),
        "--json",
        str(folder / "r.json"),
        "--stix",
        str(folder / "r.stix.json"),
        "--eml",
        str(folder / "r.eml"),
        "--mail-to",
        "soc@corp.example.org",
    ]


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iocdesk", "--debug", *args], env=env, capture_output=True, timeout=120
    )


# --- The CLI ----------------------------------------------------------------------------------------------
@pytest.mark.slow  # ~8 s: CLI runs through every fault, export and delivery
def test_cli_runs_exports_webhooks_and_mail_leak_no_secret(
    tmp_path, monkeypatch, memory_keyring, hooks, smtp_server_factory, unused_port, caplog, capsys, make_sandbox
):
    from iocdesk.cli import main
    from iocdesk.delivery import chat

    evidence = Evidence(NEEDLES)
    base, out, out2 = tmp_path / "base", tmp_path / "out", tmp_path / "out2"
    out.mkdir()
    out2.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PULSEDIVE_API_KEY"}
    env |= {"IOCDESK_BASEDIR": str(base), "PYTHONIOENCODING": "utf-8", "PULSEDIVE_API_KEY": API_KEY}
    report, single = tmp_path / "alert.txt", tmp_path / "one.txt"
    single.write_text("beacon to evil-canary-test[.]com\n", encoding="utf-8")

    # 1. Subprocesses, key from the environment: a faulty run with a passive scan and every export,
    #    the key rejected (401), key status, history, cache.
    server = make_sandbox(CLI_FAULTS)
    report.write_text(alert_text(server), encoding="utf-8")
    runs = [
        cli(
            "analyze",
            "--api-url",
            server.base_url,
            "--rate",
            "50",
            "--scan",
            "passive",
            str(report),
            *exports(out),
            env=env,
        )
    ]
    faults = server.stats.faults
    server = make_sandbox(require_key="another-key")
    runs.append(cli("analyze", "--api-url", server.base_url, "--rate", "50", str(report), env=env))
    runs += [
        cli("key", "status", env=env),
        cli("history", "list", env=env),
        cli("history", "show", "1", "--json", str(out / "h.json"), env=env),
        cli("cache", "stats", env=env),
    ]
    assert runs[0].returncode == 0, runs[0].stderr.decode()[-2000:]
    assert runs[1].returncode == 3 and b"rejected the API key" in runs[1].stderr
    assert {"error", "malformed", "burst", "reset"} <= set(faults), faults  # every failure was staged
    for i, run in enumerate(runs):
        evidence.add(f"subprocess {i} {run.args[4:6]} stdout", run.stdout)
        evidence.add(f"subprocess {i} stderr", run.stderr)

    # 2. In-process (the keyring is a memory one here): the key from `key set`, client timeouts,
    #    the API unreachable (requests' errors quote the URL with the key; one attempt, no backoff),
    #    webhooks (good, 404 echoing the path, unreachable), SMTP with the right and a wrong password.
    monkeypatch.setenv("IOCDESK_BASEDIR", str(base))
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("sys.stdin", io.StringIO(API_KEY + "\n"))
    assert main(["--debug", "key", "set", "--stdin"]) == 0
    good_url, bad_url, received = hooks
    chat.store_webhook("soc", "slack", good_url)
    chat.store_webhook("gone", "teams", bad_url)
    chat.store_webhook("down", "google_chat", f"http://127.0.0.1:{unused_port}/{HOOK_TOKEN}/x")
    monkeypatch.setattr(
        "iocdesk.lookup.session.PulsediveClient", functools.partial(PulsediveClient, timeout=CLIENT_TIMEOUT)
    )
    server = make_sandbox(TIMEOUT_FAULTS)
    report.write_text(alert_text(server), encoding="utf-8")
    status = main(
        [
            "--debug",
            "analyze",
            "--api-url",
            server.base_url,
            "--rate",
            "50",
            str(report),
            *exports(out2),
            "--webhook",
            "soc",
            "--webhook",
            "gone",
            "--webhook",
            "down",
        ]
    )
    assert server.stats.faults.get("timeout"), server.stats.faults
    assert status == 1  # two webhooks failed; everything else was written
    assert len(received) == 2 and b"blocks" in received[0]
    assert main(["--debug", "webhook", "list"]) == 0
    monkeypatch.setattr("iocdesk.cli.analyze.EngineOptions", functools.partial(EngineOptions, max_attempts=1))
    assert main(["--debug", "analyze", "--api-url", f"http://127.0.0.1:{unused_port}/api/", str(single)]) == 0
    draft = out / "r.eml"
    with smtp_server_factory(SMTP_USER, SMTP_PASSWORD) as (sink, port):
        send = [
            "--debug",
            "mail",
            "send",
            str(draft),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--security",
            "none",
            "--user",
            SMTP_USER,
            "--from",
            "iocdesk@corp.example.org",
            "--timeout",
            "10",
        ]
        for password, expected in ((SMTP_PASSWORD, 0), (SMTP_PASSWORD[::-1], 1)):
            monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
            assert (
                main(["--debug", "mail", "password", "set", "--host", "127.0.0.1", "--user", SMTP_USER, "--stdin"]) == 0
            )
            assert main(send) == expected
    assert len(sink.envelopes) == 1
    evidence.add("SMTP message as received", sink.envelopes[0].original_content or sink.envelopes[0].content)
    captured = capsys.readouterr()
    evidence.add("in-process stdout", captured.out)
    evidence.add("in-process stderr", captured.err)
    assert "rejected the user name or password" in captured.err and "answered HTTP 404" in captured.err
    assert "no lookup succeeded" in captured.err
    for record in caplog.records:
        if not record.name.startswith("mail.log"):  # aiosmtpd: the test's SMTP server, not iocdesk
            evidence.add(f"log record {record.name}", logging.Formatter().format(record))
    evidence.add_tree(tmp_path)

    evidence.assert_clean(
        "DEBUG iocdesk",
        "DEBUG urllib3.connectionpool",  # logging was really on, urllib3's URL lines too
        "timeout",
        "HTTP 500",
        "key=***",  # failures were logged (redacted)
        "webhook 'down'",
        "rejected the API key",
        "INSERT INTO",  # databases were dumped
        "Results",
        "Content-Type: application/vnd.openxmlformats",  # the workbook and the draft were opened
    )


# --- The window ---------------------------------------------------------------------------------------------
# The settings dialog's key test takes request 1 (malformed); the run gets a 500 (4), malformed JSON (6),
# a reset (8) and a stall past the client's timeout (11), and 429 bursts.
GUI_FAULTS = SandboxConfig(
    require_key=API_KEY,
    seed=2863,
    error_rate=0.08,
    reset_rate=0.05,
    malformed_rate=0.1,
    timeout_rate=0.06,
    timeout_seconds=2 * CLIENT_TIMEOUT + 0.5,
    rate_limit_bursts=9,
    scan_polls_until_done=1,
)


def widget_texts() -> list[tuple[str, str]]:
    """Every text a widget shows: labels, fields, editors, message boxes (notices), titles, tooltips."""
    from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit, QTextEdit

    texts = []
    for widget in QApplication.allWidgets():
        text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
        if isinstance(widget, (QPlainTextEdit, QTextEdit)):
            text = widget.toPlainText()
        elif isinstance(widget, QMessageBox):
            text += f"\n{widget.informativeText()}\n{widget.detailedText()}"
        texts.append(
            (
                f"widget {type(widget).__name__} {widget.objectName()}",
                f"{text}\n{widget.windowTitle()}\n{widget.toolTip()}",
            )
        )
    return texts


def model_texts(model) -> str:
    from PySide6.QtCore import Qt

    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    cells = (model.index(r, c) for r in range(model.rowCount()) for c in range(model.columnCount()))
    return "\n".join(str(model.data(i, role)) for i in cells for role in roles)


def crash_report(qtbot, reporter, evidence: Evidence, label: str, base_url: str) -> str:
    """Show the unexpected-error dialog for an exception quoting the key; keep its details and the clipboard."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QPushButton

    try:
        raise RuntimeError(
            f"lookup failed with key {API_KEY!r}: GET {base_url}info.php?indicator=x&key={quote_plus(API_KEY)}"
        )
    except RuntimeError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    dialog = reporter.dialog
    qtbot.addWidget(dialog)
    dialog.findChild(QPushButton, "copyDetails").click()
    details = dialog.details.toPlainText()
    evidence.add(f"crash details ({label})", details)
    evidence.add(f"clipboard ({label})", QGuiApplication.clipboard().text())
    dialog.close()
    return details


@pytest.mark.slow  # ~6 s: a window run through every fault and export
def test_window_with_a_session_key_leaks_no_secret(
    qtbot, qloop, tmp_path, monkeypatch, memory_keyring, hooks, caplog, capsys, make_sandbox, make_window
):
    import asyncio

    import keyring
    from keyring.backends import fail
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QDesktopServices, QGuiApplication
    from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

    from iocdesk.delivery import chat
    from iocdesk.gui.dialogs.errors import ErrorReporter
    from iocdesk.gui.dialogs.settings import SettingsDialog
    from iocdesk.platform import credentials as secrets
    from iocdesk.platform.logs import setup_logging

    evidence = Evidence(NEEDLES)
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "base"))
    log_file = setup_logging(debug=True, console=True)  # what `iocdesk --debug` does at startup
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    monkeypatch.setattr(
        "iocdesk.lookup.session.PulsediveClient", functools.partial(PulsediveClient, timeout=CLIENT_TIMEOUT)
    )
    keyring.set_keyring(fail.Keyring())  # no keyring: the key is kept for the session (memory_keyring comes back later)
    ini = tmp_path / "settings.ini"
    server = make_sandbox(GUI_FAULTS)
    win = make_window(settings=QSettings(str(ini), QSettings.Format.IniFormat), basedir="base", show=False)
    win.settings.api_base_url = server.base_url
    win.settings.max_per_second = 50
    win.settings.scan_policy = "passive"
    win.settings.mail_recipients = "soc@corp.example.org"
    win.show()
    reporter = ErrorReporter(win)

    # The key, typed into the settings dialog and kept for this session only.
    win.open_settings()
    dialog = win.findChild(SettingsDialog)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "keyEdit"), API_KEY)
    qtbot.mouseClick(dialog.findChild(QPushButton, "sessionKeyButton"), Qt.MouseButton.LeftButton)
    assert secrets.get_key().source == "session"
    # A bug report before any lookup: the key must already be known to the redaction.
    crash_report(qtbot, reporter, evidence, "before any lookup", server.base_url)
    result = dialog.findChild(QLabel, "keyResultLabel")
    qtbot.mouseClick(dialog.findChild(QPushButton, "testKeyButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.test_running and "Testing" not in result.text(), timeout=10000)
    evidence.add("key test result", result.text())
    qtbot.mouseClick(dialog.findChild(QPushButton, "okButton"), Qt.MouseButton.LeftButton)

    # A run through every fault, then every export, a draft and chat posts (webhooks in a keyring again).
    win.paste.setPlainText(alert_text(server))
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 14, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=60000)
    assert {"error", "malformed", "reset", "timeout", "burst"} <= set(server.stats.faults), server.stats.faults
    report = win.report()
    exported = tmp_path / "exports"
    exported.mkdir()
    tasks = [
        win.exports.write_file(kind, report, str(exported / f"w.{kind}")) for kind in ("xlsx", "csv", "json", "stix")
    ]
    tasks.append(win.exports.write_draft(report))
    keyring.set_keyring(memory_keyring)
    good_url, bad_url, received = hooks
    chat.store_webhook("soc", "slack", good_url)
    chat.store_webhook("gone", "google_chat", bad_url)
    tasks += [win.exports.post("soc", report), win.exports.post("gone", report)]
    for coroutine in tasks:
        task = asyncio.ensure_future(coroutine)
        qtbot.waitUntil(task.done, timeout=15000)
        task.result()
    assert len(received) == 2
    win.exports.copy_summary()
    evidence.add("clipboard (summary)", QGuiApplication.clipboard().text())
    details = crash_report(qtbot, reporter, evidence, "after the run", server.base_url)
    assert "RuntimeError: lookup failed with key" in details
    win.result_view.selectRow(0)
    evidence.add("results model", model_texts(win.results))
    for label, text in widget_texts():
        evidence.add(label, text)
    win.settings.sync()
    win.close()

    captured = capsys.readouterr()
    evidence.add("stdout", captured.out)
    evidence.add("stderr", captured.err)
    for record in caplog.records:
        evidence.add(f"log record {record.name}", logging.Formatter().format(record))
    evidence.add_tree(tmp_path)
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        evidence.add_tree(Path(os.environ[variable]))
    assert log_file is not None and log_file.is_relative_to(tmp_path)
    evidence.assert_clean(
        "DEBUG urllib3.connectionpool",
        "key=***",  # DEBUG logging was on, and URLs were redacted
        "[network]",
        "api_base_url=http",  # the settings file was read
        "INSERT INTO",
        "Content-Type: application/vnd.openxmlformats",
        "Results",  # databases, draft, workbook
        "Could not post to gone",
        "unexpected error",
    )
