"""A label that shows a whole value, wrapped where it must: a 2,000-character URL in the detail pane.

QLabel wraps only between words, so a URL without spaces asked for its whole
length as the label's minimum width and pushed the window past the screen
(issue 16). This label wraps between words where it can and inside a word
where it must, asks for the height that takes, and keeps ``text()`` the value
itself: no zero-width spaces that would ride along into a blocklist when copied.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

__all__ = ["WrappingLabel"]


class WrappingLabel(QLabel):
    """Plain text only, drawn wrapped at word boundaries or anywhere; copy it with the pane's buttons."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, objectName: str = "") -> None:  # noqa: N803 - Qt's keyword
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)  # drawn here, never a link
        self.setOpenExternalLinks(False)
        self.setObjectName(objectName)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setText(text)

    def _layout(self, width: int) -> tuple[QTextLayout, float]:
        # QTextLayout breaks lines at U+2028, not at "\n"
        layout = QTextLayout(self.text().replace("\r\n", "\n").replace("\n", "\u2028"), self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1, width))
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        return layout, y

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        if not self.text():
            return self.fontMetrics().height() + margins.top() + margins.bottom()
        _, height = self._layout(width - margins.left() - margins.right())
        return int(height + 0.999) + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        width = min(self.fontMetrics().horizontalAdvance(self.text()) + 2, 480)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 8, self.fontMetrics().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        layout, _ = self._layout(rect.width())
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        layout.draw(painter, QPointF(rect.topLeft()))
        painter.end()
