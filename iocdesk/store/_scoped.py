"""What the store's caches share: an SQLite file of answers kept per *scope* (the account's
fingerprint and the API's base URL), with a TTL and an injectable clock.

``LookupCache`` (indicator lookups) and ``AnswerCache`` (threats, feeds, explore) are both
one of these; neither ever stores the API key, only :func:`account_fingerprint` of it.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit, urlunsplit

from iocdesk.store._db import Database, Migration, open_database

ANONYMOUS = "anonymous"  # the scope of lookups made without an API key
# Tolerated clock step backwards before an entry "from the future" is distrusted.
CLOCK_SKEW = 300.0

# A fixed, public salt: it is not a secret and does not need to be. See account_fingerprint.
_FINGERPRINT_SALT = b"iocdesk/lookup-cache/account-fingerprint/v1\x00"
_FINGERPRINT_RE = re.compile(r"[0-9a-f]{16}")


def account_fingerprint(api_key: str | None) -> str:
    """A short, non-reversible label for the account an API key belongs to.

    ``ANONYMOUS`` for no key; otherwise the first 16 hex characters (64 bits)
    of SHA-256 over a fixed iocdesk salt followed by the key. The key itself
    is never stored anywhere by the store, only this label.

    - Brute force is no threat: Pulsedive keys are 64 random hex characters
      (256 bits), so no hash of one can be inverted by guessing. What a plain
      ``sha256(key)`` would risk is *matching*: it is the value any tool or
      leak database computes for the key, so the cache file would confirm
      "this user has key K" to anyone holding K or its bare hash. The salt
      makes the label meaningful to iocdesk only.
    - Truncated to 64 bits: enough to tell a user's few accounts apart (a
      collision between two of them has odds around 2^-64), too short to
      stand for the key anywhere a full SHA-256 digest is used as its
      verifier, and it says nothing about the key beyond "same or not".
    """
    key = (api_key or "").strip()
    if not key:
        return ANONYMOUS
    return hashlib.sha256(_FINGERPRINT_SALT + key.encode("utf-8")).hexdigest()[:16]


def normalize_base_url(url: str) -> str:
    """The API endpoint's identity: scheme, host, port and path; lower-case host, no
    trailing slash. User info, query and fragment are dropped, so a key that
    slipped into a URL (``?key=...``) is never stored."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        raise ValueError(f"not an absolute URL: {url!r}")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), "", ""))


class ScopedStore:
    """An SQLite file of cached answers, read and written in one scope at a time.

    ``fingerprint``/``base_url`` set the scope (also later, with :meth:`set_scope`); reading
    and writing need one. ``now`` is the clock (seconds since the epoch), injectable for tests.
    """

    FILE_NAME = ""  # under iocdesk.platform.paths.cache_dir() when no path is given
    MIGRATIONS: Sequence[Migration] = ()

    def __init__(
        self,
        path: Path | None = None,
        ttl: float = 24 * 3600.0,
        *,
        fingerprint: str | None = None,
        base_url: str | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        if path is None:
            from iocdesk.platform import paths

            path = paths.cache_dir() / self.FILE_NAME
        self.ttl = float(ttl)
        self._now = now
        self._scope: tuple[str, str] | None = None
        if fingerprint is not None or base_url is not None:
            if fingerprint is None or base_url is None:
                raise ValueError("give both fingerprint and base_url, or neither")
            self.set_scope(fingerprint, base_url)
        self._db: Database = open_database(Path(path), self.MIGRATIONS, disposable=True)

    @property
    def path(self) -> Path:
        return self._db.path

    def set_scope(self, fingerprint: str, base_url: str) -> None:
        """Use the entries of this account (``account_fingerprint(key)``) and API base URL."""
        if fingerprint != ANONYMOUS and not _FINGERPRINT_RE.fullmatch(fingerprint):
            # Guards against passing the key itself by mistake: it would be stored.
            raise ValueError("fingerprint must be account_fingerprint(api_key), not the key")
        self._scope = (fingerprint, normalize_base_url(base_url))

    def _is_fresh(self, stored_at: float, max_age: float | None = None) -> bool:
        """Stored less than ``max_age`` (default: the TTL) seconds ago, and not from the future."""
        age = self._now() - stored_at
        return -CLOCK_SKEW <= age < (self.ttl if max_age is None else max_age)

    def _fresh_window(self) -> tuple[float, float]:
        """(oldest, newest) ``stored_at`` of a fresh entry: older ones are expired, newer distrusted."""
        now = self._now()
        return now - self.ttl, now + CLOCK_SKEW

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _require_scope(self) -> tuple[str, str]:
        if self._scope is None:
            name = type(self).__name__
            raise RuntimeError(f"{name} has no scope: call set_scope(account_fingerprint(key), base_url)")
        return self._scope
