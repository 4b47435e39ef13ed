"""The watched folder: files dropped into it become alerts.

A SIEM export, an EDR report or a saved phishing mail is dropped into one
folder; each file becomes one alert, then moves to ``done/`` (read and
accepted) or ``failed/`` (unreadable, with ``<name>.reason.txt`` saying why).
The folder itself is the queue, so nothing is lost when the app is closed: a
file is moved only after the inbox accepted it, and files waiting at start are
picked up by the first scan.

Other users may write the folder (issue 14): nothing in it is followed. done/
and failed/ must be real folders of this user (a link or another user's folder
is refused, at start and at every move); a move or a reason file never
replaces a name that exists; a file is read only if it is still the regular
file that was checked. A folder others can write is said once (``notice``).

Polling, not OS notifications: it works the same on every platform and on
network shares, and a scan of a quiet folder is one directory listing. A file
is taken only once its size and mtime stopped changing for ``settle`` seconds
(DEFAULT_SETTLE), because a SIEM or a browser may still be writing it; one that
changes while it is read stays and settles again. The safe convention for a
writer is write-then-rename: names starting with "." or "~$" or ending .tmp,
.part, .crdownload or .swp are never taken, and a rename is atomic.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import stat
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from iocdesk.extraction.importers import InputError
from iocdesk.inbox.files import free_name, is_alert_name, read_alert_file, shown_name
from iocdesk.indicators.types import Indicator
from iocdesk.platform.safe_files import (
    Target,
    UnsafePathError,
    check_dir,
    make_dir,
    move_no_replace,
    writable_by_others,
    write_file,
)

log = logging.getLogger(__name__)

DONE, FAILED = "done", "failed"
# Seconds a file's size and mtime must stay unchanged before it is read. A SIEM writing over a
# share or a browser saving a download may pause for a second or two; writers that can should
# write under a temporary name (.tmp, .part, a leading dot) and rename it in when complete.
DEFAULT_SETTLE = 5.0
MAX_SETTLE = 3600.0


@dataclass(slots=True)
class FolderAlert:
    name: str  # the mail's Subject, a JSON title/name/rule field, else the file name
    source: str  # "folder: <file name>"
    indicators: list[Indicator]
    path: Path  # where the file is in done/ once ``submit`` returned


class FolderWatcher:
    """Turns the files of ``folder`` into alerts passed to ``submit`` (called from a worker thread).

    ``submit`` raising (the inbox is busy, or closing) leaves the file where it
    is for a later pass; an ``retry_after`` attribute on the exception (seconds)
    pauses the watcher that long instead of re-reading the file every poll.

    ``clock`` (seconds, monotonic) is every reading of elapsed time (settling,
    the retry_after pause, the retry of a stuck file) and ``sleep`` the wait
    between polls of ``run``; a test passes a fake pair to run on virtual time.
    A file's age at the first scan is the wall clock against its mtime, which
    the file system stamps: a test sets that with ``os.utime``.
    """

    retry_stuck = 60.0  # seconds before a file that could not be moved is tried again

    def __init__(
        self,
        folder: Path,
        submit: Callable[[FolderAlert], None],
        *,
        poll_interval: float = 1.0,
        settle: float = DEFAULT_SETTLE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        folder = Path(folder)
        if not folder.exists():
            raise FileNotFoundError(f"the watched folder does not exist: {folder}")
        if not folder.is_dir():
            raise NotADirectoryError(f"the watched folder is not a folder: {folder}")
        if poll_interval <= 0 or not 0 <= settle <= MAX_SETTLE:
            raise ValueError(f"poll_interval must be > 0 and settle between 0 and {MAX_SETTLE:.0f} s")
        for where in (DONE, FAILED):  # planted before we start: refuse now, with the reason
            if os.path.lexists(folder / where):
                check_dir(folder / where, what=f"the {where}/ folder", require_dir=False)
        self.notice: str | None = None  # a warning for the face to show with its status
        if writable_by_others(folder):
            self.notice = (
                f"other users can write to the watched folder {folder}: any of them can drop alerts "
                "(done/ and failed/ are checked and never followed); make it writable only by you and the tools that feed it"
            )
            log.warning("watched folder: %s", self.notice)
        self.folder = folder
        self.submit = submit
        self.poll_interval = poll_interval
        self.settle = settle
        self._clock = clock
        self._sleep = sleep
        self._seen: dict[str, tuple[int, int, float]] = {}  # name -> size, mtime_ns, unchanged since
        self._first_scan = True
        self._accepted: dict[str, tuple[int, int]] = {}  # submitted, but the move to done/ failed
        self._stuck: dict[str, tuple[tuple[int, int], float]] = {}  # could not be moved: key, retry at
        self._paused_until = 0.0
        self._lock = threading.Lock()  # one pass at a time: scan_once() while run() polls is safe

    # -- one pass -----------------------------------------------------------------------------

    def scan_once(self) -> list[Path]:
        """Handle every ready file, oldest first; returns where each one went (in done/ or failed/)."""
        return self._scan(None)

    def _scan(self, halt: threading.Event | None) -> list[Path]:
        """``halt`` set (by run() stopping) ends the pass after the file in hand."""
        with self._lock:
            return self._pass(halt)

    def _pass(self, halt: threading.Event | None) -> list[Path]:
        if self._clock() < self._paused_until:
            return []
        handled: list[Path] = []
        for entry in self._ready():
            if halt is not None and halt.is_set():
                break
            try:
                outcome = self._handle(entry)
            except Exception:  # a bug, not the file: log it, leave the file, never stop the watcher
                log.exception("watched folder: unexpected error on %r; left in place", entry.name)
                if entry.name in self._seen:
                    self._set_stuck(entry.name, self._seen[entry.name][:2])
                continue
            if outcome is False:  # submit refused: keep the order, try again next pass
                break
            if isinstance(outcome, Path):
                handled.append(outcome)
        return handled

    def _ready(self) -> list[os.DirEntry[str]]:
        now, wall = self._clock(), time.time()
        first, self._first_scan = self._first_scan, False
        ready: list[tuple[int, os.DirEntry[str]]] = []
        present: set[str] = set()
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if not is_alert_name(entry.name):
                    continue
                try:  # no symlinks: a link could make the watcher read (and move) any file
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    continue
                key = (info.st_size, info.st_mtime_ns)
                present.add(entry.name)
                stuck = self._stuck.get(entry.name)
                if stuck is not None and stuck[0] == key and now < stuck[1]:
                    continue
                seen = self._seen.get(entry.name)
                if seen is None or seen[:2] != key:
                    self._seen[entry.name] = (*key, now)
                    # New or changed: wait for it to settle, unless it was already there at start
                    # (then its age tells) or no settling is asked for.
                    if not ((first and seen is None) or self.settle == 0) or wall - info.st_mtime < self.settle:
                        continue
                elif now - seen[2] < self.settle:
                    continue
                ready.append((info.st_mtime_ns, entry))
        for gone in self._seen.keys() - present:
            del self._seen[gone]
        for table in (self._accepted, self._stuck):
            for gone in table.keys() - present:
                del table[gone]
        ready.sort(key=lambda item: (item[0], item[1].name))
        return [entry for _, entry in ready]

    def _handle(self, entry: os.DirEntry[str]) -> Path | Literal[False] | None:
        """Where the file went; ``False`` when submit refused it; ``None`` when it vanished."""
        path, name = Path(entry.path), entry.name
        key = self._seen[name][:2]
        if self._accepted.get(name) == key:  # already accepted: only the move is left to do
            return self._move(path, DONE, key)
        try:  # no alert accepted while its file cannot go to done/ (created by the first move)
            if os.path.lexists(self.folder / DONE):
                check_dir(self.folder / DONE, what=f"the {DONE}/ folder", require_dir=False)
        except OSError as exc:
            self._set_stuck(name, key)
            log.error("watched folder: %r left in place: %s", name, exc)
            return None
        checked = entry.stat(follow_symlinks=False)  # what _ready checked (cached by scandir)
        if not checked.st_ino:  # Windows' scandir leaves the inode out: take it now, as checked
            checked = os.lstat(path)
            if not stat.S_ISREG(checked.st_mode) or (checked.st_size, checked.st_mtime_ns) != key:
                return None  # changed since the listing: the next pass sees it again
        try:
            title, indicators = read_alert_file(path, expected=checked, clock=self._clock)
        except UnsafePathError as exc:  # swapped since the check: never read; a later pass looks again
            log.warning("watched folder: %s", exc)
            return None
        except InputError as exc:
            if not path.exists():
                return None  # another process took it between listing and reading
            return self._fail(path, exc.message, key)
        except Exception as exc:
            if not path.exists():
                return None
            log.exception("watched folder: unexpected error reading %r", name)
            return self._fail(path, f"{shown_name(name)}: unexpected error: {type(exc).__name__}", key)
        if self._changed_while_read(path, name, key):
            return None
        alert = FolderAlert(title, f"folder: {shown_name(name)}", indicators, free_name(self.folder / DONE, name))
        try:
            self.submit(alert)
        except Exception as exc:  # noqa: BLE001 - busy, or a bug: the file stays for a later pass
            retry = getattr(exc, "retry_after", None)
            if isinstance(retry, (int, float)) and retry > 0:
                self._paused_until = self._clock() + retry
            log.warning("watched folder: %r not accepted, left for a later pass: %s", name, exc)
            return False
        self._accepted[name] = key
        moved = self._move(path, DONE, key)
        if isinstance(moved, Path):
            alert.path = moved
        return moved

    def _changed_while_read(self, path: Path, name: str, key: tuple[int, int]) -> bool:
        """True when the file grew or was rewritten while it was read: the writer had only paused.

        It stays in place and settles again; moving it to done/ now would leave the rest
        of it unread (issue 14). A file that vanished is another process's now.
        """
        try:
            now = os.lstat(path)
        except OSError:
            return True
        if stat.S_ISREG(now.st_mode) and (now.st_size, now.st_mtime_ns) == key:
            return False
        log.info("watched folder: %r changed while it was read; taken again once it settles", name)
        self._seen[name] = (now.st_size, now.st_mtime_ns, self._clock())
        return True

    def _fail(self, path: Path, reason: str, key: tuple[int, int]) -> Path | None:
        log.warning("watched folder: %s", reason)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return self._move(path, FAILED, key, reason=f"{reason} (at {stamp})\n")

    def _move(self, path: Path, where: str, key: tuple[int, int], *, reason: str | None = None) -> Path | None:
        """Move ``path`` into ``where`` (with its reason file first, for failed/); never over a name."""
        target_dir = self.folder / where
        try:
            make_dir(target_dir, what=f"the {where}/ folder")
            while True:
                target = free_name(target_dir, path.name, reason=reason is not None)
                note = target.with_name(target.name + ".reason.txt")
                if reason is not None:
                    try:  # a new file, never through a link planted under the name
                        write_file(note, reason.encode("utf-8"), target=Target.OUTPUT)
                    except FileExistsError:  # taken since free_name looked: the next suffix
                        continue
                try:
                    move_no_replace(path, target)
                    break
                except FileExistsError:
                    self._forget(note, reason)
                    continue
                except BaseException:
                    self._forget(note, reason)
                    raise
        except FileNotFoundError:
            return None
        except OSError as exc:  # locked (Windows), read-only share, a planted link...: do not retry every poll
            self._set_stuck(path.name, key)
            log.error("watched folder: cannot move %r to %s/: %s", path.name, where, exc)
            return None
        for table in (self._accepted, self._seen, self._stuck):
            table.pop(path.name, None)
        return target

    @staticmethod
    def _forget(note: Path, reason: str | None) -> None:
        """Remove the reason file written for a move that did not happen."""
        if reason is not None:
            with contextlib.suppress(OSError):
                note.unlink()

    def _set_stuck(self, name: str, key: tuple[int, int]) -> None:
        self._stuck[name] = (key, self._clock() + self.retry_stuck)

    # -- polling ----------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Scan every ``poll_interval`` seconds until ``stop`` is set.

        Scans run in a worker thread, so a large file never blocks the loop;
        on stop, the file being handled is finished (read, submitted, moved)
        and the rest wait for the next start.
        """
        loop = asyncio.get_running_loop()
        halt = threading.Event()
        stopping = asyncio.ensure_future(stop.wait())
        failing = False
        try:
            while not stop.is_set():
                scan = loop.run_in_executor(None, self._scan, halt)
                waiters: set[asyncio.Future[Any]] = {scan, stopping}
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                if stop.is_set():
                    halt.set()
                try:
                    await scan
                    failing = False
                except Exception as exc:  # the folder vanished or the share is down: say so once
                    if not failing:
                        log.error(
                            "watched folder: cannot scan %s: %s",
                            self.folder,
                            exc,
                            exc_info=not isinstance(exc, OSError),
                        )
                    failing = True
                napping = asyncio.ensure_future(self._sleep(self.poll_interval))
                try:  # until the next poll, or the stop
                    await asyncio.wait({stopping, napping}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    napping.cancel()
        finally:
            halt.set()  # cancelled rather than stopped: the worker still ends after its file
            stopping.cancel()
