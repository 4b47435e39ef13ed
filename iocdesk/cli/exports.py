"""Export options shared by ``analyze`` and ``history show``: one Report, every format."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from iocdesk.reports.report import DEFAULT_SUBJECT, Report
from iocdesk.reports.tabular import results_document, write_csv, write_json
from iocdesk.cli.common import error


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON (generated, summary, results)")
    parser.add_argument("--csv", metavar="FILE", help="write the results as CSV (UTF-8, formula-safe)")
    parser.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook (Summary with a chart, Results)")
    parser.add_argument("--xlsx-details", action="store_true", help="add a Details sheet with every property")
    parser.add_argument("--xlsx-defang", action="store_true", help="write indicators defanged in the workbook")
    parser.add_argument("--stix", metavar="FILE", help="write a STIX 2.1 bundle (for MISP, OpenCTI...)")
    parser.add_argument("--eml", metavar="FILE", help="write an e-mail draft (.eml) with the workbook attached")
    parser.add_argument("--mail-to", metavar="ADDRESS", action="append", default=[], help="draft recipient (repeatable)")
    parser.add_argument("--subject", metavar="TEMPLATE", default=DEFAULT_SUBJECT,
                        help="draft subject; {headline}, {total}, {run_id}, {date}, {title} (default: %(default)s)")
    parser.add_argument("--webhook", metavar="NAME", action="append", default=[],
                        help="post the summary to a chat webhook stored with `iocdesk webhook add` (repeatable)")


def write_exports(report: Report, args: argparse.Namespace) -> bool:
    """Write every export asked for; one line per failure. True when all succeeded."""
    ok = True

    def attempt(what: str, action) -> None:
        nonlocal ok
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - one clear line per export, the rest still happen
            error(f"could not write the {what}: {exc}")
            ok = False

    run = {"id": report.run_id, "created": report.created, "scan": report.scan, "api_url": report.api_url}
    if args.json:
        attempt("JSON file", lambda: write_json(args.json, results_document(report.results, run)))
    if args.csv:
        attempt("CSV file", lambda: write_csv(args.csv, report.results))
    if args.xlsx:
        attempt("workbook", lambda: _workbook(report, Path(args.xlsx), args))
    if args.stix:
        from iocdesk.reports.stix import write_bundle

        attempt("STIX bundle", lambda: write_bundle(report, args.stix))
    if args.eml:
        attempt("e-mail draft", lambda: _draft(report, Path(args.eml), args))
    for name in args.webhook:
        attempt(f"message to webhook {name!r}", lambda name=name: _post(report, name))
    return ok


def _workbook(report: Report, path: Path, args: argparse.Namespace) -> Path:
    from iocdesk.reports.xlsx import write_workbook

    return write_workbook(report, path, defang=args.xlsx_defang, details=args.xlsx_details)


def _draft(report: Report, path: Path, args: argparse.Namespace) -> None:
    from iocdesk.reports.email import build_draft, write_draft

    with tempfile.TemporaryDirectory(prefix="iocdesk-") as tmp:
        workbook = Path(args.xlsx) if args.xlsx else _workbook(report, Path(tmp) / "iocdesk-results.xlsx", args)
        message = build_draft(report, recipients=args.mail_to, subject_template=args.subject, attachment=workbook)
        write_draft(message, path)


def _post(report: Report, name: str) -> None:
    from iocdesk.delivery import chat

    webhook = chat.load_webhook(name)
    if webhook is None:
        raise ValueError("no such webhook (add it with `iocdesk webhook add`)")
    chat.post(webhook, chat.payload_for(webhook.kind, report))
