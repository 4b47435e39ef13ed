"""``iocdesk extract``: print the IOCs found in files or standard input."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterable
from typing import TextIO

from iocdesk.cli.common import EXIT_OK, EXIT_USAGE, error, parse_types, read_inputs
from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.extraction.refang import defang
from iocdesk.indicators.display import reveal
from iocdesk.indicators.host_links import parent_type
from iocdesk.indicators.types import MAX_SOURCES_KEPT, Indicator, IndicatorType
from iocdesk.reports.safety import spreadsheet_safe

_FORMATS = ("text", "json", "jsonl", "csv")
_CSV_FIELDS = ("type", "value", "display", "defanged", "count", "scope", "lookup", "host", "derived_from", "sources")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ex = sub.add_parser(
        "extract",
        help="print the IOCs found in files or standard input",
        description="Extract, refang and de-duplicate IOCs from text, CSV/TSV, XLSX and JSON/JSONL files "
        "(or standard input). Exit status: 0 on success (also when nothing is found), 2 on bad usage "
        "or unreadable input.",
    )
    ex.add_argument("paths", nargs="*", metavar="PATH", help="files to read; '-' or nothing reads standard input")
    ex.add_argument("-f", "--format", choices=_FORMATS, default="text", help="output format (default: text)")
    ex.add_argument(
        "-t",
        "--types",
        type=parse_types,
        action="extend",
        metavar="TYPES",
        help="only these types, comma-separated (e.g. ipv4,domain,url); repeatable",
    )
    ex.add_argument(
        "--jsonl",
        action="store_true",
        help='batch mode: read JSON lines {"id": ..., "text": ...} on stdin, write {"id": ..., "iocs": [...]} per line',
    )
    ex.add_argument(
        "--hosts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="report the host of every URL and e-mail address as an indicator of its own, with the values it was "
        "found in (derived_from); --no-hosts leaves them out (default: on)",
    )
    ex.add_argument("--public-only", action="store_true", help="leave out private, reserved and internal addresses")
    ex.add_argument("--defang", action="store_true", help="print values defanged (text and csv formats)")
    ex.set_defaults(handler=run)


# -- extract ---------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    # Machine formats are UTF-8 whatever the locale says; a legacy console
    # gets replacement characters rather than a UnicodeEncodeError.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8" if args.format != "text" or args.jsonl else None, errors="replace")
    out = sys.stdout
    if args.jsonl:
        if args.paths and args.paths != ["-"]:
            error("--jsonl reads standard input only")
            return EXIT_USAGE
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace")
        return _extract_batch(args, stdin, out)
    collector = IndicatorCollector(args.types, hosts=args.hosts)
    _, readable = read_inputs(args.paths, collector)
    status = EXIT_OK if readable else EXIT_USAGE
    indicators = [i for i in collector.results() if not (args.public_only and not i.lookup_by_default)]
    _write(indicators, args, out)
    return status


def _extract_batch(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    status = EXIT_OK
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text", ""), str):
                raise ValueError('expected an object {"id": ..., "text": "..."}')
        except ValueError as exc:
            error(f"<stdin> line {number}: {exc}")
            out.write(json.dumps({"id": None, "line": number, "error": str(exc)}) + "\n")
            status = EXIT_USAGE
            continue
        collector = IndicatorCollector(args.types, hosts=args.hosts)
        collector.add_text(record.get("text", ""))
        iocs = [i.to_dict() for i in collector.results() if not (args.public_only and not i.lookup_by_default)]
        out.write(json.dumps({"id": record.get("id"), "iocs": iocs}, ensure_ascii=False) + "\n")
        out.flush()
    return status


def _shown(indicator: Indicator, args: argparse.Namespace) -> str:
    return defang(indicator.value, indicator.type) if args.defang else indicator.value


def _write(indicators: Iterable[Indicator], args: argparse.Namespace, out: TextIO) -> None:
    if args.format == "json":
        json.dump([i.to_dict() for i in indicators], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "jsonl":
        for i in indicators:
            out.write(json.dumps(i.to_dict(), ensure_ascii=False) + "\n")
    elif args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=_CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for i in indicators:
            row = i.to_dict()
            row["value"] = _shown(i, args)
            row["sources"] = "; ".join(str(s) for s in i.sources)
            row["derived_from"] = "; ".join(i.derived_from)
            writer.writerow({k: spreadsheet_safe(row.get(k, "")) for k in _CSV_FIELDS})
    else:
        for i in indicators:
            notes = [] if i.scope == "public" else [str(i.scope)]
            if i.defanged:
                notes.append("defanged")
            if i.derived_only:
                notes.append("host of " + _derived_note(i))
            suffix = f"\t({', '.join(notes)})" if notes else ""
            # Text goes to a terminal: a URL path may hold bidi overrides or C1 escapes (U+009B).
            out.write(f"{i.type}\t{reveal(_shown(i, args))}{suffix}\n")


def _derived_note(indicator: Indicator) -> str:
    """ "1 URL", "2 URLs and 1 e-mail address": what a host found only inside others came from."""
    emails = sum(parent_type(value) is IndicatorType.EMAIL for value in indicator.derived_from)
    urls = len(indicator.derived_from) - emails
    parts = []
    if urls:
        parts.append(f"{urls} URL" + ("s" if urls > 1 else ""))
    if emails:
        parts.append(f"{emails} e-mail address" + ("es" if emails > 1 else ""))
    more = "+" if len(indicator.derived_from) >= MAX_SOURCES_KEPT else ""
    return " and ".join(parts) + more
