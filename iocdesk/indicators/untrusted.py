"""Attacker-controlled JSON and text made safe to store and export.

Two things in a JSON input can break a run far from where they came in:

- a lone UTF-16 surrogate escape (``"\\ud800"``): ``json.loads`` turns it into half
  a character, which no UTF-8 encoder takes (SQLite, a UTF-8 file, an HTTP answer
  all raise). ``replace_surrogates`` turns each into U+FFFD where text enters.
- an integer of more than 4,300 digits: Python refuses to convert it
  (``sys.set_int_max_str_digits``, a guard against quadratic conversion), and
  ``json.loads`` lets that ValueError end the whole document. ``loads_json``
  keeps it as a ``HugeNumber`` instead, one bad value the caller can report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with every lone surrogate code point replaced by U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub(REPLACEMENT, text)


@dataclass(frozen=True, slots=True)
class HugeNumber:
    """A JSON integer too long to convert: only its length is kept."""

    digits: int

    def __str__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _parse_int(text: str) -> int | HugeNumber:
    try:
        return int(text)
    except ValueError:  # beyond sys.get_int_max_str_digits()
        return HugeNumber(len(text.lstrip("-")))


def loads_json(text: str | bytes) -> object:
    """``json.loads`` where an integer too long to convert is a ``HugeNumber``, not an error.

    Strings are returned as parsed (lone surrogates included): callers replace
    them with ``replace_surrogates`` where they take the text in.
    """
    return json.loads(text, parse_int=_parse_int)
