"""Attacker-controlled text shown safely: the one helper every view uses.

Every string the window shows may come from an attacker (pasted text, file
names, Pulsedive intel): it is shown as plain text with control, bidi and
zero-width characters as visible escapes (``\\u202e``, see
``iocdesk.indicators.display``), cut at ``DISPLAY_MAX`` characters saying how
many are left out (Qt lays out a cell's whole text on every paint: forty
100 kB values made one repaint of the table take seven seconds). Tooltips are
HTML-escaped rich text, because Qt renders a tooltip as HTML when it merely
looks like HTML.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from iocdesk.indicators.display import reveal

_TOOLTIP_MAX = 4000
DISPLAY_MAX = 1000  # characters of one value in a cell or label; the detail pane's raw JSON has everything


def safe_text(value: object, limit: int | None = DISPLAY_MAX, *, multiline: bool = False) -> str:
    """``value`` as plain text showing what it really is; ``multiline`` keeps line feeds and tabs
    (multi-line views), ``limit`` cuts it, saying how many characters are left out."""
    return reveal(value, keep="\n\t" if multiline else "", limit=limit)


def tooltip_html(lines: Iterable[object]) -> str:
    """A tooltip that Qt renders as rich text, built from escaped plain lines (no injected HTML)."""
    text = "\n".join(safe_text(line, None) for line in lines if line not in (None, ""))
    if not text:
        return ""
    if len(text) > _TOOLTIP_MAX:
        text = text[:_TOOLTIP_MAX] + "\n…"
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"
