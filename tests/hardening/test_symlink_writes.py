"""Issue 14, items 1 and 2: links planted by another user never redirect a write or a read.

Each attack runs twice where it can: as a second user (the suite runs as root:
the attacker is ``nobody`` through ``setpriv``, in a world-writable folder,
pointing at a root-only place) and as the same user (a link planted by any
process of the analyst's account, e.g. a compromised tool writing the folder).
The second-user variant is skipped when the suite is not root or ``setpriv``
is missing. Every attacker step is a subprocess with a timeout; the rest is
one scan or one export, so each test is bounded to seconds.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from iocdesk.delivery.plan import ExportPlan, Format, carry_out
from iocdesk.inbox.alert import Alert
from iocdesk.inbox.folder import FolderAlert, FolderWatcher
from iocdesk.inbox.service import ALERT_SUBJECT, Rule
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.platform.safe_files import Target, UnsafePathError
from iocdesk.reports import tabular
from iocdesk.reports.report import Report

NOBODY = 65534
SETPRIV = shutil.which("setpriv")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and users")


class Attacker:
    """Plants links and files, as ``nobody`` (``second``) or as the test's own user."""

    def __init__(self, second: bool) -> None:
        self.second = second

    def run(self, code: str) -> None:
        if not self.second:
            exec(code, {"os": os})  # noqa: S102 - the test's own attacker script, same user
            return
        cmd = [SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable, "-c"]
        subprocess.run([*cmd, f"import os\n{code}"], check=True, timeout=20, cwd="/")

    def symlink(self, target: Path, link: Path) -> None:
        self.run(f"os.symlink({str(target)!r}, {str(link)!r})")

    def mkdir(self, path: Path) -> None:
        self.run(f"os.mkdir({str(path)!r})")


@pytest.fixture(params=["same-user", "second-user"])
def attacker(request: pytest.FixtureRequest) -> Attacker:
    if request.param == "second-user" and not (AS_ROOT and SETPRIV):
        pytest.skip("the second-user variant needs root and setpriv")
    return Attacker(request.param == "second-user")


@pytest.fixture
def shared() -> Iterator[Path]:
    """A world-writable folder reachable by ``nobody`` (pytest's tmp_path is 0700 under root's)."""
    path = Path(tempfile.mkdtemp(prefix="iocdesk-shared-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def private(tmp_path: Path) -> Path:
    """Where the attacker points: a folder only root (the test's user) may write."""
    path = tmp_path / "private"
    path.mkdir(mode=0o700)
    (path / "precious").write_text("mine\n")
    return path


def report() -> Report:
    results = [LookupResult("evil.example.net", IndicatorType.DOMAIN, Status.FOUND, Intel(iid=7, risk=Risk.HIGH))]
    return Report(results, run_id=3, api_url="https://pulsedive.com/api/")


def untouched(private: Path) -> None:
    assert sorted(p.name for p in private.iterdir()) == ["precious"]
    assert (private / "precious").read_text() == "mine\n"


class Submitted(list[FolderAlert]):
    def __call__(self, alert: FolderAlert) -> None:
        self.append(alert)


# -- item 1: the watched folder ------------------------------------------------------------------


def test_a_planted_reason_file_link_is_not_written_through(shared, private, attacker, caplog):
    failed = shared / "failed"
    if attacker.second:
        attacker.mkdir(failed)  # the attacker's own failed/: refused outright
    else:
        failed.mkdir()
    attacker.symlink(private / "planted", failed / "x.csv.reason.txt")
    attacker.symlink(private / "precious", failed / "x (2).csv.reason.txt")
    (shared / "x.csv").write_bytes(b"")  # empty: fails, so a reason file is written
    watcher = FolderWatcher(shared, Submitted(), settle=0) if not attacker.second else None
    if attacker.second:
        with pytest.raises(UnsafePathError, match="belongs to another user"):
            FolderWatcher(shared, Submitted(), settle=0)
        return
    assert watcher is not None
    moved = watcher.scan_once()
    untouched(private)
    assert [p.name for p in moved] == ["x (3).csv"]
    assert (failed / "x (3).csv.reason.txt").read_text().startswith("x.csv: the file is empty")
    assert (failed / "x.csv.reason.txt").is_symlink()


def test_a_failed_folder_planted_after_start_is_refused(shared, private, attacker, caplog):
    watcher = FolderWatcher(shared, Submitted(), settle=0)
    attacker.symlink(private, shared / "failed")
    (shared / "x.csv").write_bytes(b"")
    assert watcher.scan_once() == []
    untouched(private)
    assert (shared / "x.csv").exists()  # left in place, said once in the log
    assert "is a link" in caplog.text


def test_a_linked_done_folder_is_refused(shared, private, attacker, caplog):
    attacker.symlink(private, shared / "done")
    with pytest.raises(UnsafePathError, match="is a link"):
        FolderWatcher(shared, Submitted(), settle=0)


def test_a_done_folder_planted_after_start_gets_nothing(shared, private, attacker, caplog):
    submitted = Submitted()
    watcher = FolderWatcher(shared, submitted, settle=0)
    attacker.symlink(private, shared / "done")
    (shared / "alert.txt").write_text("evil.example.net\n")
    assert watcher.scan_once() == []
    untouched(private)
    assert (shared / "alert.txt").exists()
    assert submitted == []  # not accepted while its file cannot be moved
    assert "is a link" in caplog.text


def test_a_world_writable_watched_folder_is_warned_about(shared, caplog):
    watcher = FolderWatcher(shared, Submitted(), settle=0)
    assert watcher.notice is not None and "other users can write" in watcher.notice
    assert "other users can write" in caplog.text


# -- item 1: serve --out, draft rules and the analyst's exports ----------------------------------


ALL = list(Format)


def test_serve_out_never_writes_through_a_planted_link(shared, private, attacker):
    plan = ExportPlan.into_folder(shared, "A20261207T120000-0001", ALL, subject=ALERT_SUBJECT)
    for kind, path in plan.files:
        attacker.symlink(private / ("precious" if kind is Format.JSON else f"planted{kind.suffix}"), path)
    outcomes = carry_out(plan, report())
    assert [o.ok for o in outcomes] == [False] * len(ALL)
    untouched(private)


def test_serve_out_never_replaces_a_file_it_did_not_create(shared, attacker):
    plan = ExportPlan.into_folder(shared, "A1", [Format.JSON], subject=ALERT_SUBJECT)
    attacker.run(f"open({str(shared / 'A1.json')!r}, 'w').write('theirs')")
    assert not carry_out(plan, report())[0].ok
    assert (shared / "A1.json").read_text() == "theirs"


def test_a_linked_or_foreign_out_folder_is_refused(shared, private, attacker):
    attacker.symlink(private, shared / "out")
    step = carry_out(ExportPlan.into_folder(shared / "out", "A1", [Format.JSON]), report())[0]
    assert isinstance(step.error, UnsafePathError) and "is a link" in str(step.error)
    untouched(private)
    if attacker.second:
        attacker.mkdir(shared / "theirs")
        step = carry_out(ExportPlan.into_folder(shared / "theirs", "A1", [Format.JSON]), report())[0]
        assert isinstance(step.error, UnsafePathError) and "another user" in str(step.error)
        assert list((shared / "theirs").iterdir()) == []


def test_a_draft_rule_never_writes_through_a_planted_link(shared, private, attacker):
    alert = Alert("phish", "webhook", id="A20261207T120000-0002")
    attacker.symlink(private / "precious", shared / f"iocdesk-{alert.id}.eml")
    step = carry_out(Rule.parse(f"*=draft:{shared}").plan(alert), report())[0]
    assert not step.ok
    untouched(private)


def test_the_workbook_a_draft_attaches_is_never_a_planted_one(shared, private, attacker):
    plan = ExportPlan.into_folder(shared, "A3", [Format.XLSX, Format.EML])
    (private / "secret.xlsx").write_bytes(b"PK secret")
    attacker.symlink(private / "secret.xlsx", shared / "A3.xlsx")
    outcomes = carry_out(plan, report())
    assert [o.ok for o in outcomes] == [False, True]
    assert b"PK secret" not in (shared / "A3.eml").read_bytes()


def test_an_analyst_export_replaces_their_own_file_but_never_a_link(shared, private, attacker):
    own = shared / "results.json"
    own.write_text("old")
    tabular.write_json(own, {"a": 1})  # their own regular file: replaced, as before
    assert '"a": 1' in own.read_text()
    link = shared / "linked.json"
    attacker.symlink(private / "precious", link)
    with pytest.raises(UnsafePathError, match="is a link"):
        tabular.write_json(link, {"a": 1})
    untouched(private)
    if attacker.second:
        attacker.run(f"open({str(shared / 'theirs.json')!r}, 'w').write('theirs')")
        with pytest.raises(UnsafePathError, match="another user"):
            tabular.write_json(shared / "theirs.json", {"a": 1})
        assert (shared / "theirs.json").read_text() == "theirs"


def test_an_inbox_output_never_replaces_even_the_analysts_own_file(tmp_path):
    (tmp_path / "x.json").write_text("old")
    with pytest.raises(FileExistsError):
        tabular.write_json(tmp_path / "x.json", {"a": 1}, target=Target.OUTPUT)
    assert (tmp_path / "x.json").read_text() == "old"


# -- item 2: swap after check --------------------------------------------------------------------


class SwappingWatcher(FolderWatcher):
    """Runs the attacker's swap right after the watcher checked the folder, before it reads."""

    swap: Attacker | None = None
    code = ""

    def _ready(self) -> list[os.DirEntry[str]]:
        ready = super()._ready()
        if ready and self.swap is not None:
            self.swap.run(self.code)
            self.swap = None
        return ready


@pytest.mark.parametrize("replacement", ["link", "other file"])
def test_a_file_swapped_after_the_check_is_not_read(shared, private, attacker, replacement, caplog):
    secret = private / "secret.txt"
    secret.write_text("secret-host.example.org\n")
    secret.chmod(0o600)
    (shared / "alert.txt").write_text("evil.example.net\n")
    if replacement == "link":
        code = (
            f"os.symlink({str(secret)!r}, {str(shared / 'tmp-link')!r})\n"
            f"os.rename({str(shared / 'tmp-link')!r}, {str(shared / 'alert.txt')!r})"
        )
    else:  # another regular file renamed over it: same name, other inode
        code = (
            f"open({str(shared / 'other.tmp')!r}, 'w').write('other.example.com\\n')\n"
            f"os.rename({str(shared / 'other.tmp')!r}, {str(shared / 'alert.txt')!r})"
        )
    submitted = Submitted()
    watcher = SwappingWatcher(shared, submitted, settle=0)
    watcher.swap, watcher.code = attacker, code
    watcher.scan_once()
    values = {i.value for a in submitted for i in a.indicators}
    assert "secret-host.example.org" not in values
    assert "other.example.com" not in values  # not what was checked: taken on a later pass, settled
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and secret.read_text() == "secret-host.example.org\n"
    if replacement == "link":  # the link itself is never moved or read, on any later pass
        watcher.scan_once()
        assert {i.value for a in submitted for i in a.indicators}.isdisjoint({"secret-host.example.org"})


# -- serve: the folders it is given ----------------------------------------------------------------


def _serve(args: list[str], tmp_path: Path, *, until_ready: bool = False) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PULSEDIVE_API_KEY", "IOCDESK_INBOX_TOKEN")}
    env.update(IOCDESK_BASEDIR=str(tmp_path / "base"), PYTHONIOENCODING="utf-8")
    cmd = [sys.executable, "-m", "iocdesk", "serve", "--demo", "--no-webhook", *args]
    if not until_ready:
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        return res.returncode, res.stderr
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stderr is not None
    banner = ""
    try:
        while "ready" not in banner:
            line = proc.stderr.readline()
            if not line:
                break
            banner += line
    finally:
        proc.send_signal(2)  # SIGINT: serve stops cleanly
        rest = proc.communicate(timeout=30)[1]
    return proc.returncode, banner + rest


def test_serve_refuses_linked_out_draft_and_done_folders(shared, private, tmp_path):
    (shared / "out").symlink_to(private)
    code, err = _serve(["--folder", str(tmp_path), "--out", str(shared / "out")], tmp_path)
    assert code == 2 and "--out folder" in err and "is a link" in err
    code, err = _serve(["--folder", str(tmp_path), "--rule", f"*=draft:{shared / 'out'}"], tmp_path)
    assert code == 2 and "draft folder" in err and "is a link" in err
    watched = tmp_path / "watched"
    watched.mkdir()
    (watched / "done").symlink_to(private)
    code, err = _serve(["--folder", str(watched)], tmp_path)
    assert code == 1 and "done/ folder" in err and "is a link" in err
    untouched(private)


def test_serve_warns_about_a_folder_others_can_write(shared, tmp_path):
    code, err = _serve(["--folder", str(shared)], tmp_path, until_ready=True)
    assert code == 0 and "warning: other users can write to the watched folder" in err
