"""``platform.safe_files``: the one way iocdesk writes and reads files others may have planted links among.

The POSIX branch runs for real. The Windows branch cannot run here; its
path-based logic (lstat checks, O_EXCL, no dir_fd) is run on POSIX by setting
``WINDOWS`` (a simulation, named as one: POSIX still adds O_NOFOLLOW under it).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from iocdesk.platform import safe_files
from iocdesk.platform.safe_files import (
    Target,
    UnsafePathError,
    check_dir,
    make_dir,
    move_no_replace,
    open_checked,
    open_for_write,
    writable_by_others,
    write_file,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the POSIX branch")
AS_ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@pytest.fixture(params=["posix", "windows-logic"])
def branch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "windows-logic":
        monkeypatch.setattr(safe_files, "WINDOWS", True)
    return str(request.param)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- Target.OUTPUT: new files only ------------------------------------------------------------------


def test_an_output_is_a_new_file(tmp_path, branch):
    assert write_file(tmp_path / "a.json", b"x", target=Target.OUTPUT).read_bytes() == b"x"
    with pytest.raises(FileExistsError):
        write_file(tmp_path / "a.json", b"y", target=Target.OUTPUT)
    assert (tmp_path / "a.json").read_bytes() == b"x"


def test_an_output_never_goes_through_a_link(tmp_path, branch):
    (tmp_path / "victim").write_bytes(b"mine")
    (tmp_path / "dangling").symlink_to(tmp_path / "created-through-the-link")
    (tmp_path / "existing").symlink_to(tmp_path / "victim")
    for name in ("dangling", "existing"):
        with pytest.raises(FileExistsError):
            write_file(tmp_path / name, b"evil", target=Target.OUTPUT)
    assert (tmp_path / "victim").read_bytes() == b"mine"
    assert not (tmp_path / "created-through-the-link").exists()


def test_an_output_folder_that_is_a_link_is_refused(tmp_path, branch):
    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real")
    with pytest.raises(UnsafePathError, match="is a link"):
        write_file(tmp_path / "out" / "a.json", b"x", target=Target.OUTPUT)
    assert files(tmp_path / "real") == []


@pytest.mark.skipif(not AS_ROOT, reason="chown needs root")
def test_an_output_folder_of_another_user_is_refused(tmp_path):
    (tmp_path / "theirs").mkdir()
    os.chown(tmp_path / "theirs", 65534, 65534)
    with pytest.raises(UnsafePathError, match="another user"):
        write_file(tmp_path / "theirs" / "a.json", b"x", target=Target.OUTPUT)
    with pytest.raises(UnsafePathError, match="another user"):
        check_dir(tmp_path / "theirs")


def test_a_failed_output_leaves_nothing(tmp_path, branch):
    with pytest.raises(RuntimeError), open_for_write(tmp_path / "a.json", target=Target.OUTPUT) as out:
        out.write(b"half")
        raise RuntimeError("the writer failed")
    assert files(tmp_path) == []


# -- Target.CHOSEN: the analyst's own file may be replaced -------------------------------------------


def test_a_chosen_path_replaces_the_analysts_own_file(tmp_path, branch):
    (tmp_path / "r.csv").write_bytes(b"old")
    write_file(tmp_path / "r.csv", b"new")
    assert (tmp_path / "r.csv").read_bytes() == b"new"
    assert files(tmp_path) == ["r.csv"]  # no temp file left


def test_a_chosen_path_never_writes_through_a_link(tmp_path, branch):
    (tmp_path / "victim").write_bytes(b"mine")
    (tmp_path / "r.csv").symlink_to(tmp_path / "victim")
    with pytest.raises(UnsafePathError, match="is a link"):
        write_file(tmp_path / "r.csv", b"evil")
    assert (tmp_path / "victim").read_bytes() == b"mine" and (tmp_path / "r.csv").is_symlink()
    assert files(tmp_path) == ["r.csv", "victim"]


def test_a_chosen_path_is_never_a_folder_or_a_fifo(tmp_path, branch):
    (tmp_path / "d").mkdir()
    os.mkfifo(tmp_path / "p")
    for name in ("d", "p"):
        with pytest.raises(UnsafePathError, match="not a regular file"):
            write_file(tmp_path / name, b"x")


@pytest.mark.skipif(not AS_ROOT, reason="chown needs root")
def test_a_chosen_path_never_replaces_another_users_file(tmp_path):
    (tmp_path / "r.csv").write_bytes(b"theirs")
    os.chown(tmp_path / "r.csv", 65534, 65534)
    with pytest.raises(UnsafePathError, match="another user"):
        write_file(tmp_path / "r.csv", b"x")
    assert (tmp_path / "r.csv").read_bytes() == b"theirs"


def test_a_chosen_path_may_go_through_a_linked_folder_the_analyst_named(tmp_path, branch):
    (tmp_path / "real").mkdir()
    (tmp_path / "reports").symlink_to(tmp_path / "real")  # e.g. ~/reports -> /data/reports
    write_file(tmp_path / "reports" / "r.json", b"x")
    assert (tmp_path / "real" / "r.json").read_bytes() == b"x"


def test_a_failed_chosen_write_keeps_the_old_file(tmp_path, branch):
    (tmp_path / "r.csv").write_bytes(b"old")
    with pytest.raises(RuntimeError), open_for_write(tmp_path / "r.csv") as out:
        out.write(b"half")
        raise RuntimeError("the writer failed")
    assert (tmp_path / "r.csv").read_bytes() == b"old" and files(tmp_path) == ["r.csv"]


def test_modes_follow_the_umask_unless_given(tmp_path):
    old = os.umask(0o022)
    try:
        assert stat.S_IMODE(write_file(tmp_path / "a", b"").stat().st_mode) == 0o644
        assert stat.S_IMODE(write_file(tmp_path / "b", b"", mode=0o600).stat().st_mode) == 0o600
        assert stat.S_IMODE(write_file(tmp_path / "c", b"", target=Target.OUTPUT).stat().st_mode) == 0o644
    finally:
        os.umask(old)


# -- folders ------------------------------------------------------------------------------------------


def test_make_dir_creates_and_refuses_a_link(tmp_path, branch):
    assert make_dir(tmp_path / "done").is_dir()
    assert make_dir(tmp_path / "done").is_dir()  # already there: fine
    (tmp_path / "failed").symlink_to(tmp_path / "done")
    with pytest.raises(UnsafePathError, match=r"the failed/ folder .* is a link"):
        make_dir(tmp_path / "failed", what="the failed/ folder")
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(UnsafePathError, match="not a folder"):
        check_dir(tmp_path / "file")
    assert check_dir(tmp_path / "file", require_dir=False) == tmp_path / "file"


def test_writable_by_others(tmp_path):
    tmp_path.chmod(0o755)
    assert not writable_by_others(tmp_path)
    tmp_path.chmod(0o777)
    assert writable_by_others(tmp_path)
    tmp_path.chmod(0o775)
    assert writable_by_others(tmp_path)


def test_move_never_replaces_and_moves_a_link_as_a_link(tmp_path, branch):
    (tmp_path / "done").mkdir()
    (tmp_path / "a.txt").write_bytes(b"a")
    (tmp_path / "done" / "a.txt").write_bytes(b"earlier")
    with pytest.raises(FileExistsError):
        move_no_replace(tmp_path / "a.txt", tmp_path / "done" / "a.txt")
    move_no_replace(tmp_path / "a.txt", tmp_path / "done" / "b.txt")
    assert (tmp_path / "done" / "b.txt").read_bytes() == b"a" and not (tmp_path / "a.txt").exists()
    (tmp_path / "secret").write_bytes(b"s")
    (tmp_path / "l.txt").symlink_to(tmp_path / "secret")
    move_no_replace(tmp_path / "l.txt", tmp_path / "done" / "l.txt")
    assert (tmp_path / "done" / "l.txt").is_symlink() and (tmp_path / "secret").read_bytes() == b"s"


def test_move_into_a_linked_folder_is_refused(tmp_path, branch):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "done").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "a.txt").write_bytes(b"a")
    with pytest.raises(UnsafePathError, match="is a link"):
        move_no_replace(tmp_path / "a.txt", tmp_path / "done" / "a.txt")
    assert files(tmp_path / "elsewhere") == [] and (tmp_path / "a.txt").exists()


# -- reading what was checked ---------------------------------------------------------------------------


def test_open_checked_reads_the_file_that_was_checked(tmp_path, branch):
    (tmp_path / "a.txt").write_bytes(b"hello")
    with open_checked(tmp_path / "a.txt", os.lstat(tmp_path / "a.txt")) as fh:
        assert fh.read() == b"hello"


@pytest.mark.parametrize("swap", ["link", "other file", "grown", "fifo"])
def test_open_checked_refuses_a_swapped_file(tmp_path, branch, swap):
    secret = tmp_path / "secret"
    secret.write_bytes(b"hello")
    secret.chmod(0o600)
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello")
    checked = os.lstat(path)
    if swap == "link":
        path.unlink()
        path.symlink_to(secret)
    elif swap == "other file":
        (tmp_path / "b").write_bytes(b"hello")
        os.replace(tmp_path / "b", path)
    elif swap == "grown":
        with path.open("ab") as fh:
            fh.write(b" and more")
    else:
        path.unlink()
        os.mkfifo(path)
    result: list[BaseException] = []

    def read() -> None:  # in a thread: a FIFO opened without O_NONBLOCK would hang the test
        try:
            open_checked(path, checked).close()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            result.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "open_checked blocked"
    assert result and isinstance(result[0], UnsafePathError)


@pytest.mark.skipif(not (AS_ROOT and shutil.which("setpriv")), reason="needs root and setpriv")
def test_a_link_planted_by_another_user_is_refused():
    shared = Path(tempfile.mkdtemp(prefix="iocdesk-shared-"))  # pytest's tmp_path is root-only
    shared.chmod(0o777)
    try:
        _plant_and_refuse(shared)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def _plant_and_refuse(shared: Path) -> None:
    code = f"import os; os.symlink('/etc/shadow', {str(shared / 'r.json')!r})"
    setpriv = [shutil.which("setpriv") or "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    subprocess.run([*setpriv, sys.executable, "-c", code], check=True, timeout=20, cwd="/")
    with pytest.raises(FileExistsError):
        write_file(shared / "r.json", b"x", target=Target.OUTPUT)
    with pytest.raises(UnsafePathError):
        write_file(shared / "r.json", b"x")
