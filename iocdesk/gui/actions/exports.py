"""The window's exports: files, the e-mail draft and link, the chat summary and posts.

Every one goes through the export plan (``iocdesk.delivery.plan``) that the
CLI and the inbox use, so the window writes the same files with the same
safety rules; this module only asks where, runs the plan off the GUI thread
and says how it went. ``message`` carries status-line text, ``failed`` a
problem worth a notice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QToolBar, QWidget

from iocdesk.delivery import chat
from iocdesk.delivery.plan import ExportPlan, Format, StepOutcome, carry_out
from iocdesk.gui.settings import AppSettings
from iocdesk.gui.tasks import Tasks
from iocdesk.platform.paths import data_dir
from iocdesk.reports.email import copy_summary, mailto_url
from iocdesk.reports.report import Report

_FILE_KINDS = (Format.XLSX, Format.CSV, Format.JSON, Format.STIX)


class ExportActions(QObject):
    message = Signal(str)  # for the status line
    failed = Signal(str)  # for the status line and a notice

    def __init__(
        self,
        report: Callable[[], Report | None],
        settings: AppSettings,
        tasks: Tasks,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._report, self._settings, self._tasks, self._parent = report, settings, tasks, parent
        self.chat_menu: QMenu | None = None

    # -- menus -------------------------------------------------------------------------------
    def fill_menu(self, menu: QMenu) -> None:
        """The Export menu: files, draft, link, summary, and a Post to chat submenu."""
        labels = {
            Format.XLSX: self.tr("Excel &workbook..."),
            Format.CSV: self.tr("&CSV..."),
            Format.JSON: self.tr("&JSON..."),
            Format.STIX: self.tr("&STIX 2.1 bundle..."),
        }
        for kind in _FILE_KINDS:
            action = QAction(labels[kind], self._parent, triggered=lambda _=False, k=kind: self.export(k))
            if kind is Format.XLSX:
                action.setShortcut(QKeySequence("Ctrl+E"))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(QAction(self.tr("Create e-mail &draft..."), self._parent, triggered=self.email_draft))
        menu.addAction(
            QAction(self.tr("E-mail &link (short summary, no attachment)"), self._parent, triggered=self.email_link)
        )
        menu.addAction(QAction(self.tr("Copy &summary for chat"), self._parent, triggered=self.copy_summary))
        self.chat_menu = menu.addMenu(self.tr("&Post to chat"))
        self.chat_menu.aboutToShow.connect(self.fill_chat_menu)

    def fill_toolbar(self, toolbar: QToolBar) -> None:
        for text, tip, slot in (
            (
                self.tr("Excel"),
                self.tr("Export the results as an Excel workbook (Ctrl+E)"),
                lambda: self.export(Format.XLSX),
            ),
            (
                self.tr("E-mail draft"),
                self.tr("Write an e-mail draft with the workbook attached and open it"),
                self.email_draft,
            ),
            (self.tr("Copy summary"), self.tr("Copy a short summary for chat tools"), self.copy_summary),
        ):
            action = toolbar.addAction(text, slot)
            action.setToolTip(tip)

    def fill_chat_menu(self) -> None:
        if self.chat_menu is None:
            return
        self.chat_menu.clear()
        try:
            names = chat.list_webhooks()
        except Exception:  # noqa: BLE001 - no keyring: nothing stored
            names = []
        for name in names:

            def post(n: str = name) -> None:  # a def, not a lambda: mypy cannot type a lambda with a default here
                self.post_to_chat(n)

            self.chat_menu.addAction(name, post)
        if not names:
            self.chat_menu.addAction(self.tr("(no webhooks: add one with `iocdesk webhook add`)")).setEnabled(False)

    # -- files -------------------------------------------------------------------------------
    def export(self, kind: Format | str) -> None:
        kind = Format(kind)
        report = self._report()
        if report is None:
            return
        names = {
            Format.XLSX: self.tr("Excel workbook (*.xlsx)"),
            Format.CSV: self.tr("CSV (*.csv)"),
            Format.JSON: self.tr("JSON (*.json)"),
            Format.STIX: self.tr("STIX 2.1 bundle (*.json)"),
        }
        default = f"iocdesk-{report.created[:10]}{kind.suffix}"
        path, _ = QFileDialog.getSaveFileName(self._parent, self.tr("Export"), default, names[kind])
        if path:
            self._tasks.spawn(self.write_file(kind, report, path), name=f"export {kind}")

    async def write_file(self, kind: Format | str, report: Report, path: str) -> None:
        plan = ExportPlan.of({Format(kind): path})
        step = (await self._run(plan, report))[0]
        if not step.ok:
            self._write_failed(step)
            return
        self.message.emit(self.tr("Exported %n results to {path}.", "", len(report.results)).format(path=path))

    # -- e-mail ------------------------------------------------------------------------------
    def email_draft(self) -> None:
        report = self._report()
        if report is not None:
            self._tasks.spawn(self.write_draft(report), name="e-mail draft")

    async def write_draft(self, report: Report) -> None:
        """Write a draft (.eml, workbook attached) into the drafts folder and open it in the mail client."""
        folder = data_dir() / "drafts"
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"iocdesk-{report.created[:19].replace(':', '')}"
        draft = stem.with_suffix(".eml")
        plan = ExportPlan.of(
            {Format.XLSX: stem.with_suffix(".xlsx"), Format.EML: draft},
            mail_to=tuple(self._settings.mail_recipients),
            subject=self._settings.mail_subject,
        )
        failures = [step for step in await self._run(plan, report) if not step.ok]
        if failures:
            self._write_failed(failures[0])
            return
        self.message.emit(self.tr("E-mail draft written to {path}; opening it in the mail client.").format(path=draft))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(draft)))

    def email_link(self) -> None:
        report = self._report()
        if report is not None:
            QDesktopServices.openUrl(
                QUrl(mailto_url(report, self._settings.mail_recipients, self._settings.mail_subject))
            )

    def copy_summary(self) -> None:
        report = self._report()
        if report is not None:
            QGuiApplication.clipboard().setText(copy_summary(report))
            self.message.emit(self.tr("Summary copied: paste it into the chat."))

    # -- chat --------------------------------------------------------------------------------
    def post_to_chat(self, name: str) -> None:
        report = self._report()
        if report is not None:
            self._tasks.spawn(self.post(name, report), name=f"post to {name}")

    async def post(self, name: str, report: Report) -> None:
        step = (await self._run(ExportPlan(chats=(name,)), report))[0]
        if not step.ok:
            # WebhookError texts never hold the URL; anything else is named by its type only
            error = step.error if isinstance(step.error, chat.WebhookError) else type(step.error).__name__
            self.failed.emit(self.tr("Could not post to {name}: {error}").format(name=name, error=error))
            return
        self.message.emit(self.tr("Summary posted to {name}.").format(name=name))

    def _write_failed(self, step: StepOutcome) -> None:
        error = getattr(step.error, "strerror", None) or step.error  # "Permission denied", not [Errno 13]
        self.failed.emit(self.tr("Could not write {path}: {error}").format(path=step.target, error=error))

    # -- running a plan ----------------------------------------------------------------------
    async def _run(self, plan: ExportPlan, report: Report) -> list[StepOutcome]:
        return await asyncio.get_running_loop().run_in_executor(None, carry_out, plan, report)
