"""The fast searches find what the plain patterns find.

Refang and the scanners look for their patterns from a literal (a lead character, the letters
after a space, a run of hex digits in a one-byte copy of the text) and match the pattern only
there. These tests hold them to the plain ``finditer`` of the same patterns, on text dense in the
characters that matter, so a form added to a table without its locator fails here.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iocdesk.extraction import extract as ex
from iocdesk.extraction import refang as rf

_PIECES = st.sampled_from(
    list("[](){}<>:/\\&.,@-_ \t\nadoDOTAtsxhp;#0123456789abcdefABCDEF\u3002\uff0e\uff61\u200b\u2060\u00ad\ufeffé点")
    + ["dot", "DoT", " dot ", " AT ", " @ ", " : //", "://", ":///", "[.]", "[[.]]", "([.])", "(.)", "{.}", "<.>"]
    + ["[dot]", "( dot )", "[at]", "(@)", "[:]", "[://]", ":[//]", "[/]", "(/)", "hxxp", "[hxxps]", "[https://]"]
    + ["&amp;", "&#46;", "&#x2e;", "&nbsp;", "\\.", "\\/", ":\\\\", "[-]", "punto", "точка", "arroba", "cve", "CVE-"]
    + ["d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "2021-44228", "_"]
)
_TEXT = st.lists(_PIECES, max_size=120).map("".join)
_SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _found(matches) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


@_SETTINGS
@given(_TEXT)
def test_defang_forms_are_found_where_the_alternation_finds_them(text):
    assert _found(rf._defangs(text)) == _found(rf._DEFANGS.finditer(text))


@_SETTINGS
@given(_TEXT)
def test_spelled_out_forms_are_found_where_their_pattern_finds_them(text):
    assert _found(rf._spelled_out(text)) == _found(rf._SPACED.finditer(text))


def _scanned(text: str, scan: str, everywhere: bool = False) -> list[ex._Hit]:
    scanner = ex._Scanner(text)
    if everywhere:  # a one-byte copy of all hex digits: one run, _HASH.finditer over the whole text
        scanner._narrow = b"0" * len(scanner.text)
    getattr(scanner, scan)()
    return scanner.hits


def _plain_cves(text: str) -> list[int]:
    """Where _scan_cves found CVE ids when it ran ``_CVE.finditer`` over the whole text."""
    text = ex._Scanner(text).text
    return [
        m.start()
        for m in ex._CVE.finditer(text)
        if not (m.start() and ex._is_word_char(text[m.start() - 1])) and 1999 <= int(m.group(1)) <= 2100
    ]


@_SETTINGS
@given(_TEXT)
def test_hashes_and_cves_are_found_as_by_finditer(text):
    assert _scanned(text, "_scan_hashes") == _scanned(text, "_scan_hashes", everywhere=True)
    assert [hit.pos for hit in _scanned(text, "_scan_cves")] == _plain_cves(text)
