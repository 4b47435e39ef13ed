"""The scan queue behind analyze.php (API.md §2.5).

A submitted scan gets a qid; it answers ``processing`` for
``scan_polls_until_done`` polls, then its result for good: ``done`` with the
indicator, or ``not found`` when the scan found nothing. With ``submit=1`` the
result is stored when the scan finishes (the first poll that sees it done), so
later lookups find it. Each qid speaks the current or, now and then, the older
("legacy") dialect, fixed per qid and reproducible per seed.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from iocdesk.pulsedive.sandbox.records import Record

LEGACY_SHARE = 0.25


@dataclass(slots=True)
class Scan:
    qid: int
    value: str
    probe: bool
    submit: bool
    result: Record | None  # None: the scan finds nothing
    legacy: bool
    polls: int = 0
    finished: bool = False


class ScanQueue:
    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"pulsedive-sandbox-scans:{seed}")
        self._lock = threading.Lock()
        self._scans: dict[int, Scan] = {}
        self._next = 0

    def submit(self, value: str, probe: bool, submit: bool, result: Record | None) -> Scan:
        with self._lock:
            self._next = (self._next or self._rng.randint(700_000_000, 790_000_000)) + self._rng.randint(1, 997)
            scan = Scan(
                qid=self._next,
                value=value,
                probe=probe,
                submit=submit,
                result=result,
                legacy=self._rng.random() < LEGACY_SHARE,
            )
            self._scans[scan.qid] = scan
            return scan

    def poll(self, qid_text: str, polls_until_done: int) -> tuple[Scan | None, bool, bool]:
        """``(scan or None if unknown, done now?, finished by this very poll?)``."""
        try:
            qid = int(str(qid_text).strip())
        except ValueError:
            return None, False, False
        with self._lock:
            scan = self._scans.get(qid)
            if scan is None:
                return None, False, False
            scan.polls += 1
            if scan.polls <= polls_until_done:
                return scan, False, False
            first = not scan.finished
            scan.finished = True
            return scan, True, first

    def get(self, qid: int) -> Scan | None:
        with self._lock:
            return self._scans.get(qid)
