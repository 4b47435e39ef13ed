"""The run history: every lookup run, its plan and each result as it arrives.

One SQLite file (``history.sqlite3`` in :func:`iocdesk.platform.paths.data_dir`).

Life of a run::

    run_id = history.start_run(RunMeta(sources=["report.pdf"], total=len(items), ...))
    history.add_items(run_id, items)        # the plan, in order, all pending
    history.record(run_id, result)          # as each result arrives; committed before it returns
    history.finish_run(run_id, "finished")  # or "cancelled" / "interrupted"

A run stays ``running`` until :meth:`History.finish_run`. If the process dies
first, :meth:`History.mark_interrupted_runs` (call it at start-up) turns it
into ``interrupted``, with everything recorded so far; :meth:`History.pending_items`
says what a resume must still look up, and :meth:`History.resume_run` makes it
``running`` again. Runs of another live process (a CLI run while the GUI is
open) are not touched: see ``_owner.py``.

The API key is never given to the history: the base URL is stored without
user info or query, and options whose name looks like a secret are refused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from iocdesk.indicators.host_links import link_hosts
from iocdesk.indicators.results import LookupResult, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.store._db import (
    Database,
    ParseIntel,
    dump_json,
    intel_from_raw,
    load_json,
    open_database,
    optional_text,
    run_script,
    text,
)
from iocdesk.store._owner import OwnerLock, forget_owner, owner_alive
from iocdesk.store._scoped import normalize_base_url

HISTORY_FILE = "history.sqlite3"
# Option names refused in RunMeta.options (compared lower-case, '-' as '_', at any depth).
SECRET_OPTION_NAMES = frozenset({"key", "api_key", "apikey", "token", "secret", "password", "auth", "authorization"})


class RunState(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class RunMeta:
    """What a run was asked to do. Never holds the API key."""

    sources: list[str]  # file names, or "pasted text"
    total: int  # indicators planned
    scan: str | None = None  # the scan policy, e.g. "none" / "passive" / "active"
    options: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable run options
    base_url: str | None = None  # the API base URL (normalised when stored)
    created: str = field(default_factory=utc_now)  # UTC, ISO 8601


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """One indicator a run looks up. ``scope`` is an ``indicators.Scope`` value."""

    type: IndicatorType
    value: str
    defanged: bool = False
    scope: str | None = None
    derived: bool = False  # a host found only inside URLs or e-mail addresses


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    created: str
    state: RunState
    ended: str | None  # UTC ISO, when finished / cancelled / marked interrupted
    sources: list[str]
    total: int
    by_status: dict[str, int]  # every item, "pending" included
    by_risk: dict[str, int]  # items with a risk

    @property
    def done(self) -> int:
        return sum(n for status, n in self.by_status.items() if status != Status.PENDING)


def _schema_v1(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        [
            """CREATE TABLE runs (
                id       INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids of deleted runs are never reused
                created  TEXT NOT NULL,
                state    TEXT NOT NULL DEFAULT 'running',
                ended    TEXT,
                sources  TEXT NOT NULL,   -- JSON list
                scan     TEXT,
                options  TEXT NOT NULL,   -- JSON object
                total    INTEGER NOT NULL,
                base_url TEXT,
                owner    TEXT             -- OwnerLock token while running
            )""",
            """CREATE TABLE items (
                run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                pos        INTEGER NOT NULL,
                type       TEXT NOT NULL,
                value      TEXT NOT NULL,
                defanged   INTEGER NOT NULL DEFAULT 0,
                scope      TEXT,
                status     TEXT NOT NULL DEFAULT 'pending',
                risk       TEXT,
                intel      TEXT,          -- JSON of Intel.raw
                error      TEXT,
                scan       TEXT,
                from_cache INTEGER NOT NULL DEFAULT 0,
                attempts   INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (run_id, pos)
            ) WITHOUT ROWID""",
            "CREATE UNIQUE INDEX items_indicator ON items (run_id, type, value)",
            "CREATE INDEX runs_state ON runs (state)",
        ],
    )


def _schema_v2(conn: sqlite3.Connection) -> None:
    # A host found only inside the run's URLs and e-mail addresses (HostPolicy.AUTO decides on it
    # when the run is resumed, as it did when it started).
    run_script(conn, ["ALTER TABLE items ADD COLUMN derived INTEGER NOT NULL DEFAULT 0"])


MIGRATIONS = (_schema_v1, _schema_v2)

_RECORD_SQL = """
INSERT INTO items (run_id, pos, type, value, defanged, status, risk, intel, error, scan, from_cache, attempts)
VALUES (?1, (SELECT coalesce(max(pos), -1) + 1 FROM items WHERE run_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (run_id, type, value) DO UPDATE SET
    defanged = max(defanged, excluded.defanged), status = excluded.status, risk = excluded.risk,
    intel = excluded.intel, error = excluded.error, scan = excluded.scan,
    from_cache = excluded.from_cache, attempts = excluded.attempts
"""


class History:
    """Thread-safe run history; see the module docstring."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from iocdesk.platform import paths

            path = paths.data_dir() / HISTORY_FILE
        self._db: Database = open_database(Path(path), MIGRATIONS, foreign_keys=True)
        self._owners_dir = self._db.path.with_name(self._db.path.name + ".owners")
        self._owner: OwnerLock | None = None

    @property
    def path(self) -> Path:
        return self._db.path

    # --- a run's life ---------------------------------------------------------

    def start_run(self, meta: RunMeta) -> int:
        _check_no_secret(meta.options)
        base_url = None if meta.base_url is None else normalize_base_url(meta.base_url)
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (created, state, sources, scan, options, total, base_url, owner)"
                " VALUES (?, 'running', ?, ?, ?, ?, ?, ?)",
                (
                    meta.created,
                    dump_json(list(meta.sources)),
                    meta.scan,
                    dump_json(meta.options),
                    int(meta.total),
                    base_url,
                    self._owner_token(),
                ),
            )
            assert cursor.lastrowid is not None  # set by the INSERT above
            return int(cursor.lastrowid)

    def add_items(self, run_id: int, indicators: Iterable[object]) -> None:
        """Append planned items (status pending), in order.

        Each is a ``PlannedItem``, a tuple ``(type, value[, defanged[, scope]])``,
        an ``Indicator`` or a ``LookupResult``. An indicator already in the run
        is skipped (a run holds each type/value once).
        """
        items = [_as_planned(i) for i in indicators]
        with self._db.transaction() as conn:
            self._require_run(conn, run_id)
            (start,) = conn.execute(
                "SELECT coalesce(max(pos), -1) + 1 FROM items WHERE run_id = ?", (run_id,)
            ).fetchone()
            conn.executemany(
                "INSERT OR IGNORE INTO items (run_id, pos, type, value, defanged, scope, derived)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (run_id, start + n, str(i.type), text(i.value), int(i.defanged), i.scope, int(i.derived))
                    for n, i in enumerate(items)
                ],
            )

    def record(self, run_id: int, result: LookupResult) -> None:
        """Write a result; it is committed when this returns. An indicator not
        planned with add_items is appended to the run."""
        self.record_many(run_id, [result])

    def record_many(self, run_id: int, results: Iterable[LookupResult]) -> None:
        """Write several results in one transaction (e.g. a burst of cache hits)."""
        rows = [
            (
                run_id,
                str(IndicatorType(r.type)),
                text(r.indicator),
                int(r.defanged),
                str(Status(r.status)),
                None if r.risk is None else str(r.risk),
                None if r.intel is None else dump_json(r.intel.raw),
                optional_text(r.error),
                r.scan,
                int(r.from_cache),
                int(r.attempts),
            )
            for r in results
        ]
        try:
            with self._db.transaction() as conn:
                conn.executemany(_RECORD_SQL, rows)
        except sqlite3.IntegrityError as exc:
            raise KeyError(f"no run {run_id}") from exc

    def finish_run(self, run_id: int, state: RunState | str) -> None:
        state = RunState(state)
        if state is RunState.RUNNING:
            raise ValueError("finish_run needs finished, cancelled or interrupted")
        with self._db.transaction() as conn:
            if not conn.execute(
                "UPDATE runs SET state = ?, ended = ?, owner = NULL WHERE id = ?", (str(state), utc_now(), run_id)
            ).rowcount:
                raise KeyError(f"no run {run_id}")

    def resume_run(self, run_id: int) -> list[PlannedItem]:
        """Make a run ``running`` again (owned by this History); returns its pending items."""
        with self._db.transaction() as conn:
            if not conn.execute(
                "UPDATE runs SET state = 'running', ended = NULL, owner = ? WHERE id = ?", (self._owner_token(), run_id)
            ).rowcount:
                raise KeyError(f"no run {run_id}")
        return self.pending_items(run_id)

    def mark_interrupted_runs(self) -> list[int]:
        """Runs left ``running`` by a process that is gone become ``interrupted``; returns their ids."""
        marked = []
        with self._db.transaction() as conn:
            for run_id, owner in conn.execute("SELECT id, owner FROM runs WHERE state = 'running'").fetchall():
                if owner_alive(self._owners_dir, owner):
                    continue
                conn.execute(
                    "UPDATE runs SET state = 'interrupted', ended = ?, owner = NULL WHERE id = ?", (utc_now(), run_id)
                )
                forget_owner(self._owners_dir, owner)
                marked.append(run_id)
        return marked

    def delete_run(self, run_id: int) -> bool:
        with self._db.transaction() as conn:
            return bool(conn.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount)

    # --- reading ----------------------------------------------------------------

    def list_runs(self, limit: int = 100, offset: int = 0) -> list[RunSummary]:
        """Newest first."""
        with self._db.lock:
            rows = self._db.conn.execute(
                "SELECT id, created, state, ended, sources, total FROM runs ORDER BY id DESC LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
            return [self._summary(row) for row in rows]

    def get_run(self, run_id: int) -> RunSummary:
        with self._db.lock:
            row = self._db.conn.execute(
                "SELECT id, created, state, ended, sources, total FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
            if row is None:
                raise KeyError(f"no run {run_id}")
            return self._summary(row)

    def load_run(self, run_id: int, parse: ParseIntel | None = None) -> tuple[RunMeta, list[LookupResult]]:
        """The run's meta and every item in plan order (pending ones included).

        ``intel`` is re-created from the stored raw Pulsedive JSON by ``parse``
        (the engine passes ``iocdesk.pulsedive.parse.parse_indicator``); with
        None that function is imported at call time. If it is missing or
        fails on a record, a minimal Intel keeps the raw JSON and the risk.
        """
        with self._db.lock:
            meta = self._meta(run_id)
            rows = self._db.conn.execute(
                "SELECT type, value, status, risk, intel, error, defanged, scan, from_cache, attempts, derived"
                " FROM items WHERE run_id = ? ORDER BY pos",
                (run_id,),
            ).fetchall()
        results = []
        for type_, value, status, risk, intel, error, defanged, scan, from_cache, attempts, derived in rows:
            raw = load_json(intel)
            results.append(
                LookupResult(
                    indicator=value,
                    type=IndicatorType(type_),
                    status=Status(status),
                    intel=None if raw is None else intel_from_raw(raw, parse, risk),
                    error=error,
                    defanged=bool(defanged),
                    scan=scan,
                    from_cache=bool(from_cache),
                    attempts=attempts,
                    derived_only=bool(derived),
                )
            )
        link_hosts(results)  # each URL's and address's host, as the run linked them
        return meta, results

    def pending_items(self, run_id: int, *, also: Iterable[Status | str] = ()) -> list[PlannedItem]:
        """What a resume must still look up, in plan order: pending items, plus
        items whose status is in ``also`` (e.g. ``{Status.ERROR}`` to retry failures)."""
        statuses = sorted({str(Status.PENDING), *(str(Status(s)) for s in also)})
        marks = ", ".join("?" * len(statuses))
        with self._db.lock:
            self._meta(run_id)  # KeyError for an unknown run
            rows = self._db.conn.execute(
                # {marks} is "?, ?, ...": the statuses go in as parameters
                f"SELECT type, value, defanged, scope, derived FROM items WHERE run_id = ? AND status IN ({marks})"  # noqa: S608
                " ORDER BY pos",
                (run_id, *statuses),
            ).fetchall()
        return [PlannedItem(IndicatorType(t), v, bool(d), s, bool(h)) for t, v, d, s, h in rows]

    def close(self) -> None:
        """Runs this History still has running become ``interrupted``; then the file is closed."""
        if self._owner is not None:
            with self._db.transaction() as conn:
                conn.execute(
                    "UPDATE runs SET state = 'interrupted', ended = ?, owner = NULL WHERE state = 'running' AND owner = ?",
                    (utc_now(), self._owner.token),
                )
            self._owner.release()
            self._owner = None
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- helpers -------------------------------------------------------------------

    def _owner_token(self) -> str:
        with self._db.lock:
            if self._owner is None:
                self._owner = OwnerLock(self._owners_dir)
            return self._owner.token

    @staticmethod
    def _require_run(conn: sqlite3.Connection, run_id: int) -> None:
        if conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
            raise KeyError(f"no run {run_id}")

    def _meta(self, run_id: int) -> RunMeta:
        row = self._db.conn.execute(
            "SELECT created, sources, scan, options, total, base_url FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise KeyError(f"no run {run_id}")
        created, sources, scan, options, total, base_url = row
        return RunMeta(json.loads(sources), total, scan, load_json(options) or {}, base_url, created)

    def _summary(self, row: tuple[Any, ...]) -> RunSummary:
        run_id, created, state, ended, sources, total = row
        by_status = dict(
            self._db.conn.execute("SELECT status, count(*) FROM items WHERE run_id = ? GROUP BY status", (run_id,))
        )
        by_risk = dict(
            self._db.conn.execute(
                "SELECT risk, count(*) FROM items WHERE run_id = ? AND risk IS NOT NULL GROUP BY risk", (run_id,)
            )
        )
        return RunSummary(run_id, created, RunState(state), ended, json.loads(sources), total, by_status, by_risk)


def _as_planned(item: object) -> PlannedItem:
    """An Indicator, a LookupResult (a resumed run), a (type, value, ...) tuple or a PlannedItem."""
    if isinstance(item, PlannedItem):
        return item
    if isinstance(item, tuple):
        type_, value, *rest = item
        defanged = bool(rest[0]) if rest else False
        scope = None if len(rest) < 2 or rest[1] is None else str(rest[1])
        return PlannedItem(IndicatorType(type_), str(value), defanged, scope)
    duck: Any = item  # an Indicator (value, scope) or a LookupResult (indicator): the same attributes read
    value = getattr(duck, "value", None)
    if not isinstance(value, str):  # a LookupResult
        value = duck.indicator
    scope = getattr(duck, "scope", None)
    return PlannedItem(
        IndicatorType(duck.type),
        value,
        bool(getattr(duck, "defanged", False)),
        None if scope is None else str(scope),
        bool(getattr(duck, "derived_only", False)),
    )


def _check_no_secret(value: Any, where: str = "options") -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            if str(name).lower().replace("-", "_") in SECRET_OPTION_NAMES:
                raise ValueError(f"{where}[{name!r}] looks like a secret; the history never stores one")
            _check_no_secret(inner, f"{where}[{name!r}]")
    elif isinstance(value, (list, tuple)):
        for inner in value:
            _check_no_secret(inner, where)
