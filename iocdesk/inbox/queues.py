"""Alerts waiting for a lookup, kept apart by where they came from (issue 14).

The webhook answers a SIEM or an EDR; the watched folder takes whatever anyone
who can write it drops there. With one shared budget, a burst of files spent
the minute's allowance and the SIEM's next alert got 429 for up to a minute.
So each source has its own allowance per minute and its own share of the
queue, and lookups take the sources in turn: a folder backlog of a hundred
files delays a webhook alert by at most the one alert being looked up.

A source is named by the text before the first ``:`` of an alert's source
(``"webhook"``, ``"folder: report.csv"`` -> ``"folder"``). Not thread-safe: the
inbox holds its lock around every call.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

Item = TypeVar("Item")

WINDOW = 60.0  # seconds over which ``per_minute`` is counted


class InboxBusy(Exception):
    """Too many alerts from one source: try again in ``retry_after`` seconds (the webhook's 429 Retry-After)."""

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def source_kind(source: str) -> str:
    """``"folder"`` for ``"folder: x.csv"``; the whole text when it has no ``:``."""
    return source.partition(":")[0].strip().lower() or "other"


class SourceQueues(Generic[Item]):
    """Per-source allowance (``per_minute``), per-source queue (``max_waiting``), taken in turn."""

    def __init__(self, per_minute: int, max_waiting: int) -> None:
        if per_minute < 1 or max_waiting < 1:
            raise ValueError("per_minute and max_waiting must be at least 1")
        self.per_minute, self.max_waiting = per_minute, max_waiting
        self._accepted: dict[str, deque[float]] = {}  # source -> acceptance times within the window
        self._waiting: dict[str, deque[Item]] = {}  # source -> items, oldest first; insertion order = turn order

    def admit(self, source: str, now: float) -> None:
        """Count one alert from ``source`` at ``now``; InboxBusy (nothing counted) when it has no room."""
        kind = source_kind(source)
        times = self._accepted.setdefault(kind, deque())
        while times and now - times[0] > WINDOW:
            times.popleft()
        if len(times) >= self.per_minute:
            wait = int(WINDOW - (now - times[0])) + 1
            raise InboxBusy(f"more than {self.per_minute} alerts from the {kind} in a minute", wait)
        if len(self._waiting.get(kind, ())) >= self.max_waiting:
            raise InboxBusy(f"{self.max_waiting} alerts from the {kind} are waiting", 30)
        times.append(now)  # counted on admission: an alert that fails later still spent it, no free retries

    def put(self, source: str, item: Item) -> None:
        self._waiting.setdefault(source_kind(source), deque()).append(item)

    def take(self) -> Item | None:
        """The oldest item of the next source in turn; the source then goes to the back of the line."""
        for kind in list(self._waiting):
            items = self._waiting.pop(kind)  # re-inserted below: last in the turn order
            if not items:
                continue
            item = items.popleft()
            if items:
                self._waiting[kind] = items
            return item
        return None

    def __len__(self) -> int:
        return sum(len(items) for items in self._waiting.values())
