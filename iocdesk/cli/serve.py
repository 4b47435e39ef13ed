"""``iocdesk serve``: the alert inbox without the window (a jump box, a SOC server).

A local webhook (on by default here; ``--no-webhook``) and/or a watched folder
(``--folder``) feed the inbox; every alert is looked up with the same engine,
cache and history as ``analyze``, and one line per processed alert is printed.
``--out DIR`` writes the exports of each alert there, named after its id.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from iocdesk.cli.analyze import add_engine_arguments, open_session
from iocdesk.cli.common import EXIT_FAILED, EXIT_KEY, EXIT_OK, EXIT_USAGE, error, positive_int
from iocdesk.delivery.plan import ExportPlan, Format, parse_formats
from iocdesk.inbox.alert import Alert, AlertStatus
from iocdesk.inbox.folder import DEFAULT_SETTLE, MAX_SETTLE
from iocdesk.inbox.service import ALERT_SUBJECT, AlertPlan, Inbox, InboxOptions, Rule
from iocdesk.indicators.display import reveal
from iocdesk.indicators.results import Risk
from iocdesk.platform.credentials import KeyringUnavailable
from iocdesk.platform.safe_files import UnsafePathError, check_dir

if TYPE_CHECKING:
    from iocdesk.inbox.folder import FolderAlert

FORMATS = tuple(f.value for f in Format)
DEFAULT_PORT = 8765


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sp = sub.add_parser(
        "serve",
        help="run the alert inbox headless: a local webhook and/or a watched folder",
        description="Alerts posted to http://127.0.0.1:PORT/alert (with the bearer token from "
        "`iocdesk serve --show-token`) or dropped into --folder are analysed like `iocdesk analyze`; "
        "one line per processed alert. Ctrl+C stops; alerts not yet looked up stay in history.",
    )
    sp.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"webhook port on 127.0.0.1 ({DEFAULT_PORT}; 0: any free one)"
    )
    sp.add_argument("--no-webhook", action="store_true", help="no webhook (only the watched folder)")
    sp.add_argument(
        "--folder", metavar="DIR", help="watch DIR for alert files (txt, log, csv, tsv, xlsx, json, jsonl, eml, msg)"
    )
    sp.add_argument(
        "--settle",
        type=_settle_seconds,
        default=DEFAULT_SETTLE,
        metavar="SECONDS",
        help=f"read a dropped file once its size and time have not changed for SECONDS ({DEFAULT_SETTLE:g}); "
        "writers should write under a .tmp or .part name and rename it in when complete",
    )
    sp.add_argument("--out", metavar="DIR", help="write each alert's exports into DIR as <alert id>.<format>")
    sp.add_argument(
        "--formats", default="json", metavar="LIST", help=f"exports for --out, of {','.join(FORMATS)} (json)"
    )
    sp.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="GLOB=ACTION",
        help="auto-action for alerts whose name matches GLOB and whose worst risk is at least "
        "--rule-risk: draft:DIR (write an e-mail draft there) or chat:NAME (post to a stored webhook)",
    )
    sp.add_argument(
        "--rule-risk", choices=[r.value for r in Risk], default="high", help="risk that fires a rule (high)"
    )
    sp.add_argument(
        "--max-per-minute",
        type=positive_int,
        default=30,
        metavar="N",
        help="alerts accepted per minute from each source (the webhook, the folder); "
        "the webhook answers 429 beyond (30)",
    )
    sp.add_argument("--show-token", action="store_true", help="print the webhook's bearer token and exit")
    sp.add_argument("--new-token", action="store_true", help="generate a new bearer token, print it and exit")
    add_engine_arguments(sp)
    sp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from iocdesk.inbox.token import inbox_token, new_inbox_token

    try:
        if args.show_token or args.new_token:
            print(new_inbox_token() if args.new_token else inbox_token())
            return EXIT_OK
        token = None if args.no_webhook else inbox_token()
    except KeyringUnavailable as exc:
        error(f"{exc} (set IOCDESK_INBOX_TOKEN instead)")
        return EXIT_FAILED
    try:
        rules = [Rule.parse(text, Risk(args.rule_risk)) for text in args.rule]
        formats = parse_formats(args.formats)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    if args.no_webhook and not args.folder:
        error("nothing to serve: give --folder, or leave the webhook on")
        return EXIT_USAGE
    folder = Path(args.folder) if args.folder else None
    if folder is not None and not folder.is_dir():
        error(f"{folder}: not a folder")
        return EXIT_USAGE
    with open_session(args) as session:
        if session is None:
            return EXIT_KEY
        options = InboxOptions(max_per_minute=args.max_per_minute, rules=rules)
        try:
            plan = _plan_into(Path(args.out), formats) if args.out else None
        except UnsafePathError as exc:  # a link, or another user's folder: names there are predictable
            error(str(exc))
            return EXIT_USAGE
        client = session.client
        inbox = Inbox.from_session(session, options, listener=Printer(lambda: client.quota), export_plan=plan)
        return asyncio.run(_serve(inbox, token, args.port, folder, args.settle))


def _settle_seconds(value: str) -> float:
    number = float(value)
    if not 0 <= number <= MAX_SETTLE:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SETTLE:g} seconds")
    return number


async def _serve(inbox: Inbox, token: str | None, port: int, folder: Path | None, settle: float) -> int:
    from iocdesk.inbox.webhook import WebhookServer

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    with contextlib.ExitStack() as stack:
        if token is not None:
            try:
                hook = stack.enter_context(WebhookServer(inbox.submit_text, token, port=port, lookup=inbox.find))
            except OSError as exc:
                error(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}")
                return EXIT_FAILED
            _say(f"webhook: POST {hook.url} (Authorization: Bearer <token from `iocdesk serve --show-token`>)")
        tasks = [asyncio.ensure_future(inbox.serve())]
        if folder is not None:
            from iocdesk.inbox.folder import FolderWatcher

            try:
                watcher = FolderWatcher(folder, functools.partial(_submit_file, inbox), settle=settle)
            except OSError as exc:  # gone or replaced since the argument was checked
                error(f"{folder}: {exc.strerror or exc}")
                return EXIT_FAILED
            if watcher.notice:
                _say(f"warning: {watcher.notice}")
            tasks.append(asyncio.ensure_future(watcher.run(stop)))
            _say(
                f"watching {folder} (a file is read once unchanged for {settle:g} s; "
                "processed files move to done/, unreadable ones to failed/)"
            )
        _say("ready; Ctrl+C stops")
        await stop.wait()
        inbox.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
    waiting = inbox.queued
    _say(f"stopped; {waiting} alerts not looked up yet are kept in history" if waiting else "stopped")
    return EXIT_OK


class Printer:
    """One line per processed alert on standard output (data shown with hidden characters escaped),
    with what is left of the day's Pulsedive quota when the server says."""

    def __init__(self, quota: Callable[[], object] = lambda: None) -> None:
        self._quota = quota

    def alert_changed(self, alert: Alert) -> None:
        if alert.status in (AlertStatus.QUEUED, AlertStatus.RUNNING):
            return
        line = alert_line(alert)
        left = getattr(self._quota(), "day", None)
        if alert.status is AlertStatus.DONE and left is not None:
            line += f" | quota today {left}"
        print(line, flush=True)

    def notify(self, alert: Alert) -> None:
        print(f"{_now()} {alert.id} NOTIFY: {alert.worst_risk} risk in {reveal(alert.name, limit=80)!r}", flush=True)


def alert_line(alert: Alert) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(alert.counts.items()))
    parts = [
        f"{_now()} {alert.id} {alert.status}",
        f"{alert.source}",
        repr(reveal(alert.name, limit=80)),
        f"{alert.indicators} IOCs",
    ]
    if counts:
        parts.append(counts)
    if alert.worst_risk is not None:
        parts.append(f"worst {alert.worst_risk}")
    if alert.run_id is not None:
        parts.append(f"run {alert.run_id}")
    if alert.duplicate_of:
        parts.append(f"same IOCs as {alert.duplicate_of}")
    if alert.error:
        parts.append(f"error: {reveal(alert.error, limit=200)}")
    return " | ".join(parts)


def _plan_into(out: Path, formats: list[Format]) -> AlertPlan:
    """Each alert's exports in ``out``, named after its id: new files only, in a real folder of this user."""
    out.mkdir(parents=True, exist_ok=True)
    check_dir(out, what="the --out folder")
    return lambda alert: ExportPlan.into_folder(out, alert.id, formats, subject=ALERT_SUBJECT)


def _submit_file(inbox: Inbox, alert: FolderAlert) -> None:
    inbox.submit(alert.name, alert.indicators, alert.source)


def _now() -> str:
    return f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _say(message: str) -> None:
    sys.stderr.write(f"iocdesk serve: {message}\n")
    sys.stderr.flush()
