"""Attacker-controlled text in reports: never a spreadsheet formula (CWE-1236), never a link."""

from __future__ import annotations

import re

from iocdesk.extraction.refang import defang
from iocdesk.extraction.tlds import is_known_tld

# Excel, LibreOffice and Google Sheets treat a cell starting with these as a formula or DDE call.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Prefix a text that a spreadsheet would evaluate with a quote; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# What mail and chat clients turn into links: URLs, other schemes they act on, and bare host
# names (Gmail, Slack and Apple Mail link "evil.com"; Outlook and Thunderbird "www.evil").
_URL_IN_TEXT = re.compile(r"\b(?:https?|ftps?)://[^\s<>\"']+", re.IGNORECASE)
_SCHEME_IN_TEXT = re.compile(r"\b(https?|ftps?|sftp|javascript|vbscript|data|file|mailto)(\s*:)(//)?", re.IGNORECASE)
_TEXT_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp", "ftps": "fxps"}
# Dotted tokens, each tried once from its first character (possessive: linear on 100 kB words).
_DOTTED = re.compile(r"(?<![\w.-])[\w-]++(?:\.[\w-]++)++")


def _is_tld(label: str) -> bool:
    if not label.isascii():
        try:
            label = label.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    return is_known_tld(label.lower())


def _break_scheme(match: re.Match[str]) -> str:
    scheme = match.group(1)
    return _TEXT_SCHEMES.get(scheme.lower(), scheme) + ("[://]" if match.group(3) else "[:]")


def _bracket_host(match: re.Match[str]) -> str:
    token = match.group()
    if _is_tld(token.rpartition(".")[2]) or token[:4].lower() == "www.":
        return token.replace(".", "[.]")
    return token


def unclickable(text: str) -> str:
    """Free text from data (threat names, titles, file names) as no mail or chat client links it.

    URLs are defanged (``hxxps[://]evil[.]com/x``), other schemes broken (``javascript[:]``),
    host names bracketed (``evil[.]com``). Apply it to the text as shown, after ``reveal``:
    ``ev\\u200bil.com`` shows ``u200bil.com``, a host too. Idempotent: defanged indicators
    stay as they are.
    """
    return _DOTTED.sub(_bracket_host, no_live_links(text))


def no_live_links(text: str) -> str:
    """``text`` with its URLs defanged and other schemes broken (``javascript[:]``); bare host
    names and addresses stay as written. For a line that must still read as written (an e-mail
    Subject), where ``unclickable`` would be too much."""
    text = _URL_IN_TEXT.sub(lambda m: defang(m.group(), "url"), text)
    return _SCHEME_IN_TEXT.sub(_break_scheme, text)
