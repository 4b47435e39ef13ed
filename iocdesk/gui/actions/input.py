"""What the analyst gives the window: the paste box, files (open, recent, dropped) and pastes
too long to show, turned into indicators off the GUI thread.

The paste box is extracted again when typing pauses; a later edit supersedes an extraction
still running. A file or an oversized paste replaces the indicators shown, and an extraction
of the editor's text still running must not replace those. A file that cannot be read gets
one clear message (the importers' words, as the CLI says them) and the indicators shown stay.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

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


class InputActions(QObject):
    found = Signal(list)  # the indicators to show (they replace what is shown)
    message = Signal(str)  # for the status line
    failed = Signal(str, str)  # a notice: title, message

    def __init__(self, paste: PasteBox, settings: AppSettings, tasks: Tasks, parent: QWidget) -> None:
        super().__init__(parent)
        self._paste, self._settings, self._tasks, self._parent = paste, settings, tasks, parent
        self._generation = 0  # of the latest extraction of the editor's text
        self._timer = QTimer(self, singleShot=True, interval=_EXTRACT_DELAY_MS)
        self._timer.timeout.connect(self._schedule_extraction)
        paste.textChanged.connect(self._timer.start)
        paste.oversized.connect(lambda text: self._tasks.spawn(self.read_oversized_paste(text)))

    # -- the paste box ---------------------------------------------------------------------
    def _schedule_extraction(self) -> None:
        self._generation += 1
        self._tasks.spawn(self._extract(self._paste.toPlainText(), self._generation), name="extraction")

    async def _extract(self, text: str, generation: int) -> None:
        found = await asyncio.get_running_loop().run_in_executor(None, extract, text)
        if generation == self._generation:  # a later edit supersedes this one
            self.found.emit(found)

    async def read_oversized_paste(self, text: str) -> None:
        """Pasted text with a line too long for the editor (see paste_box): read, not shown."""
        found = await self._read(
            lambda: extract(text), self.tr("the pasted text"), self.tr("Cannot read the pasted text")
        )
        if found is not None:
            self.found.emit(found)
            self.message.emit(
                self.tr(
                    "Pasted text read but not shown: it has a line longer than {limit} characters, "
                    "which the editor cannot display without freezing. %n indicators found; "
                    "the editor kept its text.",
                    "",
                    len(found),
                ).format(limit=f"{MAX_EDITOR_LINE:,}")
            )

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

        found = await self._read(read, path, self.tr("Cannot read the file"))
        if found is not None:
            self.found.emit(found)
            self._settings.add_recent_file(path)
            self.message.emit(self.tr("Read {path}: %n indicators.", "", len(found)).format(path=path))

    async def _read(self, read: Callable[[], list[Indicator]], what: str, title: str) -> list[Indicator] | None:
        """Run ``read`` off the GUI thread: its indicators, or None after one clear message."""
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
            self.failed.emit(title, message)
            return None
        self._generation += 1  # an extraction of the editor's text still running must not replace these
        return found
