"""The export plan: what to write where and which chats to post to, and the one function that does it.

``iocdesk analyze`` and ``history`` build a plan from their flags, ``serve
--out`` from a folder and a list of formats, an inbox rule from its action,
the window from the menu item chosen; ``carry_out`` writes and posts for all
of them in the same order with the same rules: the workbook before the
draft that attaches it, every step tried even when one fails, one outcome
per step for the face to word.

Every file goes through ``platform.safe_files`` (issue 14): never written
through a link; a plan's ``target`` says whether an existing file may be
replaced (``CHOSEN``: a path the analyst gave, their own regular file) or not
(``OUTPUT``: ``serve --out`` and inbox rules, whose names are predictable, in
a folder that must be a real folder of this user).
"""

from __future__ import annotations

import functools
import logging
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from iocdesk.delivery import chat
from iocdesk.platform.safe_files import Target
from iocdesk.reports import tabular
from iocdesk.reports.report import DEFAULT_SUBJECT, Report

log = logging.getLogger(__name__)


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    STIX = "stix"
    EML = "eml"

    @property
    def suffix(self) -> str:
        """File name ending: a STIX bundle is JSON, named so it is not mistaken for the results' JSON."""
        return ".stix.json" if self is Format.STIX else f".{self.value}"

    @property
    def what(self) -> str:
        """The words for messages ("could not write the {what}")."""
        return _WHAT[self]


_WHAT = {
    Format.JSON: "JSON file",
    Format.CSV: "CSV file",
    Format.XLSX: "workbook",
    Format.STIX: "STIX bundle",
    Format.EML: "e-mail draft",
}


def parse_formats(text: str) -> list[Format]:
    """``"json,xlsx"`` -> formats; ValueError naming the unknown ones."""
    names = [f.strip().lower() for f in text.split(",") if f.strip()]
    known = {f.value for f in Format}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"--formats: unknown {', '.join(unknown)} (known: {', '.join(f.value for f in Format)})")
    return [Format(n) for n in names]


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """Files to write (a path per format) and stored chat webhooks to post the summary to."""

    files: tuple[tuple[Format, Path], ...] = ()
    chats: tuple[str, ...] = ()
    subject: str = DEFAULT_SUBJECT  # the draft's subject and the chat title: {headline}, {title}...
    mail_to: tuple[str, ...] = ()
    xlsx_details: bool = False
    xlsx_defang: bool = False
    attach_workbook: bool = True  # the draft carries the workbook (written to a temp file when none is planned)
    target: Target = Target.CHOSEN  # OUTPUT: the inbox's own files, never replacing anything

    @classmethod
    def of(cls, files: Mapping[Format, str | Path | None] | None = None, **options: Any) -> ExportPlan:
        paths = tuple((Format(kind), Path(path)) for kind, path in (files or {}).items() if path)
        return cls(files=paths, **options)

    @classmethod
    def into_folder(cls, folder: Path, stem: str, formats: Iterable[Format], **options: Any) -> ExportPlan:
        """``folder/<stem>.<format>`` for each format (``serve --out``: one set per alert; new files only)."""
        options.setdefault("target", Target.OUTPUT)
        return cls.of({f: folder / f"{stem}{f.suffix}" for f in formats}, **options)

    def path(self, kind: Format) -> Path | None:
        return next((path for f, path in self.files if f is kind), None)

    @property
    def empty(self) -> bool:
        return not self.files and not self.chats


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """One step of a plan: a file written (``target`` is its path) or a chat posted (its name)."""

    what: str  # "workbook", "message to webhook 'soc'"...
    target: str
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def carry_out(plan: ExportPlan, report: Report) -> list[StepOutcome]:
    """Write every file and post every message of ``plan``; never raises for a failing step."""
    outcomes: list[StepOutcome] = []

    def attempt(what: str, target: str, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - one outcome per step; the rest still happen
            log.info("export: the %s failed (%s)", what, type(exc).__name__)
            outcomes.append(StepOutcome(what, target, exc))
        else:
            outcomes.append(StepOutcome(what, target))

    written: dict[Format, Path] = {}  # the draft attaches the workbook only if this run wrote it

    def write(kind: Format, path: Path) -> None:
        _WRITERS[kind](plan, report, path, written)
        written[kind] = path

    for kind in Format:  # a fixed order: the workbook is written before the draft that attaches it
        path = plan.path(kind)
        if path is not None:
            attempt(kind.what, str(path), functools.partial(write, kind, path))
    for name in plan.chats:
        attempt(f"message to webhook {name!r}", name, functools.partial(post_to_chat, name, report, plan.subject))
    return outcomes


def post_to_chat(name: str, report: Report, template: str = DEFAULT_SUBJECT) -> None:
    """Post the report's summary to the stored webhook ``name`` (WebhookError texts never hold its URL)."""
    webhook = chat.load_webhook(name)
    if webhook is None:
        raise chat.WebhookError(f"no webhook named {name!r} (add it with `iocdesk webhook add`)")
    chat.post(webhook, chat.payload_for(webhook.kind, report, template=template))


# -- writers -----------------------------------------------------------------------------------
Written = dict[Format, Path]


def _json(plan: ExportPlan, report: Report, path: Path, written: Written) -> None:
    run = {"id": report.run_id, "created": report.created, "scan": report.scan, "api_url": report.api_url}
    tabular.write_json(path, tabular.results_document(report.results, run), target=plan.target)


def _csv(plan: ExportPlan, report: Report, path: Path, written: Written) -> None:
    tabular.write_csv(path, report.results, target=plan.target)


def _xlsx(plan: ExportPlan, report: Report, path: Path, written: Written, target: Target | None = None) -> Path:
    from iocdesk.reports.xlsx import write_workbook  # openpyxl: loaded when a workbook is asked for

    return write_workbook(
        report, path, defang=plan.xlsx_defang, details=plan.xlsx_details, target=target or plan.target
    )


def _stix(plan: ExportPlan, report: Report, path: Path, written: Written) -> None:
    from iocdesk.reports.stix import write_bundle

    write_bundle(report, path, target=plan.target)


def _eml(plan: ExportPlan, report: Report, path: Path, written: Written) -> None:
    from iocdesk.reports.email import build_draft, write_draft

    recipients = list(plan.mail_to)
    if not plan.attach_workbook:
        write_draft(build_draft(report, recipients=recipients, subject_template=plan.subject), path, target=plan.target)
        return
    with tempfile.TemporaryDirectory(prefix="iocdesk-") as tmp:
        # Only a workbook this plan just wrote: whatever else is at its path (a link planted after
        # a refused write, someone's file) is never attached.
        workbook = written.get(Format.XLSX) or _xlsx(
            plan, report, Path(tmp) / "iocdesk-results.xlsx", written, target=Target.OUTPUT
        )
        message = build_draft(report, recipients=recipients, subject_template=plan.subject, attachment=workbook)
        write_draft(message, path, target=plan.target)


_WRITERS: dict[Format, Callable[[ExportPlan, Report, Path, Written], object]] = {
    Format.JSON: _json,
    Format.CSV: _csv,
    Format.XLSX: _xlsx,
    Format.STIX: _stix,
    Format.EML: _eml,
}
