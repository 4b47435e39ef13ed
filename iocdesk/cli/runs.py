"""Cache and history for a CLI run: opened, scoped to the account, closed."""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import Iterator

from iocdesk.indicators.types import Indicator, Scope
from iocdesk.store import History, LookupCache, PlannedItem, RunMeta
from iocdesk.pulsedive.client import PulsediveClient

log = logging.getLogger(__name__)


@contextlib.contextmanager
def open_stores(
    client: PulsediveClient, account: str, args: argparse.Namespace
) -> Iterator[tuple[LookupCache | None, History]]:
    """The lookup cache (scoped to this key and API URL) and the run history."""
    history = History()
    history.mark_interrupted_runs()
    cache = None
    if not getattr(args, "no_cache", False):
        cache = LookupCache(ttl=getattr(args, "cache_ttl", 24.0) * 3600)
        cache.set_scope(account, client.base_url)
        cache.purge_expired()
    try:
        yield cache, history
    finally:
        if cache is not None:
            cache.close()
        history.close()


def start_run(history: History, sources: list[str], args: argparse.Namespace, client: PulsediveClient, indicators: list[Indicator]) -> int:
    options = {
        "concurrency": args.concurrency,
        "rate": args.rate,
        "include_private": args.include_private,
        "submit": args.submit,
        "cache": not args.no_cache,
    }
    meta = RunMeta(sources=sources or ["<stdin>"], total=len(indicators), scan=args.scan, options=options, base_url=client.base_url)
    run_id = history.start_run(meta)
    history.add_items(run_id, indicators)
    return run_id


def record_run_end(history: History, run_id: int, state: str) -> None:
    history.finish_run(run_id, state)


def planned_to_indicators(items: list[PlannedItem]) -> list[Indicator]:
    return [
        Indicator(item.type, item.value, item.value, defanged=item.defanged, scope=Scope(item.scope or "public"))
        for item in items
    ]

