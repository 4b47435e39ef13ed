"""``iocdesk sandbox``: serve the Pulsedive-compatible sandbox on loopback.

``--require-key`` takes the key from ``IOCDESK_SANDBOX_KEY`` or stdin (``-``), never
from argv: a process's command line is readable by every local user
(``/proc/<pid>/cmdline``, ``ps``). A key given there is refused.
"""

from __future__ import annotations

import argparse
import os
import sys

from iocdesk.cli.common import positive_float
from iocdesk.platform.redact import register_secret
from iocdesk.pulsedive.sandbox.config import LIMITERS

KEY_VARIABLE = "IOCDESK_SANDBOX_KEY"
_FROM_ENV = "env"  # --require-key without a value
_FROM_STDIN = "-"


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
    sp.add_argument(
        "--limiter",
        choices=LIMITERS,
        default="bucket",
        help="how --per-second counts: 'bucket' (default) a token bucket holding R, refilled at R per second; "
        "'rolling' at most R requests in any 1 s window; 'fixed' at most R in each clock second, "
        "counted afresh when the second changes",
    )
    sp.add_argument(
        "--require-key",
        nargs="?",
        const=_FROM_ENV,
        metavar="-",
        help=f"answer 401 unless the key is sent; the key is read from ${KEY_VARIABLE}, or from stdin "
        "with '--require-key -' (never from the command line: other local users could read it there)",
    )
    sp.set_defaults(handler=run)


def required_key(how: str | None) -> str | None:
    """The key ``--require-key`` asks for (None: no key required); ValueError says why not."""
    if how is None:
        return None
    if how == _FROM_ENV:
        key = os.environ.get(KEY_VARIABLE, "")
        if not key.strip():
            raise ValueError(f"--require-key: set {KEY_VARIABLE}, or pass the key on stdin with '--require-key -'")
    elif how == _FROM_STDIN:
        key = sys.stdin.readline()
    else:  # a key on argv is already exposed; say so without repeating it
        raise ValueError(
            f"--require-key takes no key on the command line (other local users can read it there): "
            f"set {KEY_VARIABLE} or pass it on stdin with '--require-key -', and choose a new key"
        )
    key = key.strip()
    if not key:
        raise ValueError("--require-key: the key is empty")
    register_secret(key)  # a secret like any other: never in a log line or a message
    return key


def run(args: argparse.Namespace) -> int:
    try:
        key = required_key(args.require_key)
    except ValueError as exc:
        print(f"iocdesk sandbox: {exc}", file=sys.stderr)
        return 2
    from iocdesk.pulsedive.sandbox import main_sandbox

    return main_sandbox(
        args.port,
        seed=args.seed,
        latency=args.latency,
        per_second=args.per_second,
        limiter=args.limiter,
        require_key=key,
    )
