"""The paste box: a plain-text editor that never takes in text that would freeze it.

Two shapes of text freeze a QPlainTextEdit (measured, offscreen, 2 cores):

* a long paragraph: Qt lays it out whole at every repaint, and the cursor
  blinks twice a second; a 10 MB single-line paste (a minified JSON export, a
  log without line breaks) stalled the window ~0.8 s in every second (~70 ms
  per million characters). Text with a line that long is handed on through
  :attr:`PasteBox.oversized` instead, to be read like a file; the editor keeps
  what it had.
* a long word: wrapping at word boundaries is quadratic in the word's length
  (a 200,000-character token: 1.5 s; a 100,000-character one: 0.4 s). Text with
  such a word is wrapped anywhere instead, which is linear.

Long *texts* of ordinary lines are fine: 50 MB of log lines took ~1 s to paste,
then the window stayed responsive (longest stall ~0.2 s: the copy handed to extraction).
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QPlainTextEdit

MAX_EDITOR_LINE = 200_000  # repaints in ~15 ms: well within a responsive frame
MAX_WRAPPED_WORD = 10_000  # wraps at word boundaries in ~5 ms

_LINE_BREAKS = "\n\r\u2029"  # what ends a paragraph in the editor
_SPACES = " \t" + _LINE_BREAKS  # the common places to wrap a line (Qt knows more: conservative)


def _run_longer_than(text: str, limit: int, separators: str) -> bool:
    """True if ``text`` has more than ``limit`` characters in a row without one of ``separators``.

    Linear, in C-level steps of about ``limit`` characters: the last separator
    within each window starts the next one, so two steps cover at least
    ``limit`` characters.
    """
    size, start = len(text), 0
    while size - start > limit:
        end = start + limit + 1
        brk = max(text.rfind(sep, start, end) for sep in separators)
        if brk < 0:
            return True
        start = brk + 1
    return False


def has_line_longer_than(text: str, limit: int = MAX_EDITOR_LINE) -> bool:
    return _run_longer_than(text, limit, _LINE_BREAKS)


class PasteBox(QPlainTextEdit):
    """The editor analysts paste into; see the module docstring."""

    #: Text too long-lined for the editor (a ``str``, passed without a copy).
    oversized = Signal(object)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if not source.hasText():
            super().insertFromMimeData(source)
            return
        text = source.text()
        if has_line_longer_than(text):
            self.oversized.emit(text)
            return
        if _run_longer_than(text, MAX_WRAPPED_WORD, _SPACES):
            self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        # What Qt's plain-text paste does, without first building a document
        # fragment of it: a 50 MB paste holds the GUI thread 0.9 s instead of 2.3 s.
        cursor = self.textCursor()
        cursor.insertText(text)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def clear_undoably(self) -> None:
        """Empty the editor as an edit the analyst can undo (Ctrl+Z), unlike clear()."""
        if self.document().isEmpty():
            return
        cursor = self.textCursor()
        cursor.select(cursor.SelectionType.Document)
        cursor.removeSelectedText()
        self.setTextCursor(cursor)

    def replace_text(self, text: str) -> bool:
        """Show ``text`` instead of the current one; False (and ``oversized``) if it cannot be shown."""
        if has_line_longer_than(text):
            self.oversized.emit(text)
            return False
        wrap = QTextOption.WrapMode
        long_word = _run_longer_than(text, MAX_WRAPPED_WORD, _SPACES)
        self.setWordWrapMode(wrap.WrapAnywhere if long_word else wrap.WrapAtWordBoundaryOrAnywhere)
        self.setPlainText(text)
        return True
