"""Issue 14, item 9: a file still being written is never taken half-way.

Before, a file was taken once its size and mtime had not changed for 1 s and
moved to done/ while its writer still had it open: the rest of it was never
analysed. Now the wait is 5 s by default and configurable (``serve --settle``,
Settings > Inbox), a file that changes while it is read stays and settles again,
and temporary names (write-then-rename) are never taken. Virtual time: no sleeps.
"""

from __future__ import annotations

import os

import pytest

import iocdesk.inbox.folder as folder_module
from iocdesk.cli import main
from iocdesk.inbox.folder import DEFAULT_SETTLE, FolderAlert, FolderWatcher
from tests.helpers.clock import FakeClock


def watcher_for(tmp_path, **kwargs) -> tuple[FolderWatcher, list[FolderAlert], FakeClock]:
    folder = tmp_path / "drop"
    folder.mkdir()
    alerts: list[FolderAlert] = []
    clock = FakeClock()
    watcher = FolderWatcher(folder, alerts.append, clock=clock, **kwargs)
    assert watcher.scan_once() == []  # the start: nothing waiting
    return watcher, alerts, clock


def values(alert: FolderAlert) -> set[str]:
    return {i.value for i in alert.indicators}


def test_a_writer_pausing_for_two_seconds_is_not_cut(tmp_path):
    assert DEFAULT_SETTLE >= 5
    watcher, alerts, clock = watcher_for(tmp_path)
    report = watcher.folder / "siem.csv"
    report.write_text("ioc\n198.51.100.1\n")
    watcher.scan_once()
    clock.advance(2.0)  # before: taken here, after 1 s of quiet
    assert watcher.scan_once() == [] and alerts == []
    with report.open("a") as fh:
        fh.write("198.51.100.2\n")
    watcher.scan_once()
    clock.advance(DEFAULT_SETTLE)
    assert watcher.scan_once() == [watcher.folder / "done" / "siem.csv"]
    assert values(alerts[0]) == {"198.51.100.1", "198.51.100.2"}


def test_a_file_that_grows_while_it_is_read_stays_and_is_read_whole_later(tmp_path, monkeypatch):
    watcher, alerts, clock = watcher_for(tmp_path, settle=1.0)
    report = watcher.folder / "export.txt"
    report.write_text("198.51.100.3\n")
    real = folder_module.read_alert_file
    reads: list[str] = []

    def read_then_writer_resumes(path, **kwargs):
        result = real(path, **kwargs)
        reads.append(path.name)
        if len(reads) == 1:  # the first read only: the writer had paused longer than the settle time
            with open(path, "a") as fh:
                fh.write("198.51.100.4\n")
            stamp = os.stat(path).st_mtime_ns + 1_000_000
            os.utime(path, ns=(stamp, stamp))  # a coarse file-system clock still sees the change
        return result

    monkeypatch.setattr(folder_module, "read_alert_file", read_then_writer_resumes)
    watcher.scan_once()
    clock.advance(1.5)
    assert watcher.scan_once() == [] and alerts == []  # changed while read: not submitted, not moved
    assert report.exists()
    clock.advance(1.5)
    assert watcher.scan_once() == [watcher.folder / "done" / "export.txt"]
    assert values(alerts[0]) == {"198.51.100.3", "198.51.100.4"} and len(reads) == 2


@pytest.mark.parametrize("temporary", ["report.csv.part", "report.csv.tmp", ".report.csv", "~$report.xlsx"])
def test_write_then_rename_is_taken_only_after_the_rename(tmp_path, temporary):
    watcher, alerts, clock = watcher_for(tmp_path, settle=0)
    path = watcher.folder / temporary
    path.write_text("ioc\n198.51.100.5\n")
    clock.advance(60)
    assert watcher.scan_once() == [] and path.exists()
    final = watcher.folder / "report.csv"
    path.rename(final)
    assert watcher.scan_once() == [watcher.folder / "done" / "report.csv"]
    assert values(alerts[0]) == {"198.51.100.5"}


def test_the_settle_time_is_checked(tmp_path):
    with pytest.raises(ValueError, match="settle"):
        FolderWatcher(tmp_path, lambda alert: None, settle=-1)
    with pytest.raises(ValueError, match="settle"):
        FolderWatcher(tmp_path, lambda alert: None, settle=10_000)


def test_serve_takes_a_settle_time(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--settle", "-2", "--no-webhook", "--folder", "."])
    assert "between 0 and 3600" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "--settle SECONDS" in capsys.readouterr().out
