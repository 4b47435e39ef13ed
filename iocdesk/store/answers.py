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

import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iocdesk.store._db import Database, dump_json, load_json, open_database, run_script, text
from iocdesk.store.cache import ANONYMOUS, DEFAULT_TTL, normalize_base_url

__all__ = ["ANSWERS_FILE", "AnswerCache", "CachedAnswer"]

ANSWERS_FILE = "answers.sqlite3"
_FINGERPRINT_RE = re.compile(r"[0-9a-f]{16}")  # account_fingerprint(): 16 hex digits
_CLOCK_SKEW = 300.0  # seconds an entry may seem to come from the future before it is distrusted


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


class AnswerCache:
    """Thread-safe store of Pulsedive answers by (scope, kind, key) with a TTL; see the module docstring."""

    def __init__(
        self,
        path: Path | None = None,
        ttl: float = DEFAULT_TTL,
        *,
        fingerprint: str | None = None,
        base_url: str | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        if path is None:
            from iocdesk.platform import paths

            path = paths.cache_dir() / ANSWERS_FILE
        self.ttl = float(ttl)
        self._now = now
        self._scope: tuple[str, str] | None = None
        if fingerprint is not None or base_url is not None:
            if fingerprint is None or base_url is None:
                raise ValueError("give both fingerprint and base_url, or neither")
            self.set_scope(fingerprint, base_url)
        self._db: Database = open_database(Path(path), MIGRATIONS, disposable=True)

    @property
    def path(self) -> Path:
        return self._db.path

    def set_scope(self, fingerprint: str, base_url: str) -> None:
        """Use the entries of this account (``account_fingerprint(key)``) and API base URL."""
        if fingerprint != ANONYMOUS and not _FINGERPRINT_RE.fullmatch(fingerprint):
            # Guards against passing the key itself by mistake: it would be stored.
            raise ValueError("fingerprint must be account_fingerprint(api_key), not the key")
        self._scope = (fingerprint, normalize_base_url(base_url))

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
        age = self._now() - stored_at
        if age >= (self.ttl if max_age is None else max_age) or age < -_CLOCK_SKEW:
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
        now = self._now()
        with self._db.transaction() as conn:
            return int(
                conn.execute(
                    "DELETE FROM answers WHERE stored_at <= ? OR stored_at > ?", (now - self.ttl, now + _CLOCK_SKEW)
                ).rowcount
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AnswerCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _require_scope(self) -> tuple[str, str]:
        if self._scope is None:
            raise RuntimeError("AnswerCache has no scope: call set_scope(account_fingerprint(key), base_url)")
        return self._scope
