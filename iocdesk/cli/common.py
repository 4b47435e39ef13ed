"""Pieces every ``iocdesk`` subcommand shares: exit codes, messages, argument types."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

# The extraction modules are imported in the functions that use them: every command, and
# `iocdesk --version`, imports this module, and most of them extract nothing.
if TYPE_CHECKING:
    from iocdesk.extraction.extract import IndicatorCollector
    from iocdesk.indicators.types import IndicatorType

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2  # bad usage or unreadable input
EXIT_KEY = 3  # no API key, or Pulsedive rejected it
EXIT_INCOMPLETE = 4  # the run stopped before the end (quota used up, Pulsedive unreachable); kept, resumable
EXIT_INTERRUPTED = 130


def error(message: str) -> None:
    sys.stderr.write(f"iocdesk: error: {message}\n")


def warn(message: str) -> None:
    sys.stderr.write(f"iocdesk: warning: {message}\n")


def parse_types(value: str) -> list[IndicatorType]:
    from iocdesk.indicators.types import IndicatorType

    types = []
    for name in value.replace(" ", ",").split(","):
        if not name:
            continue
        try:
            types.append(IndicatorType(name.strip().lower()))
        except ValueError:
            known = ", ".join(t.value for t in IndicatorType)
            raise argparse.ArgumentTypeError(f"unknown type {name!r} (known: {known})") from None
    return types


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return number


def read_inputs(paths: list[str], collector: IndicatorCollector) -> tuple[list[str], bool]:
    """Feed files (``-``: standard input) to ``collector``; one line per unreadable input.

    Returns the names read and whether every input was readable; the readable
    ones are read in full either way.
    """
    from iocdesk.extraction.importers import InputError, iter_chunks, iter_stream_chunks

    names: list[str] = []
    ok = True
    for path in paths or ["-"]:
        try:
            stream = iter_stream_chunks(sys.stdin.buffer) if path == "-" else iter_chunks(path)
            with stream:
                collector.add_chunks(stream)
            for message in stream.warnings:
                warn(message)
            names.append(stream.name)
        except InputError as exc:
            error(str(exc))
            ok = False
    return names, ok
