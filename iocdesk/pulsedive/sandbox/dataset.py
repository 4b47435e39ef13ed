"""The sandbox's seeded data: known indicators, scan-only ones, threats, feeds.

Built once per server (``Dataset(seed)``, a few tens of milliseconds), the same
for the same seed. Three kinds of values:

* known (``known_values()``): lookups answer 200;
* scan-only (``unknown_values()``): lookups answer 404, a scan resolves them
  (most to a verdict, some to risk none/unknown); with ``submit=1`` they become known;
* scan-nothing (``scan_nothing_values()``): 404, and a scan finds nothing either.

Any other well-formed ip/ipv6/domain/url is unknown too; a scan of it yields a
sparse new indicator with risk "unknown" (see :meth:`Dataset.scan_outcome`).
Nothing is ever resolved or contacted: every value is generated.
"""

from __future__ import annotations

import threading

from iocdesk.pulsedive.sandbox.generate import Builder, sparse_record
from iocdesk.pulsedive.sandbox.records import Feed, Record, Threat
from iocdesk.pulsedive.sandbox.values import lookup_key


class Dataset:
    """Lookups are thread-safe; scans with submit=1 add records (make_known)."""

    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        self._lock = threading.RLock()
        b = Builder(seed)
        b.build()
        self.threats: dict[int, Threat] = {t.tid: t for t in b.threats}
        self.feeds: dict[int, Feed] = {f.fid: f for f in b.feeds}
        self._known = {r.key: r for r in b.known}
        self._hidden = {r.key: r for r in b.hidden}
        self._nothing = {lookup_key(v)[1]: v for v in b.nothing}
        self._all = {r.iid: r for r in b.known + b.hidden}
        self._known_iids = {r.iid for r in b.known}
        self._next_iid = max(self._all) + 1

    # -- lookups ------------------------------------------------------------
    def record(self, value: str) -> Record | None:
        """The known record a lookup of ``value`` finds (after normalisation), else None."""
        with self._lock:
            return self._known.get(lookup_key(value)[1])

    def by_iid(self, iid: int) -> Record | None:
        with self._lock:
            return self._all.get(iid) if iid in self._known_iids else None

    def any_by_iid(self, iid: int) -> Record | None:
        """Also scan-only records (their scan results link to known ones)."""
        with self._lock:
            return self._all.get(iid)

    def records(self, type: str | None = None) -> list[Record]:
        with self._lock:
            return sorted((r for r in self._known.values() if type in (None, r.type)), key=lambda r: r.iid)

    def known_values(self, type: str | None = None) -> list[str]:
        return [r.indicator for r in self.records(type)]

    def unknown_values(self) -> list[str]:
        """Scan-only values still unknown to lookups (a submitted scan removes one)."""
        with self._lock:
            return [r.indicator for r in self._hidden.values() if r.key not in self._known]

    def scan_nothing_values(self) -> list[str]:
        return list(self._nothing.values())

    def threat_by_name(self, name: str) -> Threat | None:
        wanted = name.strip().lower()
        return next((t for t in self.threats.values() if t.name.lower() == wanted), None)

    def feed_by_name(self, name: str, organization: str | None = None) -> Feed | None:
        wanted, org = name.strip().lower(), (organization or "").strip().lower()
        return next(
            (f for f in self.feeds.values() if f.name.lower() == wanted and org in ("", f.organization.lower())), None
        )

    def linked_to_threat(self, tid: int) -> list[tuple[Record, str]]:
        return [(r, s) for r in self.records() for t, s in r.threats if t == tid]

    def linked_to_feed(self, fid: int) -> list[tuple[Record, str]]:
        return [(r, s) for r in self.records() for f, s in r.feeds if f == fid]

    # -- scans ----------------------------------------------------------------
    def scan_outcome(self, value: str) -> Record | None:
        """What a scan of ``value`` finds: the known record, the scan-only one, None for
        a scan-nothing value (or a value that is no indicator), else a sparse new record."""
        kind, key = lookup_key(value)
        with self._lock:
            if kind is None or key in self._nothing:
                return None
            found = self._known.get(key) or self._hidden.get(key)
            if found is not None:
                return found
            record = sparse_record(self.seed, kind, key, self._next_iid)
            self._next_iid += 1
            self._hidden[key] = record
            self._all[record.iid] = record
            return record

    def make_known(self, record: Record) -> None:
        """A submitted scan stored ``record``: later lookups find it, linked records link back."""
        with self._lock:
            if record.key in self._known:
                return
            self._known[record.key] = record
            self._known_iids.add(record.iid)
            for link_type, iid, when in record.links:
                other = self._all.get(iid)
                if other is not None:
                    other.links.append((_BACK_LINK.get(link_type, link_type), record.iid, when))


_BACK_LINK = {"Related URLs": "Related Domains", "Related Domains": "Related URLs"}
