"""``iocdesk explore``: search Pulsedive with its query language, or open a threat or a feed.

    iocdesk explore "threat=ryuk" --limit 50
    iocdesk explore "risk=high and type=domain" --json
    iocdesk explore --threat Zeus          # the threat and its linked indicators
    iocdesk explore --feed 54

Answers are cached like lookups (``--no-cache``, ``--cache-ttl``) and every request goes
through the account's pace and quota (``lookup.pivots``). Values come from Pulsedive's
records of attacker infrastructure: the table shows hidden characters as escapes and
cuts long values in the middle; ``--json`` is strict JSON (ASCII, no NaN) with every value whole.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import unicodedata
from typing import Any

from iocdesk.cli.analyze import elide_middle, open_session, terminal_safe
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
    warn,
)
from iocdesk.indicators.results import Intel, Risk
from iocdesk.lookup.pivots import (
    EXPLORE_DEFAULT_LIMIT,
    EXPLORE_EXAMPLES,
    EXPLORE_MAX_LIMIT,
    ExploreResult,
    FeedPivot,
    LinkedIndicators,
    PivotError,
    PivotProblem,
    Pivots,
    ThreatPivot,
    feed_url,
    indicator_url,
    threat_url,
)
from iocdesk.lookup.session import LookupSession
from iocdesk.platform.credentials import ENV_VAR
from iocdesk.pulsedive.client import DEFAULT_BASE_URL
from iocdesk.pulsedive.parse import LinkedIndicator

EXIT_FOR = {
    PivotProblem.NOT_FOUND: EXIT_FAILED,
    PivotProblem.BAD_QUERY: EXIT_USAGE,
    PivotProblem.KEY_REJECTED: EXIT_KEY,
    PivotProblem.QUOTA: EXIT_INCOMPLETE,
    PivotProblem.RATE_LIMITED: EXIT_INCOMPLETE,
    PivotProblem.UNREACHABLE: EXIT_INCOMPLETE,
    PivotProblem.FAILED: EXIT_FAILED,
}
# Not a terminal: a line still fits an editor or a log viewer (as `analyze` does).
_PIPED_INDICATOR = 100
_MIN_INDICATOR = 24
_AFTER_INDICATOR = 1 + 9 + 9 + 19  # " type(8) risk(8) YYYY-MM-DD HH:MM:SS"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ep = sub.add_parser(
        "explore",
        help="search Pulsedive (threat=ryuk, feed=urlhaus...) or open a threat or a feed",
        description="Search Pulsedive with its query language, e.g. "
        + ", ".join(f"'{q}'" for q in EXPLORE_EXAMPLES)
        + ", or open a threat (--threat) or a feed (--feed) with its linked indicators. "
        f"The API key comes from the OS keyring (`iocdesk key set`) or {ENV_VAR}. Exit status: 0 when "
        "answered, 1 when the threat or feed does not exist or Pulsedive failed, 2 on bad usage or a query "
        "Pulsedive did not accept, 3 when the key is missing or rejected, 4 when the quota is used up or "
        "Pulsedive cannot be reached (or a list could be read only in part).",
    )
    ep.add_argument("query", nargs="?", metavar="QUERY", help="a query in Pulsedive's query language")
    what = ep.add_mutually_exclusive_group()
    what.add_argument("--threat", metavar="NAME|TID", help="open this threat (its name or numeric id)")
    what.add_argument("--feed", type=positive_int, metavar="FID", help="open this feed (its numeric id)")
    ep.add_argument(
        "--limit",
        type=_limit,
        default=EXPLORE_DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N results (1 to {EXPLORE_MAX_LIMIT}; default {EXPLORE_DEFAULT_LIMIT})",
    )
    ep.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ep.add_argument("--api-url", default=DEFAULT_BASE_URL, metavar="URL", help="Pulsedive API base URL")
    ep.add_argument(
        "--paths",
        dest="path_family",
        choices=("legacy", "current"),
        default="legacy",
        help="endpoint family: info.php (legacy, default) or threat.php/feed.php",
    )
    ep.add_argument("--rate", type=positive_float, default=None, metavar="R", help="at most R requests per second")
    ep.add_argument("--per-day", type=positive_int, metavar="N", help="requests per day the account allows")
    ep.add_argument("--per-month", type=positive_int, metavar="N", help="requests per month the account allows")
    ep.add_argument("--no-cache", action="store_true", help="ask Pulsedive again even for cached answers")
    ep.add_argument(
        "--cache-ttl", type=positive_float, default=24.0, metavar="HOURS", help="use cached answers younger than this"
    )
    ep.add_argument("--proxy", metavar="URL", help="HTTP(S) proxy for Pulsedive (default: the system's)")
    ep.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to trust (a TLS-inspecting proxy)")
    ep.add_argument(
        "--demo", action="store_true", help="ask the built-in sandbox (demo data, nothing leaves this machine)"
    )
    # What `open_session` (analyze's) reads and explore has no use for.
    ep.set_defaults(
        handler=run, scan="off", hosts="auto", concurrency=1, submit=False, include_private=False, refresh=False
    )


def _limit(value: str) -> int:
    number = positive_int(value)
    if number > EXPLORE_MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be at most {EXPLORE_MAX_LIMIT}")
    return number


def run(args: argparse.Namespace) -> int:
    query = (args.query or "").strip()
    if args.threat is None and args.feed is None and not query:
        error(f"give a query, e.g. iocdesk explore '{EXPLORE_EXAMPLES[0]}', or --threat NAME or --feed ID")
        return EXIT_USAGE
    if query and (args.threat is not None or args.feed is not None):
        error("give a query or --threat/--feed, not both")
        return EXIT_USAGE
    with open_session(args) as session:
        if session is None:
            return EXIT_KEY
        try:
            return _answer(session, args, query)
        except PivotError as exc:
            error(terminal_safe(exc.message))
            return EXIT_FOR[exc.problem]
        except KeyboardInterrupt:
            warn("interrupted")
            return EXIT_INTERRUPTED


def _answer(session: LookupSession, args: argparse.Namespace, query: str) -> int:
    out = sys.stdout
    with Pivots(session) as pivots:
        if args.threat is not None:
            threat = args.threat.strip()
            found = (
                pivots.threat(tid=int(threat)) if threat.isascii() and threat.isdigit() else pivots.threat(name=threat)
            )
            print_threat(found, out, as_json=args.json)
            return _links_status(found.links)
        if args.feed is not None:
            feed = pivots.feed(args.feed)
            print_feed(feed, out, as_json=args.json)
            return _links_status(feed.links)
        result = pivots.explore(query, args.limit)
    print_explore(result, out, as_json=args.json)
    return EXIT_OK


def _links_status(links: LinkedIndicators) -> int:
    if not links.complete:
        warn(terminal_safe(links.note or "the linked indicators could be read only in part"))
        return EXIT_INCOMPLETE
    return EXIT_OK


# -- JSON ---------------------------------------------------------------------------------------
def _json(document: dict[str, Any], out: Any) -> None:
    # ASCII only: no terminal control or bidi character reaches a terminal even inside strings
    out.write(json.dumps(document, ensure_ascii=True, allow_nan=False, indent=2) + "\n")


def _risk(risk: Risk | None) -> str | None:
    return str(risk) if risk is not None else None


def explore_item(intel: Intel) -> dict[str, Any]:
    return {
        "indicator": intel.indicator,
        "type": intel.pulsedive_type,
        "risk": _risk(intel.risk),
        "last_seen": intel.seen,
        "iid": intel.iid,
        "url": indicator_url(intel.iid),
    }


def linked_item(item: LinkedIndicator) -> dict[str, Any]:
    return {
        "indicator": item.indicator,
        "type": item.pulsedive_type,
        "risk": _risk(item.risk),
        "linked": item.linked,
        "iid": item.iid,
        "url": indicator_url(item.iid),
    }


def _links_document(links: LinkedIndicators) -> dict[str, Any]:
    return {
        "linked": [linked_item(i) for i in links.items],
        "linked_count": links.fetched,
        "linked_capped": links.capped,
        "linked_complete": links.complete,
        "note": links.note,
    }


# -- output -------------------------------------------------------------------------------------
def print_explore(result: ExploreResult, out: Any, *, as_json: bool = False) -> None:
    if as_json:
        items = [explore_item(i) for i in result.results]
        document = {"query": result.query, "limit": result.limit, "count": len(items), "results": items}
        _json(document | {"maybe_more": result.maybe_more, "from_cache": result.from_cache}, out)
        return
    rows = [(i.indicator or "", i.pulsedive_type or "", _risk(i.risk) or "-", i.seen or "-") for i in result.results]
    _table(rows, "last seen", out)
    line = f"{len(rows)} result(s) for {terminal_safe(result.query)}"
    if result.maybe_more:
        line += f"; there may be more (--limit {min(result.limit * 10, EXPLORE_MAX_LIMIT)})"
    if result.from_cache:
        line += " (cached answer)"
    out.write(line + "\n")


def print_threat(pivot: ThreatPivot, out: Any, *, as_json: bool = False) -> None:
    t = pivot.threat
    if as_json:
        threat = {
            "tid": t.tid,
            "name": t.name,
            "category": t.category,
            "risk": _risk(t.risk),
            "othernames": list(t.othernames),
            "description": t.description,
            "wikisummary": t.wikisummary,
            "wikireference": t.wikireference,
            "retired": t.retired,
            "added": t.added,
            "updated": t.updated,
            "last_seen": t.seen,
            "news": [{"title": n.title, "link": n.link, "channel": n.channel, "stamp": n.stamp} for n in t.news],
            "url": threat_url(t.tid),
        }
        _json({"threat": threat, **_links_document(pivot.links), "from_cache": pivot.from_cache}, out)
        return
    facts = [
        ("threat", f"{t.name} (tid {t.tid})" if t.tid is not None else t.name),
        ("category", t.category),
        ("risk", _risk(t.risk)),
        ("also known as", ", ".join(t.othernames)),
        ("retired", t.retired),
        ("last seen", t.seen),
        ("summary", t.description or t.wikisummary),
        ("reference", t.wikireference),
        ("news", "; ".join(f"{n.title} <{n.link}>" if n.link else n.title for n in t.news[:5])),
    ]
    _facts(facts, out)
    _linked(pivot.links, out)


def print_feed(pivot: FeedPivot, out: Any, *, as_json: bool = False) -> None:
    f = pivot.feed
    if as_json:
        feed = {
            "fid": f.fid,
            "name": f.name,
            "category": f.category,
            "organization": f.organization,
            "pricing": f.pricing,
            "website": f.website,
            "schedule": f.schedule,
            "added": f.added,
            "updated": f.updated,
            "pulled": f.pulled,
            "indicators": dict(f.indicators),
            "url": feed_url(f.fid),
        }
        _json({"feed": feed, **_links_document(pivot.links), "from_cache": pivot.from_cache}, out)
        return
    counts = ", ".join(f"{n} {level}" for level, n in f.indicators.items())
    facts = [
        ("feed", f"{f.name} (fid {f.fid})" if f.fid is not None else f.name),
        ("organization", f.organization),
        ("category", f.category),
        ("pricing", f.pricing),
        ("schedule", f.schedule),
        ("website", f.website),
        ("last pulled", f.pulled),
        ("indicators", counts),
    ]
    _facts(facts, out)
    _linked(pivot.links, out)


def _facts(facts: list[tuple[str, str | None]], out: Any) -> None:
    width = max(len(name) for name, _ in facts)
    for name, value in facts:
        if value:
            out.write(f"{name + ':':<{width + 1}} {terminal_safe(value)}\n")


def _linked(links: LinkedIndicators, out: Any) -> None:
    out.write("\n")
    rows = [(i.indicator or "", i.pulsedive_type or "", _risk(i.risk) or "-", i.linked or "-") for i in links.items]
    _table(rows, "linked", out)
    out.write(f"{links.fetched} linked indicator(s)\n")
    if links.note:
        out.write(terminal_safe(links.note) + "\n")


def _table(rows: list[tuple[str, str, str, str]], when: str, out: Any) -> None:
    """indicator, type, risk and a time, aligned; every value terminal-safe, long ones cut in the middle."""
    room = _indicator_room(out)
    ellipsis = _ellipsis_for(out)
    shown = [elide_middle(indicator, room, ellipsis) for indicator, *_ in rows]
    column = max([len("indicator"), *(_width(s) for s in shown)])
    out.write(f"{'indicator':<{column}} {'type':<8} {'risk':<8} {when}\n")
    for (_, kind, risk, stamp), indicator in zip(rows, shown, strict=True):
        pad = " " * (column - _width(indicator))
        out.write(f"{indicator}{pad} {terminal_safe(kind):<8} {terminal_safe(risk):<8} {terminal_safe(stamp)}\n")


def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _indicator_room(out: Any) -> int:
    isatty = getattr(out, "isatty", None)
    if isatty is None or not isatty():
        return _PIPED_INDICATOR
    return max(_MIN_INDICATOR, shutil.get_terminal_size().columns - _AFTER_INDICATOR)


def _ellipsis_for(out: Any) -> str:
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        "…".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "..."
    return "…"
