"""Which runs are really still running: an OS file lock per live History.

A History that starts a run holds an exclusive lock on a file named after a
random token, and the run records that token. The operating system drops the
lock when the process ends in any way, SIGKILL and power loss included. So at
the next start, a run still marked "running" whose owner's lock can be taken
was left by a crash, while a run of another live process (a CLI run while the
GUI is open) is left alone. PIDs would not do: they are reused (containers
restart at the same small numbers) and Windows cannot probe one without
privileges.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path

_TOKEN_RE = re.compile(r"[0-9a-f]{16}")

# sys.platform (same as os.name == "nt" on CPython) so that mypy checks the
# branch of the platform it runs on, not both.
if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    # flock (not lockf): its locks belong to the open file, so a second open in
    # the same process conflicts too, and a History can test its own token.
    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class OwnerLock:
    """Held from creation until :meth:`release` or the end of the process."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.directory = directory
        self.token = secrets.token_hex(8)
        self._fd: int | None = os.open(directory / f"{self.token}.lock", os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        if not _try_lock(self._fd):
            raise OSError(f"cannot lock {directory / self.token}.lock")

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)
        _remove(self.directory, self.token)


def owner_alive(directory: Path, token: str | None) -> bool:
    """True while the History that holds ``token`` is open (in any process)."""
    if not token or not _TOKEN_RE.fullmatch(token):
        return False
    try:
        fd = os.open(directory / f"{token}.lock", os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        if not _try_lock(fd):
            return True
        _unlock(fd)
        return False
    finally:
        os.close(fd)


def forget_owner(directory: Path, token: str | None) -> None:
    """Remove a dead owner's lock file."""
    if token and _TOKEN_RE.fullmatch(token):
        _remove(directory, token)


def _remove(directory: Path, token: str) -> None:
    try:
        os.remove(directory / f"{token}.lock")
    except OSError:  # already gone, or (Windows) still open somewhere
        pass
