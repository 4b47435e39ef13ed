"""Indicators on the clipboard: one rule for the whole window.

The table, the detail pane, linked indicators, threat/feed/explore views and
"Copy as blocklist" all copy through here, so one setting
(Settings > Appearance "Copy indicators defanged") decides whether the
analyst gets ``hxxps[://]evil[.]com`` (safe to paste into tickets, chat,
e-mail) or live values (for a blocklist or a firewall).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QGuiApplication

from iocdesk.extraction.refang import defang, refang_value
from iocdesk.indicators.types import IndicatorType

__all__ = ["copy_indicators", "indicator_lines"]


def indicator_lines(items: Iterable[tuple[str, IndicatorType | str]], *, defanged: bool) -> str:
    """``(value, type)`` pairs as text, one per line, each value once, in the order given.
    A type iocdesk does not know (a linked indicator Pulsedive calls something new) is copied
    refanged, or as it is when it cannot be defanged."""
    lines: dict[str, None] = {}
    for value, kind in items:
        live = refang_value(value)
        if defanged:
            try:
                live = defang(live, IndicatorType(kind))
            except ValueError:
                pass
        lines.setdefault(live, None)
    return "\n".join(lines)


def copy_indicators(items: Iterable[tuple[str, IndicatorType | str]], *, defanged: bool) -> str:
    """Put the indicators on the clipboard (see :func:`indicator_lines`); returns the text."""
    text = indicator_lines(items, defanged=defanged)
    if text:
        QGuiApplication.clipboard().setText(text)
    return text
