"""``iocdesk analyze``: extract IOCs from files or stdin and look them up on Pulsedive."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

from iocdesk.cli.common import (
    EXIT_FAILED,
    EXIT_INCOMPLETE,
    EXIT_INTERRUPTED,
    EXIT_KEY,
    EXIT_OK,
    EXIT_USAGE,
    error,
    positive_float,
    positive_int,
    read_inputs,
    warn,
)
from iocdesk.cli.exports import add_export_arguments, export_plan, write_exports
from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.indicators.display import reveal
from iocdesk.indicators.results import LookupResult, Status
from iocdesk.lookup.engine import EngineOptions, HostPolicy, LookupEngine, Progress, ScanPolicy, StopCause
from iocdesk.lookup.limiter import RateLimits
from iocdesk.lookup.session import DEMO_SANDBOX, Connection, LookupSession, NoApiKey, SessionConfig
from iocdesk.platform.credentials import ENV_VAR
from iocdesk.pulsedive.client import DEFAULT_BASE_URL
from iocdesk.reports.report import Report


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    an = sub.add_parser(
        "analyze",
        help="extract IOCs and look them up on Pulsedive",
        description="Extract IOCs like `iocdesk extract`, look each one up on Pulsedive within the account's "
        "rate limits, print a summary and write the files asked for. The API key comes from the OS keyring "
        f"(`iocdesk key set`) or {ENV_VAR}. Exit status: 0 when the run completed, 2 on bad usage or "
        "unreadable input, 3 when the key is missing or rejected, 130 when interrupted (the run is kept in "
        "history and can be resumed).",
    )
    an.add_argument("paths", nargs="*", metavar="PATH", help="files to read; '-' or nothing reads standard input")
    add_engine_arguments(an)
    add_export_arguments(an)
    an.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")
    an.set_defaults(handler=run)


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by `analyze` and `history resume`."""
    parser.add_argument("--api-url", default=DEFAULT_BASE_URL, metavar="URL", help="Pulsedive API base URL")
    parser.add_argument(
        "--paths",
        dest="path_family",
        choices=("legacy", "current"),
        default="legacy",
        help="endpoint family: info.php (legacy, default) or indicator.php/threat.php/feed.php",
    )
    parser.add_argument(
        "--scan",
        choices=[p.value for p in ScanPolicy],
        default="off",
        help="scan indicators Pulsedive does not know: passive (no contact with the target) or "
        "active (port scan and HTTP fetch: touches the target). Default: off",
    )
    parser.add_argument(
        "--submit", action="store_true", help="store scan results in Pulsedive's public database (default: not stored)"
    )
    parser.add_argument(
        "--hosts",
        choices=[p.value for p in HostPolicy],
        default="auto",
        help="look up the host of a URL or e-mail address (found only inside it): auto (default) when the URL or "
        "address gets no verdict (not found, unsupported, error), all: always, off: never (hosts are then not listed)",
    )
    parser.add_argument("--concurrency", type=positive_int, default=4, metavar="N", help="parallel requests (4)")
    parser.add_argument(
        "--rate",
        type=positive_float,
        default=None,
        metavar="R",
        help="at most R requests per second (default: none; the pace is learnt from Pulsedive's answers, "
        "starting at a free account's 1/s)",
    )
    parser.add_argument("--per-day", type=positive_int, metavar="N", help="requests per day the account allows")
    parser.add_argument("--per-month", type=positive_int, metavar="N", help="requests per month the account allows")
    parser.add_argument(
        "--include-private", action="store_true", help="also look up private, reserved and internal addresses"
    )
    parser.add_argument("--no-cache", action="store_true", help="ask Pulsedive again even for cached results")
    parser.add_argument(
        "--cache-ttl",
        type=positive_float,
        default=24.0,
        metavar="HOURS",
        help="use cached answers younger than this (default 24)",
    )
    parser.add_argument(
        "--proxy",
        metavar="URL",
        help="HTTP(S) proxy for Pulsedive (default: the system's, from HTTPS_PROXY/HTTP_PROXY)",
    )
    parser.add_argument(
        "--ca-bundle", metavar="FILE", help="CA certificates to trust (a corporate TLS-inspecting proxy)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run against the built-in sandbox (demo data, no account, nothing leaves this machine)",
    )


def engine_options(args: argparse.Namespace) -> EngineOptions:
    return EngineOptions(
        limits=RateLimits(per_second=args.rate, per_day=args.per_day, per_month=args.per_month),
        concurrency=args.concurrency,
        scan=ScanPolicy(args.scan),
        hosts=HostPolicy(args.hosts),
        submit=args.submit,
        include_private=args.include_private,
        use_cache=not args.no_cache,
    )


def session_config(args: argparse.Namespace) -> SessionConfig:
    """The lookup settings the engine flags say (``add_engine_arguments``)."""
    connection = Connection(
        api_url=args.api_url, paths=args.path_family, proxy=args.proxy or None, ca_bundle=args.ca_bundle or None
    )
    return SessionConfig(connection=connection, engine=engine_options(args), cache_ttl_hours=args.cache_ttl)


@contextlib.contextmanager
def open_session(args: argparse.Namespace) -> Iterator[LookupSession | None]:
    """The lookup session for this command, or None after one clear message when there is no key.
    ``--demo`` looks up in the built-in sandbox, started here for the command's lifetime."""
    config = session_config(args)
    with contextlib.ExitStack() as stack:
        if args.demo:
            from iocdesk.pulsedive.sandbox import SandboxConfig, SandboxServer

            sandbox = stack.enter_context(SandboxServer(SandboxConfig(**DEMO_SANDBOX)))
            # the demo's pace is learnt from the sandbox's answers, as an account's would be
            config.demo_url = sandbox.base_url
        try:
            session = stack.enter_context(LookupSession.open(config, purge_cache=True))
        except NoApiKey:
            error(f"no Pulsedive API key: store one with `iocdesk key set`, or set {ENV_VAR}")
            yield None
            return
        yield session


def run(args: argparse.Namespace) -> int:
    collector = IndicatorCollector(hosts=args.hosts != HostPolicy.OFF)
    sources, readable = read_inputs(args.paths, collector)
    if not readable:
        return EXIT_USAGE
    indicators = collector.results()
    args.sources = sources
    with open_session(args) as session:
        if session is None:
            return EXIT_KEY
        options = {
            "concurrency": args.concurrency,
            "rate": args.rate,
            "include_private": args.include_private,
            "submit": args.submit,
            "cache": not args.no_cache,
            "hosts": args.hosts,
        }
        run_id = session.start_run(sources or ["<stdin>"], indicators, options=options)
        return execute(session, args, indicators, run_id)


def execute(session: LookupSession, args: argparse.Namespace, items: list[Any], run_id: int | None) -> int:
    """Run the engine over ``items`` with a progress bar; report; return the exit status."""
    show = not getattr(args, "quiet", False)
    bar = ProgressBar(sys.stderr) if show and sys.stderr.isatty() else None
    engine = session.engine(run_id, listener=bar)
    interrupted = _run_cancellable(engine, items)
    if bar is not None:
        bar.close()
    results = engine.results
    session.finish_run(run_id, engine)
    if engine.stop_cause is StopCause.KEY_REJECTED:
        error(engine.stop_reason or "Pulsedive rejected the API key")
        return EXIT_KEY
    resume = f"`iocdesk history resume {run_id}`" if run_id is not None else "run it again"
    if engine.stop_cause is StopCause.QUOTA_EXHAUSTED:  # a free plan's normal day, not an error
        left = sum(r.status is Status.PENDING for r in results)
        warn(f"{engine.stop_reason}; {left} indicators not looked up yet, then: {resume}")
    elif engine.stop_reason:
        hint = " (see --proxy, --ca-bundle and --api-url)" if engine.stop_cause is StopCause.UNREACHABLE else ""
        error(f"{engine.stop_reason}{hint}; the run stopped and is kept: {resume}")
    answered = [r for r in results if r.status in (Status.FOUND, Status.NOT_FOUND, Status.SCANNED)]
    failed = [r for r in results if r.status is Status.ERROR]
    if failed and not answered and not interrupted and not engine.stop_reason:
        error(f"no lookup succeeded: {failed[0].error} (check the network, --proxy, --ca-bundle and --api-url)")
    report = Report(
        results, run_id=run_id, sources=getattr(args, "sources", []) or [], scan=args.scan, api_url=session.base_url
    )
    exported = write_exports(report, export_plan(args))
    if show:
        print_summary(results, sys.stdout)
    if interrupted:
        warn(f"interrupted; run {run_id} is saved: `iocdesk history resume {run_id}`")
        return EXIT_INTERRUPTED
    if not exported:
        return EXIT_FAILED
    return EXIT_INCOMPLETE if engine.stop_reason else EXIT_OK


def _run_cancellable(engine: LookupEngine, items: list[Any]) -> bool:
    """Run the engine; Ctrl+C (or SIGTERM) cancels it cleanly. True when interrupted."""
    interrupted = False

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def stop() -> None:
            nonlocal interrupted
            interrupted = True
            engine.cancel()

        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: no signal handlers
                loop.add_signal_handler(sig, stop)
        await engine.run(items)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        interrupted = True
    return interrupted


class ProgressBar:
    """One line on a terminal: done/total, counts, ETA, quota, pace ("pace 25/s, learnt from Pulsedive")."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._last = ""

    def result(self, index: int, result: LookupResult) -> None:
        pass

    def progress(self, progress: Progress) -> None:
        width = 24
        filled = int(width * progress.done / progress.total) if progress.total else width
        counts = " ".join(f"{k}:{v}" for k, v in sorted(progress.counts.items()) if k != "pending")
        eta = f" ETA {progress.eta:.0f}s" if progress.eta else ""
        quota = ""
        if progress.quota is not None and getattr(progress.quota, "day", None) is not None:
            quota = f" quota today {progress.quota.day}"
        pace = f" pace {progress.pace}" if progress.pace is not None else ""
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} {counts}{eta}{quota}{pace}"
        if progress.paused:
            line += " (paused)"
        if line != self._last:
            self._stream.write(line.ljust(len(self._last)))
            self._stream.flush()
            self._last = line

    def close(self) -> None:
        if self._last:
            self._stream.write("\n")
            self._stream.flush()


def terminal_safe(text: str) -> str:
    """Intel text is attacker-influenced: no escape sequences or bidi overrides reach the terminal."""
    return reveal(text)


# The summary's fixed columns after the indicator: " type(7) status(11) risk(9) " and room for
# the start of the threats, so a narrow terminal still shows them on the same line.
_AFTER_INDICATOR = 1 + 8 + 12 + 10
_THREATS_ROOM = 20
_MIN_INDICATOR = 24
# Not a terminal (a pipe, a file, a CI log): no width to fit, yet a line still fits an editor or
# a log viewer. 100 characters shows every realistic domain, address and hash whole and a long URL
# by its start and its end; the JSON/CSV exports have every value in full.
_PIPED_INDICATOR = 100


def _cell_width(piece: str) -> int:
    """Terminal columns ``piece`` takes: wide (CJK) characters two, combining marks none."""
    if piece.isascii():
        return len(piece)
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in piece)


def elide_middle(value: str, width: int, ellipsis: str = "…", *, keep_at: int | None = None) -> str:
    """``value`` with hidden characters revealed (``reveal``), cut in the middle to at most
    ``width`` columns: two long URLs that differ in their path still read differently by
    their start (scheme, host) and their end (file name, query). ``keep_at`` (a character
    index) also keeps a window around that place, between two ellipses: where two values that
    would look alike differ. An escape (``\\u202e``) is kept whole or left out whole."""
    pieces = [reveal(ch) for ch in value]  # one piece a character, its escape when hidden
    widths = [_cell_width(p) for p in pieces]
    if sum(widths) <= width:
        return "".join(pieces)
    gap = _cell_width(ellipsis)
    n = len(pieces)
    if keep_at is None:
        room = max(0, width - gap)
        head_room, mid_room, tail_room = room - room // 2, 0, room // 2  # the start gets the odd one
        mid_from = 0
    else:
        room = max(0, width - 2 * gap)
        head_room = tail_room = room // 3
        mid_room = room - 2 * head_room
        mid_from = max(0, keep_at - mid_room // 4)  # a little of what comes before the difference

    def take(first: int, step: int, budget: int, stop: int) -> int:
        """Walk from ``first`` by ``step`` while the pieces fit ``budget``; the index reached."""
        at, used = first, 0
        while at != stop and used + widths[at if step > 0 else at - 1] <= budget:
            used += widths[at if step > 0 else at - 1]
            at += step
        return at

    head_end = take(0, 1, head_room, n)
    mid_from = max(mid_from, head_end)
    mid_end = take(mid_from, 1, mid_room, n) if mid_room else mid_from
    tail_from = take(n, -1, tail_room, mid_end)
    kept = [(0, head_end), (mid_from, mid_end), (tail_from, n)]
    out: list[str] = []
    last = 0
    for begin, stop in kept:
        if begin >= stop:
            continue
        if begin > last:
            out.append(ellipsis)
        out.append("".join(pieces[begin:stop]))
        last = stop
    if last < n:
        out.append(ellipsis)
    return "".join(out)


def _elided(values: list[str], width: int, ellipsis: str) -> list[str]:
    """Each value elided to ``width``; distinct values that would still print alike (they differ
    only in the part left out) also keep a window where each one first differs from the others."""
    shown = [elide_middle(v, width, ellipsis) for v in values]
    alike: dict[str, set[str]] = {}
    for value, text in zip(values, shown, strict=True):
        alike.setdefault(text, set()).add(value)
    for i, (value, text) in enumerate(zip(values, shown, strict=True)):
        others = alike[text] - {value}
        if others:
            differs_at = max(len(os.path.commonprefix([value, other])) for other in others)  # noqa: RUF071 - characters, not paths
            shown[i] = elide_middle(value, width, ellipsis, keep_at=differs_at)
    return shown


def _indicator_room(out: Any) -> int:
    """The most columns the indicator column may take on ``out``."""
    isatty = getattr(out, "isatty", None)
    if isatty is None or not isatty():
        return _PIPED_INDICATOR
    columns = shutil.get_terminal_size().columns  # $COLUMNS first, then the terminal itself
    return max(_MIN_INDICATOR, columns - _AFTER_INDICATOR - _THREATS_ROOM)


def _ellipsis_for(out: Any) -> str:
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        "…".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "..."
    return "…"


def _threats_note(result: LookupResult) -> str:
    """The threats column: its own threats (or error), and its host's verdict when that is worse:
    the risk column shows the worse one, this says where it comes from."""
    own = ", ".join(t.name for t in result.intel.threats[:3]) if result.intel else (result.error or "")
    host = result.host_result
    if host is None or result.verdict_risk is result.risk:
        return own
    threats = ", ".join(t.name for t in host.intel.threats[:3]) if host.intel else ""
    note = f"host {host.indicator}: {host.risk}" + (f" ({threats})" if threats else "")
    return f"{note}; {own}" if own else note


def print_summary(results: list[LookupResult], out: Any, *, indicator_width: int | None = None) -> None:
    """A table of what matters first: risky and scanned ones, then counts. Indicators longer
    than the column (``indicator_width``, else what the terminal leaves, else 100 when ``out``
    is not a terminal) are cut in the middle (``elide_middle``); the columns stay aligned."""
    ranked = sorted(
        results,
        key=lambda r: (-(r.verdict_risk.severity if r.verdict_risk else -1), r.status != Status.FOUND, r.indicator),
    )
    room = indicator_width if indicator_width is not None else _indicator_room(out)
    ellipsis = _ellipsis_for(out)
    shown = _elided([r.indicator for r in ranked], room, ellipsis)
    column = max([len("indicator"), *(_cell_width(s) for s in shown)])
    out.write(f"{'indicator':<{column}} {'type':<7} {'status':<11} {'risk':<9} threats\n")
    for result, indicator in zip(ranked, shown):
        threats = terminal_safe(_threats_note(result))
        risk = str(result.verdict_risk) if result.verdict_risk else "-"
        pad = " " * (column - _cell_width(indicator))
        out.write(f"{indicator}{pad} {result.type!s:<7} {result.status!s:<11} {risk:<9} {threats}\n")
    counts: dict[str, int] = {}
    for result in results:
        counts[str(result.status)] = counts.get(str(result.status), 0) + 1
    out.write(", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + f" of {len(results)} indicators\n")
