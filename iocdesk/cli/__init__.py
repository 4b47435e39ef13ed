"""The ``iocdesk`` command: subcommands over the Qt-free packages (Qt is imported only to open the window)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from iocdesk import __version__
from iocdesk.cli.common import EXIT_INTERRUPTED, EXIT_USAGE
from iocdesk.extraction.tlds import tld_list_version
from iocdesk.platform.logs import setup_logging
from iocdesk.platform.paths import set_base_dir
from iocdesk.platform.shutdown import exit_without_waiting_for_requests


class _Parser(argparse.ArgumentParser):
    """argparse already exits 2 on bad usage; keep its message to one clear line."""

    def error(self, message: str) -> NoReturn:  # argparse API
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def version_text() -> str:
    return f"iocdesk {__version__} (IANA TLD list {tld_list_version()}, Python {sys.version.split()[0]})"


def build_parser(commands: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser with the subcommands ``commands`` (all of them by default)."""
    commands = commands or COMMANDS
    parser = _Parser(
        prog="iocdesk",
        description="Extract indicators of compromise and triage them on Pulsedive. "
        "Without a command, opens the desktop window.",
    )
    parser.add_argument("--version", action="version", version=version_text())
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation works (opens the window offscreen on demo data) and exit",
    )
    parser.add_argument("--demo", action="store_true", help="open the window on the built-in demo service")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log at DEBUG level, also to standard error, and say where the log file is (secrets redacted)",
    )
    parser.add_argument(
        "--basedir",
        metavar="DIR",
        help="keep settings, cache, history and logs under DIR (portable use; also IOCDESK_BASEDIR)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in commands:
        importlib.import_module(f"iocdesk.cli.{command}").add_parser(sub)
    return parser


# In the order `iocdesk --help` lists them.
COMMANDS = ("extract", "analyze", "explore", "key", "history", "cache", "serve", "webhook", "mail", "sandbox")


def _named_command(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names, if it names one: only its module is then imported, so
    ``iocdesk extract`` starts without the lookup engine, requests or the keyring."""
    args = iter(argv)
    for arg in args:
        if arg == "--basedir":
            next(args, None)  # its value
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    named = _named_command(argv)
    args = build_parser((named,) if named else COMMANDS).parse_args(argv)
    if args.self_test:  # before logging: the self-test touches nothing of the user's
        from iocdesk.gui.selftest import run_self_test

        return run_self_test()
    if args.basedir:
        set_base_dir(args.basedir)
    log_file = setup_logging(debug=args.debug, console=args.debug)
    if args.debug and log_file is not None:
        sys.stderr.write(f"iocdesk: debug log: {log_file}\n")
    handler = getattr(args, "handler", None)
    if handler is not None:
        try:
            status: int = handler(args)
        except BrokenPipeError:  # `iocdesk extract big.log | head`: the reader has gone, as `cat` does
            _quiet_stdout()
            return EXIT_BROKEN_PIPE
        if status == EXIT_INTERRUPTED:  # results are written; a hung request must not hold the exit
            exit_without_waiting_for_requests(status)
        return status
    from iocdesk.gui.launch import run_gui

    return run_gui(demo=args.demo)


# 128 + SIGPIPE: what a shell reports for `cat` in the same place.
EXIT_BROKEN_PIPE = 141


def _quiet_stdout() -> None:
    """Point stdout at the null device, so flushing it at exit raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stdout)
        pass
