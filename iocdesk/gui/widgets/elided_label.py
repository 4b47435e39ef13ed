"""A one-line label that never widens its window: long text is elided, the whole of it in the tooltip.

A QLabel asks for the width of its whole text as its minimum, so a status line or a row of counts
("found: 10 · not found: 3 · ...") made the main window wider than a 1366 px screen after a run,
and it could not be shrunk back (issue 16). This label asks for a few characters and draws what
fits, ending in "…"; ``text()`` is still the whole text (tests and screen readers read it).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from iocdesk.gui.text import tooltip_html

_MIN_CHARS = 8  # the width a label asks for at least, in average characters


class ElidedLabel(QLabel):
    """Plain text on one line, elided at the right when it does not fit."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, objectName: str = "") -> None:  # noqa: N803 - Qt's keyword
        super().__init__(text, parent)
        if objectName:
            self.setObjectName(objectName)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._sync_tooltip()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._sync_tooltip()
        self.update()

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        return QSize(
            metrics.averageCharWidth() * _MIN_CHARS + margins.left() + margins.right(),
            metrics.height() + margins.top() + margins.bottom(),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sync_tooltip()

    def _sync_tooltip(self) -> None:
        """The whole text as the tooltip when it does not fit; none when it does."""
        text = self.text()
        fits = self.fontMetrics().horizontalAdvance(text) <= self.contentsRect().width()
        # tooltip_html: Qt renders a tooltip that looks like HTML as HTML, and this text may quote a file name
        self.setToolTip("" if fits or not text else tooltip_html([text]))
