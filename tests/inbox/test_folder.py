"""The watched folder: real files in a temp folder, real moves; only ``submit`` is ours.

What must hold (issue 8): every supported file becomes one alert and moves to
done/; an unreadable one moves to failed/ with a reason; nothing is lost (a
refused submit, a restart, a stop in the middle of a pass); nothing half
written is taken; names never overwrite each other.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import threading
import time
from pathlib import Path

import openpyxl
import pytest

import iocdesk.inbox.folder as folder_module
from iocdesk.extraction.importers import InputError
from iocdesk.inbox.eml import read_eml
from iocdesk.inbox.folder import FolderAlert, FolderWatcher
from tests.helpers.clock import FakeClock, until


class Inbox:
    """Records what the watcher submits; refuses while ``refuse`` holds an exception."""

    def __init__(self) -> None:
        self.alerts: list[FolderAlert] = []
        self.threads: list[str] = []
        self.refuse: Exception | None = None

    def __call__(self, alert: FolderAlert) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.threads.append(threading.current_thread().name)
        self.alerts.append(alert)

    def values(self, index: int = -1) -> set[str]:
        return {i.value for i in self.alerts[index].indicators}


def old(path: Path, age: float = 60.0) -> Path:
    """Back-date ``path``: a file that was there long before the watcher started."""
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def xlsx_bytes(tmp_path: Path) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Seen on", "Comment"])
    sheet.append(["evil-xlsx.example.com", "seen 9.9.9.9 in a comment"])
    sheet.append(["5.6.7.8", ""])
    target = tmp_path / "build.xlsx"
    book.save(target)
    return target.read_bytes()


PHISH = (
    "Received: from mail.attacker.example.com (mail.attacker.example.com [203.0.113.77])\r\n"
    "\tby mx.corp.example.com with ESMTP id 123; Tue, 3 Nov 2026 10:00:00 +0000\r\n"
    "Received: from [198.51.100.23] by mail.attacker.example.com; Tue, 3 Nov 2026 09:59:58 +0000\r\n"
    'From: "IT Helpdesk" <helpdesk@attacker-mail.example.com>\r\n'
    "Reply-To: collect@drop-box.example.com\r\n"
    "Return-Path: <bounce@bounce-host.example.com>\r\n"
    "X-Originating-IP: [192.0.2.200]\r\n"
    "Authentication-Results: mx.corp.example.com; spf=fail smtp.mailfrom=spoof-check.example.com\r\n"
    "To: victim@corp.example.com\r\n"
    "Subject: =?utf-8?b?WW91ciBtYWlsYm94IGlzIGZ1bGwg4pyJ?=\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed; boundary="OUTER"\r\n'
    "\r\n"
    "--OUTER\r\n"
    'Content-Type: multipart/alternative; boundary="INNER"\r\n'
    "\r\n"
    "--INNER\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Click the link in the HTML version. Plain text host: plain-part[.]example[.]com\r\n"
    "--INNER\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "<html><head><style>p {color: red}</style></head><body>\r\n"
    '<p>Visit <a href=3D"https://login.phish-site.example.com/reset?u=3D1&amp;t=3D2">https://www.micro=\r\n'
    "soft.com/</a></p><table><tr><td>html-cell.example.com</td><td>10.20.30.40</td><td>10.20.30.41</td></tr></table>\r\n"
    "<p>Server: mal<span></span>ware-host<b>.example.com</b></p>\r\n"
    '<img src=3D"http://tracker.example.com/pixel.gif"></body></html>\r\n'
    "--INNER--\r\n"
    "--OUTER\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    'Content-Disposition: attachment; filename="iocs.txt"\r\n'
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    + base64.encodebytes(b"c2 at 45.33.32.156\r\nhash 44d88612fea8a8f36de82e1278abb02f\r\n")
    .decode()
    .replace("\n", "\r\n")
    + "--OUTER\r\n"
    "Content-Type: application/json\r\n"
    'Content-Disposition: attachment; filename="alert"\r\n'
    "\r\n"
    '{"c2": "json-attachment.example.com"}\r\n'
    "--OUTER\r\n"
    "Content-Type: application/octet-stream\r\n"
    'Content-Disposition: attachment; filename="export.CSV"\r\n'
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n" + base64.encodebytes(b"ip\r\n45.33.32.157\r\n").decode().replace("\n", "\r\n") + "--OUTER\r\n"
    "Content-Type: application/octet-stream\r\n"
    'Content-Disposition: attachment; filename="275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f.exe"\r\n'
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    + base64.encodebytes(b"MZ\x90\x00\x03\x00\x00\x00 binary 6.6.6.6 never scanned").decode().replace("\n", "\r\n")
    + "--OUTER--\r\n"
)
PHISH_IOCS = {
    "203.0.113.77",  # Received
    "198.51.100.23",  # Received
    "helpdesk@attacker-mail.example.com",  # From
    "collect@drop-box.example.com",  # Reply-To
    "bounce@bounce-host.example.com",  # Return-Path
    "192.0.2.200",  # X-Originating-IP
    "spoof-check.example.com",  # Authentication-Results
    "plain-part.example.com",  # text/plain, defanged
    "https://login.phish-site.example.com/reset?u=1&t=2",  # an href (entities undone), not the link text
    "https://www.microsoft.com/",  # the link text, joined across a soft line break
    "html-cell.example.com",  # visible HTML text
    "10.20.30.40",  # table cells: not glued together ("10.20.30.4010.20.30.41")
    "10.20.30.41",
    "http://tracker.example.com/pixel.gif",  # an img src
    "malware-host.example.com",  # split by tags to hide it from a scan of the raw HTML
    "45.33.32.156",  # base64 text attachment
    "44d88612fea8a8f36de82e1278abb02f",
    "json-attachment.example.com",  # an application/json attachment
    "45.33.32.157",  # an octet-stream attachment named .csv
    "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",  # the name of a binary attachment
}

# file name -> (content, expected alert name or None for the file name, expected IOCs)
SAMPLES: dict[str, tuple[bytes, str | None, set[str]]] = {
    "notes.txt": (b"Beacon to evil[.]example[.]com and 1.2.3.4\n", None, {"evil.example.com", "1.2.3.4"}),
    "SHOUT.TXT": (b"hxxp://caps.example.com/x\n", None, {"http://caps.example.com/x"}),
    "proxy.log": (
        b"2026-11-03 GET http://log-host.example.com/a 200 from 11.22.33.44\n",
        None,
        {"http://log-host.example.com/a", "11.22.33.44"},
    ),
    "export.csv": (
        b"ioc,note\nbad-csv.example.com,first\n44.55.66.77,second\n",
        None,
        {"bad-csv.example.com", "44.55.66.77"},
    ),
    "export.tsv": (b"indicator\tnote\ntsv-host.example.com\tx\n", None, {"tsv-host.example.com"}),
    "alert.json": (
        json.dumps(
            {
                "rule": "Suspicious PowerShell",
                "host.name": "ws-01",
                "src_ip": "81.2.69.160",
                "url": "http://json-c2.example.com/p",
            }
        ).encode(),
        "Suspicious PowerShell",
        {"81.2.69.160", "http://json-c2.example.com/p"},
    ),
    "plain.json": (json.dumps({"events": [{"ip": "81.2.69.161"}]}).encode(), None, {"81.2.69.161"}),
    "events.jsonl": (
        b'{"title": "Port scan", "src": "81.2.69.162"}\n{"src": "81.2.69.163"}\n',
        "Port scan",
        {"81.2.69.162", "81.2.69.163"},
    ),
    "events.ndjson": (b'{"dst": "ndjson-host.example.com"}\n', None, {"ndjson-host.example.com"}),
    "phish.eml": (PHISH.encode(), "Your mailbox is full \u2709", PHISH_IOCS),
}


@pytest.mark.parametrize("name", [*SAMPLES, "sheet.xlsx"])
def test_each_supported_type_becomes_one_alert_and_moves_to_done(tmp_path, name):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    if name == "sheet.xlsx":
        content, title, iocs = xlsx_bytes(tmp_path), None, {"evil-xlsx.example.com", "9.9.9.9", "5.6.7.8"}
    else:
        content, title, iocs = SAMPLES[name]
    (inbox_dir / name).write_bytes(content)
    inbox = Inbox()

    handled = FolderWatcher(inbox_dir, inbox, settle=0).scan_once()

    done = inbox_dir / "done" / name
    assert handled == [done]
    assert done.read_bytes() == content  # moved whole, not rewritten
    assert listing(inbox_dir) == []
    assert not (inbox_dir / "failed").exists()
    [alert] = inbox.alerts
    assert alert.name == (title or name)
    assert alert.source == f"folder: {name}"
    assert alert.path == done
    assert iocs <= inbox.values(), iocs - inbox.values()
    if name == "phish.eml":
        assert "6.6.6.6" not in inbox.values()  # a binary attachment is never read as text
    if name == "alert.json":
        assert "ws-01" not in inbox.values()  # keys are field names, not IOCs


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("dump.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "dump.txt: looks like a binary file (PNG image)"),
        ("nul.log", b"abc\x00\x00\x00def" * 100, "nul.log: looks like a binary file"),
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("truncated.xlsx", None, "truncated.xlsx: not a valid Excel workbook (corrupt or truncated)"),
        (
            "garbage.eml",
            bytes(range(256)) * 8,
            "garbage.eml: not an e-mail message (no From, To, Subject or Date header)",
        ),
        ("prose.eml", b"Dear team, please look at 1.2.3.4 today.\n", "prose.eml: not an e-mail message"),
        ("note.eml", b"Note: see 1.2.3.4\nthanks\n", "note.eml: not an e-mail message"),  # a header-like line only
        ("deep.eml", None, "deep.eml: not a readable e-mail message (MIME parts nested too deeply)"),
        ("blank.eml", b"  \r\n\r\n", "blank.eml: the file is empty"),
        ("broken.json", b'{"a": ', "broken.json: "),
    ],
)
def test_unreadable_files_go_to_failed_with_a_reason(tmp_path, name, content, message):
    if name == "truncated.xlsx":
        content = xlsx_bytes(tmp_path)[:1500]
    elif name == "deep.eml":  # a MIME bomb: 3,000 nested multiparts
        opening = b"".join(
            b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(3000)
        )
        content = b"From: a@example.com\r\n" + opening + b"Content-Type: text/plain\r\n\r\n1.2.3.4\r\n"
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / name).write_bytes(content)
    inbox = Inbox()

    handled = FolderWatcher(inbox_dir, inbox, settle=0).scan_once()

    failed = inbox_dir / "failed" / name
    assert handled == [failed]
    assert failed.read_bytes() == content
    reason = (inbox_dir / "failed" / f"{name}.reason.txt").read_text(encoding="utf-8")
    assert reason.startswith(message), reason
    assert reason.count("\n") == 1 and "UTC" in reason
    assert inbox.alerts == []
    assert listing(inbox_dir) == [] and not (inbox_dir / "done").exists()


def test_a_file_over_the_size_limit_fails_without_being_read(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    for name in ("huge.log", "huge.eml"):  # sparse: 1 GiB + 1 byte of nothing, on any filesystem
        with open(inbox_dir / name, "wb") as fh:
            fh.truncate((1 << 30) + 1)
    started = time.monotonic()
    handled = FolderWatcher(inbox_dir, Inbox(), settle=0).scan_once()
    assert len(handled) == 2 and time.monotonic() - started < 10  # refused by size, not read
    for name in ("huge.log", "huge.eml"):
        reason = (inbox_dir / "failed" / f"{name}.reason.txt").read_text()
        assert reason.startswith(
            f"{name}: the file is too large (1,073,741,825 bytes; the limit is 1,073,741,824 bytes)"
        )


def test_an_unexpected_error_fails_the_file_and_the_watcher_goes_on(tmp_path, monkeypatch, caplog):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "a.txt").write_text("1.1.1.1")
    old(inbox_dir / "a.txt", 20)
    (inbox_dir / "b.txt").write_text("2.2.2.2")
    real = folder_module.read_alert_file

    def reader(path, **kwargs):
        if path.name == "a.txt":
            raise KeyError("a library bug")
        return real(path, **kwargs)

    monkeypatch.setattr(folder_module, "read_alert_file", reader)
    inbox = Inbox()
    handled = FolderWatcher(inbox_dir, inbox, settle=0).scan_once()
    assert handled == [inbox_dir / "failed" / "a.txt", inbox_dir / "done" / "b.txt"]
    reason = (inbox_dir / "failed" / "a.txt.reason.txt").read_text()
    assert reason.startswith("a.txt: unexpected error: KeyError (at ")
    assert "a library bug" not in reason  # details go to the log, with the traceback
    assert any(r.exc_info and "a library bug" in str(r.exc_info[1]) for r in caplog.records)
    assert inbox.values() == {"2.2.2.2"}


def test_hidden_temp_unsupported_and_linked_files_are_left_alone(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("7.7.7.7")
    ignored = [
        ".hidden.txt", "~$book.xlsx", "download.csv.crdownload", "upload.json.part", "report.txt.tmp",
        "SAVE.TXT.TMP", ".notes.txt.swp", "notes.txt.swp", "readme.pdf", "noextension",
    ]  # fmt: skip
    for name in ignored:
        (inbox_dir / name).write_text("7.7.7.7")
    (inbox_dir / "link.txt").symlink_to(outside)
    (inbox_dir / "folder.txt").mkdir()
    (inbox_dir / "taken.txt").write_text("8.8.4.4")
    inbox = Inbox()

    handled = FolderWatcher(inbox_dir, inbox, settle=0).scan_once()

    assert handled == [inbox_dir / "done" / "taken.txt"]
    assert len(inbox.alerts) == 1 and inbox.values() == {"8.8.4.4"}
    assert listing(inbox_dir) == sorted([*ignored, "link.txt"])
    assert outside.read_text() == "7.7.7.7"


def test_a_file_still_being_written_is_taken_only_once_it_settles(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    inbox = Inbox()
    clock = FakeClock()
    watcher = FolderWatcher(inbox_dir, inbox, settle=1.0, clock=clock)  # the default settle
    assert watcher.scan_once() == []  # the start: nothing pending

    report = inbox_dir / "siem.csv"
    report.write_text("ioc\n1.0.0.1\n")
    assert watcher.scan_once() == []  # just appeared
    clock.advance(1.5)
    with report.open("a") as fh:
        fh.write("1.0.0.2\n")  # the SIEM is still writing
    assert watcher.scan_once() == []  # changed since the last look: wait again
    assert report.exists() and inbox.alerts == []
    clock.advance(0.9)
    assert watcher.scan_once() == [] and inbox.alerts == []  # unchanged, but not for a whole settle yet
    clock.advance(0.1)
    assert watcher.scan_once() == [inbox_dir / "done" / "siem.csv"]
    assert inbox.values() == {"1.0.0.1", "1.0.0.2"}  # the whole file, not the first half


def test_at_start_old_files_are_taken_at_once_fresh_ones_settle_first(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "pending.txt").write_text("1.0.0.3")
    old(inbox_dir / "pending.txt")
    (inbox_dir / "fresh.txt").write_text("1.0.0.4")  # written just now: maybe still being written
    inbox = Inbox()

    watcher = FolderWatcher(inbox_dir, inbox, settle=5)
    assert watcher.scan_once() == [inbox_dir / "done" / "pending.txt"]
    assert listing(inbox_dir) == ["fresh.txt"]


def test_oldest_first_and_a_name_in_done_is_never_overwritten(tmp_path):
    inbox_dir = tmp_path / "inbox"
    done = inbox_dir / "done"
    done.mkdir(parents=True)
    (done / "report.txt").write_text("first report")
    (done / "report (2).txt").write_text("second report")
    (inbox_dir / "report.txt").write_text("9.0.0.1")
    old(inbox_dir / "report.txt", 30)
    (inbox_dir / "older.txt").write_text("9.0.0.2")
    old(inbox_dir / "older.txt", 90)
    inbox = Inbox()

    handled = FolderWatcher(inbox_dir, inbox, settle=0).scan_once()

    assert handled == [done / "older.txt", done / "report (3).txt"]
    assert [a.path for a in inbox.alerts] == handled  # the alert says where the file went
    assert (done / "report.txt").read_text() == "first report"
    assert (done / "report (2).txt").read_text() == "second report"
    assert (done / "report (3).txt").read_text() == "9.0.0.1"


def test_the_same_name_failing_twice_keeps_both_files_and_reasons(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    inbox = Inbox()
    watcher = FolderWatcher(inbox_dir, inbox, settle=0)
    (inbox_dir / "x.csv").write_bytes(b"")
    watcher.scan_once()
    (inbox_dir / "x.csv").write_bytes(b"\x00\x01\x02binary")
    (inbox_dir / "failed" / "x (2).csv.reason.txt").write_text("an older reason, its file since deleted")
    assert watcher.scan_once() == [inbox_dir / "failed" / "x (3).csv"]
    assert (inbox_dir / "failed" / "x (2).csv.reason.txt").read_text() == "an older reason, its file since deleted"
    assert (inbox_dir / "failed" / "x.csv.reason.txt").read_text().startswith("x.csv: the file is empty")
    assert (inbox_dir / "failed" / "x (3).csv.reason.txt").read_text().startswith("x.csv: looks like a binary file")


def test_a_refused_submit_leaves_the_files_for_the_next_pass(tmp_path, caplog):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    for age, name in ((50, "first.txt"), (40, "second.txt")):
        (inbox_dir / name).write_text(f"{name} 3.3.3.{age}")
        old(inbox_dir / name, age)
    inbox = Inbox()
    inbox.refuse = RuntimeError("the inbox is closing")
    watcher = FolderWatcher(inbox_dir, inbox, settle=0)

    assert watcher.scan_once() == []
    assert listing(inbox_dir) == ["first.txt", "second.txt"] and not (inbox_dir / "done").exists()
    assert "the inbox is closing" in caplog.text

    inbox.refuse = None
    assert watcher.scan_once() == [inbox_dir / "done" / "first.txt", inbox_dir / "done" / "second.txt"]
    assert [a.name for a in inbox.alerts] == ["first.txt", "second.txt"]  # order kept


def test_busy_with_retry_after_pauses_the_watcher(tmp_path):
    class Busy(Exception):
        retry_after = 1

    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "a.txt").write_text("4.4.4.4")
    inbox = Inbox()
    inbox.refuse = Busy("more than 30 alerts in a minute")
    clock = FakeClock()
    watcher = FolderWatcher(inbox_dir, inbox, settle=0, clock=clock)
    assert watcher.scan_once() == []
    inbox.refuse = None
    assert watcher.scan_once() == []  # paused: not re-read every poll while the inbox is busy
    clock.advance(0.9)
    assert watcher.scan_once() == [] and inbox.alerts == []  # still paused
    clock.advance(0.2)
    assert watcher.scan_once() == [inbox_dir / "done" / "a.txt"]


def test_a_restart_picks_up_what_arrived_while_closed(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "before.txt").write_text("5.5.5.1")
    first_run = Inbox()
    FolderWatcher(inbox_dir, first_run, settle=0).scan_once()
    # The app is closed; the SIEM keeps dropping files.
    for age, name in ((30, "while-closed-1.json"), (20, "while-closed-2.txt")):
        (inbox_dir / name).write_text(json.dumps({"src": f"5.5.5.{age}"}))
        old(inbox_dir / name, age)
    second_run = Inbox()

    handled = FolderWatcher(inbox_dir, second_run, settle=1.0).scan_once()  # the default settle

    assert [p.name for p in handled] == ["while-closed-1.json", "while-closed-2.txt"]
    assert {i.value for a in second_run.alerts for i in a.indicators} == {"5.5.5.30", "5.5.5.20"}
    assert listing(inbox_dir / "done") == ["before.txt", "while-closed-1.json", "while-closed-2.txt"]


def test_a_file_taken_by_another_process_is_skipped_quietly(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "a.txt").write_text("6.0.0.1")
    old(inbox_dir / "a.txt", 30)
    (inbox_dir / "b.txt").write_text("6.0.0.2")
    old(inbox_dir / "b.txt", 20)
    taken = []

    def submit(alert):
        taken.append(alert.name)
        (inbox_dir / "b.txt").unlink()  # another consumer grabs b.txt while a.txt is handled

    handled = FolderWatcher(inbox_dir, submit, settle=0).scan_once()
    assert handled == [inbox_dir / "done" / "a.txt"] and taken == ["a.txt"]
    assert not (inbox_dir / "failed").exists()


def test_the_folder_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        FolderWatcher(tmp_path / "nope", Inbox())
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError):
        FolderWatcher(tmp_path / "file", Inbox())
    assert not (tmp_path / "nope").exists()  # not created behind the user's back


def test_run_takes_a_dropped_file_in_a_worker_and_stops_promptly(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    inbox = Inbox()

    clock = FakeClock()
    taken_at: list[float] = []

    def submit(alert: FolderAlert) -> None:
        taken_at.append(clock())
        inbox(alert)

    async def main() -> tuple[float, float]:
        stop = asyncio.Event()
        # The default poll interval and settle, on the fake clock: polls follow each other at once.
        watcher = FolderWatcher(inbox_dir, submit, poll_interval=1.0, settle=1.0, clock=clock, sleep=clock.sleep)
        task = asyncio.create_task(watcher.run(stop))
        await until(lambda: clock.sleeps, what="the first pass")
        dropped_at = clock()
        (inbox_dir / "dropped.txt").write_text("7.0.0.1")
        await until(lambda: inbox.alerts or task.done(), what="the alert")
        stop.set()
        started = time.monotonic()  # real time: stopping waits for the worker thread
        await asyncio.wait_for(task, 10)
        return time.monotonic() - started, dropped_at

    stopped_in, dropped_at = asyncio.run(main())
    assert inbox.values() == {"7.0.0.1"}
    assert taken_at[0] - dropped_at >= 1.0  # it settled first
    assert inbox.threads and threading.main_thread().name not in inbox.threads  # a worker, not the loop
    assert (inbox_dir / "done" / "dropped.txt").exists()
    assert stopped_in < 2


def test_stop_does_not_wait_for_the_poll_interval(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "a.txt").write_text("7.0.0.2")
    inbox = Inbox()
    naps: list[float] = []

    async def endless_nap(seconds: float) -> None:  # a poll interval that never runs out by itself
        naps.append(seconds)
        await asyncio.Event().wait()

    async def main() -> float:
        stop = asyncio.Event()
        watcher = FolderWatcher(inbox_dir, inbox, poll_interval=60, settle=0, sleep=endless_nap)
        task = asyncio.create_task(watcher.run(stop))
        await until(lambda: naps or task.done(), what="the nap after the first pass")
        assert not task.done() and inbox.alerts  # now sleeping out its 60 s poll interval
        stop.set()
        started = time.monotonic()
        await asyncio.wait_for(task, 10)
        return time.monotonic() - started

    assert asyncio.run(main()) < 2
    assert naps == [60]
    assert inbox.values() == {"7.0.0.2"}


def test_stop_in_the_middle_of_a_pass_loses_nothing(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    for n in range(40):
        (inbox_dir / f"f{n:02d}.txt").write_text(f"8.0.0.{n}")
        old(inbox_dir / f"f{n:02d}.txt", 100 - n)

    async def main() -> list[str]:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        seen: list[str] = []

        def submit(alert: FolderAlert) -> None:
            seen.append(alert.name)
            if len(seen) == 3:
                loop.call_soon_threadsafe(stop.set)
            time.sleep(0.05)  # slow enough that the stop lands mid-pass

        await asyncio.wait_for(FolderWatcher(inbox_dir, submit, settle=0).run(stop), 10)
        return seen

    seen = asyncio.run(main())
    done = listing(inbox_dir / "done")
    assert 3 <= len(seen) < 40
    assert done == sorted(seen) == [f"f{n:02d}.txt" for n in range(len(seen))]  # oldest first
    assert len(done) + len(listing(inbox_dir)) == 40  # each file is either done or still waiting


def test_read_eml_is_lenient_with_broken_mime_but_refuses_non_mail():
    broken = (
        b"From: a@sender-host.example.com\r\nSubject: " + b"x" * 500 + b"\r\n"
        b'Content-Type: multipart/mixed; boundary="NEVER-CLOSED"\r\n\r\n'
        b"--NEVER-CLOSED\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\n"
        b"payload at 9.8.7.6\r\n"
    )
    subject, text = read_eml(broken, name="broken.eml")
    assert len(subject) == 200 and subject.startswith("xxx")
    assert "9.8.7.6" in text and "a@sender-host.example.com" in text
    with pytest.raises(InputError, match=r"^note\.eml: not an e-mail message"):
        read_eml(b"\x00\x01 just bytes", name="note.eml")
    with pytest.raises(InputError, match="too large"):
        read_eml(broken, name="big.eml", max_bytes=100)


def test_a_thousand_files_in_one_pass(tmp_path, record_property):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    for n in range(1000):
        (inbox_dir / f"alert-{n:04d}.txt").write_text(f"alert {n}: 10.{n // 250}.{n % 250}.1 and host{n}.example.com\n")
    inbox = Inbox()
    started = time.perf_counter()
    handled = FolderWatcher(inbox_dir, inbox, settle=0).scan_once()
    elapsed = time.perf_counter() - started
    record_property("thousand_files_seconds", round(elapsed, 2))
    print(f"1000 files in one pass: {elapsed:.2f} s")
    assert len(handled) == 1000 and len(inbox.alerts) == 1000
    assert len(listing(inbox_dir / "done")) == 1000 and listing(inbox_dir) == []
    assert all(len(a.indicators) == 2 for a in inbox.alerts)
    assert elapsed < 60  # ~1 s on a loaded 2-core machine; this only catches a quadratic blow-up


def test_an_accepted_file_that_cannot_be_moved_is_not_submitted_again(tmp_path, caplog):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    (inbox_dir / "done").write_text("a file where the done/ folder should be")
    (inbox_dir / "a.txt").write_text("2.0.0.1")
    inbox = Inbox()
    clock = FakeClock()
    watcher = FolderWatcher(inbox_dir, inbox, settle=0, clock=clock)

    assert watcher.scan_once() == []
    assert watcher.scan_once() == []
    assert caplog.text.count("cannot move 'a.txt' to done/") == 1  # not retried (and logged) every poll
    assert len(inbox.alerts) == 1 and listing(inbox_dir) == ["a.txt", "done"]

    (inbox_dir / "done").unlink()  # the analyst fixes the folder
    clock.advance(watcher.retry_stuck - 1)
    assert watcher.scan_once() == [] and listing(inbox_dir) == ["a.txt"]  # not yet time to retry
    clock.advance(1.1)
    assert watcher.scan_once() == [inbox_dir / "done" / "a.txt"]
    assert len(inbox.alerts) == 1  # moved, not submitted a second time


def test_run_survives_the_folder_disappearing(tmp_path, caplog):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    inbox = Inbox()

    clock = FakeClock()

    async def main() -> int:
        stop = asyncio.Event()
        watcher = FolderWatcher(inbox_dir, inbox, settle=0, clock=clock, sleep=clock.sleep)
        task = asyncio.create_task(watcher.run(stop))
        await until(lambda: clock.sleeps, what="the first pass")
        inbox_dir.rmdir()  # a network share drops
        polls = len(clock.sleeps)
        await until(lambda: len(clock.sleeps) >= polls + 15 or task.done(), what="15 polls of the missing folder")
        polls = len(clock.sleeps) - polls  # each nap follows a pass; all but the first found no folder
        inbox_dir.mkdir()
        (inbox_dir / "back.txt").write_text("2.0.0.2")
        await until(lambda: inbox.alerts or task.done(), what="the alert")
        stop.set()
        await asyncio.wait_for(task, 10)
        return polls

    assert asyncio.run(main()) >= 15
    assert inbox.values() == {"2.0.0.2"}
    assert caplog.text.count("cannot scan") == 1  # said once, not every poll


def test_file_names_that_are_not_utf8_become_readable_text(tmp_path):
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    raw_dir = os.fsencode(inbox_dir)
    for raw, content in ((b"r\xe9sum\xe9.txt", b"3.0.0.1"), (b"bad\xff\x01.csv", b"")):  # Latin-1 bytes, a control char
        with open(os.path.join(raw_dir, raw), "wb") as fh:
            fh.write(content)
    inbox = Inbox()

    handled = FolderWatcher(inbox_dir, inbox, settle=0).scan_once()

    assert len(handled) == 2
    [alert] = inbox.alerts
    assert alert.source == "folder: r\ufffdsum\ufffd.txt" and alert.name == "r\ufffdsum\ufffd.txt"
    assert {s.file for i in alert.indicators for s in i.sources} == {"r\ufffdsum\ufffd.txt"}
    for text in (alert.source, alert.name):
        text.encode("utf-8")  # storable in history and JSON as is
    assert os.listdir(raw_dir + b"/done") == [b"r\xe9sum\xe9.txt"]  # the file itself keeps its name
    reason = os.path.join(raw_dir, b"failed", b"bad\xff\x01.csv.reason.txt")
    with open(reason, encoding="utf-8") as fh:
        assert fh.read().startswith("bad\ufffd?.csv: the file is empty")
