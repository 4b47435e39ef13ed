"""``iocdesk webhook add|list|delete``: chat webhooks (Slack, Teams, Google Chat) in the OS keyring."""

from __future__ import annotations

import argparse
import getpass
import sys

from iocdesk.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from iocdesk.platform.credentials import KeyringUnavailable

KINDS = ("slack", "teams", "google_chat")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    wp = sub.add_parser(
        "webhook",
        help="store, list or delete chat webhooks for `analyze --webhook NAME`",
        description="Webhook URLs are secrets (anyone holding one can post to your channel): iocdesk keeps "
        "them in the OS keyring only and never prints or logs them.",
    )
    actions = wp.add_subparsers(dest="webhook_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="store a webhook (the URL is read without echo, or from standard input)")
    add.add_argument("name")
    add.add_argument("--kind", choices=KINDS, required=True)
    add.add_argument("--stdin", action="store_true", help="read the URL from standard input")
    actions.add_parser("list", help="the stored webhooks' names and kinds")
    delete = actions.add_parser("delete", help="forget a webhook")
    delete.add_argument("name")
    wp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from iocdesk.delivery import chat

    try:
        if args.webhook_action == "add":
            url = (
                sys.stdin.readline().strip()
                if args.stdin or not sys.stdin.isatty()
                else getpass.getpass("Webhook URL: ").strip()
            )
            if not url.startswith("https://"):
                error("a webhook URL starts with https://")
                return EXIT_USAGE
            chat.store_webhook(args.name, args.kind, url)
            print(f"webhook {args.name!r} ({args.kind}) stored in the OS keyring")
        elif args.webhook_action == "list":
            hooks = chat.list_webhooks()
            for name in hooks:  # names only: the URLs stay in the keyring
                print(name)
            if not hooks:
                print("no webhooks stored (add one with `iocdesk webhook add NAME --kind slack`)")
        else:
            chat.delete_webhook(args.name)
            print(f"webhook {args.name!r} deleted")
    except (chat.WebhookError, KeyringUnavailable) as exc:  # their texts never hold the URL
        error(f"could not {args.webhook_action} the webhook: {exc}")
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - anything else: its type only, never its text
        error(f"could not {args.webhook_action} the webhook: {type(exc).__name__}")
        return EXIT_FAILED
    return EXIT_OK
