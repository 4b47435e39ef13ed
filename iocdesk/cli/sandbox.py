"""``iocdesk sandbox``: serve the Pulsedive-compatible sandbox on loopback."""

from __future__ import annotations

import argparse

from iocdesk.cli.common import positive_float


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sp = sub.add_parser(
        "sandbox",
        help="serve a Pulsedive-compatible sandbox with demo data on 127.0.0.1",
        description="A Pulsedive-compatible HTTP server on loopback with a seeded demo dataset, for trying "
        "iocdesk without an account and for tests. Prints its base URL; stop with Ctrl+C.",
    )
    sp.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sp.add_argument("--seed", type=int, default=1, help="dataset seed (default 1)")
    sp.add_argument("--latency", type=float, default=0.0, metavar="S", help="added latency per request in seconds")
    sp.add_argument("--per-second", type=positive_float, metavar="R", help="answer 429 beyond R requests per second")
    sp.add_argument("--require-key", metavar="KEY", help="answer 401 unless this key is sent")
    sp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from iocdesk.pulsedive.sandbox import main_sandbox

    return main_sandbox(
        args.port, seed=args.seed, latency=args.latency, per_second=args.per_second, require_key=args.require_key
    )
