"""Local persistence, one SQLite file per purpose: the lookup cache and the run history.

- :class:`LookupCache` (``cache.py``): recent Pulsedive answers, keyed by an
  account fingerprint and the API base URL, expiring after a TTL.
- :class:`History` (``history.py``): every run, its plan and each result as it
  arrives, so a crash loses nothing and a run can be resumed.

Both are safe to share between an asyncio thread and worker threads, survive
the process being killed mid-write (WAL, one transaction per write), never see
or store the API key, and carry a schema version (``PRAGMA user_version``)
with a migration list (``MIGRATIONS`` in each module). No Qt, no network.
"""

from iocdesk.store._db import StoreError
from iocdesk.store.cache import (
    ANONYMOUS,
    DEFAULT_TTL,
    CachedLookup,
    CacheStats,
    LookupCache,
    account_fingerprint,
    normalize_base_url,
)
from iocdesk.store.history import History, PlannedItem, RunMeta, RunState, RunSummary

__all__ = [
    "ANONYMOUS",
    "DEFAULT_TTL",
    "CacheStats",
    "CachedLookup",
    "History",
    "LookupCache",
    "PlannedItem",
    "RunMeta",
    "RunState",
    "RunSummary",
    "StoreError",
    "account_fingerprint",
    "normalize_base_url",
]
