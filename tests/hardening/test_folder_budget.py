"""Issue 14, item 4 (the folder's side): one file never holds up the watched folder.

A file is read in the folder's worker, one after the other: a workbook bomb held
every file behind it for ~105 s while memory climbed to 3.3 GB. Besides the
importers' own limits (tests/hardening/test_xlsx_bomb.py, test_mail_memory.py),
each file now has a time budget (``files.FILE_BUDGET``) and an indicator cap
(``files.MAX_INDICATORS``) checked after every chunk: past either, it goes to
failed/ with the reason and the next file is read in the same pass. A clock that
moves on each reading stands in for a slow file: no sleeping.
"""

from __future__ import annotations

import pytest

import iocdesk.inbox.files as files_module
from iocdesk.extraction.importers import InputError
from iocdesk.inbox.files import FILE_BUDGET, MAX_INDICATORS, read_alert_file
from iocdesk.inbox.folder import FolderAlert, FolderWatcher


class SlowClock:
    """Each reading is ``step`` seconds after the previous one: every chunk read "takes" ``step``."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def csv_of(n: int) -> str:
    return "ioc\n" + "".join(f"198.51.{i // 250}.{i % 250 + 1}\n" for i in range(n))


def test_the_limits_are_sane():
    assert 10 <= FILE_BUDGET <= 90  # well under the ~105 s one bomb held the folder
    assert MAX_INDICATORS >= 10_000


def test_a_file_past_its_time_budget_fails_and_the_next_one_is_read(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a-slow.csv").write_text(csv_of(200))  # 200 cells: 200 chunks of "10 s" each
    (folder / "b-next.txt").write_text("203.0.113.9")
    alerts: list[FolderAlert] = []
    watcher = FolderWatcher(folder, alerts.append, settle=0, clock=SlowClock(10.0))
    handled = watcher.scan_once()
    assert handled == [folder / "failed" / "a-slow.csv", folder / "done" / "b-next.txt"]
    reason = (folder / "failed" / "a-slow.csv.reason.txt").read_text()
    assert f"longer than {FILE_BUDGET:.0f} s" in reason and "iocdesk analyze" in reason
    assert [a.name for a in alerts] == ["b-next.txt"]


def test_a_file_with_too_many_indicators_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(files_module, "MAX_INDICATORS", 100)
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "dump.csv").write_text(csv_of(150))
    (folder / "alert.txt").write_text("203.0.113.10 and 203.0.113.11")
    alerts: list[FolderAlert] = []
    handled = FolderWatcher(folder, alerts.append, settle=0).scan_once()
    assert folder / "failed" / "dump.csv" in handled
    assert "more than 100 indicators" in (folder / "failed" / "dump.csv.reason.txt").read_text()
    assert [len(a.indicators) for a in alerts] == [2]


def test_within_the_limits_a_file_is_read_whole(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(csv_of(150))
    name, indicators = read_alert_file(path, budget=1000, max_indicators=150, clock=SlowClock(1.0))
    assert name == "ok.csv" and len(indicators) == 150
    with pytest.raises(InputError, match="more than 149 indicators"):
        read_alert_file(path, max_indicators=149)
