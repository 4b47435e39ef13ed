"""Cached Pulsedive answers that are not indicator lookups: threats, feeds, their linked
indicators and explore results, so opening the same pivot twice costs no quota.

One SQLite file (``answers.sqlite3`` next to the lookup cache, in
:func:`iocdesk.platform.paths.cache_dir`). An entry is keyed like the lookup cache's
(``cache.py``): the *scope* (account fingerprint and API base URL), plus what was asked
(``kind``: ``"threat"``, ``"feed"``, ``"explore"``...) and its key (a tid, a fid, a
query with its limit). Switching API key or service never reuses another scope's answers.
Entries expire after a TTL; only answers a caller chose to store are here (successes,
never errors). The body is the Pulsedive JSON object as received (after paging and
capping by the caller), parsed again when read, so parser fixes apply to cached data too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from iocdesk.store._db import dump_json, load_json, run_script, text
from iocdesk.store._scoped import ScopedStore

__all__ = ["ANSWERS_FILE", "AnswerCache", "CachedAnswer"]

ANSWERS_FILE = "answers.sqlite3"


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    kind: str
    key: str
    data: dict[str, Any]  # the JSON object as stored
    stored_at: float  # seconds since the epoch


def _schema_v1(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        [
            """CREATE TABLE answers (
                account   TEXT NOT NULL,  -- account_fingerprint(), never the key
                endpoint  TEXT NOT NULL,  -- normalize_base_url()
                kind      TEXT NOT NULL,
                key       TEXT NOT NULL,
                body      TEXT NOT NULL,  -- JSON object
                stored_at REAL NOT NULL,
                PRIMARY KEY (account, endpoint, kind, key)
            ) WITHOUT ROWID""",
            "CREATE INDEX answers_stored_at ON answers (stored_at)",
        ],
    )


MIGRATIONS = (_schema_v1,)


class AnswerCache(ScopedStore):
    """Thread-safe store of Pulsedive answers by (scope, kind, key) with a TTL; see the module docstring."""

    FILE_NAME = ANSWERS_FILE
    MIGRATIONS = MIGRATIONS

    def get(self, kind: str, key: str, *, max_age: float | None = None) -> CachedAnswer | None:
        """The fresh answer stored for (kind, key) in the current scope, or None."""
        account, endpoint = self._require_scope()
        rows = self._db.query(
            "SELECT body, stored_at FROM answers WHERE account = ? AND endpoint = ? AND kind = ? AND key = ?",
            (account, endpoint, text(kind), text(key)),
        )
        if not rows:
            return None
        body, stored_at = rows[0]
        if not self._is_fresh(stored_at, max_age):
            return None
        data = load_json(body)
        if data is None:
            return None
        return CachedAnswer(kind, key, data, stored_at)

    def put(self, kind: str, key: str, data: dict[str, Any]) -> None:
        """Store (or replace) the answer for (kind, key) in the current scope."""
        account, endpoint = self._require_scope()
        row = (account, endpoint, text(kind), text(key), dump_json(data), self._now())
        with self._db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)", row)

    def forget(self, kind: str, key: str) -> None:
        account, endpoint = self._require_scope()
        with self._db.transaction() as conn:
            conn.execute(
                "DELETE FROM answers WHERE account = ? AND endpoint = ? AND kind = ? AND key = ?",
                (account, endpoint, text(kind), text(key)),
            )

    def clear(self) -> int:
        """Forget every answer, of every scope; returns how many there were."""
        with self._db.transaction() as conn:
            return int(conn.execute("DELETE FROM answers").rowcount)

    def purge_expired(self) -> int:
        """Delete answers older than the TTL (every scope); returns how many."""
        with self._db.transaction() as conn:
            return int(
                conn.execute("DELETE FROM answers WHERE stored_at <= ? OR stored_at > ?", self._fresh_window()).rowcount
            )
