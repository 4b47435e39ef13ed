"""A label for attacker-controlled text: plain text only, never a link, never wider than its pane."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

__all__ = ["plain_label"]


def plain_label(object_name: str, text: str = "", *, wrap: bool = True) -> QLabel:
    """A QLabel that can only ever show plain text (selectable, links inert). Wrapped, a long
    word (a URL, a hash) is cut at the pane's edge instead of widening the window."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(wrap)
    if wrap:
        label.setSizePolicy(QSizePolicy.Policy.Ignored, label.sizePolicy().verticalPolicy())
    label.setText(text)
    return label
