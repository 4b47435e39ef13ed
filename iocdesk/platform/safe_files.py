"""Writing and reading files where another user may have planted a link: the one way iocdesk does it.

The inbox runs unattended next to folders other tools (and other users) write
into, and its output names are predictable (``<alert id>.json``,
``failed/<name>.reason.txt``). A plain ``open(path, "w")`` follows a symlink
planted there and writes wherever it points, with iocdesk's rights. So every
file iocdesk writes goes through this module:

``write_file(path, data, *, target)`` / ``open_for_write(path, *, target)``
    ``Target.OUTPUT`` (the inbox's own outputs: ``serve --out``, draft rules,
    reason files) creates a new file and never replaces anything: the name is
    created with ``O_CREAT | O_EXCL | O_NOFOLLOW``, so an existing file or link
    of that name is ``FileExistsError``; the folder is opened without following
    a link and must be a real folder owned by this user (``UnsafePathError``).
    ``Target.CHOSEN`` (a path the analyst typed on the command line or picked in
    the window) may replace the analyst's own regular file, as users expect:
    the data goes to a new temp file (``O_EXCL``) in the same folder, renamed
    over the target only if that is absent or a regular file of this user. A
    rename replaces the name, never what a link points to.
``check_dir`` / ``make_dir``
    A folder iocdesk writes its own files into (done/, failed/, ``--out``):
    refused when it is a link (or Windows reparse point), not a folder, or owned
    by another user.
``writable_by_others``
    A folder another user can create names in: the caller warns.
``move_no_replace(source, target)``
    Into a checked folder, never over an existing name.
``open_checked(path, expected)``
    Read what was checked: opened without following a link, then ``fstat``
    compared with the ``lstat`` the caller checked (device, inode, size).

Windows (``sys.platform == "win32"``) has the same API with the closest
equivalents: no ``O_NOFOLLOW`` or ``dir_fd`` there, so the folder and the name
are checked with ``os.lstat`` (a link or junction is a reparse point) just
before use, new files are created with ``O_EXCL`` (``CREATE_NEW``: fails on any
existing name, a link included), and a read compares the opened file's
``fstat`` with what was checked, which a swapped-in link cannot match. Owners
are not compared there (that needs the security API; the folder's ACL is what
protects it).
"""

from __future__ import annotations

import contextlib
import enum
import os
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

WINDOWS = sys.platform == "win32"
# The one permission policy for exports (results, workbooks, drafts, STIX bundles): they hold a
# run's indicators and the sources they came from, so only their owner reads them, whatever the
# umask. Other files (an inbox reason note) follow the umask as open() does.
EXPORT_MODE = 0o600
_BINARY = getattr(os, "O_BINARY", 0)  # Windows opens in text mode (CRLF) without it
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_PATH = getattr(os, "O_PATH", os.O_RDONLY)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in must not block the reader
_REPARSE = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)


class UnsafePathError(OSError):
    """A path iocdesk refuses to write to or read (a link, another user's file or folder, a swap)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Target(enum.Enum):
    """Whose path a write goes to, which decides whether an existing file may be replaced."""

    CHOSEN = "chosen"  # typed or picked by the analyst: may replace their own regular file
    OUTPUT = "output"  # the inbox's own output: never replaces anything, in a folder of ours


# -- checks ----------------------------------------------------------------------------------------


def is_link(info: os.stat_result) -> bool:
    """A symlink, or on Windows any reparse point (symlink, junction, mount point)."""
    if stat.S_ISLNK(info.st_mode):
        return True
    return bool(getattr(info, "st_file_attributes", 0) & _REPARSE)


def _owned_by_me(info: os.stat_result) -> bool:
    if WINDOWS:
        return True  # see the module docstring
    return info.st_uid == os.geteuid()


def _check_dir_info(info: os.stat_result, path: Path, what: str, *, require_dir: bool = True) -> None:
    if is_link(info):
        raise UnsafePathError(f"{what} {path} is a link; refusing to use it (make it a real folder)")
    if require_dir and not stat.S_ISDIR(info.st_mode):
        raise UnsafePathError(f"{what} {path} is not a folder")
    if not _owned_by_me(info):
        raise UnsafePathError(f"{what} {path} belongs to another user (uid {info.st_uid}); refusing to write into it")


def check_dir(path: str | os.PathLike[str], *, what: str = "folder", require_dir: bool = True) -> Path:
    """``path`` if it is a real folder of this user; UnsafePathError naming ``what`` otherwise.

    ``require_dir=False`` refuses only a link or another user's entry (a plain file there is a
    mistake, not an attack, and fails the write that follows)."""
    path = Path(path)
    _check_dir_info(os.lstat(path), path, what, require_dir=require_dir)
    return path


def make_dir(path: str | os.PathLike[str], *, what: str = "folder", mode: int = 0o755) -> Path:
    """Create ``path`` (its parent must exist) unless it is there, then ``check_dir`` it.

    A name planted before us (a link, another user's folder) fails the check,
    never the creation: ``mkdir`` does not follow a link.
    """
    path = Path(path)
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, mode)
    return check_dir(path, what=what)


def writable_by_others(path: str | os.PathLike[str]) -> bool:
    """Can another user create or rename names in the folder ``path``? (Unknown on Windows: False.)"""
    if WINDOWS:
        return False
    info = os.stat(path)
    return bool(info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)) or not _owned_by_me(info)


# -- the folder a write goes into --------------------------------------------------------------------


class _Folder:
    """The folder of a write, held open on POSIX so a swap of its path after the check changes nothing."""

    def __init__(self, path: Path, target: Target) -> None:
        self.path = path
        self.fd: int | None = None
        if WINDOWS:
            if target is Target.OUTPUT:
                check_dir(path, what="output folder")
            return
        # OUTPUT: the last component must not be a link; CHOSEN: the analyst's path, links and all.
        # O_PATH (Linux): a handle for *at calls that needs no read permission on the folder.
        flags = _PATH | _DIRECTORY | _CLOEXEC | (_NOFOLLOW if target is Target.OUTPUT else 0)
        try:
            self.fd = os.open(path, flags)
        except OSError as exc:
            if target is Target.OUTPUT and os.path.islink(path):
                raise UnsafePathError(f"output folder {path} is a link; refusing to write into it") from exc
            raise
        if target is Target.OUTPUT:
            try:
                _check_dir_info(os.fstat(self.fd), path, "output folder")
            except BaseException:
                self.close()
                raise

    def at(self, name: str) -> tuple[str | Path, dict[str, int]]:
        """What to pass to an ``os`` call for ``name`` in this folder: a path, or a name and dir_fd."""
        if self.fd is None:
            return self.path / name, {}
        return name, {"dir_fd": self.fd}

    def lstat(self, name: str) -> os.stat_result:
        where, fd = self.at(name)
        return os.stat(where, follow_symlinks=False, **fd)

    def create(self, name: str, mode: int) -> int:
        where, fd = self.at(name)
        return os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY, mode, **fd)

    def unlink(self, name: str) -> None:
        where, fd = self.at(name)
        os.unlink(where, **fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _split(path: str | os.PathLike[str]) -> tuple[Path, str]:
    path = Path(path)
    if not path.name:
        raise IsADirectoryError(f"{path}: a file name is needed")
    return path.parent, path.name


# -- writing ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def open_for_write(
    path: str | os.PathLike[str], *, target: Target = Target.CHOSEN, mode: int = 0o666
) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s content into; in place when the block ends without error.

    ``mode`` is filtered by the umask, as with ``open()``. On an error the
    partial file is removed and the target is as it was.
    """
    parent, name = _split(path)
    folder = _Folder(parent, target)
    try:
        if target is Target.OUTPUT:
            yield from _write_new(folder, name, mode)
        else:
            yield from _write_replacing(folder, name, mode)
    finally:
        folder.close()


def write_file(path: str | os.PathLike[str], data: bytes, *, target: Target = Target.CHOSEN, mode: int = 0o666) -> Path:
    """Write ``data`` to ``path`` as ``open_for_write`` does; returns the path."""
    with open_for_write(path, target=target, mode=mode) as out:
        out.write(data)
    return Path(path)


def _write_new(folder: _Folder, name: str, mode: int) -> Iterator[BinaryIO]:
    fd = folder.create(name, mode)  # FileExistsError for any existing name, a link included
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
    except BaseException:
        with contextlib.suppress(OSError):
            folder.unlink(name)
        raise


def _write_replacing(folder: _Folder, name: str, mode: int) -> Iterator[BinaryIO]:
    _check_replaceable(folder, name)  # before writing anything: a refusal costs nothing
    while True:
        temp = f".{name}.{secrets.token_hex(4)}.iocdesk-tmp"
        try:
            fd = folder.create(temp, mode)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        _check_replaceable(folder, name)  # again: the name may have changed while we wrote
        source, source_fd = folder.at(temp)
        dest, dest_fd = folder.at(name)
        os.replace(
            source, dest, src_dir_fd=source_fd.get("dir_fd"), dst_dir_fd=dest_fd.get("dir_fd")
        )  # the name is replaced, never what a link there points to
    except BaseException:
        with contextlib.suppress(OSError):
            folder.unlink(temp)
        raise


def _check_replaceable(folder: _Folder, name: str) -> None:
    try:
        info = folder.lstat(name)
    except FileNotFoundError:
        return
    shown = folder.path / name
    if is_link(info):
        raise UnsafePathError(f"{shown} is a link; refusing to write through it (remove it or choose another name)")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePathError(f"{shown} exists and is not a regular file")
    if not _owned_by_me(info):
        raise UnsafePathError(f"{shown} belongs to another user (uid {info.st_uid}); refusing to replace it")


# -- moving ----------------------------------------------------------------------------------------


def move_no_replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Move ``source`` to ``target`` in a folder of ours (``check_dir``), never over an existing name.

    FileExistsError when the name is taken. A hard link does not replace (POSIX
    rename would, silently); where there are none (FAT, some shares) the name
    is checked, then renamed. A link at ``source`` is moved as a link, never followed.
    """
    parent, name = _split(target)
    folder = _Folder(parent, Target.OUTPUT)
    try:
        dest, fd = folder.at(name)
        try:
            if WINDOWS:
                os.link(source, dest)
            else:  # into the folder held open; a link at source is linked itself, not its target
                os.link(source, dest, dst_dir_fd=fd.get("dir_fd"), follow_symlinks=False)
        except FileExistsError:
            raise
        except OSError:  # gone, or no hard links here: check, then rename
            try:
                folder.lstat(name)
            except FileNotFoundError:
                os.rename(source, dest, dst_dir_fd=fd.get("dir_fd"))
                return
            raise FileExistsError(str(parent / name)) from None
        os.unlink(source)
    finally:
        folder.close()


# -- reading ----------------------------------------------------------------------------------------


def open_checked(path: str | os.PathLike[str], expected: os.stat_result) -> BinaryIO:
    """``path`` opened for reading if it is still the regular file ``expected`` (its ``lstat``).

    UnsafePathError when it is now a link, not a regular file, or another file
    (device, inode or size differ): it was swapped after the check.
    """
    path = Path(path)
    if WINDOWS:
        now = os.lstat(path)
        if is_link(now):
            raise UnsafePathError(f"{path} became a link after it was checked; not read")
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY)
    except OSError as exc:
        if os.path.islink(path):
            raise UnsafePathError(f"{path} became a link after it was checked; not read") from exc
        raise
    try:
        info = os.fstat(fd)
        same = (info.st_dev, info.st_ino, info.st_size) == (expected.st_dev, expected.st_ino, expected.st_size)
        if not stat.S_ISREG(info.st_mode) or not same:
            raise UnsafePathError(f"{path} was replaced after it was checked; not read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
