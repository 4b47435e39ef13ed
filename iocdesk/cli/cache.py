"""``iocdesk cache stats|clear``: the local cache of Pulsedive answers."""

from __future__ import annotations

import argparse

from iocdesk.cli.common import EXIT_OK
from iocdesk.store import LookupCache
from iocdesk.store.answers import AnswerCache


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cp = sub.add_parser("cache", help="show or clear the local cache of Pulsedive answers")
    actions = cp.add_subparsers(dest="cache_action", metavar="ACTION", required=True)
    actions.add_parser("stats", help="how many answers are cached, and how old")
    actions.add_parser("clear", help="forget every cached answer (all accounts and API URLs)")
    cp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.cache_action == "clear":
        with LookupCache() as cache, AnswerCache() as answers:
            pivots = answers.clear()  # threats, feeds and explore queries (iocdesk explore, the window)
            print(f"cleared {cache.clear()} cached answers and {pivots} cached threats, feeds and queries")
        return EXIT_OK
    with LookupCache() as cache:
        stats = cache.stats()
        ttl = cache.ttl
    print(
        f"{stats.entries} cached answers, {stats.fresh} younger than {ttl / 3600:g} h ({stats.size_bytes // 1024} KiB)"
    )
    return EXIT_OK
