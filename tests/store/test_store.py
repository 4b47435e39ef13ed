"""iocdesk.store: the lookup cache and the run history, on real SQLite files."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from iocdesk.indicators.results import CACHEABLE_STATUSES, Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import Indicator, IndicatorType, Scope
from iocdesk.platform import paths
from iocdesk.store import (
    ANONYMOUS,
    History,
    LookupCache,
    PlannedItem,
    RunMeta,
    RunState,
    StoreError,
    _db,
    account_fingerprint,
    normalize_base_url,
)
from iocdesk.store import cache as cache_mod
from iocdesk.store import history as history_mod

ROOT = Path(__file__).resolve().parents[2]
API = "https://pulsedive.com/api/"
SANDBOX = "https://sandbox.pulsedive.example/api/"
KEY = "0123456789abcdef" * 4  # shaped like a Pulsedive key
FP = account_fingerprint(KEY)
D = IndicatorType.DOMAIN


def parse(raw):
    """Stand-in for iocdesk.pulsedive.parse.parse_indicator."""
    return Intel(iid=raw.get("iid"), indicator=raw.get("indicator"), risk=Risk.parse(raw.get("risk")), raw=raw)


def result(value, status=Status.FOUND, *, risk="high", type=D, **kw) -> LookupResult:
    intel = None
    if status in (Status.FOUND, Status.SCANNED):
        intel = parse({"iid": len(value), "indicator": value, "risk": risk, "threats": [{"name": "Zeus"}]})
    return LookupResult(value, type, status, intel=intel, **kw)


class Clock:
    def __init__(self, t: float = 1_700_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cache(tmp_path, clock):
    c = LookupCache(tmp_path / "cache.sqlite3", ttl=3600, fingerprint=FP, base_url=API, now=clock)
    yield c
    c.close()


@pytest.fixture
def history(tmp_path):
    h = History(tmp_path / "history.sqlite3")
    yield h
    h.close()


def meta(**kw) -> RunMeta:
    kw.setdefault("sources", ["report.pdf", "pasted text"])
    kw.setdefault("total", 3)
    return RunMeta(scan="passive", options={"types": ["domain", "ipv4"], "public_only": True}, base_url=API, **kw)


# --- fingerprints and scopes ------------------------------------------------------


def test_account_fingerprint_is_short_salted_and_stable():
    assert FP == account_fingerprint(KEY) == account_fingerprint(f"  {KEY}\n")
    assert len(FP) == 16 and int(FP, 16) >= 0
    assert account_fingerprint(KEY[:-1] + "0") != FP
    assert FP not in hashlib.sha256(KEY.encode()).hexdigest()  # salted: not the bare hash of the key
    assert account_fingerprint(None) == account_fingerprint("") == ANONYMOUS


def test_base_url_identity_drops_secrets_and_cosmetics():
    assert normalize_base_url("HTTPS://Pulsedive.com/api/") == "https://pulsedive.com/api"
    assert normalize_base_url("https://u:pw@pulsedive.com:8443/api?key=abc#x") == "https://pulsedive.com:8443/api"
    assert normalize_base_url("http://[::1]:8080/") == "http://[::1]:8080"
    with pytest.raises(ValueError):
        normalize_base_url("/api")


# --- cache -----------------------------------------------------------------------


def test_cache_round_trip(cache, clock):
    cache.put(result("evil.example", scan="passive", defanged=True))
    hit = cache.get(D, "evil.example")
    assert hit is not None
    assert (hit.type, hit.value, hit.status, hit.scan, hit.defanged, hit.stored_at) == (
        D,
        "evil.example",
        Status.FOUND,
        "passive",
        True,
        clock.t,
    )
    assert hit.raw == {"iid": 12, "indicator": "evil.example", "risk": "high", "threats": [{"name": "Zeus"}]}
    again = hit.to_result(parse, defanged=False)
    assert again.from_cache and again.risk is Risk.HIGH and again.intel.raw == hit.raw and not again.defanged
    assert cache.get("domain", "other.example") is None
    assert cache.get(IndicatorType.URL, "evil.example") is None  # the type is part of the key

    cache.put(result("gone.example", Status.NOT_FOUND))
    miss = cache.get(D, "gone.example")
    assert miss.status is Status.NOT_FOUND and miss.raw is None and miss.to_result(parse).intel is None


def test_cache_persists_across_reopen(tmp_path, clock):
    path = tmp_path / "c.sqlite3"
    with LookupCache(path, fingerprint=FP, base_url=API, now=clock) as c:
        c.put(result("a.example"))
    with LookupCache(path, fingerprint=FP, base_url=API, now=clock) as c:
        assert c.get(D, "a.example").status is Status.FOUND
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(cache_mod.MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("status", list(Status))
def test_only_cacheable_statuses_are_cached(cache, status):
    r = result("x.example", status, error="boom" if status is Status.ERROR else None)
    stored = cache.put(r)
    assert stored == (status in CACHEABLE_STATUSES)
    assert (cache.get(D, "x.example") is not None) == stored
    if status in (Status.ERROR, Status.SKIPPED, Status.UNSUPPORTED, Status.PENDING):
        assert cache.stats().entries == 0


def test_a_result_from_the_cache_does_not_refresh_its_entry(cache, clock):
    cache.put(result("a.example"))
    clock.t += 3000
    assert not cache.put(cache.get(D, "a.example").to_result(parse))
    clock.t += 700
    assert cache.get(D, "a.example") is None  # still expires 3600 s after the real lookup


def test_ttl_expiry_purge_and_stats(cache, clock):
    start = clock.t
    cache.put_many([result("old.example"), result("old2.example", Status.NOT_FOUND)])
    clock.t += 1800
    cache.put(result("new.example", Status.SCANNED, scan="active"))
    clock.t = start + 3599
    assert cache.get(D, "old.example") is not None
    assert cache.get(D, "old.example", max_age=60) is None
    clock.t = start + 3600
    assert cache.get(D, "old.example") is None
    assert cache.get(D, "new.example") is not None
    stats = cache.stats()
    assert (stats.entries, stats.fresh, stats.in_scope) == (3, 1, 1)
    assert stats.by_status == {"scanned": 1}
    assert stats.oldest == start and stats.newest == start + 1800 and stats.size_bytes > 0
    assert cache.purge_expired() == 2
    assert cache.stats().entries == 1
    clock.t = start - 3600  # the clock stepped far back: entries "from the future" are not trusted
    assert cache.get(D, "new.example") is None


def test_scope_separates_accounts_and_services(tmp_path, clock):
    path = tmp_path / "c.sqlite3"
    with LookupCache(path, fingerprint=FP, base_url=API, now=clock) as c:
        c.put(result("a.example"))
        assert c.get(D, "a.example") is not None
        c.set_scope(account_fingerprint("another key"), API)
        assert c.get(D, "a.example") is None
        c.set_scope(ANONYMOUS, API)
        assert c.get(D, "a.example") is None
        c.set_scope(FP, SANDBOX)
        assert c.get(D, "a.example") is None
        c.put(result("a.example", Status.NOT_FOUND))
        c.set_scope(FP, "https://PULSEDIVE.com/api")  # same service spelled differently
        assert c.get(D, "a.example").status is Status.FOUND
        assert c.stats().entries == 2
        assert c.clear() == 2
        assert c.stats().entries == 0


def test_cache_needs_a_scope_and_refuses_a_raw_key(tmp_path):
    with LookupCache(tmp_path / "c.sqlite3") as c:
        with pytest.raises(RuntimeError):
            c.get(D, "a.example")
        with pytest.raises(RuntimeError):
            c.put(result("a.example"))
        with pytest.raises(ValueError):
            c.set_scope(KEY, API)
    with pytest.raises(ValueError):
        LookupCache(tmp_path / "c.sqlite3", fingerprint=FP)


def test_default_locations_follow_paths(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_BASEDIR, str(tmp_path / "base"))
    with LookupCache() as c, History() as h:
        assert c.path == tmp_path / "base" / "cache" / "cache.sqlite3"
        assert h.path == tmp_path / "base" / "data" / "history.sqlite3"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_files_are_private(tmp_path, cache, history):
    old = os.umask(0o022)
    try:
        history.record(history.start_run(meta()), result("a.example"))
        cache.put(result("a.example"))
        files = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert {p.name for p in files} >= {"cache.sqlite3", "cache.sqlite3-wal", "history.sqlite3-wal"}
        for p in files:
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
    finally:
        os.umask(old)


def test_unusable_files_reset_the_cache_but_never_the_history(tmp_path):
    for name in ("junk.sqlite3", "newer.sqlite3"):
        path = tmp_path / name
        if name.startswith("junk"):
            path.write_bytes(b"this is not a database" * 100)
        else:
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA user_version = 99")
        before = path.read_bytes()
        with pytest.raises(StoreError):
            History(path)
        assert path.read_bytes() == before
        with LookupCache(path, fingerprint=FP, base_url=API) as c:
            assert c.put(result("a.example"))
            assert c.get(D, "a.example") is not None


def test_migration_hook_upgrades_in_place(tmp_path):
    path = tmp_path / "h.sqlite3"
    with History(path) as h:
        h.start_run(meta())

    def v2(conn):
        conn.execute("ALTER TABLE runs ADD COLUMN note TEXT DEFAULT 'migrated'")

    def broken_v3(conn):
        conn.execute("CREATE TABLE t3 (x)")
        raise RuntimeError("migration bug")

    db = _db.open_database(path, history_mod.MIGRATIONS + (v2,), foreign_keys=True)
    assert db.query("PRAGMA user_version")[0][0] == len(history_mod.MIGRATIONS) + 1
    assert db.query("SELECT note FROM runs") == [("migrated",)]
    db.close()
    with pytest.raises(RuntimeError):
        _db.open_database(path, history_mod.MIGRATIONS + (v2, broken_v3))
    db = _db.open_database(path, history_mod.MIGRATIONS + (v2,))  # the failed step left nothing behind
    assert db.query("PRAGMA user_version")[0][0] == len(history_mod.MIGRATIONS) + 1
    assert db.query("SELECT name FROM sqlite_master WHERE name = 't3'") == []
    db.close()


# --- history ---------------------------------------------------------------------


def test_history_round_trip(history):
    m = meta()
    run = history.start_run(m)
    history.add_items(
        run,
        [
            PlannedItem(D, "a.example", True, "public"),
            ("ipv4", "10.0.0.1", False, Scope.PRIVATE),
            Indicator(IndicatorType.URL, "http://b.example/x", "http://b.example/x", defanged=True),
        ],
    )
    assert history.get_run(run).state is RunState.RUNNING
    history.record(run, result("a.example", risk="critical", defanged=True, scan="passive", attempts=2))
    history.record(run, LookupResult("10.0.0.1", IndicatorType.IPV4, Status.SKIPPED, error="private address"))

    meta_back, results = history.load_run(run, parse)
    assert meta_back.base_url == "https://pulsedive.com/api"  # stored normalised
    meta_back.base_url = m.base_url
    assert meta_back == m
    assert [(r.type, r.indicator, r.status) for r in results] == [
        (D, "a.example", Status.FOUND),
        (IndicatorType.IPV4, "10.0.0.1", Status.SKIPPED),
        (IndicatorType.URL, "http://b.example/x", Status.PENDING),
    ]
    a, ip, url = results
    assert a.risk is Risk.CRITICAL and a.intel.raw["threats"] == [{"name": "Zeus"}]
    assert (a.defanged, a.scan, a.attempts, a.from_cache, a.error) == (True, "passive", 2, False, None)
    assert ip.error == "private address" and ip.intel is None and url.defanged

    history.finish_run(run, "finished")
    (summary,) = history.list_runs()
    assert (summary.id, summary.state, summary.created, summary.sources, summary.total) == (
        run,
        RunState.FINISHED,
        m.created,
        ["report.pdf", "pasted text"],
        3,
    )
    assert summary.by_status == {"found": 1, "skipped": 1, "pending": 1} and summary.done == 2
    assert summary.by_risk == {"critical": 1} and summary.ended


def test_record_updates_appends_and_checks_the_run(history):
    run = history.start_run(meta())
    history.add_items(run, [(D, "a.example"), (D, "b.example"), (D, "a.example")])  # duplicate skipped
    history.record(run, result("b.example", Status.ERROR, error="HTTP 500", attempts=3))
    history.record(run, result("b.example", risk="low", attempts=4))  # a retry replaces it
    history.record(run, result("extra.example", Status.NOT_FOUND))  # not planned: appended
    _, results = history.load_run(run, parse)
    assert [(r.indicator, r.status, r.error) for r in results] == [
        ("a.example", Status.PENDING, None),
        ("b.example", Status.FOUND, None),
        ("extra.example", Status.NOT_FOUND, None),
    ]
    assert results[1].risk is Risk.LOW and results[1].attempts == 4
    with pytest.raises(KeyError):
        history.record(run + 1, result("a.example"))
    with pytest.raises(KeyError):
        history.add_items(run + 1, [(D, "a.example")])
    with pytest.raises(KeyError):
        history.load_run(run + 1)
    with pytest.raises(ValueError):
        history.finish_run(run, "running")


def test_load_run_without_a_parser_keeps_raw_and_risk(history, monkeypatch):
    def broken(raw):
        raise ValueError("parser bug")

    run = history.start_run(meta())
    history.record(run, result("a.example", risk="medium"))
    _, (r,) = history.load_run(run, broken)
    assert r.risk is Risk.MEDIUM and r.intel.raw["indicator"] == "a.example" and r.intel.iid == 9
    monkeypatch.setattr(_db, "_default_parser", lambda: None)  # the Pulsedive parser not importable
    _, (r,) = history.load_run(run)
    assert r.risk is Risk.MEDIUM and r.intel.indicator == "a.example"


def test_pending_items_and_resume(history):
    run = history.start_run(meta(total=4))
    history.add_items(run, [(D, f"{c}.example", c == "b", "public") for c in "abcd"])
    history.record(run, result("a.example"))
    history.record(run, result("c.example", Status.ERROR, error="timeout"))
    history.finish_run(run, RunState.CANCELLED)
    assert history.pending_items(run) == [
        PlannedItem(D, "b.example", True, "public"),
        PlannedItem(D, "d.example", False, "public"),
    ]
    assert [i.value for i in history.pending_items(run, also={Status.ERROR})] == ["b.example", "c.example", "d.example"]
    assert [i.value for i in history.resume_run(run)] == ["b.example", "d.example"]
    assert history.get_run(run).state is RunState.RUNNING and history.get_run(run).ended is None
    history.record(run, result("b.example"))
    history.record(run, result("d.example"))
    history.finish_run(run, "finished")
    assert history.pending_items(run) == []
    assert history.get_run(run).by_status == {"found": 3, "error": 1}


def test_runs_of_a_live_history_are_not_marked_interrupted(tmp_path):
    path = tmp_path / "h.sqlite3"
    first, second = History(path), History(path)
    try:
        live = first.start_run(meta())
        first.record(live, result("a.example"))
        assert second.mark_interrupted_runs() == []
        assert first.mark_interrupted_runs() == []  # its own runs too
        assert second.get_run(live).state is RunState.RUNNING
        # Same as the process dying: the OS drops the owner's lock.
        first._owner._fd, fd = None, first._owner._fd
        os.close(fd)
        assert second.mark_interrupted_runs() == [live]
        assert second.get_run(live).state is RunState.INTERRUPTED
        assert [p.stem for p in (tmp_path / "h.sqlite3.owners").glob("*.lock")] == []  # the dead owner's file is gone
    finally:
        first._owner = None
        first.close()
        second.close()


def test_closing_with_a_run_in_progress_marks_it_interrupted(tmp_path):
    path = tmp_path / "h.sqlite3"
    with History(path) as h:
        done = h.start_run(meta())
        h.finish_run(done, "finished")
        left = h.start_run(meta())
        h.record(left, result("a.example"))
    with History(path) as h:
        assert h.mark_interrupted_runs() == []
        states = {s.id: s.state for s in h.list_runs()}
        assert states == {done: RunState.FINISHED, left: RunState.INTERRUPTED}
        assert h.load_run(left, parse)[1][0].status is Status.FOUND


def test_list_runs_newest_first_and_delete(history):
    runs = [history.start_run(meta()) for _ in range(5)]
    for run in runs:
        history.add_items(run, [(D, "a.example"), (D, "b.example")])
    assert [s.id for s in history.list_runs(limit=3)] == runs[::-1][:3]
    assert [s.id for s in history.list_runs(limit=3, offset=3)] == runs[1::-1]
    assert history.delete_run(runs[0]) and not history.delete_run(runs[0])
    with pytest.raises(KeyError):
        history.pending_items(runs[0])
    (count,) = history._db.query("SELECT count(*) FROM items")[0]
    assert count == 8  # the deleted run's items went with it
    assert history.start_run(meta()) > runs[-1]  # ids are never reused


def test_options_that_look_like_secrets_are_refused(history):
    for options in ({"api_key": "x"}, {"http": {"Authorization": "x"}}, {"list": [{"Token": "x"}]}):
        with pytest.raises(ValueError):
            history.start_run(RunMeta(sources=[], total=0, options=options))
    assert history.list_runs() == []


def test_the_api_key_never_reaches_the_files(tmp_path, clock):
    canary = "c4n4ry" + "5ecret" * 9 + "zz"
    fp = account_fingerprint(canary)
    leaky_url = f"https://analyst:{canary}@pulsedive.com/api/?key={canary}"
    c = LookupCache(tmp_path / "cache.sqlite3", fingerprint=fp, base_url=leaky_url, now=clock)
    h = History(tmp_path / "history.sqlite3")
    c.put(result("a.example"))
    c.set_scope(fp, leaky_url)
    assert c.get(D, "a.example") is not None
    run = h.start_run(RunMeta(sources=["x.csv"], total=1, base_url=leaky_url, options={"demo": False}))
    h.add_items(run, [(D, "a.example")])
    h.record(run, result("a.example"))
    needles = [
        canary.encode(),
        canary.encode("utf-16-le"),
        hashlib.sha256(canary.encode()).hexdigest().encode(),
        hashlib.sha256(canary.encode()).digest(),
    ]

    def check(live: bool):
        files = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert {p.name for p in files} >= {"cache.sqlite3", "history.sqlite3"}
        if live:
            assert {p.name for p in files} >= {"cache.sqlite3-wal", "history.sqlite3-wal", "history.sqlite3-shm"}
        for p in files:
            data = p.read_bytes()
            for needle in needles:
                assert needle not in data, (p.name, needle)

    check(live=True)
    c.close()
    h.close()
    check(live=False)


# --- crash safety and concurrency ----------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from iocdesk.indicators.types import IndicatorType
    from iocdesk.indicators.results import Intel, LookupResult, Status
    from iocdesk.store import History, LookupCache, RunMeta, account_fingerprint

    history = History(Path(sys.argv[1]))
    cache = LookupCache(Path(sys.argv[2]), fingerprint=account_fingerprint("k"), base_url="https://pulsedive.com/api")
    planned = int(sys.argv[3])
    run = history.start_run(RunMeta(sources=["crash.txt"], total=planned))
    history.add_items(run, [("domain", f"d{i}.example") for i in range(planned)])
    print("run", run, flush=True)
    i = 0
    while True:  # until killed; past the plan, results are appended
        value = f"d{i}.example"
        raw = {"iid": i, "indicator": value, "risk": "low", "pad": "x" * (i % 700)}
        r = LookupResult(value, IndicatorType.DOMAIN, Status.FOUND, intel=Intel(raw=raw))
        history.record(run, r)
        cache.put(r)
        print("recorded", i, flush=True)
        i += 1
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_after_record_loses_nothing(tmp_path, seed):
    planned = 300
    kill_after = random.Random(seed).randrange(0, 400)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    hist, cache_path = tmp_path / "history.sqlite3", tmp_path / "cache.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(hist), str(cache_path), str(planned)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    recorded: list[int] = []
    with child:
        try:
            run = int(child.stdout.readline().split()[1])
            for line in child.stdout:
                recorded.append(int(line.split()[1]))
                if recorded[-1] >= kill_after:
                    os.kill(child.pid, signal.SIGKILL)
                    break
            recorded += [int(line.split()[1]) for line in child.stdout]  # printed before the kill landed
        finally:
            child.kill()  # no-op unless something above failed: the child never stops by itself
            child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert recorded == list(range(len(recorded))) and len(recorded) > kill_after

    with sqlite3.connect(hist) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with History(hist) as h:
        assert h.get_run(run).state is RunState.RUNNING  # nobody has looked yet
        assert h.mark_interrupted_runs() == [run]
        assert h.get_run(run).state is RunState.INTERRUPTED
        _, results = h.load_run(run, parse)
        found = {r.indicator for r in results if r.status is Status.FOUND}
        assert {f"d{i}.example" for i in recorded} <= found
        assert all(r.intel.raw["iid"] == int(r.indicator[1:].split(".")[0]) for r in results if r.intel)
        pending = {i.value for i in h.pending_items(run)}
        assert pending == {f"d{i}.example" for i in range(planned)} - found
        assert not list((tmp_path / "history.sqlite3.owners").glob("*.lock"))  # the dead owner's lock is gone
    with LookupCache(cache_path, fingerprint=account_fingerprint("k"), base_url=API) as c:
        assert all(c.get(D, f"d{i}.example") is not None for i in recorded)


def test_threads_share_a_cache_and_a_history(tmp_path, clock):
    c = LookupCache(tmp_path / "cache.sqlite3", fingerprint=FP, base_url=API, now=clock)
    h = History(tmp_path / "history.sqlite3")
    run = h.start_run(meta(total=800))
    h.add_items(run, [(D, f"t{t}-{i}.example") for t in range(8) for i in range(100)])
    errors: list[BaseException] = []
    barrier = threading.Barrier(9)

    def worker(t: int) -> None:
        try:
            barrier.wait()
            for i in range(100):
                r = result(f"t{t}-{i}.example", Status.FOUND if i % 3 else Status.NOT_FOUND)
                h.record(run, r)
                c.put(r)
                assert c.get(D, f"t{t}-{(i * 7) % (i + 1)}.example") is not None
                if i % 25 == 0:
                    h.list_runs()
                    c.stats()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            barrier.wait()
            for _ in range(20):
                h.load_run(run, parse)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)] + [threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert h.get_run(run).by_status == {"found": 528, "not_found": 272}
    assert c.stats().entries == 800
    _, results = h.load_run(run, parse)
    assert [r.indicator for r in results] == [f"t{t}-{i}.example" for t in range(8) for i in range(100)]
    c.close()
    h.close()


def test_two_connections_to_one_file(tmp_path):
    """Two processes (say the GUI and a CLI run) write the same files."""
    path = tmp_path / "history.sqlite3"
    with History(path) as a, History(path) as b:
        ra, rb = a.start_run(meta()), b.start_run(meta())
        for i in range(50):
            a.record(ra, result(f"a{i}.example"))
            b.record(rb, result(f"b{i}.example"))
        assert {s.id: s.by_status for s in a.list_runs()} == {ra: {"found": 50}, rb: {"found": 50}}
