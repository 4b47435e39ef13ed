"""The fast searches find what the plain patterns find.

Refang and the scanners look for their patterns from a literal (a lead character, the letters
after a space, a run of hex digits in a one-byte copy of the text) and match the pattern only
there. These tests hold them to the plain ``finditer`` of the same patterns, on text dense in the
characters that matter, so a form added to a table without its locator fails here.
"""

from __future__ import annotations

import re

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


# The patterns that look back from a place, as they were written forwards: (pattern ending in \Z,
# the window before the place it was searched in, the backwards pattern that replaced it).
_LOOKING_BACK = [
    (r"[A-Za-z][A-Za-z0-9+.-]{0,15}\Z", 16, ex._SCHEME_BEFORE),
    (r"[A-Za-z0-9._%+-]{1,65}\Z", 65, ex._LOCAL_BEFORE),
    (r"[0-9A-Fa-f:]{1,40}\Z", 40, ex._IPV6_HEAD),
    (
        (
            r"(?<![a-z])(?:version|ver|v|build|release|rev|revision|firmware|fw|kernel|rv)\.?[\"' \t]{0,3}[:=#]?"
            r"[\"' \t]{0,3}\Z"
        ),
        20,
        ex._VERSION_BEFORE,
    ),
    (
        (
            r"(?:imp(?:ort)?[ _-]?hash|authentihash|pehash|ssdeep|tlsh|telfhash|vhash|ja3s?|ja4|jarm|rich[ _-]?hash)"
            r"[\W_]{0,6}\Z"
        ),
        24,
        ex._NOT_FILE_HASH_BEFORE,
    ),
]
_BEFORE_PIECES = st.sampled_from(
    list("aAzZ09fF:.-_+%\"' \t=#\u00e9\u4e00")
    + ["version", "Ver", "v", "build", "RELEASE", "rev", "revision", "firmware", "fw", "kernel", "rv"]
    + ["imphash", "import hash", "import_hash", "authentihash", "pehash", "ssdeep", "tlsh", "telfhash", "vhash"]
    + ["ja3", "JA3S", "ja4", "jarm", "rich hash", "richhash", "http", "hxxps", "fe80", "::", "user.name"]
)


@_SETTINGS
@given(st.lists(_BEFORE_PIECES, max_size=40).map("".join), st.data())
def test_looking_back_finds_what_the_forward_patterns_found(text, data):
    at = data.draw(st.integers(0, len(text)))
    scanner = ex._Scanner("")
    scanner.text = text  # as refanged: the patterns run on the scanner's text
    for forward, window, backwards in _LOOKING_BACK:
        found = re.compile(forward, backwards.flags).search(text, max(0, at - window), at)
        before = scanner.before(backwards, at)
        if backwards in (ex._VERSION_BEFORE, ex._NOT_FILE_HASH_BEFORE):  # only asked whether there is one
            assert (before is None) == (found is None), forward
        else:
            assert before == (found.group() if found else None), forward
