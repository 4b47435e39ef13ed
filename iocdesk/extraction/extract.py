"""Text to indicators: refang, find, validate, canonicalise, de-duplicate.

Design notes (see also README "What extraction reports"):

* One refang pass over the text, then one regex pass per indicator family.
  Every pattern is anchored by a look-behind and uses possessive quantifiers,
  so no pattern backtracks: time is linear in the input, whatever it holds.
* URLs and e-mail addresses are found first; a domain or IP that occurs only
  inside one of them is reported as that URL/e-mail (whose ``host`` field
  names it), not a second time on its own. Hashes and CVE ids inside URLs are
  still reported: a VirusTotal or NVD link names the hash or CVE that matters.
* Ambiguity goes to precision: version strings, dotted code identifiers and
  file names are not hosts unless the input defanged them, which no one does
  to a file name.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple
from urllib.parse import unquote

from iocdesk.extraction.hosts import Host, ipv4_info, ipv6_info, parse_domain, parse_ipv4
from iocdesk.extraction.refang import Refanged, refang
from iocdesk.extraction.tlds import FILE_EXTENSION_TLDS, FILE_INNER_EXTENSIONS
from iocdesk.indicators.types import MAX_SOURCES_KEPT, Indicator, IndicatorType, Scope, Source, TextChunk

T = IndicatorType

URL_SCHEMES = frozenset(
    [
        "http",
        "https",
        "ftp",
        "ftps",
        "sftp",
        "tftp",
        "ws",
        "wss",
        "ldap",
        "ldaps",
        "rmi",
        "iiop",
        "dns",
        "smb",
        "nfs",
        "ssh",
        "telnet",
        "irc",
        "ircs",
        "git",
        "svn",
        "rtsp",
        "rtmp",
        "mms",
        "tcp",
        "udp",
        "gopher",
        "socks",
        "socks4",
        "socks5",
        "ssl",
        "tls",
        "file",
    ]
)
# Reverse-DNS identifiers (Java packages, Android apps) start with a TLD.
_REVERSE_DNS_FIRST = frozenset({"com", "org", "net", "edu", "gov", "mil", "io"})

_SCHEME_SEP = re.compile(r"://")
# What ends at a place is matched in the reversed text from there (see _Scanner.before): one
# anchored attempt, where a pattern ending in \Z searched for in a window before the place is
# tried at every position of the window, each try running to the place. These patterns are
# written backwards; tests/extraction/test_speed_equivalence.py holds them to the forward ones.
_SCHEME_BEFORE = re.compile(r"[A-Za-z0-9+.-]{0,15}[A-Za-z]")  # [A-Za-z][A-Za-z0-9+.-]{0,15}
# What may follow "://" or a host's "/": everything but white space, quotes,
# angle brackets and characters that never appear unescaped in real URLs.
# Typographic quotes, guillemets and the ellipsis (Word and Outlook put them after a URL), and
# CJK/fullwidth punctuation (text glued to a URL in Chinese or Japanese) never stand unescaped in
# a URL either: a URL ends there.
_TYPOGRAPHIC = (
    "\u2018-\u201f"  # ‘ ’ ‚ ‛ “ ” „ ‟
    "\u00ab\u00bb\u2039\u203a"  # « » ‹ ›
    "\u2026"  # …
    "\u3000-\u303f"  # CJK symbols and punctuation: 、 。 「 」 『 』...
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # fullwidth punctuation (not letters or digits)
)
_URL_REST = re.compile(r"[^\s<>\"`{}|\\^\x00-\x1f\x7f%s]{0,%d}+" % (_TYPOGRAPHIC, 65536))  # noqa: UP031 - the regex has braces
_GLUED_NEXT_URL = re.compile(r"[,;](?=[A-Za-z][A-Za-z0-9+.-]{0,15}://)")
# Scanners anchor on a literal ("." "@" ":" "://") that the regex engine finds
# in C, then look around it; a pattern that began with a look-behind would be
# tried at every position of the text.
_HOST_TOKEN = re.compile(r"[\w-]++(?:\.[\w-]++)++")
# A token's first dot (after a character of a label: not ".NET", "...", "(.com") and the rest of it.
_DOTTED_TAIL = re.compile(r"\.(?<=[\w-]\.)[\w-]++(?:\.[\w-]++)*+")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
_LABEL_REVERSED = re.compile(r"[\w-]{0,65}")
_EMAIL_AT = re.compile(r"@(?<=[A-Za-z0-9._%+-]@)(?=[\w-])")
_LOCAL_BEFORE = re.compile(r"[A-Za-z0-9._%+-]{1,65}")  # backwards: the local part before "@"
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
# Any IPv6 address has "::" or seven colons: three close together rule out times ("10:38:32").
_IPV6_HINT = re.compile(r"::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:")
_IPV6_HEAD = re.compile(r"[0-9A-Fa-f:]{1,40}")  # backwards: hex digits and colons before a hint
_IPV6 = re.compile(r"[0-9A-Fa-f:]++(?:\.[0-9]{1,3}){0,3}")
_IPV6_BAD_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.")
_ZONE = re.compile(r"%[\w.-]{1,32}")
_HASH = re.compile(r"[0-9A-Fa-f]{32,128}+")
# Hashes and CVE ids are found in a one-byte copy of the text (see _Scanner.narrow), where
# bytes.find and a literal skip ahead at memory speed: a pattern that starts with a set of
# characters, as these do, is tried at every hex digit (a quarter of English text) or "c".
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_HEX_MASK = bytes(0x78 if i in _HEX_DIGITS else 0x20 for i in range(256))  # hex digit -> "x", else " "
_SHORTEST_HASH = b"x" * 32
_CVE_LOWER = re.compile(b"cve")
_HASH_TYPES = {32: T.MD5, 40: T.SHA1, 64: T.SHA256, 128: T.SHA512}
_CVE = re.compile(r"[Cc][Vv][Ee][-_\u2010\u2011\u2013 ]?(\d{4})[-_\u2010\u2011\u2013](\d{4,7})(?!\d)")
_ASN = re.compile(r"AS(?:[Nn][ :#]?)?(\d{1,10})(?!\w)(?!\.\d)")
_PORT_OPT = re.compile(r"(?::\d*)?")
_PORT = re.compile(r":(\d{1,5})(?!\w)")
_PREFIX = re.compile(r"/(\d{1,3})(?![\w/.])")
_IP_RANGE = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3})-(\d{1,3}(?:\.\d{1,3}){3})\Z")
# "version 1.2.3.4", "Build: 1.2.3.4", "agent_version": "1.2.3.4", "v 1.2.3.4"
_VERSION_WORDS = ("version", "ver", "v", "build", "release", "rev", "revision", "firmware", "fw", "kernel", "rv")
_VERSION_BEFORE = re.compile(  # backwards: (?<![a-z])(?:WORDS)\.?["' \t]{0,3}[:=#]?["' \t]{0,3}
    r"[\"' \t]{0,3}[:=#]?[\"' \t]{0,3}\.?(?:%s)(?![a-z])" % "|".join(w[::-1] for w in _VERSION_WORDS),  # noqa: UP031
    re.IGNORECASE,
)
_GLUED_SCHEMES = ("https", "http", "ftp")
_FIELD_OPENERS = frozenset(",;\t")
_LINE_STARTS = frozenset(("", "\n", "\r"))
_TO_NEXT_COMMA = re.compile(r"[^,]*")
# A whole URL percent-encoded inside another one's query (Microsoft Safe Links,
# Google redirects, mail gateways): reported on its own, decoded.
_ENCODED_SEP = re.compile(r"%3[Aa]%2[Ff]%2[Ff]")
_ENCODED_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{1,15})%3[Aa]%2[Ff]%2[Ff]([^&\s]*)")
_PROOFPOINT_V2 = re.compile(r"[?&]u=([^&]+)")
_PROOFPOINT_ESCAPE = re.compile(r"-([0-9A-Fa-f]{2})")
# Hashes named as something else than a file hash: not md5/sha IOCs to look up.
# Backwards: (?:imp(?:ort)?[ _-]?hash|authentihash|pehash|ssdeep|tlsh|telfhash|vhash|ja3s?|ja4|jarm
# |rich[ _-]?hash)[\W_]{0,6}
_NOT_FILE_HASH_BEFORE = re.compile(
    r"[\W_]{0,6}"
    r"(?:hsah[ _-]?(?:tro)?pmi|hsahitnehtua|hsahep|peedss|hslt|hsahflet|hsahv|s?3aj|4aj|mraj|hsah[ _-]?hcir)",
    re.IGNORECASE,
)
# Around an item of a list (one indicator a line): a bullet or a number, quotes, a trailing comma.
_LIST_BEFORE = re.compile(r"[ \t]*(?:[-*+\u2022\u00b7>]|\d{1,4}[.)])?[ \t]*[\"'`]?")
_LIST_AFTER = re.compile(r"[\"'`]?[ \t]*[,;]?[ \t\r]*")
_LIST_ITEM = re.compile(r"(?:[-*+\u2022\u00b7>]|\d{1,4}[.)])?[ \t]*\S+")  # a neighbouring line, stripped
_TRAILING = ".,;:!?'*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_MAX_TOKEN = 300  # longer dotted tokens can hold no valid host name
_MAX_NESTED_URLS = 8  # "://" inside a URL (redirectors); more is an attack on our time


class _Hit(NamedTuple):
    pos: int
    type: IndicatorType
    value: str
    display: str
    defanged: bool
    scope: Scope = Scope.PUBLIC
    host: str | None = None  # of a URL or e-mail address: canonical
    host_display: str | None = None  # as the analyst reads it (Unicode)


# A _Hit from all its fields, without the Python-level __new__ of a NamedTuple: the hot paths
# (a hit each of tens of thousands) build them so.
_new_hit = tuple.__new__


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "_-"


_BY_POSITION = attrgetter("pos")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a scan allocates tens of thousands
    of acyclic objects it would only walk in vain (~7% of the time on big texts)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Spans:
    """Sorted, merged [start, end) intervals of text already claimed by URLs/e-mails."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def covers(self, pos: int) -> bool:
        return self.end_covering(pos) > 0

    def gaps(self, length: int) -> Iterable[tuple[int, int]]:
        """The stretches of a text of ``length`` characters outside every span."""
        pos = 0
        for start, end in zip(self._starts, self._ends):
            if start > pos:
                yield pos, start
            pos = max(pos, end)
        if pos < length:
            yield pos, length

    def end_covering(self, pos: int) -> int:
        """The end of the span that covers ``pos``, or 0."""
        i = bisect_right(self._starts, pos) - 1
        return self._ends[i] if i >= 0 and pos < self._ends[i] else 0


def _cut_at_field_comma(url: str, opener: str) -> str:
    """A comma ends a URL that is a CSV field, or ends a path when no path follows it.

    ``http://a.com/x,malware,2026`` is three fields; ``http://a.com/?ids=1,2``
    and ``http://a.com/a,b/c`` are single URLs.
    """
    if opener in _FIELD_OPENERS or (opener in _LINE_STARTS and url.count(",") >= 2):
        return url.split(",", 1)[0]  # a CSV field, or a CSV row that a URL starts
    query_at = url.find("?")
    comma = url.find(",")
    while comma >= 0 and (query_at < 0 or comma < query_at):
        field = _TO_NEXT_COMMA.match(url, comma + 1)
        assert field is not None  # [^,]* matches anywhere, if only ""
        if "/" not in field.group():
            return url[:comma]
        comma = url.find(",", comma + 1)
    return url


def _trim_url_tail(url: str, opener: str) -> str:
    """Cut a raw URL match where the URL really ends in prose, HTML, Markdown or CSV."""
    if opener == "'":
        url = url.split("'", 1)[0]
    if ("," in url or ";" in url) and (glued := _GLUED_NEXT_URL.search(url)):
        url = url[: glued.start()]
    if "," in url:
        url = _cut_at_field_comma(url, opener)
    wrapped = url.find("__;")  # Proofpoint URL Defense v3: https://urldefense.com/v3/__<url>__;<token>
    if wrapped > 0:
        url = url[:wrapped]
    end = len(url)
    balance: dict[str, int] = {}
    while end:
        last = url[end - 1]
        if last in _TRAILING or (last == "_" and opener == "_"):
            end -= 1
            continue
        if last not in _CLOSERS:
            break
        if last not in balance:
            balance[last] = url.count(last, 0, end) - url.count(_CLOSERS[last], 0, end)
        if balance[last] <= 0:
            break
        balance[last] -= 1
        end -= 1
    return url[:end]


def _cut_brackets(rest: str) -> str:
    """Square brackets end a URL (Markdown ``[text](url)``), except an IPv6 literal host."""
    if "[" not in rest and "]" not in rest:
        return rest
    start = 0
    if rest.startswith("["):
        close = rest.find("]")
        if close < 0:
            return ""
        start = close + 1
    cuts = [i for i in (rest.find("[", start), rest.find("]", start)) if i >= 0]
    return rest[: min(cuts)] if cuts else rest


@dataclass(frozen=True, slots=True)
class _Authority:
    host_value: str
    host_display: str
    scope: Scope
    host_type: IndicatorType


@lru_cache(maxsize=65536)
def _parse_host(raw: str) -> _Authority | None:
    if raw.startswith("[") and raw.endswith("]"):
        info6 = ipv6_info(_ZONE.sub("", raw[1:-1]))
        if info6 is None:
            return None
        text = f"[{info6[0]}]"
        return _Authority(text, text, info6[1], T.IPV6)
    if raw.endswith("."):
        raw = raw[:-1]
    if raw.replace(".", "").isdigit():
        info4 = ipv4_info(raw)
        return None if info4 is None else _Authority(info4[0], info4[0], info4[1], T.IPV4)
    host = parse_domain(raw)
    if host is None:
        return None
    return _Authority(host.value, host.display, host.scope, T.DOMAIN)


# What refang could still change in a URL path: its lead characters, and "//" (schemes).
_REFANGABLE = re.compile("[\\[\\(\\{<:\\\\&\u3002\uff0e\uff61\u200b\u200c\u200d\u2060\ufeff\u00ad]|//")
_SETTLE_PASSES = 16  # one per level of nesting ("&amp;amp;lt;", "((.))"); a bound keeps time linear


# Reports repeat their URLs: what a URL's text alone makes of it is cached, for URLs up to this long
# (a bound on the caches' memory).
_CACHED_URL_CHARS = 2048


def _settled(path: str) -> str:
    """``_settle(path)``, cached for the common lengths."""
    return _settled_cached(path) if len(path) <= _CACHED_URL_CHARS else _settle(path)


def _settle(path: str) -> str:
    """``path`` refanged until refang changes nothing more, cut at white space that brought.

    The text was refanged once, but "[://]//" became ":////", which refang reads
    as "://": a report's defanged value would not refang to the value itself,
    nor extract to it again.
    """
    changed = False
    for _ in range(_SETTLE_PASSES):
        if not _REFANGABLE.search(path):
            break
        again = refang(path).text
        if again == path:
            break
        path, changed = again, True
    if not changed:
        return path
    kept = _URL_REST.match(path)
    assert kept is not None  # _URL_REST matches anywhere, if only ""
    return kept.group()


_settled_cached = lru_cache(maxsize=8192)(_settle)


def _url_tail(raw: str, opener: str) -> str:
    """A URL's raw match cut where it ends (brackets, prose, CSV: see _trim_url_tail)."""
    if len(raw) <= _CACHED_URL_CHARS:
        return _url_tail_cached(raw, opener)
    return _trim_url_tail(_cut_brackets(raw), opener)


@lru_cache(maxsize=8192)
def _url_tail_cached(raw: str, opener: str) -> str:
    return _trim_url_tail(_cut_brackets(raw), opener)


def _url_fields(prefix: str, rest: str) -> tuple[str, str, Scope, str, str] | None:
    """A URL's value, display, scope, host value and host display from "scheme://" and the rest,
    or None when it is none (a bad port or host)."""
    if len(rest) <= _CACHED_URL_CHARS:
        return _url_fields_cached(prefix, rest)
    return _url_fields_of(prefix, rest)


def _url_fields_of(prefix: str, rest: str) -> tuple[str, str, Scope, str, str] | None:
    parts = _split_url(rest)
    if parts is None:
        return None
    userinfo, host_raw, port, path = parts
    path = _settled(path)
    host = _parse_host(host_raw)
    if host is None:
        return None
    return (
        f"{prefix}{userinfo}{host.host_value}{port}{path}",
        f"{prefix}{userinfo}{host.host_display}{port}{path}",
        host.scope,
        host.host_value.strip("[]"),
        host.host_display.strip("[]"),
    )


_url_fields_cached = lru_cache(maxsize=8192)(_url_fields_of)


def _split_url(rest: str) -> tuple[str, str, str, str] | None:
    """``rest`` after "scheme://" -> (userinfo@, host, :port, path-and-beyond)."""
    if rest.startswith("["):
        close = rest.find("]") + 1
        port_m = _PORT_OPT.match(rest, close)
        assert port_m is not None  # (?::\d*)? matches anywhere, if only ""
        authority_end = close + len(port_m.group())
    else:
        authority_end = len(rest)
        for sep in "/?#":
            i = rest.find(sep)
            if 0 <= i < authority_end:
                authority_end = i
    authority, path = rest[:authority_end], rest[authority_end:]
    userinfo, at, hostport = authority.rpartition("@")
    userinfo = userinfo + at
    if hostport.startswith("["):
        close = hostport.find("]") + 1
        host, port = hostport[:close], hostport[close:]
    else:
        host, colon, port = hostport.partition(":")
        port = colon + port
    if len(port) > 1:
        digits = port[1:]
        if not (digits.isdigit() and len(digits) <= 5 and int(digits) <= 65535):
            return None
    return userinfo, host, port, path


_QUAD, _RANGE, _NAME = "quad", "range", "name"  # the shapes of a dotted token that can be something


@lru_cache(maxsize=65536)
def _token_shape(token: str) -> tuple[str, str, int, Any] | None:
    """What a dotted token can be by its text alone, cached: reports repeat "e.g", "10.0",
    "T1059.001" and their hosts. None: nothing, wherever it stands. Else (its shape: _QUAD, a
    dotted quad, _RANGE, two of them, _NAME, a host name; the token without the "-" and "_"
    around it; where that starts in the token; for _QUAD its ipv4_info, for _NAME its Host and
    whether it reads as code or a file name, see _code_or_file_name). What stands around it
    decides the rest."""
    if len(token) > _MAX_TOKEN:
        return None
    offset = 0
    if token[0] in "-_" or token[-1] in "-_":
        stripped = token.lstrip("-")
        if stripped.startswith("_") and parse_domain(stripped.rstrip("-_")) is None:
            stripped = stripped.lstrip("_")  # Markdown emphasis, not a service label ("_sip._tcp")
        offset = len(token) - len(stripped)
        token = stripped.rstrip("-_")
        if "." not in token:
            return None
    if token.replace(".", "").isdigit():
        if token.count(".") != 3:
            return None
        info = ipv4_info(token)
        return None if info is None else (_QUAD, token, offset, info)  # no address: nothing, wherever
    if "-" in token and _IP_RANGE.match(token):
        return _RANGE, token, offset, None
    if token[token.rfind(".") + 1 :].isdigit():
        return None
    host = parse_domain(token)
    if host is None:
        return None
    return _NAME, token, offset, (host, _code_or_file_name(token))


def _code_or_file_name(token: str) -> bool:
    """Whether a host name reads as code or a file name by its text alone (see
    _Scanner._looks_like_code_or_file, which also looks at what follows it)."""
    labels = token.split(".")
    tld = labels[-1]
    if len(tld) > 1 and tld[0].isupper() and tld[1:].islower():
        return True  # "System.Net", "Hello.World", "sentence.The": Title-case is prose or code
    if tld.isupper() and any(char.islower() for label in labels for char in label):
        return True  # "System.IO", "Foo.NET": an upper-case TLD in mixed case is code
    low_tld = tld.lower()
    if low_tld in FILE_EXTENSION_TLDS and (len(labels) == 2 or labels[-2].lower() in FILE_INNER_EXTENSIONS):
        return True
    return len(labels) >= 3 and labels[0].lower() in _REVERSE_DNS_FIRST


class _Scanner:
    """One chunk of text, refanged, scanned family by family."""

    def __init__(self, text: str) -> None:
        self.refanged: Refanged = refang(text)
        self.text = self.refanged.text
        self.marks = self.refanged.marks
        self.hits: list[_Hit] = []
        self._narrow: bytes | None = None
        self._reverse: str | None = None

    def scan(self) -> list[_Hit]:
        claimed = self._scan_urls()
        claimed += self._scan_emails(_Spans(claimed))
        spans = _Spans(claimed)
        spans = _Spans(claimed + self._scan_ipv6(spans))
        self._scan_host_tokens(spans)
        self._scan_hashes()
        self._scan_cves()
        self._scan_asns()
        self.hits.sort(key=_BY_POSITION)
        return self.hits

    def _defanged(self, start: int, end: int) -> bool:
        """Refanged.defanged_between, without its call (once a hit)."""
        marks = self.marks
        i = bisect_left(marks, start)
        return i < len(marks) and marks[i] < end

    @property
    def reverse(self) -> str:
        """The text read backwards, for the patterns that look back from a place."""
        if self._reverse is None:
            self._reverse = self.text[::-1]
        return self._reverse

    def before(self, backwards: re.Pattern[str], at: int) -> str | None:
        """The text that ``backwards`` (a pattern written backwards) matches, ending at ``at``."""
        m = backwards.match(self.reverse, len(self.text) - at)
        return None if m is None else m.group()[::-1]

    # -- URLs with a scheme -------------------------------------------------------------
    def _scan_urls(self) -> list[tuple[int, int]]:
        text = self.text
        claimed: list[tuple[int, int]] = []
        outer_end = nested = 0
        for sep in _SCHEME_SEP.finditer(text):
            i = sep.start()
            if i < outer_end:
                nested += 1
                if nested > _MAX_NESTED_URLS:
                    continue
            else:
                nested = 0
            written = self.before(_SCHEME_BEFORE, i)
            if written is None:
                continue
            scheme = written.lower()
            start = i - len(written)
            if scheme not in URL_SCHEMES:
                # glued to a word ("Visithttp://"): the scheme is the tail
                tail = next((k for k in _GLUED_SCHEMES if scheme.endswith(k)), None)
                if tail is None:
                    continue
                start = i - len(tail)
                scheme = tail
            elif start and text[start - 1].isascii() and text[start - 1].isalnum():
                continue  # the look-back window cut a longer word short (CJK text has no spaces: not that)
            opener = text[start - 1] if start else ""
            raw_m = _URL_REST.match(text, i + 3)
            assert raw_m is not None  # _URL_REST matches anywhere, if only ""
            rest = _url_tail(raw_m.group(), opener)
            end = i + 3 + len(rest)
            outer_end = max(outer_end, end)
            claimed.append((start, end))
            self._add_url(start, end, scheme + "://", rest)
            if "%" in rest or "urldefense.proofpoint.com/v2/" in rest:
                self._add_wrapped_urls(start, end, rest)
        if "%" in text:
            claimed += self._scan_encoded_urls(_Spans(claimed))
        return claimed

    def _scan_encoded_urls(self, urls: _Spans) -> list[tuple[int, int]]:
        """Percent-encoded URLs outside any URL ("GET /login?next=http%3A%2F%2Fevil.com")."""
        text = self.text
        claimed: list[tuple[int, int]] = []
        for sep in _ENCODED_SEP.finditer(text):
            i = sep.start()
            if urls.covers(i) or (claimed and i < claimed[-1][1]):
                continue
            written = self.before(_SCHEME_BEFORE, i)
            if written is None or written.lower() not in URL_SCHEMES:
                continue
            start = i - len(written)
            query = _URL_REST.match(text, sep.end())
            assert query is not None  # _URL_REST matches anywhere, if only ""
            encoded = query.group().split("&", 1)[0]
            end = sep.end() + len(encoded)
            claimed.append((start, end))
            inner_m = _URL_REST.match(_decoded(encoded))
            assert inner_m is not None  # as above
            tail = _url_tail(inner_m.group(), "")
            self._add_url(start, end, written.lower() + "://", tail)
        return claimed

    def _add_wrapped_urls(self, start: int, end: int, rest: str) -> None:
        """URLs carried encoded inside this one (redirectors, mail-gateway rewriting)."""
        inner: list[str] = []
        for enc in _ENCODED_URL.finditer(rest):
            inner.append(f"{enc.group(1)}://{_decoded(enc.group(2))}")
        if rest.startswith("urldefense.proofpoint.com/v2/"):
            u = _PROOFPOINT_V2.search(rest)
            if u:
                decoded = _PROOFPOINT_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), u.group(1).replace("_", "/"))
                inner.append(refang(decoded).text)
        for url in inner:
            scheme, sep, tail = url.partition("://")
            scheme = scheme.lower()
            if sep and scheme in URL_SCHEMES:
                tail_m = _URL_REST.match(tail)
                assert tail_m is not None  # _URL_REST matches anywhere, if only ""
                tail = _url_tail(tail_m.group(), "")
                self._add_url(start, end, scheme + "://", tail)

    def _add_url(self, start: int, end: int, prefix: str, rest: str) -> None:
        fields = _url_fields(prefix, rest)
        if fields is None:
            return
        value, display, scope, host, host_display = fields
        self.hits.append(
            _new_hit(_Hit, (start, T.URL, value, display, self._defanged(start, end), scope, host, host_display))
        )

    # -- e-mail addresses ---------------------------------------------------------------
    def _scan_emails(self, urls: _Spans) -> list[tuple[int, int]]:
        text = self.text
        claimed: list[tuple[int, int]] = []
        for at in _EMAIL_AT.finditer(text):
            i = at.start()
            if urls.covers(i):
                continue
            written = self.before(_LOCAL_BEFORE, i)
            if written is None:
                continue
            local = written.lstrip(".")
            start = i - len(local)
            if len(local) > 64 or (start > 0 and text[start - 1] in _LOCAL_CHARS and text[start - 1] != "."):
                continue
            if not local or local.endswith(".") or ".." in local:
                continue
            dom_m = _HOST_TOKEN.match(text, i + 1)
            if dom_m is None:
                continue
            dom_text = dom_m.group().rstrip("-_")
            host = parse_domain(dom_text)
            if host is None:
                continue
            end = i + 1 + len(dom_text)
            claimed.append((start, end))
            self.hits.append(
                _Hit(
                    start,
                    T.EMAIL,
                    f"{local.lower()}@{host.value}",
                    f"{local}@{host.display}",
                    self._defanged(start, end),
                    host.scope,
                    host.value,
                    host.display,
                )
            )
        return claimed

    # -- IPv6 -----------------------------------------------------------------------------
    def _scan_ipv6(self, spans: _Spans) -> list[tuple[int, int]]:
        text = self.text
        claimed: list[tuple[int, int]] = []
        pos = 0
        while (hint := _IPV6_HINT.search(text, pos)) is not None:
            start = hint.start()
            head = _IPV6_HEAD.match(self.reverse, len(text) - start)  # backwards, see before()
            if head is not None:
                start -= head.end() - head.start()
            m = _IPV6.match(text, start)
            # start is at the hint's ":" or at a hex/colon run that ends there
            assert m is not None
            pos = m.end()
            cand = m.group()
            if start and text[start - 1] in _IPV6_BAD_BEFORE:
                # "IPv6:2606:4700::1", "ip:2001:db8::1", "src:fe80::1": a label glued on with a colon
                labelled = self._after_label(start, cand)
                if labelled is None:
                    continue
                start = labelled
                relabelled = _IPV6.match(text, start)
                assert relabelled is not None  # start is at a hex digit or ":"
                cand = relabelled.group()
            if cand.endswith(":") and not cand.endswith("::"):
                cand = cand[:-1]
            if "::" not in cand and cand.count(":") != 7 and not (cand.count(":") == 6 and "." in cand):
                continue  # a time ("2026:13:55:36"), a MAC address
            if spans.covers(start):
                continue
            end = start + len(cand)
            if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                continue
            info = ipv6_info(cand)
            if info is None:
                continue
            if len(cand) - cand.count(":") - cand.count(".") < 4 and cand != "::1":
                continue  # "a::b", "1::2": C++ scopes and ratios, not addresses
            value, scope = info
            claimed.append((start, end))
            zone = _ZONE.match(text, end)
            after = zone.end() if zone else end
            prefix = _PREFIX.match(text, after)
            defanged = self._defanged(start, end)
            if prefix and int(prefix.group(1)) <= 128:
                cidr = f"{value}/{int(prefix.group(1))}"
                self.hits.append(_Hit(start, T.IPV6_CIDR, cidr, cidr, defanged, scope))
            self.hits.append(_Hit(start, T.IPV6, value, value, defanged, scope))
        return claimed

    def _after_label(self, start: int, cand: str) -> int | None:
        """Where the address starts when ``cand`` (at ``start``) begins inside a label glued on
        with a colon ("IPv6:", "ip:", "src:"), or None. The label is a word of at least two
        letters, one of them not a hex digit, so a piece of a longer address never passes."""
        colon = cand.find(":")
        if colon < 0 or cand.startswith("::", colon):
            return None
        word_start, floor = start, max(0, start - 17)  # bounded: a long run of letters is no label
        while word_start > floor and self.text[word_start - 1].isascii() and self.text[word_start - 1].isalnum():
            word_start -= 1
        if word_start and self.text[word_start - 1] in _IPV6_BAD_BEFORE:
            return None
        label = self.text[word_start : start + colon]
        letters = [c for c in label if c.isalpha()]
        if len(label) > 16 or len(letters) < 2 or all(c in "abcdefABCDEF" for c in letters):
            return None
        return start + colon + 1

    # -- domains, IPv4, CIDR and scheme-less URLs ---------------------------------------
    def _scan_host_tokens(self, spans: _Spans) -> None:
        # A token's first dot and the rest of it are found in C (the search starts at
        # the literal "."); its first label is then found by matching forward in the
        # reversed text. A pattern that starts with a label would instead be tried at
        # every letter.
        size = len(self.text)
        pos = 0  # where scanning resumes: past the last token, or past a URL found here
        for gap_start, gap_end in spans.gaps(size):  # between URLs and e-mails already reported
            pos = max(pos, gap_start)
            search_from = pos
            while search_from >= 0:  # -1: the gap is done; else search its tokens again from there
                tails, search_from = _DOTTED_TAIL.finditer(self.text, search_from, gap_end), -1
                pos = self._host_tokens_in(tails, pos, gap_start, size)
                if pos < 0:
                    pos = search_from = -pos

    def _host_tokens_in(self, tails: Iterator[re.Match[str]], pos: int, gap_start: int, size: int) -> int:
        """Classify the tokens whose tails are ``tails``, in the gap that starts at ``gap_start``;
        return where scanning may resume, or minus where the tails must be searched for again."""
        text = self.text
        reverse = self.reverse
        version_before = _VERSION_BEFORE.match
        label_reversed = _LABEL_REVERSED.match
        for tail in tails:
            d, end = tail.span()
            if d < pos:  # in a URL found by the last token
                if end > pos:  # and it ends inside this tail: look again from there
                    return -pos
                continue
            label = label_reversed(reverse, size - d, min(size - gap_start, size - d + 65))
            assert label is not None  # [\w-]{0,65} matches anywhere, if only ""
            start = size - label.end()
            if start == d:  # the gap (after a URL or e-mail) starts at the dot
                return -(d + 1)
            if start > gap_start and start == d - 65:
                start = d + 1  # the first label is longer than DNS allows: the rest may be a host
                if text.find(".", start, end) < 0:
                    pos = start
                    continue
            before = text[start - 1] if start else ""
            if before == "/" and text[start - 2 : start - 1] != "/":
                pos = end  # a path segment ("Chrome/110.0.0.0"); "//host" is protocol-relative
                continue
            token = text[start:end]
            if before == "%" or len(token) > _MAX_TOKEN:
                pos = self._host_token(token, start, end)
                if pos < end:
                    pos = end
                continue
            # _host_token, inlined for the tokens without a percent-escape before them
            shape = _token_shape(token)
            if shape is None:
                pos = end
                continue
            kind, trimmed, offset, parsed = shape
            if offset:
                start += offset
                before = text[start - 1]
            if kind is _QUAD:
                if before != "." and version_before(reverse, size - start) is None:
                    pos = self._add_ipv4(start, start + len(trimmed), trimmed, parsed)
                    if pos < end:
                        pos = end
                else:
                    pos = end
            elif kind is _NAME:
                if before == "@":
                    pos = end  # "@evil.com" without a valid local part is a handle, not a host
                else:
                    pos = self._add_domain(start, start + len(trimmed), trimmed, before, parsed)
                    if pos < end:
                        pos = end
            else:
                pos = self._host_token(token, start - offset, end)
                if pos < end:
                    pos = end
        return pos

    def _host_token(self, token: str, start: int, end: int) -> int:
        """Classify one dotted token; return where scanning may resume."""
        text = self.text
        if len(token) > _MAX_TOKEN:
            return end
        if start >= 1 and text[start - 1] == "%" and _HEX2.match(token):
            start += 2  # "%2Fevil.com": the label starts after a percent-escape
            token = token[2:]
            if "." not in token:
                return end
        shape = _token_shape(token)
        if shape is None:
            return end
        kind, trimmed, offset, parsed = shape
        start += offset
        end = start + len(trimmed)
        before = text[start - 1] if start else ""
        if kind == _QUAD:
            if before != "." and self.before(_VERSION_BEFORE, start) is None:
                return self._add_ipv4(start, end, trimmed, parsed)
            return end
        if kind == _RANGE:  # "10.0.0.1-10.0.0.9"
            rng = _IP_RANGE.match(trimmed)
            assert rng is not None  # as _token_shape found
            for part, at in ((rng.group(1), 0), (rng.group(2), rng.start(2))):
                self._add_ipv4(start + at, start + at + len(part), part)
            return end
        if before == "@":
            return end  # "@evil.com" without a valid local part is a handle, not a host
        return self._add_domain(start, end, trimmed, before, parsed)

    # The _add_* methods return where scanning may resume: past a URL they found.
    def _add_ipv4(self, start: int, end: int, token: str, info: tuple[str, Scope] | None = None) -> int:
        """``info``: ipv4_info(token) if known."""
        if info is None:
            info = ipv4_info(token)
        if info is None:
            return end
        ip, scope = info
        text = self.text
        marks = self.marks  # self._defanged(start, end), without its call
        i = bisect_left(marks, start)
        defanged = i < len(marks) and marks[i] < end
        after = text[end : end + 1]
        if after == "/":
            prefix = _PREFIX.match(text, end)
            if prefix and int(prefix.group(1)) <= 32:
                # The network, and the address as written (what other tools and analysts expect).
                value = f"{ip}/{int(prefix.group(1))}"
                self.hits.append(_Hit(start, T.IPV4_CIDR, value, value, defanged, scope))
                self.hits.append(_Hit(start, T.IPV4, ip, ip, defanged, scope))
                return prefix.end()
        if after in ("/", ":"):
            port = _PORT.match(text, end)
            path_at = port.end() if port else end
            url_end = self._add_schemeless_url(start, path_at, ip, ip, scope, text[start - 1 : start])
            if url_end:
                return url_end
        self.hits.append(_new_hit(_Hit, (start, T.IPV4, ip, ip, defanged, scope, None, None)))
        return end

    def _add_domain(self, start: int, end: int, token: str, before: str, parsed: tuple[Host, bool]) -> int:
        """``parsed``: the token's Host and _code_or_file_name (see _token_shape)."""
        host, code_or_file_name = parsed
        text = self.text
        if text[end : end + 1] in ("/", ":"):
            port = _PORT.match(text, end)
            path_at = port.end() if port else end
            url_end = self._add_schemeless_url(start, path_at, host.value, host.display, host.scope, before)
            if url_end:
                return url_end
        marks = self.marks  # self._defanged(start, end), without its call
        i = bisect_left(marks, start)
        defanged = i < len(marks) and marks[i] < end
        if not defanged and self._looks_like_code_or_file(code_or_file_name, end) and not self._in_list(start, end):
            return end
        self.hits.append(_new_hit(_Hit, (start, T.DOMAIN, host.value, host.display, defanged, host.scope, None, None)))
        return end

    def _in_list(self, start: int, end: int) -> bool:
        """Whether the token at ``start:end`` is an item of a list of indicators: alone on its line
        (a bullet, a number or quotes around it are fine), and its text is that one line (a
        spreadsheet cell) or a line next to it holds one token too. The analyst wrote the list:
        the precision rules for prose and code do not apply to its items."""
        text = self.text
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if not (_LIST_BEFORE.fullmatch(text, line_start, start) and _LIST_AFTER.fullmatch(text, end, line_end)):
            return False
        if not text[:line_start].strip() and not text[line_end:].strip():
            return True  # the only line: a cell, a one-line paste
        previous = text[text.rfind("\n", 0, max(0, line_start - 1)) + 1 : max(0, line_start - 1)].strip()
        following_end = text.find("\n", line_end + 1)
        following = text[line_end + 1 : len(text) if following_end < 0 else following_end].strip()
        return any(line and _LIST_ITEM.fullmatch(line) for line in (previous, following))

    def _looks_like_code_or_file(self, code_or_file_name: bool, end: int) -> bool:
        """``code_or_file_name``: the token's _code_or_file_name."""
        return code_or_file_name or (end < len(self.text) and self.text[end] == "(")  # a method call: "re.search("

    def _add_schemeless_url(
        self, start: int, path_at: int, host_value: str, host_display: str, scope: Scope, opener: str
    ) -> int:
        """Add ``host[:port]/path`` if a path follows; return its end, or 0."""
        text = self.text
        if path_at >= len(text) or text[path_at] != "/":
            return 0
        raw_m = _URL_REST.match(text, path_at)
        assert raw_m is not None  # _URL_REST matches anywhere, if only ""
        path = _url_tail(raw_m.group(), opener)
        if len(path) <= 1:
            return 0
        end = path_at + len(path)
        path = _settled(path)
        colon = text.rfind(":", start, path_at)
        port = text[colon:path_at] if colon >= 0 else ""
        self.hits.append(
            _Hit(
                start,
                T.URL,
                f"{host_value}{port}{path}",
                f"{host_display}{port}{path}",
                self._defanged(start, end),
                scope,
                host_value,
                host_display,
            )
        )
        return end

    # -- hashes, CVE ids, AS numbers --------------------------------------------------
    @property
    def narrow(self) -> bytes:
        """The text with one byte a character (Latin-1; "?" for any other character): an offset
        in it is an offset in the text, for the ASCII searches that only need ASCII."""
        if self._narrow is None:
            self._narrow = self.text.encode("latin-1", "replace")
        return self._narrow

    def _scan_hashes(self) -> None:
        text = self.text
        hexes = self.narrow.translate(_HEX_MASK)
        run_end = 0
        while (run := hexes.find(_SHORTEST_HASH, run_end)) >= 0:
            run_end = hexes.find(b" ", run + len(_SHORTEST_HASH))
            if run_end < 0:
                run_end = len(hexes)
            # what _HASH.finditer(text) finds in this run of hex digits (there is none outside)
            for m in _HASH.finditer(text, run, run_end):
                value = m.group()
                kind = _HASH_TYPES.get(len(value))
                start, end = m.span()
                if kind is None or (start and _is_word_char(text[start - 1]) and text[start - 1] != "-"):
                    continue
                if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                    continue
                low = value.lower()
                if low.isdigit():
                    continue  # a long number, or the all-zero placeholder logs print for "no hash"
                if _NOT_FILE_HASH_BEFORE.match(self.reverse, len(text) - start) is not None:  # see before()
                    continue
                self.hits.append(_new_hit(_Hit, (m.start(), kind, low, low, False, Scope.PUBLIC, None, None)))

    def _scan_cves(self) -> None:
        text = self.text
        for cve in _CVE_LOWER.finditer(self.narrow.lower()):
            m = _CVE.match(text, cve.start())  # no "cve" inside a match: the same as finditer
            if m is None:
                continue
            if m.start() and _is_word_char(text[m.start() - 1]):
                continue
            year = int(m.group(1))
            if not 1999 <= year <= 2100:
                continue
            value = f"CVE-{m.group(1)}-{m.group(2)}"
            self.hits.append(_new_hit(_Hit, (m.start(), T.CVE, value, value, False, Scope.PUBLIC, None, None)))

    def _scan_asns(self) -> None:
        text = self.text
        for m in _ASN.finditer(text):
            if m.start() and _is_word_char(text[m.start() - 1]):
                continue
            number = int(m.group(1))
            if not 0 < number < 2**32:
                continue
            value = f"AS{number}"
            self.hits.append(_Hit(m.start(), T.ASN, value, value, False))


def _decoded(encoded: str) -> str:
    """A percent-encoded URL as text, refanged like the text around it: "%26amp%3B"
    is "&" as "&amp;" is, and "evil(.)com" is "evil.com" (see ``_settled``)."""
    return refang(unquote(encoded)).text


_HAS_HOST = frozenset((T.URL, T.EMAIL))


@lru_cache(maxsize=65536)
def _host_type(host: str) -> IndicatorType:
    """The type of the host of a URL or e-mail address as ``_host_hit`` finds it."""
    if parse_ipv4(host) is not None:
        return T.IPV4
    return T.IPV6 if ":" in host else T.DOMAIN


_PIECE_CHARS = 1 << 20


def _pieces(text: str) -> Iterator[str]:
    """Long texts in pieces of about 1 MiB, cut where no indicator can span:
    at a line break, or for one enormous line at white space. Scanning pieces
    keeps the scanners' working set (refanged copy, marks, caches) small."""
    start = 0
    while len(text) - start > _PIECE_CHARS:
        limit = start + _PIECE_CHARS
        cut = text.rfind("\n", start, limit) + 1
        if cut <= start:
            cut = max(text.rfind(blank, start, limit) for blank in " \t\r\f\v") + 1
            if cut <= start:
                cut = limit  # a megabyte without white space holds no indicator we could split
        yield text[start:cut]
        start = cut
    yield text[start:] if start else text


class IndicatorCollector:
    """De-duplicates indicators across many chunks, in first-seen order, with counts and sources.

    With ``hosts`` (the default) the host of every URL and e-mail address is an indicator of its
    own, right after the first URL or address it was found in: a URL Pulsedive has never seen
    can sit on a domain it knows as high risk, and only a lookup of that domain tells.
    """

    def __init__(self, types: Iterable[IndicatorType | str] | None = None, *, hosts: bool = True) -> None:
        self._types = None if types is None else frozenset(IndicatorType(t) for t in types)
        self._hosts = hosts
        # By type, then value: no (type, value) key to build a hit, nor to keep for each indicator
        # (the collector that runs after a big scan walks every object kept since it was paused).
        self._found: dict[IndicatorType, dict[str, Indicator]] = {kind: {} for kind in IndicatorType}
        self._in_order: list[Indicator] = []

    def add_text(self, text: str, source: Source | None = None) -> list[Indicator]:
        """Scan ``text``; return the indicators first seen in it (already counted)."""
        new: list[Indicator] = []
        with _collector_paused():
            for piece in _pieces(text):
                self._add_hits(_Scanner(piece).scan(), source, new)
        return new

    def add_chunks(self, chunks: Iterable[TextChunk]) -> None:
        for chunk in chunks:
            self.add_text(chunk.text, chunk.source)

    def _add_hits(self, hits: list[_Hit], source: Source | None, new: list[Indicator]) -> None:
        """Count ``hits`` and, with ``hosts``, the host of each URL and e-mail address right after
        it (the work of ``_add`` for each, inlined: this runs once a hit)."""
        types, found_by_type, in_order, hosts = self._types, self._found, self._in_order, self._hosts
        for hit in hits:
            kind = hit.type
            if types is None or kind in types:
                found_by_value = found_by_type[kind]
                found = found_by_value.get(hit.value)
                if found is None:
                    found = found_by_value[hit.value] = Indicator(
                        kind, hit.value, hit.display, hit.defanged, 1, hit.scope, hit.host
                    )
                    in_order.append(found)
                    new.append(found)
                else:
                    found.count += 1
                    if hit.defanged and not found.defanged:
                        found.defanged = True
                    if not found.standalone:
                        found.standalone = True
                if source is not None and len(found.sources) < MAX_SOURCES_KEPT and source not in found.sources:
                    found.sources.append(source)
            if hosts and hit.host is not None and kind in _HAS_HOST:
                host = hit.host
                host_kind = _host_type(host)
                if types is None or host_kind in types:
                    self._add_host(hit, host_kind, host, source, new)

    def _add_host(self, hit: _Hit, kind: IndicatorType, host: str, source: Source | None, new: list[Indicator]) -> None:
        """Count the host of ``hit`` (a URL or e-mail address), found in it: ``_add`` of ``_host_hit``."""
        found_by_value = self._found[kind]
        found = found_by_value.get(host)
        if found is None:
            display = hit.host_display or host if kind is T.DOMAIN else host
            found = found_by_value[host] = Indicator(kind, host, display, hit.defanged, 1, hit.scope, None)
            found.standalone = False
            self._in_order.append(found)
            new.append(found)
        else:
            found.count += 1
            if hit.defanged and not found.defanged:
                found.defanged = True
        parents = found.derived_from
        if len(parents) < MAX_SOURCES_KEPT and hit.value not in parents:
            parents.append(hit.value)
        if source is not None and len(found.sources) < MAX_SOURCES_KEPT and source not in found.sources:
            found.sources.append(source)

    def results(self) -> list[Indicator]:
        return list(self._in_order)

    def __len__(self) -> int:
        return len(self._in_order)


def extract(text: str, types: Iterable[IndicatorType | str] | None = None, *, hosts: bool = True) -> list[Indicator]:
    """All indicators in ``text``, de-duplicated in first-seen order.

    ``types`` limits the result to those types (names or ``IndicatorType``);
    ``hosts=False`` leaves out the hosts of URLs and e-mail addresses (see ``IndicatorCollector``).
    """
    collector = IndicatorCollector(types, hosts=hosts)
    collector.add_text(text)
    return collector.results()
