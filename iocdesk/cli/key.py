"""``iocdesk key set|status|test|delete``: the Pulsedive API key in the OS keyring."""

from __future__ import annotations

import argparse
import getpass
import sys

from iocdesk.cli.common import EXIT_FAILED, EXIT_KEY, EXIT_OK, EXIT_USAGE, error
from iocdesk.platform.credentials import (
    ENV_VAR,
    KeyringUnavailable,
    delete_key,
    get_key,
    keyring_status,
    mask,
    store_key,
)
from iocdesk.pulsedive.client import DEFAULT_BASE_URL, Outcome, PulsediveClient


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kp = sub.add_parser(
        "key",
        help="store, check, test or delete the Pulsedive API key (OS keyring)",
        description="The key lives only in the OS keyring (or in "
        f"{ENV_VAR} for automation); iocdesk never writes it anywhere else.",
    )
    actions = kp.add_subparsers(dest="key_action", metavar="ACTION", required=True)
    setp = actions.add_parser("set", help="store a key (read without echo, or from standard input)")
    setp.add_argument("--stdin", action="store_true", help="read the key from standard input")
    actions.add_parser("status", help="where the key comes from and which keyring backend is used")
    testp = actions.add_parser("test", help="make a real call with the key and show the remaining quota")
    testp.add_argument("--api-url", default=DEFAULT_BASE_URL, metavar="URL")
    actions.add_parser("delete", help="delete the stored key")
    kp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return {"set": _set, "status": _status, "test": _test, "delete": _delete}[args.key_action](args)


def _set(args: argparse.Namespace) -> int:
    if args.stdin or not sys.stdin.isatty():
        key = sys.stdin.readline().strip()
    else:
        key = getpass.getpass("Pulsedive API key: ").strip()
    if not key:
        error("no key given")
        return EXIT_USAGE
    try:
        backend = store_key(key)
    except KeyringUnavailable as exc:
        error(f"{exc}. For automation, set {ENV_VAR} instead; iocdesk never stores the key in a file.")
        return EXIT_FAILED
    print(f"API key {mask(key)} stored in the OS keyring ({backend})")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    status = keyring_status()
    info = get_key()
    # in words ("macOS Keychain"), not keyring's class names ("fail Keyring")
    words = status.words or status.backend
    if status.usable:
        print(f"keyring: {words}")
    elif words == "no usable keyring":
        print(f"keyring: {words} ({status.problem})")
    else:
        print(f"keyring: {words}, not usable: {status.problem}")
    if info.key:
        print(f"API key: {mask(info.key)} from the {info.source}")
        return EXIT_OK
    print(f"API key: none (store one with `iocdesk key set`, or set {ENV_VAR})")
    if info.problem:  # the keyring failed: say how, not just "none"
        print(f"note: {info.problem}")
    return EXIT_KEY


def _test(args: argparse.Namespace) -> int:
    info = get_key()
    if not info.key:
        error(f"no Pulsedive API key: store one with `iocdesk key set`, or set {ENV_VAR}")
        return EXIT_KEY
    with PulsediveClient(info.key, base_url=args.api_url) as client:
        answer = client.indicator("pulsedive.com")
    if answer.outcome is Outcome.KEY_REJECTED:
        error(f"Pulsedive rejected the API key {mask(info.key)}: {answer.message}")
        return EXIT_KEY
    if answer.outcome not in (Outcome.OK, Outcome.NOT_FOUND):
        error(f"the test call failed: {answer.message}")
        return EXIT_FAILED
    quota = answer.quota
    parts = [
        f"{name} {value}"
        for name, value in (
            ("second", quota and quota.second),
            ("day", quota and quota.day),
            ("month", quota and quota.month),
        )
        if value is not None
    ]
    print(f"API key {mask(info.key)} works; requests remaining: {', '.join(parts) or 'no limits reported'}")
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    try:
        deleted = delete_key()
    except KeyringUnavailable as exc:
        error(str(exc))
        return EXIT_FAILED
    print("API key deleted" if deleted else "no API key was stored")
    return EXIT_OK
