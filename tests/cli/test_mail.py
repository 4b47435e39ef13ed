"""``iocdesk mail``: the SMTP password in the keyring, and sending a draft to a real local SMTP server."""

from __future__ import annotations

import argparse
import email
import email.policy
import io

import pytest

from iocdesk.cli import mail
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.reports.email import build_draft, write_draft
from iocdesk.reports.report import Report

USER, PASSWORD = "analyst", "s3cr3t-Pa55"
WRONG = "wrong-Pa55word"
XLSX = b"PK\x03\x04" + bytes(range(256)) * 8 + b"\r\n.\r\n"
KEY = ("iocdesk", f"smtp:{USER}@127.0.0.1")


def _cli(argv: list[str]) -> int:
    """Run ``iocdesk ARGV`` in-process; through iocdesk.cli.main once ``mail`` is registered there."""
    from iocdesk import cli

    parser = cli.build_parser()
    if "mail" in parser._subparsers._group_actions[0].choices:  # type: ignore[union-attr]
        return cli.main(argv)
    parser = argparse.ArgumentParser(prog="iocdesk")
    mail.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.handler(args)


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


# --- The password -----------------------------------------------------------------------------
def test_password_set_and_delete_use_the_keyring_only(memory_keyring, monkeypatch, capsys):
    _stdin(monkeypatch, PASSWORD + "\n")
    assert _cli(["mail", "password", "set", "--host", "127.0.0.1", "--user", USER, "--stdin"]) == 0
    assert memory_keyring.passwords == {KEY: PASSWORD}
    out, err = capsys.readouterr()
    assert "stored in the OS keyring" in out and PASSWORD not in out + err

    assert _cli(["mail", "password", "delete", "--host", "127.0.0.1", "--user", USER]) == 0
    assert memory_keyring.passwords == {}
    assert _cli(["mail", "password", "delete", "--host", "127.0.0.1", "--user", USER]) == 0
    out, err = capsys.readouterr()
    assert "deleted" in out and "no SMTP password was stored" in out and PASSWORD not in out + err


def test_password_set_reads_without_echo_on_a_terminal(memory_keyring, monkeypatch, capsys):
    tty = io.StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", tty)
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or PASSWORD)
    assert _cli(["mail", "password", "set", "--host", "mail.example.com", "--user", USER]) == 0
    assert prompts == [f"SMTP password for {USER} on mail.example.com: "]
    assert memory_keyring.passwords == {("iocdesk", f"smtp:{USER}@mail.example.com"): PASSWORD}
    assert PASSWORD not in "".join(capsys.readouterr())


def test_password_errors(memory_keyring, monkeypatch, capsys):
    _stdin(monkeypatch, "\n")
    assert _cli(["mail", "password", "set", "--host", "h", "--user", USER, "--stdin"]) == 2
    assert "no password given" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:  # --user is required
        _cli(["mail", "password", "set", "--host", "h"])
    assert caught.value.code == 2
    assert memory_keyring.passwords == {}


def test_password_set_without_a_keyring_fails_plainly(monkeypatch, capsys):
    # No memory_keyring: conftest leaves keyring's "fail" backend in place.
    _stdin(monkeypatch, PASSWORD + "\n")
    assert _cli(["mail", "password", "set", "--host", "h", "--user", USER]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("iocdesk: error: could not set the SMTP password") and err.count("\n") == 1
    assert PASSWORD not in out + err


# --- Sending ------------------------------------------------------------------------------------
@pytest.fixture
def smtp_server(smtp_server_factory):
    with smtp_server_factory(USER, PASSWORD) as server:
        yield server


@pytest.fixture
def draft_path(tmp_path):
    xlsx = tmp_path / "triage.xlsx"
    xlsx.write_bytes(XLSX)
    intel = Intel(
        iid=10, indicator="evil.example.com", risk=Risk.HIGH, web_url="https://pulsedive.com/indicator/?iid=10"
    )
    results = [
        LookupResult("evil.example.com", IndicatorType.DOMAIN, Status.FOUND, intel),
        LookupResult("unknown.example.com", IndicatorType.DOMAIN, Status.NOT_FOUND),
    ]
    draft = build_draft(Report(results, run_id=3), recipients=["soc@example.com"], attachment=xlsx)
    return write_draft(draft, tmp_path / "draft.eml")


def _send_args(port: int, draft, *extra: str) -> list[str]:
    return ["mail", "send", str(draft), "--host", "127.0.0.1", "--port", str(port), "--security", "none", *extra]


def test_send_delivers_the_draft_with_its_attachment(smtp_server, memory_keyring, draft_path, capsys):
    sink, port = smtp_server
    memory_keyring.passwords[KEY] = PASSWORD
    argv = _send_args(port, draft_path, "--user", USER, "--from", "me@example.com", "--timeout", "5")
    argv += ["--to", "a@example.com", "--to", "b@example.com"]
    assert _cli(argv) == 0
    out, err = capsys.readouterr()
    assert out == "sent to 2 recipients via 127.0.0.1\n" and err == ""

    assert len(sink.envelopes) == 1
    envelope = sink.envelopes[0]
    assert envelope.mail_from == "me@example.com"
    assert envelope.rcpt_tos == ["a@example.com", "b@example.com"]  # --to replaced the draft's To
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert received["From"] == "me@example.com" and received["To"] == "a@example.com, b@example.com"
    assert received["X-Unsent"] is None
    assert [(a.get_filename(), a.get_content()) for a in received.iter_attachments()] == [("triage.xlsx", XLSX)]
    # The draft on disk is untouched.
    on_disk = email.message_from_bytes(draft_path.read_bytes(), policy=email.policy.default)
    assert on_disk["X-Unsent"] == "1" and on_disk["To"] == "soc@example.com"


def test_wrong_password_is_one_line_without_the_password(smtp_server, memory_keyring, draft_path, capsys):
    sink, port = smtp_server
    memory_keyring.passwords[KEY] = WRONG
    assert _cli(_send_args(port, draft_path, "--user", USER, "--from", "me@example.com", "--timeout", "5")) == 1
    out, err = capsys.readouterr()
    assert err.startswith("iocdesk: error: ") and err.count("\n") == 1
    assert "rejected the user name or password" in err
    assert WRONG not in out + err and PASSWORD not in out + err
    assert sink.envelopes == []


def test_no_stored_password_hints_at_password_set(smtp_server, memory_keyring, draft_path, capsys):
    sink, port = smtp_server
    assert _cli(_send_args(port, draft_path, "--user", USER, "--from", "me@example.com")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no SMTP password" in err
    assert f"iocdesk mail password set --host 127.0.0.1 --user {USER}" in err
    assert sink.envelopes == []


def test_send_usage_and_input_errors(memory_keyring, draft_path, tmp_path, capsys, unused_port):
    port = unused_port
    assert _cli(_send_args(port, tmp_path / "missing.eml")) == 2
    assert "cannot read" in capsys.readouterr().err
    assert _cli(_send_args(port, draft_path, "--to", "a@example.com\r\nBcc: x@example.com")) == 2
    assert "invalid address" in capsys.readouterr().err
    for bad in (["--security", "tls"], ["--port", "70000"]):
        with pytest.raises(SystemExit) as caught:
            _cli(["mail", "send", str(draft_path), "--host", "h", *bad])
        assert caught.value.code == 2
    # No From in the draft and no --from: a SendError, exit 1 (nothing listens on the port anyway).
    assert _cli(_send_args(port, draft_path)) == 1
    assert "sender" in capsys.readouterr().err
    # Refused connection: one line, exit 1.
    assert _cli(_send_args(port, draft_path, "--from", "me@example.com")) == 1
    assert "refused the connection" in capsys.readouterr().err
