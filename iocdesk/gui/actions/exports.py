"""The window's exports: files, the e-mail draft and link, the chat summary and posts.

Every one goes through the export plan (``iocdesk.delivery.plan``) that the
CLI and the inbox use, so the window writes the same files with the same
safety rules; this module only asks where, runs the plan off the GUI thread
and says how it went. ``message`` carries status-line text, ``failed`` a
problem worth a notice.

What is exported is the choice in the Export menu (``ExportScope``, kept for
the session): the rows the table shows (the default: what the analyst sees
is what leaves), the selected rows, or every result of the run. The window's
``report(scope)`` builds the Report; the status line says how many of how many
went out ("Exported 4 of 27 results (shown) to …").

E-mail drafts go to a folder the analyst can find (``drafts_folder()``):
``Documents/iocdesk drafts``, or ``<base directory>/drafts`` when iocdesk runs
from a base directory (``--basedir``, portable use). The status line names the
file, a notice offers "Show in folder", and the draft is handed to the mail
client only when one is registered for ``.eml`` files
(``iocdesk.platform.mail_client``); otherwise the notice says so plainly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMenu, QMessageBox, QToolBar, QWidget

from iocdesk.delivery import chat
from iocdesk.delivery.plan import ExportPlan, Format, StepOutcome, carry_out
from iocdesk.gui.settings import AppSettings
from iocdesk.gui.tasks import Tasks
from iocdesk.platform.mail_client import mail_client_available
from iocdesk.platform.paths import base_dir, data_dir
from iocdesk.platform.safe_files import make_dir
from iocdesk.reports.email import copy_summary, mailto_url
from iocdesk.reports.report import Report

__all__ = ["DRAFTS_FOLDER_NAME", "ExportActions", "ExportScope", "drafts_folder"]

_FILE_KINDS = (Format.XLSX, Format.CSV, Format.JSON, Format.STIX)
DRAFTS_FOLDER_NAME = "iocdesk drafts"  # under the user's Documents


class ExportScope(StrEnum):
    """Which results an export takes: the rows the table shows, the selected rows, or the whole run."""

    SHOWN = "shown"
    SELECTED = "selected"
    ALL = "all"


def drafts_folder() -> Path:
    """Where e-mail drafts go: ``<base directory>/drafts`` when one is in force (portable use,
    tests), else ``Documents/iocdesk drafts``; the hidden data folder only when there is no
    Documents folder. The folder itself is created by the writer (private to the user)."""
    base = base_dir()
    if base is not None:
        return base / "drafts"
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents) / DRAFTS_FOLDER_NAME
    return data_dir() / "drafts"


@dataclass(frozen=True, slots=True)
class _Chosen:
    """A report of the chosen scope, and how many results the whole run has."""

    report: Report
    scope: ExportScope
    total: int


class ExportActions(QObject):
    """The Export menu and toolbar buttons.

    ``report(scope)`` gives the Report of that scope (None: nothing to report, having said why);
    ``total()`` the number of results in the run (default: ``len(report(ExportScope.ALL).results)``);
    ``drafts(folder)`` where drafts are written (default :func:`drafts_folder`).
    """

    message = Signal(str)  # for the status line
    failed = Signal(str)  # for the status line and a notice

    def __init__(
        self,
        report: Callable[[ExportScope], Report | None],
        settings: AppSettings,
        tasks: Tasks,
        parent: QWidget,
        *,
        total: Callable[[], int] | None = None,
        drafts: Callable[[], Path] = drafts_folder,
    ) -> None:
        super().__init__(parent)
        self._report, self._settings, self._tasks, self._parent = report, settings, tasks, parent
        self._total = total
        self._drafts = drafts
        self.chat_menu: QMenu | None = None
        self.scope = ExportScope.SHOWN  # for the session
        self.scope_group = QActionGroup(self)
        self.scope_group.setExclusive(True)
        self.scope_actions: dict[ExportScope, QAction] = {}
        for scope, text, tip in (
            (
                ExportScope.SHOWN,
                self.tr("Export: s&hown rows"),
                self.tr("Exports, drafts and chat summaries take the rows the table shows (the filter applies)"),
            ),
            (
                ExportScope.SELECTED,
                self.tr("Export: s&elected rows"),
                self.tr("Exports, drafts and chat summaries take the selected rows only"),
            ),
            (
                ExportScope.ALL,
                self.tr("Export: &all results"),
                self.tr("Exports, drafts and chat summaries take every result of the run, whatever the filter"),
            ),
        ):
            action = QAction(text, self.scope_group)
            action.setObjectName(f"exportScope_{scope}")
            action.setCheckable(True)
            action.setChecked(scope is self.scope)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _=False, s=scope: self.set_scope(s))
            self.scope_actions[scope] = action
        self.draft_notice: QMessageBox | None = None

    # -- scope --------------------------------------------------------------------------------
    def set_scope(self, scope: ExportScope | str) -> None:
        self.scope = ExportScope(scope)
        self.scope_actions[self.scope].setChecked(True)

    def _scope_words(self, scope: ExportScope) -> str:
        words = {
            ExportScope.SHOWN: self.tr("shown"),
            ExportScope.SELECTED: self.tr("selected"),
            ExportScope.ALL: self.tr("all"),
        }
        return words[scope]

    def _choose(self) -> _Chosen | None:
        """The report of the chosen scope; None (having said why) when it holds nothing."""
        scope = self.scope
        report = self._report(scope)
        if report is None:
            return None
        if not report.results:
            if scope is ExportScope.SELECTED:
                text = self.tr(
                    "Nothing to export: no row is selected. Select rows, or choose Export: shown rows or all results."
                )
            elif scope is ExportScope.SHOWN:
                text = self.tr(
                    "Nothing to export: the filter hides every result. Clear the filter, or choose Export: all results."
                )
            else:
                text = self.tr("Nothing to export: the run has no results.")
            self.message.emit(text)
            return None
        if scope is ExportScope.ALL:
            total = len(report.results)
        elif self._total is not None:
            total = self._total()
        else:
            everything = self._report(ExportScope.ALL)
            total = len(everything.results) if everything is not None else len(report.results)
        return _Chosen(report, scope, max(total, len(report.results)))

    def _count_text(self, n: int, scope: ExportScope | None, total: int | None) -> str:
        """ "4 of 27 results (shown)", or "27 results" when the scope is not known."""
        if scope is None or total is None:
            return self.tr("%n result", "", n) if n == 1 else self.tr("%n results", "", n)
        if total == 1:  # %n is the total: "1 of 27 results", "1 of 1 result"
            text = self.tr("{count} of %n result ({scope})", "", total)
        else:
            text = self.tr("{count} of %n results ({scope})", "", total)
        return text.format(count=n, scope=self._scope_words(scope))

    # -- menus -------------------------------------------------------------------------------
    def fill_menu(self, menu: QMenu) -> None:
        """The Export menu: the scope, files, draft, link, summary, and a Post to chat submenu."""
        for action in self.scope_actions.values():
            menu.addAction(action)
        menu.addSeparator()
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
                self.tr("Export the results as an Excel workbook (Ctrl+E); Export menu: shown, selected or all rows"),
                lambda: self.export(Format.XLSX),
            ),
            (
                self.tr("E-mail draft"),
                self.tr("Write an e-mail draft with the workbook attached and open it in the mail client"),
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
        chosen = self._choose()
        if chosen is None:
            return
        names = {
            Format.XLSX: self.tr("Excel workbook (*.xlsx)"),
            Format.CSV: self.tr("CSV (*.csv)"),
            Format.JSON: self.tr("JSON (*.json)"),
            Format.STIX: self.tr("STIX 2.1 bundle (*.json)"),
        }
        default = f"iocdesk-{chosen.report.created[:10]}{kind.suffix}"
        path, _ = QFileDialog.getSaveFileName(self._parent, self.tr("Export"), default, names[kind])
        if path:
            coroutine = self.write_file(kind, chosen.report, path, scope=chosen.scope, total=chosen.total)
            self._tasks.spawn(coroutine, name=f"export {kind}")

    async def write_file(
        self,
        kind: Format | str,
        report: Report,
        path: str,
        *,
        scope: ExportScope | None = None,
        total: int | None = None,
    ) -> None:
        plan = ExportPlan.of({Format(kind): path})
        step = (await self._run(plan, report))[0]
        if not step.ok:
            self._write_failed(step)
            return
        count = self._count_text(len(report.results), scope, total)
        self.message.emit(self.tr("Exported {count} to {path}.").format(count=count, path=path))

    # -- e-mail ------------------------------------------------------------------------------
    def email_draft(self) -> None:
        chosen = self._choose()
        if chosen is not None:
            self._tasks.spawn(
                self.write_draft(chosen.report, scope=chosen.scope, total=chosen.total), name="e-mail draft"
            )

    async def write_draft(self, report: Report, *, scope: ExportScope | None = None, total: int | None = None) -> None:
        """Write a draft (.eml, workbook attached) into the drafts folder; open it in the mail client
        when one is registered, and say where it is either way (with a "Show in folder" notice)."""
        folder = self._drafts()
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            make_dir(folder, what="drafts folder", mode=0o700)  # never through a link planted there
        except OSError as exc:
            error = getattr(exc, "strerror", None) or exc
            self.failed.emit(
                self.tr("Could not use the drafts folder {path}: {error}").format(path=folder, error=error)
            )
            return
        stem = folder / f"iocdesk-{report.created[:19].replace(':', '')}"
        draft, workbook = stem.with_suffix(".eml"), stem.with_suffix(".xlsx")
        plan = ExportPlan.of(
            {Format.XLSX: workbook, Format.EML: draft},
            mail_to=tuple(self._settings.mail_recipients),
            subject=self._settings.mail_subject,
        )
        failures = [step for step in await self._run(plan, report) if not step.ok]
        if failures:
            self._write_failed(failures[0])
            return
        count = self._count_text(len(report.results), scope, total)
        # The lookup may run xdg-mime (a shell script, up to a few seconds): off the GUI thread.
        registered = await asyncio.get_running_loop().run_in_executor(None, _mail_client)
        if registered is False:
            text = self.tr(
                "No mail client is registered for .eml files on this computer: the draft with {count} is at "
                "{path}; open it from your mail program or attach the workbook {workbook} by hand."
            )
        elif QDesktopServices.openUrl(QUrl.fromLocalFile(str(draft))):
            if registered:
                text = self.tr("E-mail draft with {count} written to {path}; opened in the mail client.")
            else:  # cannot tell: the desktop took it, but may hand it to something else
                text = self.tr(
                    "E-mail draft with {count} written to {path}; asked the desktop to open it in the mail "
                    "client (if none opens, open the draft from your mail program)."
                )
        else:
            text = self.tr(
                "E-mail draft with {count} written to {path}, but the desktop could not open it: open it from "
                "your mail program or attach the workbook {workbook} by hand."
            )
        text = text.format(count=count, path=draft, workbook=workbook)
        self.message.emit(text)
        self._notify_draft(draft, text)

    def show_in_folder(self, path: str | Path) -> bool:
        """Open the folder of ``path`` in the file manager (a folder URL, never a file to run)."""
        folder = Path(path).parent
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            return True
        self.failed.emit(
            self.tr("Could not open the folder {folder}: open it in your file manager.").format(folder=folder)
        )
        return False

    def email_link(self) -> None:
        chosen = self._choose()
        if chosen is None:
            return
        url = mailto_url(chosen.report, self._settings.mail_recipients, self._settings.mail_subject)
        if not QDesktopServices.openUrl(QUrl(url)):
            self.failed.emit(
                self.tr(
                    "Could not open the e-mail link: no mail program answered (none may be registered for "
                    "mailto: links). Use Copy summary for chat and paste it into a message instead."
                )
            )
            return
        count = self._count_text(len(chosen.report.results), chosen.scope, chosen.total)
        self.message.emit(self.tr("E-mail link with {count} handed to the mail program.").format(count=count))

    def copy_summary(self) -> None:
        chosen = self._choose()
        if chosen is not None:
            QGuiApplication.clipboard().setText(copy_summary(chosen.report))
            count = self._count_text(len(chosen.report.results), chosen.scope, chosen.total)
            self.message.emit(self.tr("Summary of {count} copied: paste it into the chat.").format(count=count))

    # -- chat --------------------------------------------------------------------------------
    def post_to_chat(self, name: str) -> None:
        chosen = self._choose()
        if chosen is not None:
            self._tasks.spawn(self.post(name, chosen.report), name=f"post to {name}")

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

    # -- the draft notice -------------------------------------------------------------------
    def _notify_draft(self, draft: Path, text: str) -> None:
        """A notice that does not block the window: the sentence, "Show in folder" and Close."""
        if self.draft_notice is not None:
            self.draft_notice.close()
        box = QMessageBox(
            QMessageBox.Icon.Information, self.tr("E-mail draft"), text, QMessageBox.StandardButton.Close, self._parent
        )
        box.setObjectName("draftNotice")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the path can be copied
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        show = box.addButton(self.tr("Show in &folder"), QMessageBox.ButtonRole.ActionRole)
        show.setObjectName("showInFolderButton")

        def clicked(button: QAbstractButton) -> None:
            if button is show:
                self.show_in_folder(draft)

        box.buttonClicked.connect(clicked)
        box.destroyed.connect(lambda *_: self._forget_notice(box))
        self.draft_notice = box
        box.show()

    def _forget_notice(self, box: QMessageBox) -> None:
        if self.draft_notice is box:
            self.draft_notice = None

    # -- running a plan ----------------------------------------------------------------------
    async def _run(self, plan: ExportPlan, report: Report) -> list[StepOutcome]:
        return await asyncio.get_running_loop().run_in_executor(None, carry_out, plan, report)


def _mail_client() -> bool | None:
    """``mail_client_available()``, looked up at each call (tests replace it)."""
    return mail_client_available()
