"""Undo the defanging analysts (and attackers) apply to indicators, and apply ours.

``refang`` rewrites a whole text in one pass over its matches (found from
literal characters, see ``_LOCATORS``) plus one pass over "//", and remembers
where it changed something, so extraction can tell for each indicator whether
it was defanged in the input.
"""

from __future__ import annotations

import heapq
import html
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from operator import methodcaller

from iocdesk.extraction.tlds import is_known_tld
from iocdesk.indicators.types import IndicatorType

# Words that, around " dot ", mean prose rather than a spelled-out host name
# ("the dot com bubble", "click the red dot in the corner").
_PROSE_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "of",
        "in",
        "on",
        "at",
        "to",
        "is",
        "it",
        "be",
        "by",
        "as",
        "so",
        "no",
        "my",
        "me",
        "us",
        "do",
        "go",
        "am",
        "or",
        "and",
        "not",
        "red",
        "blue",
        "green",
        "black",
        "white",
        "small",
        "big",
        "single",
        "one",
        "each",
        "every",
        "per",
        "with",
        "from",
        "for",
        "into",
        "onto",
        "over",
        "under",
        "was",
        "were",
        "has",
        "had",
        "have",
        "its",
        "his",
        "her",
        "our",
        "your",
        "their",
    ]
)

# Every form starts with the character that makes it distinctive (its lead). Forms written with
# spaces ("evil [.] com", "evil dot com", "user AT evil", "http ://") start at their word or
# bracket, not at the space: the spaces before them are trimmed while the output is assembled,
# and ordinary spaces never wake a pattern.
#
# (kind, leads, rest): the form is one of the lead characters, then ``rest``. The table is in
# priority order: where two forms match at one place, the first one listed wins.
_FORMS: tuple[tuple[str, str, str], ...] = (
    ("colon", "[", r":\]//"),
    ("colon", "[", r"://\]"),
    ("colon", "(", r"://\)"),
    ("colon", "{", r"://\}"),
    ("colon", "[", r":/\]/?"),
    ("colon", ":", r"\[//\]"),
    ("colon", ":", r"\(//\)"),
    ("colon", "[", r"//\]"),
    ("colon", "[", r"/\]"),
    ("colon", "(", r"/\)"),
    ("bracket_colon", "[({", r"[ \t]*:[ \t]*[\]\)\}]"),
    ("loose_slashes", ":", r"[ \t]+//|///+|//[ \t]+(?=[\w\[])"),
    ("backslash_scheme", ":", r"\\\\(?=[\w\[])"),
    ("dot", "[({<", r"[\[\(\{<]?[ \t]*(?:\.|,|dot|d0t|punto|punkt|ponto|точка|点)[ \t]*[\]\)\}>]{1,2}[ \t]*"),
    ("at", "[({", r"[\[\(\{]?[ \t]*(?:@|at|arroba)[ \t]*[\]\)\}]{1,2}[ \t]*"),
    ("open_dot", "[", r"\.(?=\w)"),
    ("bracket_scheme", "[", r"(?:h[tx]{2}ps?|ftps?|fxps?)(?:\](?=:)|://\])"),
    ("hyphen", "[", r"-\]"),
    ("backslash_dot", "\\", r"\."),
    ("wide_dot", "\u3002\uff0e\uff61", r"(?=\w)"),
    ("invisible", "\u200b\u200c\u200d\u2060\ufeff\u00ad", "[\u200b\u200c\u200d\u2060\ufeff\u00ad]*"),
    ("escaped_slash", "\\", r"/"),
    ("entity", "&", r"(?:amp|lt|gt|quot|apos|nbsp|#[0-9]{2,5}|#x[0-9a-f]{2,4});"),
)


def _alternation(forms: tuple[tuple[str, str, str], ...]) -> str:
    """``forms`` as one alternation, a named group per kind, in the table's order."""
    groups: dict[str, list[str]] = {}
    for kind, leads, rest in forms:
        lead = re.escape(leads) if len(leads) == 1 else f"[{re.escape(leads)}]"
        groups.setdefault(kind, []).append(lead + (f"(?:{rest})" if "|" in rest else rest))
    return "|".join(f"(?P<{kind}>{'|'.join(alternatives)})" for kind, alternatives in groups.items())


# What matches at a given place. It is never searched with: a pattern that starts with a set of
# characters is tried at every position of the text, where a literal is found in C at memchr
# speed. The search is done by _LOCATORS, one literal lead each, and this is matched there only.
_DEFANGS = re.compile(_alternation(_FORMS), re.IGNORECASE)


def _locators(forms: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """A pattern per lead character that finds every place where one of ``forms`` may start
    (a look-ahead: one place found never hides the next one)."""
    rests: dict[str, list[str]] = {}
    for _, leads, rest in forms:
        for lead in leads:
            rests.setdefault(lead, []).append(rest)
    return tuple(
        (lead, re.compile(f"{re.escape(lead)}(?={'|'.join(alternatives)})", re.IGNORECASE))
        for lead, alternatives in rests.items()
    )


_LOCATORS = _locators(_FORMS)

# Spelled-out forms ("evil dot com", "user AT evil", "http : //") start at a
# space: a pattern of their own keeps spaces from waking the branches above.
_SPACED = re.compile(
    r"""[ \t](?:
    (?P<word_dot>[dD][oO][tT][ \t]+(?=\w))
    |(?P<word_at>AT[ \t]+(?=[a-z0-9]))
    |(?P<word_at_lower>at[ \t]+(?=[a-z0-9]))
    |(?P<foreign_dot>(?:punto|punkt|ponto|точка)[ \t]+(?=\w))
    |(?P<spaced_at>@[ \t]+(?=\w))
    |(?P<spaced_scheme>:[ \t]*//+[ \t]*)
    )""",
    re.VERBOSE,
)
# Where a spelled-out form may start: one place before each of these (the space), found from
# the literal after the space, for a space is too common a character to search for.
_SPACED_LOCATORS = (
    re.compile(r"d(?<=[ \t]d)(?=[oO][tT][ \t])"),
    re.compile(r"D(?<=[ \t]D)(?=[oO][tT][ \t])"),
    re.compile(r"AT(?<=[ \t]AT)(?=[ \t])"),
    re.compile(r"@(?<=[ \t]@)(?=[ \t])"),
    re.compile(r":(?<=[ \t]:)(?=[ \t]*/)"),
    re.compile(r"p(?<=[ \t]p)(?=(?:unto|unkt|onto)[ \t])"),  # "evil punto com" (Spanish, German, Portuguese)
    re.compile(r"т(?<=[ \t]т)(?=очка[ \t])"),  # "evil точка ru"
)
# " at " is everywhere in English: it is only looked at in a text that spells a dot out too,
# for only "user at evil dot com" is taken (see _spelled_address).
_LOWER_AT_LOCATOR = re.compile(r"a(?<=[ \t]a)(?=t[ \t])")
# Rare forms, each with its own pattern behind a substring test, so that common characters
# ("_", "]", "^", "-") never wake a regex on text that holds none of these forms.
# "evil-dot-com": a hyphenated "dot" before a common TLD that ends the name. Only those TLDs:
# "polka-dot-bikini" and "polka-dot-shop.com" are names, not defangs.
_HYPHEN_DOT = re.compile(
    r"(?P<hyphen_dot>-dot-)(?=(?:com|net|org|info|biz|ru|su|cn|io|top|xyz|cc|co|me|pw|tk|ml|ga|cf|gq|us|uk|de|in|br"
    r"|online|site|club|live|shop|app|dev)(?![\w.-]))",
    re.IGNORECASE,
)
_RARE_FORMS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("-dot-", "-DOT-"), _HYPHEN_DOT),
    # No test needed where the pattern starts with its literal: the search is as fast as the test.
    ((), re.compile(r"(?P<caret_dot>\^\.(?=\w))")),  # "evil^.com"
    # "evil.]com": the literal first (a fast scan), then the letter or digit before it
    ((), re.compile(r"(?P<close_dot>\.\](?<=[A-Za-z0-9]\.\]))(?=\w)")),
    (("_://", ":_"), re.compile(r"(?P<underscore_scheme>_+(?=://)|(?<=:)_+(?=//))")),  # "hxxp_://"
)

# Branch -> (replacement, counts as a defang). None: decided per match below.
_FIXED: dict[str, tuple[str | None, bool]] = {
    "colon": (None, True),
    "bracket_colon": (None, True),
    "loose_slashes": ("://", True),
    "spaced_scheme": ("://", True),
    "backslash_scheme": ("://", True),
    "dot": (".", True),
    "at": ("@", True),
    "hyphen": ("-", True),
    "backslash_dot": (".", True),
    "word_dot": (".", True),
    "word_at": ("@", True),
    "word_at_lower": ("@", True),
    "foreign_dot": (".", True),
    "spaced_at": ("@", True),
    "wide_dot": (".", True),
    "invisible": ("", True),
    "escaped_slash": ("/", False),
    "bracket_scheme": (None, True),
    "open_dot": (".", True),
    "close_dot": (".", True),
    "caret_dot": (".", True),
    "underscore_scheme": ("", True),
    "hyphen_dot": (".", True),
    "entity": (None, False),
}
# Forms whose spaces before them belong to the defang ("evil [.] com").
_EATS_SPACES = frozenset(
    {"dot", "at", "word_dot", "word_at", "word_at_lower", "foreign_dot", "spaced_at", "spaced_scheme"}
)
# Forms that need a word (not punctuation) right before them.
_NEEDS_WORD_BEFORE = frozenset(
    {"word_dot", "word_at", "word_at_lower", "foreign_dot", "spaced_at", "wide_dot", "open_dot", "close_dot"}
)

_START = methodcaller("start")
_BRACKETS_AND_SPACES = str.maketrans("", "", "[](){} \t")
_WORD_BEFORE = re.compile(r"[\w-]{1,63}\Z")
_WORD_AFTER = re.compile(r"[\w-]{1,63}")
_DOT_JOINT_BEFORE = re.compile(r"[ \t]dot[ \t]+\Z", re.IGNORECASE)
_DOT_JOINT_AFTER = re.compile(r"[ \t]+dot[ \t]", re.IGNORECASE)
# "user at evil dot com": the local part, then a host name whose dots are spelled out ("dot",
# "[dot]"); "payload at evil[.]zip" is prose about a defanged host.
_LOCAL_BEFORE = re.compile(r"[\w.+-]{1,64}\Z")
_SPELLED_HOST = re.compile(
    r"[\w-]{1,63}(?:(?:[ \t]+dot[ \t]+|[ \t]*[\[({][ \t]*dot[ \t]*[\])}][ \t]*)[\w-]{1,63})+", re.IGNORECASE
)
# Words before " at " that make it English ("we met at home dot com", "available at ..."), on
# top of the everyday words of _PROSE_WORDS.
_AT_PROSE_WORDS = frozenset(
    """i you he she we they him them who what where here there up down out off back only just even all
    once least last first home school work office now then still today tonight meet met meeting look
    looked looking looks arrive arrived arrives arriving stay stayed staying live lived lives works
    worked working based hosted located available aimed aim point pointed stare stared laugh laughed
    good bad better best great expert seen found shown started stop stopped begin began end ended
    served registered listed published posted email mail e-mail contact contacted reach reached
    write wrote call called ping message sign signed login log logged click clicked hit hits visit
    visited download downloaded run ran runs running sent send sends open opened""".split()  # noqa: SIM905 - a word list reads best as words
)
# "el punto com", "un punto de vista", "der Punkt": articles and determiners before a foreign dot
# word make it prose; so does a TLD that is also a word of these languages when more words follow.
_FOREIGN_PROSE_WORDS = frozenset(
    """el la lo los las un una unos unas uno del al este esta ese esa otro otra mi tu su o os as um uma
    do da der die das dem den des ein eine einen einem einer kein keine jeder dieser am im zum zur""".split()  # noqa: SIM905 - a word list reads best as words
)
_WORDY_TLDS = frozenset("de es da do no in it at be me to us is on am as so or se la il et en un".split())  # noqa: SIM905
_NEXT_WORD = re.compile(r"[ \t]+[^\W\d_]")
_SCHEME_WORD_BEFORE = re.compile(r"(?<![A-Za-z])(?:h[a-z*_]{2}ps?|https?|ftps?|fxps?)\Z", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Refanged:
    """The refanged text and the sorted offsets (in it) where a defang was undone."""

    text: str
    marks: list[int]

    def defanged_between(self, start: int, end: int) -> bool:
        i = bisect_left(self.marks, start)
        return i < len(self.marks) and self.marks[i] < end


def _prose_dot(text: str, start: int, end: int) -> bool:
    """Is the " dot " at text[start:end] English rather than a spelled-out host name?

    A chain ("auth dot promo dot co dot in") is a host name whatever its
    words; a single joint is prose when either word is an everyday one.
    """
    before = _WORD_BEFORE.search(text, max(0, start - 63), start)
    after = _WORD_AFTER.match(text, end)
    if before is None or after is None:
        return True
    chained_before = _DOT_JOINT_BEFORE.search(text, max(0, before.start() - 8), before.start()) is not None
    chained_after = _DOT_JOINT_AFTER.match(text, after.end()) is not None
    if chained_before or chained_after:
        return False
    word_before = before.group().lower()
    # "red dot in the corner" is prose; "azure-update dot us" is a host name.
    return word_before in _PROSE_WORDS or (after.group().lower() in _PROSE_WORDS and word_before.isalpha())


def _spelled_address(text: str, start: int, end: int) -> bool:
    """Is the " at " at text[start:end] the "@" of an address ("user at evil dot com")? Only
    when the host after it spells its dots out and the word before is no everyday one."""
    before = _LOCAL_BEFORE.search(text, max(0, start - 64), start)
    if before is None:
        return False
    word = before.group().lower()
    if word in _PROSE_WORDS or word in _AT_PROSE_WORDS:
        return False
    return _SPELLED_HOST.match(text, end) is not None


def _foreign_dot(text: str, start: int, end: int) -> bool:
    """Is the " punto " (punkt, ponto, точка) at text[start:end] a dot ("evil punto com")? Only
    before a known TLD that ends the name, after a word that is no everyday one."""
    after = _WORD_AFTER.match(text, end)
    if after is None or (after.end() < len(text) and text[after.end()].isalnum()):
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 63), start)
    if before is None or before.group().lower() in _PROSE_WORDS or before.group().lower() in _FOREIGN_PROSE_WORDS:
        return False
    tld = after.group().lower()
    if tld in _WORDY_TLDS and _NEXT_WORD.match(text, after.end()):
        return False  # "desde otro punto de vista": a sentence goes on
    return is_known_tld(tld)


def _replacement(kind: str, raw: str, text: str, spaces_at: int, end: int) -> str | None:
    """What ``raw`` (a ``kind`` match) becomes, or None when it is not a defang after all."""
    out, _ = _FIXED[kind]
    if kind in _NEEDS_WORD_BEFORE:
        if not spaces_at or not (text[spaces_at - 1].isalnum() or text[spaces_at - 1] == "_"):
            return None
        if kind == "word_dot" and _prose_dot(text, spaces_at, end):
            return None
        if kind == "word_at_lower" and not _spelled_address(text, spaces_at, end):
            return None
        if kind == "foreign_dot" and not _foreign_dot(text, spaces_at, end):
            return None
    elif kind == "bracket_scheme":
        return raw.translate(_BRACKETS_AND_SPACES)
    elif kind == "underscore_scheme":
        scheme_end = spaces_at - 1 if text[spaces_at - 1 : spaces_at] == ":" else spaces_at
        if _SCHEME_WORD_BEFORE.search(text, max(0, scheme_end - 6), scheme_end) is None:
            return None
    elif kind == "spaced_scheme" or kind == "backslash_scheme":
        if _SCHEME_WORD_BEFORE.search(text, max(0, spaces_at - 6), spaces_at) is None:
            return None
    elif kind in ("colon", "bracket_colon"):
        return raw.translate(_BRACKETS_AND_SPACES)
    elif kind == "entity":
        return _entity(raw)
    return out


def _entity(raw: str) -> str:
    """What an HTML entity (an "entity" match) stands for."""
    return html.unescape(raw).replace("\xa0", " ")


# The forms that _replacement always replaces with their fixed text, whatever stands around them.
_PLAIN: dict[str, str] = {
    kind: out
    for kind, (out, _) in _FIXED.items()
    if out is not None
    and kind not in _NEEDS_WORD_BEFORE
    and kind
    not in (
        "bracket_scheme",
        "underscore_scheme",
        "spaced_scheme",
        "backslash_scheme",
        "colon",
        "bracket_colon",
        "entity",
    )
}
_ENTITIES: dict[str, str] = {}  # an entity as written -> its replacement (_replacement), cached


def _rare_forms(text: str) -> Iterator[re.Match[str]]:
    """Matches of the rare forms present in ``text``, in order."""
    present = [
        pattern.finditer(text) for probes, pattern in _RARE_FORMS if not probes or any(p in text for p in probes)
    ]
    if len(present) == 1:
        yield from present[0]
    elif present:
        yield from heapq.merge(*present, key=_START)


def _matches_at(text: str, pattern: re.Pattern[str], places: list[int]) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, trying ``pattern`` only at ``places``: sorted, and
    among them every place where it can match. A match hides the places inside it, as in finditer."""
    end = 0
    for at in places:
        if at >= end and (m := pattern.match(text, at)) is not None:
            yield m
            end = m.end()


def _defangs(text: str) -> Iterator[re.Match[str]]:
    """``_DEFANGS.finditer(text)``, searched for by its literal leads."""
    ascii_only = text.isascii()
    places = [
        m.start()
        for lead, locator in _LOCATORS
        if (lead < "\x80" or not ascii_only) and lead in text
        for m in locator.finditer(text)
    ]
    places.sort()
    return _matches_at(text, _DEFANGS, places)


def _spelled_out(text: str) -> Iterator[re.Match[str]]:
    """``_SPACED.finditer(text)``, searched for by the literal after the space."""
    if " " not in text and "\t" not in text:
        return iter(())  # a value or a URL's path (refang_value, _settled in extract)
    places = [m.start() - 1 for locator in _SPACED_LOCATORS for m in locator.finditer(text)]
    if " dot" in text or " DOT" in text or " Dot" in text or "[" in text or "(" in text:
        places += [m.start() - 1 for m in _LOWER_AT_LOCATOR.finditer(text)]
    places.sort()
    return _matches_at(text, _SPACED, places)


def refang(text: str) -> Refanged:
    pieces: list[str] = []
    marks: list[int] = []
    size = last = 0  # size: characters written so far; last: input consumed so far
    found = [*_spelled_out(text), *_defangs(text), *_rare_forms(text)]
    found.sort(key=_START)  # stable: where two start together, the earlier family wins (as listed)
    for m in found:
        kind = m.lastgroup
        assert kind is not None
        start, end = m.span()
        if start < last:
            continue  # both patterns matched here; the first one won
        spaces_at = start
        if kind in _EATS_SPACES:
            while spaces_at > last and text[spaces_at - 1] in " \t":
                spaces_at -= 1
        out = _PLAIN.get(kind)  # what _replacement gives, without its call
        if out is None:
            if kind == "entity":
                raw = m.group()
                out = _ENTITIES.get(raw)
                if out is None:
                    if len(_ENTITIES) >= 4096:
                        _ENTITIES.clear()  # a bound: "&#12345;" has many spellings
                    out = _ENTITIES[raw] = _entity(raw)
            else:
                out = _replacement(kind, m.group(), text, spaces_at, end)
                if out is None:
                    continue
        pieces.append(text[last:spaces_at])
        size += spaces_at - last
        if _FIXED[kind][1]:
            marks.append(size)
        pieces.append(out)
        size += len(out)
        last = end
    if pieces:
        pieces.append(text[last:])
        text = "".join(pieces)
    if "//" in text:
        text, marks = _mend_schemes(text, marks)
    return Refanged(text, marks)


def refang_value(value: str) -> str:
    """Refang a single value (e.g. one cell or one command-line argument)."""
    return refang(value).text


# -- schemes --------------------------------------------------------------------------

# Defanged spellings of URL schemes, mended only right before "://".
DEFANGED_SCHEMES = {
    "hxxp": "http", "hxxps": "https", "hxtp": "http", "hxtps": "https", "htxp": "http",
    "htxps": "https", "h**p": "http", "h**ps": "https", "h__p": "http", "h__ps": "https",
    "hxp": "http", "hxps": "https", "hxxxp": "http", "hxxxps": "https", "ttp": "http",
    "ttps": "https", "fxp": "ftp", "fxps": "ftps", "sfxp": "sftp", "xxxx": "http",
    "xxxxx": "https", "xxxxs": "https",
}  # fmt: skip
# Any "h??p" before "://" (hXXp, hqqp, h**p, h__p) is a defanged http.
_H__P = re.compile(r"h[a-z*_]{2}p(s?)\Z")
_REAL_SCHEME_TAILS = ("http", "https", "ftp", "ftps", "sftp")
_SLASHES = re.compile("//")  # a literal: the engine skips ahead in C
_NO_COLON_SCHEMES = frozenset({"http", "https", "hxxp", "hxxps"})
_WORD_BEFORE_SCHEME = re.compile(r"[A-Za-z*_]{1,6}\Z")


def _scheme_edit(text: str, at: int, has_colon: bool) -> tuple[int, int, str] | None:
    """The edit that mends the scheme ending at ``at`` (before ":"/"//"), if it needs one."""
    word = _WORD_BEFORE_SCHEME.search(text, max(0, at - 6), at)
    if word is None:
        return None
    written = word.group().lower()
    glued = word.start() and text[word.start() - 1].isalnum()
    if not has_colon:
        # "http//evil.com": a missing colon, only after an unmistakable scheme word
        if written in _NO_COLON_SCHEMES and not glued:
            return word.start(), at, DEFANGED_SCHEMES.get(written, written) + ":"
        return None
    if written.endswith(_REAL_SCHEME_TAILS):
        return None
    generic = _H__P.search(written)
    if generic and (generic.start() == 0 or not written[generic.start() - 1].isalpha()):
        return word.start() + generic.start(), at, "http" + generic.group(1)
    # glued to a word ("seehxxp://"): the defanged scheme is the longest tail that is one
    for cut in range(len(written)):
        mended = DEFANGED_SCHEMES.get(written[cut:])
        if mended is not None and not (cut and written[cut:].startswith("tt")):
            if cut == 0 and glued:
                return None
            return word.start() + cut, at, mended
    return None


def _mend_schemes(text: str, marks: list[int]) -> tuple[str, list[int]]:
    edits: list[tuple[int, int, str]] = []
    for slashes in _SLASHES.finditer(text):
        at = slashes.start()
        has_colon = text[at - 1 : at] == ":"
        if has_colon:
            at -= 1
        if has_colon and (text.startswith("http", at - 4) or text.startswith("https", at - 5)):
            continue  # the common case, already a real scheme
        edit = _scheme_edit(text, at, has_colon)
        if edit is not None:
            edits.append(edit)
    if not edits:
        return text, marks
    pieces: list[str] = []
    new_marks: list[int] = []
    shift = last = 0
    pending = iter(marks)
    mark = next(pending, None)
    for start, end, mended in edits:
        while mark is not None and mark < start:
            new_marks.append(mark + shift)
            mark = next(pending, None)
        pieces.append(text[last:start])
        new_marks.append(start + shift)
        pieces.append(mended)
        shift += len(mended) - (end - start)
        last = end
    while mark is not None:
        new_marks.append(mark + shift)
        mark = next(pending, None)
    pieces.append(text[last:])
    return "".join(pieces), sorted(new_marks)


# -- defang -----------------------------------------------------------------------------

_SCHEME_DEFANG = {"http": "hxxp", "https": "hxxps", "ftp": "fxp", "ftps": "fxps"}
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
# An HTML entity as refang reads it (its "entity" branch). A URL holding one literally
# (double-escaped HTML: "&amp;amp;" reads as "&amp;") has its "&" escaped: refang gives it back.
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|nbsp|\#[0-9]{2,5}|\#x[0-9a-f]{2,4});", re.IGNORECASE)


def _defang_host(host: str) -> str:
    return host.replace(".", "[.]")


# Where a URL's host (with its user and port) ends: the path, query or fragment starts.
_AUTHORITY_END = re.compile(r"[/?#]")


# A URL inside a URL's path or query (a redirector's "?url=http://..."): defanged in turn, or a
# chat or mail client would make it a link.
_NESTED_SCHEME = re.compile(r"\b(https?|ftps?)://", re.IGNORECASE)


def _defang_url_rest(rest: str) -> str:
    """The part after the scheme: the host's dots defanged, the path, query and fragment as
    they are (``/.well-known/``, ``stage2.dll`` are names, not hosts, and stay readable),
    except a URL nested in them."""
    end = _AUTHORITY_END.search(rest)
    cut = len(rest) if end is None else end.start()
    host, tail = _defang_host(rest[:cut]), rest[cut:]
    nested = _NESTED_SCHEME.search(tail)
    if nested is None:
        return host + tail
    scheme = nested.group(1)
    inner = _defang_url_rest(tail[nested.end() :])
    return f"{host}{tail[: nested.start()]}{_SCHEME_DEFANG.get(scheme.lower(), scheme)}[://]{inner}"


def defang(value: str, kind: IndicatorType | str) -> str:
    """Make an indicator safe to paste into reports, chat and e-mail: not clickable,
    not resolvable, and reversible with :func:`refang`. The scheme (``hxxps[://]``), the
    host's and an address's dots and an e-mail's ``@`` are defanged; a URL's path, query
    and fragment are left as written."""
    kind = IndicatorType(kind)
    if kind in (IndicatorType.DOMAIN, IndicatorType.IPV4, IndicatorType.IPV4_CIDR):
        return _defang_host(value)
    if kind in (IndicatorType.IPV6, IndicatorType.IPV6_CIDR):
        return value.replace(":", "[:]")
    if kind is IndicatorType.EMAIL:
        local, _, domain = value.rpartition("@")
        return f"{local}[@]{_defang_host(domain)}"
    if kind is IndicatorType.URL:
        if "&" in value and _ENTITY.search(value):
            value = value.replace("&", "&amp;")
        scheme = _URL_SCHEME.match(value)
        if scheme is None:  # schemeless ("evil.com/a"), even with a "://" further on in the path
            return _defang_url_rest(value)
        rest = value[scheme.end() :]
        return f"{_SCHEME_DEFANG.get(scheme.group(1).lower(), scheme.group(1))}[://]{_defang_url_rest(rest)}"
    return value
