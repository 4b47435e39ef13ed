"""What the analyst gives the window: the paste box, files (open, recent, dropped), pastes
too long to show and reopened runs, turned into indicators off the GUI thread.

One source of truth: the indicators shown always come from the latest thing the analyst
gave (``source``). Every new input (an edit, a file, a run) takes a new generation; a
reading or an extraction that finishes after a newer input began is dropped, so a demo
sample or a slow extraction can never replace a file's indicators. A file or a run clears
the editor (undoably: Ctrl+Z brings the text back, and makes it the input again) so the
editor never shows text the indicators did not come from. A file that cannot be read gets
one clear message (the importers' words, as the CLI says them) and the input stays as it was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from iocdesk.extraction.extract import IndicatorCollector, extract
from iocdesk.extraction.importers import InputError, iter_chunks
from iocdesk.gui.settings import AppSettings
from iocdesk.gui.tasks import Tasks
from iocdesk.gui.widgets.paste_box import MAX_EDITOR_LINE, PasteBox
from iocdesk.indicators.types import Indicator

log = logging.getLogger(__name__)

_EXTRACT_DELAY_MS = 250  # extraction runs when typing pauses, not per keystroke


class SourceKind(StrEnum):
    TEXT = "text"  # the editor's text
    PASTE = "paste"  # pasted text too long-lined to show in the editor
    FILE = "file"
    RUN = "run"  # a run reopened from History or from an inbox alert


@dataclass(frozen=True, slots=True)
class InputSource:
    """Where the indicators shown came from. ``name`` goes into History ("pasted text", a file's
    path, "run 12"); ``label`` is what the window shows above the editor."""

    kind: SourceKind
    name: str
    label: str = ""


class InputActions(QObject):
    found = Signal(list)  # the indicators to show (they replace what is shown)
    sourceChanged = Signal(object)  # the InputSource of the indicators just shown
    message = Signal(str)  # for the status line
    failed = Signal(str, str)  # a notice: title, message

    def __init__(self, paste: PasteBox, settings: AppSettings, tasks: Tasks, parent: QWidget) -> None:
        super().__init__(parent)
        self._paste, self._settings, self._tasks, self._parent = paste, settings, tasks, parent
        self._generation = 0  # of the latest input asked for: an edit, a file, a run
        self._clearing = False  # the editor is being cleared for a file or a run: not an edit
        self.source = InputSource(SourceKind.TEXT, "pasted text")
        self._timer = QTimer(self, singleShot=True, interval=_EXTRACT_DELAY_MS)
        self._timer.timeout.connect(self._schedule_extraction)
        paste.textChanged.connect(self._edited)
        paste.oversized.connect(lambda text: self._tasks.spawn(self.read_oversized_paste(text)))

    # -- the paste box ---------------------------------------------------------------------
    def _edited(self) -> None:
        if not self._clearing:
            self._timer.start()

    def _schedule_extraction(self) -> None:
        self._generation += 1
        self._tasks.spawn(self._extract(self._paste.toPlainText(), self._generation), name="extraction")

    async def _extract(self, text: str, generation: int) -> None:
        found = await asyncio.get_running_loop().run_in_executor(None, extract, text)
        if generation == self._generation:  # a later input supersedes this one
            self._show(found, InputSource(SourceKind.TEXT, "pasted text"))

    async def read_oversized_paste(self, text: str) -> None:
        """Pasted text with a line too long for the editor (see paste_box): read, not shown."""
        generation = self._new_input()
        found = await self._read(
            lambda: extract(text), self.tr("the pasted text"), self.tr("Cannot read the pasted text"), generation
        )
        if found is not None:
            label = self.tr("Pasted text too long to show ({size} characters): %n indicators", "", len(found))
            self._take_over_editor()
            self._show(found, InputSource(SourceKind.PASTE, "pasted text", label.format(size=f"{len(text):,}")))
            self.message.emit(
                self.tr(
                    "Pasted text read but not shown: it has a line longer than {limit} characters, "
                    "which the editor cannot display without freezing. %n indicators found.",
                    "",
                    len(found),
                ).format(limit=f"{MAX_EDITOR_LINE:,}")
            )

    # -- runs ------------------------------------------------------------------------------
    def show_run(self, indicators: list[Indicator], name: str, label: str) -> None:
        """A reopened run is the input now: its indicators, the editor cleared (undoably)."""
        self._new_input()
        self._take_over_editor()
        self._show(indicators, InputSource(SourceKind.RUN, name, label))

    # -- files -----------------------------------------------------------------------------
    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._parent, self.tr("Open a file with indicators"), "", self.tr("All files (*)")
        )
        if path:
            self.open_later(path)

    def open_later(self, path: str) -> None:
        """Read ``path`` in the background (a drop, a recent file, a file named at start)."""
        self._tasks.spawn(self.load_file(path), name=f"open {path}")

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        for path in self._settings.recent_files:

            def reopen(p: str = path) -> None:  # a def, not a lambda: mypy cannot type a lambda with a default here
                self.open_later(p)

            menu.addAction(path, reopen)
        if menu.isEmpty():
            menu.addAction(self.tr("(none)")).setEnabled(False)

    async def load_file(self, path: str) -> None:
        def read() -> list[Indicator]:
            collector = IndicatorCollector()
            with iter_chunks(path) as stream:
                collector.add_chunks(stream)
            return collector.results()

        generation = self._new_input()
        found = await self._read(read, path, self.tr("Cannot read the file"), generation)
        if found is not None:
            self._settings.add_recent_file(path)
            label = self.tr("From file {name}: %n indicators", "", len(found)).format(name=Path(path).name)
            self._take_over_editor()
            self._show(found, InputSource(SourceKind.FILE, path, label))
            self.message.emit(self.tr("Read {path}: %n indicators.", "", len(found)).format(path=path))

    # -- one input at a time -----------------------------------------------------------------
    def _new_input(self) -> int:
        """A new input begins: an edit waiting to be extracted, or a reading still going, loses."""
        self._timer.stop()
        self._generation += 1
        return self._generation

    def _take_over_editor(self) -> None:
        """Clear the editor for a file or a run, undoably and without it counting as an edit."""
        self._clearing = True
        try:
            self._paste.clear_undoably()
        finally:
            self._clearing = False

    def _show(self, found: list[Indicator], source: InputSource) -> None:
        self.source = source
        self.found.emit(found)
        self.sourceChanged.emit(source)

    async def _read(
        self, read: Callable[[], list[Indicator]], what: str, title: str, generation: int
    ) -> list[Indicator] | None:
        """Run ``read`` off the GUI thread: its indicators, or None after one clear message (or
        silently when a newer input began meanwhile: the analyst moved on)."""
        self.message.emit(self.tr("Reading {what}...").format(what=what))
        try:
            found = await asyncio.get_running_loop().run_in_executor(None, read)
        except Exception as exc:
            if isinstance(exc, InputError):
                message = str(exc)  # the importers' words, in English: the CLI says the same
            elif isinstance(exc, MemoryError):
                message = self.tr("{what}: not enough memory to read it").format(what=what)
            else:  # a bug: the analyst still gets one line, the log gets the traceback
                log.exception("reading %s failed", what)
                message = self.tr("{what}: could not be read ({error}; details in the log file)").format(
                    what=what, error=type(exc).__name__
                )
            if generation == self._generation:
                self.failed.emit(title, message)
            return None
        if generation != self._generation:
            log.info("reading %s finished after a newer input: dropped", what)
            return None
        return found
