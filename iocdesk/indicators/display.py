"""Showing attacker-controlled text as what it really is.

IOC values and intel text come from attackers: control characters, bidi
overrides (U+202E turns ``exe.txt`` into ``txt.exe`` on screen), zero-width and
other invisible characters are shown as visible escapes (``\\u202e``), in the
window, the terminal and the reports alike.
"""

from __future__ import annotations

import unicodedata

# Control, format (bidi, zero-width), line/paragraph separators, surrogates,
# private use and unassigned code points.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_char(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def reveal(value: object, *, keep: str = "", limit: int | None = None) -> str:
    """``value`` as text with every hidden character made visible, except those in ``keep``
    (e.g. ``"\\n\\t"`` for multi-line views); ``limit`` cuts it, saying how much is left out."""
    text = "" if value is None else str(value)
    if not (text.isascii() and text.isprintable()):
        text = "".join(
            escape_char(ch) if ch not in keep and unicodedata.category(ch) in HIDDEN_CATEGORIES else ch for ch in text
        )
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit} more characters)"
    return text
