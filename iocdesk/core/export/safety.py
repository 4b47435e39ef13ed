"""Attacker-controlled text must never become a spreadsheet formula (CWE-1236)."""

from __future__ import annotations

# Excel, LibreOffice and Google Sheets treat a cell starting with these as a formula or DDE call.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Prefix a text that a spreadsheet would evaluate with a quote; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
