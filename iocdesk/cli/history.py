"""``iocdesk history list|show|resume``: past runs, kept as their results arrived."""

from __future__ import annotations

import argparse
import sys

from iocdesk.cli.analyze import add_engine_arguments, execute, open_session, print_summary
from iocdesk.cli.common import EXIT_FAILED, EXIT_KEY, EXIT_OK, EXIT_USAGE, error
from iocdesk.cli.exports import add_export_arguments, export_plan, write_exports
from iocdesk.lookup.session import planned_to_indicators
from iocdesk.reports.report import Report
from iocdesk.store import History


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hp = sub.add_parser("history", help="list, show and resume past runs")
    actions = hp.add_subparsers(dest="history_action", metavar="ACTION", required=True)
    lp = actions.add_parser("list", help="the latest runs, newest first")
    lp.add_argument("--limit", type=int, default=20)
    sp = actions.add_parser("show", help="a run's results")
    sp.add_argument("run_id", type=int)
    add_export_arguments(sp)
    rp = actions.add_parser("resume", help="look up what an interrupted run has not yet")
    rp.add_argument("run_id", type=int)
    add_engine_arguments(rp)
    add_export_arguments(rp)
    rp.add_argument("--quiet", action="store_true")
    hp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return {"list": _list, "show": _show, "resume": _resume}[args.history_action](args)


def _list(args: argparse.Namespace) -> int:
    with History() as history:
        history.mark_interrupted_runs()
        runs = history.list_runs(limit=args.limit)
    if not runs:
        print("no runs yet")
        return EXIT_OK
    print(f"{'id':>5}  {'created (UTC)':<20} {'state':<12} {'done':>9}  statuses")
    for summary in runs:
        statuses = ", ".join(f"{v} {k}" for k, v in sorted(summary.by_status.items()))
        print(
            f"{summary.id:>5}  {summary.created[:19]:<20} {summary.state!s:<12} {summary.done:>4}/{summary.total:<4}  {statuses}"
        )
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    with History() as history:
        try:
            meta, results = history.load_run(args.run_id)
        except KeyError:
            error(f"no run {args.run_id}")
            return EXIT_USAGE
    report = Report(
        results, run_id=args.run_id, created=meta.created, sources=list(meta.sources), scan=meta.scan or "off"
    )
    exported = write_exports(report, export_plan(args))
    print_summary(results, sys.stdout)
    return EXIT_OK if exported else EXIT_FAILED


def _resume(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        if session is None:
            return EXIT_KEY
        try:
            pending = session.resume_run(args.run_id)
        except KeyError:
            error(f"no run {args.run_id}")
            return EXIT_USAGE
        if not pending:
            assert session.history is not None  # resume_run needs it
            session.history.finish_run(args.run_id, "finished")
            print(f"run {args.run_id} has nothing left to look up")
            return EXIT_OK
        print(f"resuming run {args.run_id}: {len(pending)} indicators left", file=sys.stderr)
        return execute(session, args, planned_to_indicators(pending), args.run_id)
