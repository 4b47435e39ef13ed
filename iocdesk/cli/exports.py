"""Export flags shared by ``analyze`` and ``history``: they make an ExportPlan (``iocdesk.delivery.plan``)."""

from __future__ import annotations

import argparse

from iocdesk.cli.common import error
from iocdesk.delivery.plan import ExportPlan, Format, carry_out
from iocdesk.reports.report import DEFAULT_SUBJECT, Report


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON (generated, summary, results)")
    parser.add_argument("--csv", metavar="FILE", help="write the results as CSV (UTF-8, formula-safe)")
    parser.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook (Summary with a chart, Results)")
    parser.add_argument("--xlsx-details", action="store_true", help="add a Details sheet with every property")
    parser.add_argument("--xlsx-defang", action="store_true", help="write indicators defanged in the workbook")
    parser.add_argument("--stix", metavar="FILE", help="write a STIX 2.1 bundle (for MISP, OpenCTI...)")
    parser.add_argument("--eml", metavar="FILE", help="write an e-mail draft (.eml) with the workbook attached")
    parser.add_argument(
        "--mail-to", metavar="ADDRESS", action="append", default=[], help="draft recipient (repeatable)"
    )
    parser.add_argument(
        "--subject",
        metavar="TEMPLATE",
        default=DEFAULT_SUBJECT,
        help="draft subject; {headline}, {total}, {run_id}, {date}, {title} (default: %(default)s)",
    )
    parser.add_argument(
        "--webhook",
        metavar="NAME",
        action="append",
        default=[],
        help="post the summary to a chat webhook stored with `iocdesk webhook add` (repeatable)",
    )


def export_plan(args: argparse.Namespace) -> ExportPlan:
    """The plan the export flags say (``add_export_arguments``)."""
    files = {
        Format.JSON: args.json,
        Format.CSV: args.csv,
        Format.XLSX: args.xlsx,
        Format.STIX: args.stix,
        Format.EML: args.eml,
    }
    return ExportPlan.of(
        files,
        chats=tuple(args.webhook),
        subject=args.subject,
        mail_to=tuple(args.mail_to),
        xlsx_details=args.xlsx_details,
        xlsx_defang=args.xlsx_defang,
    )


def write_exports(report: Report, plan: ExportPlan) -> bool:
    """Carry the plan out; one line per failure. True when every step succeeded."""
    ok = True
    for step in carry_out(plan, report):
        if not step.ok:
            error(f"could not write the {step.what}: {step.error}")
            ok = False
    return ok
