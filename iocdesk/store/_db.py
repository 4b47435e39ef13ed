"""What the cache and the history share: opening an SQLite file, schema versions,
transactions, and turning stored Pulsedive JSON back into ``Intel``.

Durability: every file is in WAL mode with ``synchronous=NORMAL``. A commit
that returned is in the WAL file, i.e. handed to the operating system, so it
survives the process being killed at any point (even SIGKILL mid-write: the
next open rolls back the unfinished transaction). Only a power loss or OS
crash may lose the last few commits, never the file's consistency; paying an
fsync per recorded result for that was not worth it.

Threads: one connection per store object, opened with
``check_same_thread=False``, and every use of it under one lock; so an asyncio
thread and worker threads can share a store. Other processes (a CLI run while
the GUI is open) use their own connection; SQLite's file locks and a busy
timeout serialise writers.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from iocdesk.indicators.results import Intel, Risk
from iocdesk.indicators.untrusted import replace_surrogates

log = logging.getLogger(__name__)

BUSY_TIMEOUT = 15.0  # seconds another process may hold the write lock

# A migration takes the schema from version i to i + 1 (MIGRATIONS[i]); version 0
# is a new, empty file. It runs inside the transaction that also bumps
# PRAGMA user_version, so a crash mid-migration leaves the old version intact.
Migration = Callable[[sqlite3.Connection], None]
ParseIntel = Callable[[dict[str, Any]], Intel]


class StoreError(Exception):
    """A store file cannot be used (not a database, or written by a newer iocdesk)."""


class Database:
    """One SQLite connection, its lock and explicit transactions."""

    def __init__(self, path: Path, migrations: Sequence[Migration], *, foreign_keys: bool = False) -> None:
        self.path = path
        self.lock = threading.RLock()
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(path)
        self.conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        try:
            # Check before anything writes: a file iocdesk cannot use is left as it was.
            self._check_version(self.conn.execute("PRAGMA user_version").fetchone()[0], migrations)
            self.conn.execute("PRAGMA journal_mode=WAL")  # not in a transaction; no-op if already WAL
            self.conn.execute("PRAGMA synchronous=NORMAL")
            if foreign_keys:
                self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate(migrations)
        except BaseException:
            self.conn.close()
            raise

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        # Read the version inside the write transaction: two processes opening a
        # new file at once must not both create the tables.
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            self._check_version(version, migrations)
            for target in range(version + 1, len(migrations) + 1):
                migrations[target - 1](conn)
                conn.execute(f"PRAGMA user_version = {int(target)}")

    def _check_version(self, version: int, migrations: Sequence[Migration]) -> None:
        if version > len(migrations):
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this iocdesk knows ({len(migrations)})"
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on any exception), under the lock."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row | tuple[Any, ...]]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self.lock:
            try:
                # Fold the WAL back into the main file so a closed store is one file.
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # another process is using it; it will checkpoint later
            self.conn.close()


def open_database(
    path: Path, migrations: Sequence[Migration], *, foreign_keys: bool = False, disposable: bool = False
) -> Database:
    """Open (creating and migrating) ``path``.

    A file that is not an SQLite database, or is from a newer iocdesk, raises
    :class:`StoreError`; with ``disposable`` (the cache) it is deleted and
    started afresh instead.
    """
    try:
        return Database(path, migrations, foreign_keys=foreign_keys)
    except (sqlite3.DatabaseError, StoreError) as exc:
        if not disposable:
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"{path} is not a usable iocdesk database: {exc}") from exc
        log.warning("discarding unusable cache %s: %s", path, exc)
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(f"{path}{suffix}")
            except FileNotFoundError:
                pass
        return Database(path, migrations, foreign_keys=foreign_keys)


def run_script(conn: sqlite3.Connection, statements: Sequence[str]) -> None:
    """Execute statements one by one (``executescript`` would commit the migration's transaction)."""
    for statement in statements:
        conn.execute(statement)


def _create_private(path: Path) -> None:
    """Create the file 0600 if it is new; SQLite gives its -wal/-shm files the same mode."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def dump_json(value: Any) -> str:
    # Pulsedive intel is attacker-controlled JSON: a "\ud800" escape in it is half a character
    # SQLite cannot encode as UTF-8 (the whole write would fail); it is kept as U+FFFD.
    return text(json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True))


def text(value: str) -> str:
    """A string as it can be written to SQLite (UTF-8): lone surrogates as U+FFFD."""
    return replace_surrogates(value)


def optional_text(value: str | None) -> str | None:
    return None if value is None else replace_surrogates(value)


def intel_from_raw(raw: dict[str, Any], parse: ParseIntel | None, risk: str | None = None) -> Intel:
    """Re-create ``Intel`` from the stored raw Pulsedive object.

    ``parse`` is the Pulsedive parser (the engine passes
    ``iocdesk.pulsedive.parse.parse_indicator``); with ``None`` it is imported
    here, at call time, so the core never imports the Pulsedive package at
    module import. If there is no parser or it fails, a minimal ``Intel`` keeps
    the raw object and the risk, so a run stays viewable and exportable.
    """
    if parse is None:
        parse = _default_parser()
    if parse is not None:
        try:
            return parse(raw)
        except Exception:  # a malformed old record must not make a whole run unreadable
            log.warning("stored Pulsedive record could not be parsed; keeping it raw", exc_info=True)
    iid = raw.get("iid")
    return Intel(
        iid=iid if isinstance(iid, int) else None,
        indicator=raw.get("indicator") if isinstance(raw.get("indicator"), str) else None,
        pulsedive_type=raw.get("type") if isinstance(raw.get("type"), str) else None,
        risk=Risk.parse(risk) or Risk.parse(raw.get("risk")),
        raw=raw,
    )


def _default_parser() -> ParseIntel | None:
    try:
        from iocdesk.pulsedive.parse import parse_indicator
    except ImportError:
        return None
    return parse_indicator


def load_json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None
