"""``iocdesk mail password set|delete`` and ``iocdesk mail send DRAFT.eml``: sending a draft by SMTP.

The SMTP password lives in the OS keyring only (``core.export.smtp``); this
command never prints it, and error messages come from :class:`SendError`,
whose texts never hold it.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import getpass
import sys
from email.message import EmailMessage
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any

from iocdesk.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error, positive_float
from iocdesk.platform.credentials import KeyringUnavailable

if TYPE_CHECKING:
    from iocdesk.delivery.smtp import SmtpSettings

SECURITY_CHOICES = ("starttls", "ssl", "none")


def _port(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}") from None
    if not 0 < number < 65536:
        raise argparse.ArgumentTypeError("must be between 1 and 65535")
    return number


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mp = sub.add_parser(
        "mail",
        help="send an e-mail draft (.eml) through your SMTP server; store its password in the OS keyring",
        description="The SMTP password is kept in the OS keyring only (per user and host); iocdesk never "
        "writes it to a file, a log or an error message.",
    )
    actions = mp.add_subparsers(dest="mail_action", metavar="ACTION", required=True)

    pw = actions.add_parser("password", help="store or delete the SMTP password (OS keyring)")
    pw_actions = pw.add_subparsers(dest="password_action", metavar="ACTION", required=True)
    setp = pw_actions.add_parser("set", help="store the password (read without echo, or from standard input)")
    delp = pw_actions.add_parser("delete", help="forget the stored password")
    for p in (setp, delp):
        p.add_argument("--host", required=True, help="the SMTP server's host name")
        p.add_argument("--user", required=True, help="the SMTP user name")
    setp.add_argument("--stdin", action="store_true", help="read the password from standard input")

    send = actions.add_parser("send", help="send a draft (.eml, e.g. from the e-mail export)")
    send.add_argument("draft", metavar="DRAFT.eml", help="the message to send")
    send.add_argument("--host", required=True, help="the SMTP server's host name")
    send.add_argument("--port", type=_port, default=587, help="default: 587")
    send.add_argument(
        "--security",
        choices=SECURITY_CHOICES,
        default="starttls",
        help="starttls (default), ssl (implicit TLS, usually port 465) or none (no password except to localhost)",
    )
    send.add_argument("--user", help="log in as this user (password from `iocdesk mail password set`)")
    send.add_argument("--from", dest="sender", metavar="ADDR", help="the sender address (sets From)")
    send.add_argument("--to", action="append", metavar="ADDR", help="a recipient (replaces To; repeatable)")
    send.add_argument("--timeout", type=positive_float, default=15, metavar="SECONDS", help="default: 15")
    mp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.mail_action == "password":
        return _password(args)
    return _send(args)


def _settings(args: argparse.Namespace, **extra: Any) -> SmtpSettings:
    from iocdesk.delivery.smtp import SmtpSettings

    return SmtpSettings(args.host.strip(), user=(args.user or "").strip() or None, **extra)


def _password(args: argparse.Namespace) -> int:
    from iocdesk.delivery import smtp

    action = args.password_action
    try:
        settings = _settings(args)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    if settings.user is None:
        error("the SMTP user name is empty")
        return EXIT_USAGE
    try:
        if action == "set":
            if args.stdin or not sys.stdin.isatty():
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = getpass.getpass(f"SMTP password for {settings.user} on {settings.host}: ")
            if not password:
                error("no password given")
                return EXIT_USAGE
            smtp.store_password(settings, password)
            del password
            print(f"SMTP password for {settings.user} on {settings.host} stored in the OS keyring")
        else:
            deleted = smtp.delete_password(settings)
            print(
                f"SMTP password for {settings.user} on {settings.host} deleted"
                if deleted
                else f"no SMTP password was stored for {settings.user} on {settings.host}"
            )
    except (KeyringUnavailable, ValueError) as exc:  # their texts never hold the password
        error(f"could not {action} the SMTP password: {exc}")
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - its type only, never its text
        error(f"could not {action} the SMTP password: {type(exc).__name__}")
        return EXIT_FAILED
    return EXIT_OK


def _recipients(message: EmailMessage) -> list[str]:
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in (message.get_all(name) or [])]
    return [addr for _, addr in getaddresses(fields) if addr]


def _send(args: argparse.Namespace) -> int:
    from iocdesk.delivery import smtp

    try:
        settings = _settings(args, port=args.port, security=args.security, sender=args.sender)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    try:
        with open(args.draft, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        error(f"cannot read {args.draft}: {exc.strerror or type(exc).__name__}")
        return EXIT_USAGE
    message = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        if args.sender:
            del message["From"]
            message["From"] = args.sender
        if args.to:
            del message["To"]
            message["To"] = ", ".join(address.strip() for address in args.to)
    except (ValueError, TypeError) as exc:  # e.g. a line break in an address: header injection
        error(f"invalid address: {exc}")
        return EXIT_USAGE
    if settings.user and not smtp.has_password(settings):
        error(
            f"no SMTP password for {settings.user} on {settings.host} in the OS keyring: store it with "
            f"`iocdesk mail password set --host {settings.host} --user {settings.user}`"
        )
        return EXIT_FAILED
    try:
        smtp.send(message, settings, timeout=args.timeout)
    except smtp.SendError as exc:  # one plain sentence, never the password
        error(str(exc))
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - its type only, never its text
        error(f"sending through {settings.server} failed: {type(exc).__name__}")
        return EXIT_FAILED
    count = len(_recipients(message))
    print(f"sent to {count} recipient{'s' if count != 1 else ''} via {settings.host}")
    return EXIT_OK
