"""The lookup cache: what Pulsedive answered recently, so a re-run costs no quota.

One SQLite file (``cache.sqlite3`` in :func:`iocdesk.platform.paths.cache_dir`). An entry
is keyed by the *scope* it was fetched in, an account fingerprint and the API
base URL, plus the indicator's type and canonical value:

- switching API key (another account, other entitlements, maybe other data)
  or pointing at another service (a sandbox, the demo server) never gets
  answers cached under the previous one: lookups there simply miss;
- only outcomes in ``CACHEABLE_STATUSES`` (found / not_found / scanned) are
  stored: never errors, skips, unsupported types or pending items, and never
  a result that itself came from the cache (that would extend its life forever).

The Intel is stored as the raw Pulsedive JSON object (``intel.raw``) and parsed
again when read, so parser fixes apply to cached data too.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iocdesk.indicators.results import CACHEABLE_STATUSES, LookupResult, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.store._db import (
    ParseIntel,
    dump_json,
    intel_from_raw,
    load_json,
    run_script,
    text,
)
from iocdesk.store._scoped import ANONYMOUS, ScopedStore, account_fingerprint, normalize_base_url

__all__ = [  # the scope's helpers live in _scoped.py, shared with the answer cache
    "ANONYMOUS",
    "CACHE_FILE",
    "DEFAULT_TTL",
    "CacheStats",
    "CachedLookup",
    "LookupCache",
    "account_fingerprint",
    "normalize_base_url",
]

DEFAULT_TTL = 24 * 3600.0
CACHE_FILE = "cache.sqlite3"


@dataclass(frozen=True, slots=True)
class CachedLookup:
    type: IndicatorType
    value: str
    status: Status
    raw: dict[str, Any] | None  # the Pulsedive object as received; None when there was none
    scan: str | None
    defanged: bool  # as the indicator appeared when cached; the current input's flag wins
    stored_at: float  # seconds since the epoch

    def to_result(self, parse: ParseIntel | None = None, *, defanged: bool | None = None) -> LookupResult:
        """A ``LookupResult`` with ``from_cache=True``; ``parse`` as in History.load_run."""
        return LookupResult(
            indicator=self.value,
            type=self.type,
            status=self.status,
            intel=None if self.raw is None else intel_from_raw(self.raw, parse),
            defanged=self.defanged if defanged is None else defanged,
            scan=self.scan,
            from_cache=True,
        )


@dataclass(frozen=True, slots=True)
class CacheStats:
    entries: int  # every scope
    fresh: int  # younger than the TTL, every scope
    in_scope: int  # fresh entries the current account/base URL can use
    by_status: dict[str, int]  # fresh entries in scope
    size_bytes: int  # the file and its WAL
    oldest: float | None  # stored_at of the oldest entry
    newest: float | None


def _schema_v1(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        [
            """CREATE TABLE lookups (
                account   TEXT NOT NULL,  -- account_fingerprint(), never the key
                endpoint  TEXT NOT NULL,  -- normalize_base_url()
                type      TEXT NOT NULL,
                value     TEXT NOT NULL,
                status    TEXT NOT NULL,
                intel     TEXT,           -- JSON of Intel.raw
                scan      TEXT,
                defanged  INTEGER NOT NULL DEFAULT 0,
                stored_at REAL NOT NULL,
                PRIMARY KEY (account, endpoint, type, value)
            ) WITHOUT ROWID""",
            "CREATE INDEX lookups_stored_at ON lookups (stored_at)",
        ],
    )


MIGRATIONS = (_schema_v1,)


class LookupCache(ScopedStore):
    """Thread-safe cache of Pulsedive answers; see the module docstring.

    ``fingerprint``/``base_url`` set the scope (also later, with
    :meth:`set_scope`); :meth:`get` and :meth:`put` need one. ``now`` is the
    clock (seconds since the epoch), injectable for tests.
    """

    FILE_NAME = CACHE_FILE
    MIGRATIONS = MIGRATIONS

    def get(self, type: IndicatorType | str, value: str, *, max_age: float | None = None) -> CachedLookup | None:
        """The fresh entry for this indicator in the current scope, or None.

        Fresh: stored less than ``max_age`` (default: the TTL) seconds ago.
        """
        account, endpoint = self._require_scope()
        type_ = IndicatorType(type)
        rows = self._db.query(
            "SELECT status, intel, scan, defanged, stored_at FROM lookups"
            " WHERE account = ? AND endpoint = ? AND type = ? AND value = ?",
            (account, endpoint, str(type_), text(value)),
        )
        if not rows:
            return None
        status, intel, scan, defanged, stored_at = rows[0]
        if not self._is_fresh(stored_at, max_age):
            return None
        return CachedLookup(type_, value, Status(status), load_json(intel), scan, bool(defanged), stored_at)

    def put(self, result: LookupResult) -> bool:
        """Store a result if it is worth caching (see the module docstring); True if stored."""
        return self.put_many([result]) == 1

    def put_many(self, results: Iterable[LookupResult]) -> int:
        """Store several results in one transaction; returns how many were cacheable."""
        account, endpoint = self._require_scope()
        stored_at = self._now()
        rows = [
            (
                account,
                endpoint,
                str(IndicatorType(r.type)),
                text(r.indicator),
                str(r.status),
                None if r.intel is None else dump_json(r.intel.raw),
                r.scan,
                int(r.defanged),
                stored_at,
            )
            for r in results
            if Status(r.status) in CACHEABLE_STATUSES and not r.from_cache
        ]
        if rows:
            with self._db.transaction() as conn:
                conn.executemany("INSERT OR REPLACE INTO lookups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def clear(self) -> int:
        """Forget every entry, of every scope; returns how many there were."""
        with self._db.transaction() as conn:
            count = conn.execute("DELETE FROM lookups").rowcount
        self._compact()
        return count

    def purge_expired(self) -> int:
        """Delete entries older than the TTL (every scope); returns how many."""
        with self._db.transaction() as conn:
            return int(
                conn.execute("DELETE FROM lookups WHERE stored_at <= ? OR stored_at > ?", self._fresh_window()).rowcount
            )

    def stats(self) -> CacheStats:
        fresh = "stored_at > ? AND stored_at <= ?"
        window = self._fresh_window()
        with self._db.lock:
            entries, oldest, newest = self._db.conn.execute(
                "SELECT count(*), min(stored_at), max(stored_at) FROM lookups"
            ).fetchone()
            # {fresh} is a fixed condition with ? placeholders: no value is put into the SQL text
            (fresh_count,) = self._db.conn.execute(f"SELECT count(*) FROM lookups WHERE {fresh}", window).fetchone()  # noqa: S608
            by_status: dict[str, int] = {}
            if self._scope is not None:
                by_status = dict(
                    self._db.conn.execute(
                        f"SELECT status, count(*) FROM lookups WHERE account = ? AND endpoint = ? AND {fresh}"  # noqa: S608
                        " GROUP BY status",
                        (*self._scope, *window),
                    ).fetchall()
                )
        size = sum(os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal")) if os.path.exists(p))
        return CacheStats(entries, fresh_count, sum(by_status.values()), by_status, size, oldest, newest)

    def _compact(self) -> None:
        # After a clear the file keeps its size until vacuumed; a cleared cache
        # should also stop holding the old answers on disk.
        with self._db.lock:
            try:
                self._db.conn.execute("VACUUM")
                self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:  # busy (another process reading): not worth failing a clear for
                pass
