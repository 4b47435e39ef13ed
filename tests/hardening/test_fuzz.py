"""Property-based fuzzing of the parts that read attacker-controlled input.

Extends, without repeating, tests/extraction/test_extract_properties.py (never raises on a
small alphabet, defang round trip of generated values, 25 linear-time shapes),
tests/pulsedive/test_parse.py (random JSON objects, mutated fixtures) and
tests/extraction/test_importers.py (random bytes per extension). Here: any Unicode text
(controls, NULs, bidi, IDN) and IOC-ish fragments; refang(defang(v)) == v for
every value extraction can produce; parser output that can be written anywhere
as UTF-8, from hostile leaves in the documented shapes; structured content per
file format; and linear time for the shapes the other suites do not cover.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from iocdesk.extraction.extract import IndicatorCollector, extract
from iocdesk.extraction.importers import InputError, decode_bytes, iter_chunks, iter_stream_chunks, iter_text_chunks
from iocdesk.extraction.refang import defang, refang
from iocdesk.indicators.results import Risk
from iocdesk.indicators.types import IndicatorType
from iocdesk.pulsedive import parse

FIXTURES = Path(__file__).parent.parent / "data" / "pulsedive"
QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- text -----------------------------------------------------------------------------------

_ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)  # controls, NUL, bidi, ...
_FRAGMENTS = st.sampled_from([
    ".", "..", "[.]", "(.)", "{.}", "[dot]", " dot ", "\u3002", "\uff0e", "\\.", "&#46;", "&amp;",
    "hxxp", "hxxps", "http", "fxp", "://", "[://]", "[:]//", ":\\\\", "//", "/", "\\/", "%2F", "%3A%2F%2F",
    "?url=", "?u=", "&", "#", "=", "@", "[@]", "(at)", " AT ", ":", "::", "[:]", "%", "-", "[-]", "_",
    "xn--", "ß", "é", "ü", "例え", "рф", "ελλάδα", "\u200b", "\u00ad", "\u202e", "\u2028", "\x00", "\x1b", "\x85",
    "amp;", "\t", "\n", "\r", " ", "0", "9", "255", "256", "1.2.3.4", "8.8.8.8", "10.0.0.1", "fe80::1%eth0",
    "2001:db8::", "::ffff:", "/24", "/64", ":8080", "d41d8cd98f00b204e9800998ecf8427e", "CVE-2024-", "AS13335",
    "ASN ", "com", "top", "ru", "evil", "a", "Z", "'", '"', "<", ">", "(", ")", "[", "]", "{", "}", ",", ";",
])  # fmt: skip
_HEX_RUN = st.from_regex(r"[0-9a-fA-F]{20,140}", fullmatch=True)
_IDN_LABEL = st.text(st.characters(whitelist_categories=("Ll", "Lo", "Mn", "Nd")), min_size=1, max_size=8)
_ENCODED_URL = st.builds(  # decoded by extraction: what it holds must come out as in plain text
    lambda wrap, path: wrap.format(quote(path, safe="")),
    st.sampled_from(
        ["http%3A%2F%2Fevil.com%2F{}", "https://x.safelinks.protection.outlook.com/?url=http%3A%2F%2Fa.com%2F{}&d=1"]
    ),
    st.lists(_FRAGMENTS, max_size=6).map("".join),
)
IOCISH = st.lists(st.one_of(_FRAGMENTS, _FRAGMENTS, _HEX_RUN, _IDN_LABEL, _ENCODED_URL), max_size=80).map("".join)


def _check(found: list) -> None:
    keys = [(i.type, i.value) for i in found]
    assert len(keys) == len(set(keys))  # de-duplicated
    for ioc in found:
        assert ioc.count >= 1 and ioc.value and ioc.display
        assert ioc.value == ioc.value.strip() and "\n" not in ioc.value


@QUICK
@given(st.one_of(_ANY_TEXT, IOCISH))
def test_extraction_never_raises_on_any_text(text):
    _check(extract(text, hosts=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(IOCISH, min_size=1, max_size=6))
def test_text_cut_into_line_chunks_gives_what_the_whole_text_gives(lines):
    """Files and pastes are scanned chunk by chunk, cut at line breaks (the importers'
    rule): no indicator may depend on the text beyond its line."""
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    collector = IndicatorCollector(hosts=True)
    collector.add_chunks(iter_text_chunks(text, chunk_chars=max(map(len, text.split("\n"))) + 1))
    _check(collector.results())
    assert {(i.type, i.value) for i in collector.results()} == {(i.type, i.value) for i in extract(text, hosts=True)}


@QUICK
@given(st.one_of(IOCISH, _ANY_TEXT))
@example(
    "0https://x.safelinks.protection.outlook.com/?url=a%3A%2F%2Fb.com&d=1https://a.safelinks.com/"
)  # "://" mid-path
@example("http://evil.com/a" + "&amp;" + "amp;" * 6 + "b")  # an entity left after refang
@example("http%3A%2F%2Fevil.com%2Fhxxp%3A%2F%2Fb%E3%80%82c%E2%80%8Bd")  # defang forms, percent-encoded
@example("http://evil.com/[://]//")  # refang once gives ":////", twice "://"
def test_every_extracted_value_survives_defang_then_refang(text):
    for ioc in extract(text, hosts=True):
        defanged = defang(ioc.value, ioc.type)
        assert refang(defanged).text == ioc.value, (text, ioc.value, defanged)
        if ioc.type in (IndicatorType.DOMAIN, IndicatorType.IPV4):
            assert "." not in defanged.replace("[.]", "")  # nothing left to click or resolve
        if ioc.type is IndicatorType.URL:  # the hosts defanged; a path's file names stay as written
            for part in defanged.split("[://]")[1:]:
                assert "." not in re.split(r"[/?#]", part, maxsplit=1)[0].replace("[.]", "")
        again = {(i.type, i.value) for i in extract(f"seen: {defanged} (report)", hosts=True)}
        assert (ioc.type, ioc.value) in again, (text, ioc.value, defanged)


# -- the Pulsedive parser -------------------------------------------------------------------

_HOSTILE_TEXT = st.one_of(
    st.text(st.characters(), max_size=12),  # lone surrogates arrive as JSON \udXXX escapes
    st.sampled_from(["", " ", "0", "-1", "1e999", "NaN", "high\ud800", "\udc00", "\u202egpj.exe", "x" * 5000]),
)
_HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from([2**63, -(2**63) - 1, 10**300]),
    st.floats(), _HOSTILE_TEXT, st.just([]), st.just({}),
)  # fmt: skip
_JSON = st.recursive(
    _HOSTILE,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_HOSTILE_TEXT, children, max_size=4)),
    max_leaves=25,
)
PARSERS = [getattr(parse, name) for name in parse.__all__ if name.startswith("parse_")]


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _storable(value: object) -> None:
    """Written as UTF-8 JSON (cache, history, exports: all UTF-8) without an error."""
    json.dumps(_plain(value), ensure_ascii=False).encode("utf-8")


def _parse_all(document: object) -> None:
    wire = json.loads(json.dumps(document))  # what the client hands the parser
    for parser in PARSERS:
        try:
            result = parser(wire)
        except parse.MalformedResponse:
            assert not isinstance(wire, dict)
            continue
        _storable(result)
        if parser is parse.parse_indicator:
            assert result.risk is None or isinstance(result.risk, Risk)
            assert result.iid is None or type(result.iid) is int
            _storable(result.raw)


def _with_leaves(node: object, pool: list, counter: list[int]) -> object:
    """The document's shape (keys, nesting) with every leaf replaced from ``pool`` in turn."""
    if isinstance(node, dict):
        return {k: _with_leaves(v, pool, counter) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_leaves(v, pool, counter) for v in node]
    counter[0] += 1
    return pool[counter[0] % len(pool)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FIXTURES.glob("*.json"))), st.lists(_HOSTILE, min_size=1, max_size=7), st.integers(0, 6))
def test_parsers_on_documented_shapes_with_hostile_leaves(fixture, pool, offset):
    _parse_all(_with_leaves(json.loads(fixture.read_text(encoding="utf-8")), pool, [offset]))


@QUICK
@given(
    st.one_of(
        _JSON,
        st.dictionaries(
            st.sampled_from(
                ["iid", "risk", "threats", "properties", "attributes", "feeds", "riskfactors", "data", "qid", "status"]
            ),
            _JSON,
        ),
    )
)
def test_parsers_on_random_json_with_hostile_text(document):
    _parse_all(document)


# -- importers: structured content per format -----------------------------------------------

_CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])


@st.composite
def documents(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["csv", "tsv", "json", "jsonl", "txt"]))
    if kind in ("csv", "tsv"):
        rows = draw(st.lists(st.lists(_CELL, max_size=5), max_size=8))
        out = io.StringIO()
        csv.writer(out, delimiter="," if kind == "csv" else "\t").writerows(rows)
        text = out.getvalue()
    elif kind == "json":
        text = json.dumps(draw(_JSON), ensure_ascii=draw(st.booleans()))
    elif kind == "jsonl":
        text = "\n".join(
            json.dumps(draw(_JSON)) if draw(st.booleans()) else draw(_CELL) for _ in range(draw(st.integers(0, 6)))
        )
    else:
        text = draw(st.one_of(IOCISH, _ANY_TEXT))
    encoding = draw(_ENCODINGS)
    data = text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    return kind, data


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(documents())
def test_importers_give_chunks_or_one_input_error(tmp_path, document):
    kind, data = document
    path = tmp_path / f"doc.{kind}"
    path.write_bytes(data)
    for opened in (lambda: iter_chunks(path), lambda: iter_stream_chunks(io.BytesIO(data), name=str(path))):
        try:
            with opened() as stream:
                chunks = list(stream)
            assert all(isinstance(c.text, str) and c.text and not c.text.isspace() for c in chunks)
            assert all("\n" not in w for w in stream.warnings)
        except InputError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)


_LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=300)


@QUICK
@given(st.lists(st.tuples(_LINE, st.booleans()), min_size=1, max_size=12))
def test_mixed_utf8_and_cp1252_lines_each_decode_right(lines):
    """Exports of two systems glued together: every line comes back as it was written."""
    encoded = []
    for line, legacy in lines:
        raw = line.encode("cp1252", "ignore") if legacy else line.encode("utf-8")
        if legacy:
            line = raw.decode("cp1252")
            try:
                raw.decode("utf-8")
                assume(raw.isascii())  # cp1252 that is also valid UTF-8 is read as UTF-8
            except UnicodeDecodeError:
                pass
        encoded.append((line, raw))
    data = b"\n".join(raw for _, raw in encoded) + b"\n"
    assume(not data.startswith(b"\xef\xbb\xbf"))  # a leading U+FEFF is a BOM
    assert decode_bytes(data) == "\n".join(line for line, _ in encoded) + "\n"


def test_mixed_encodings_across_read_blocks(tmp_path):
    utf8, legacy, long = "utf-8 bücher.de\n", "cp1252 café.fr – 5 €\n", "x" * 700 + " münchen.de\n"
    cycle = utf8.encode() + legacy.encode("cp1252") + long.encode()
    path = tmp_path / "glued.log"
    path.write_bytes(cycle * 4000)  # 3 MB: lines straddle each 1 MiB block edge
    assert "".join(c.text for c in iter_chunks(path)) == (utf8 + legacy + long) * 4000


# -- linear time ------------------------------------------------------------------------------


def _best_of_3(work, arg) -> float:
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        work(arg)
        best = min(best, time.perf_counter() - started)
    return best


def _read_bytes(data: bytes, name: str):
    return lambda _: sum(1 for _ in iter_stream_chunks(io.BytesIO(data), name=name))


ADVERSARIAL_TEXT = {  # extraction shapes test_extract_properties.py does not already time
    "encoded urls": "http%3A%2F%2Fa.com%2F",
    "safelinks": "https://x.safelinks.protection.outlook.com/?url=http%3A%2F%2Fa.com&",
    "spelled dots": "a dot b dot ",
    "cidrs": "1.2.3.4/24,",
    "mapped ipv6": "::ffff:1.2.3.4 ",
    "idn dots": "é.",
    "punycode": "xn--",
    "wide dots": "a\u3002",
    "invisible": "a\u200b.",
    "entities": "&#46;",
    "long digits": "1234567890",
    "hxxp runs": "hxxp://",
    "at brackets": "[@]",
    "nested in urls": "http://a.com/" + "&amp;" + "amp;" * 15 + "((((.)))) ",
}


@pytest.mark.parametrize("unit", list(ADVERSARIAL_TEXT.values()), ids=list(ADVERSARIAL_TEXT))
def test_extraction_time_is_linear(unit):
    small = unit * (60_000 // len(unit))
    t_small = max(_best_of_3(extract, small), 1e-3)
    t_large = _best_of_3(extract, small * 4)
    assert t_large / t_small < 8, f"{t_large / t_small:.1f}x for 4x the input"


ADVERSARIAL_FILES = {  # name -> (file name, one repeated unit)
    "alternating encodings": ("a.txt", "bücher.de\n".encode() + "café\n".encode("cp1252")),
    "same-line encodings": ("b.txt", "bücher.de ".encode() + "café\n".encode("cp1252")),
    "csv quotes": ("c.csv", b'"a""b",'),
    "csv delimiters": ("d.csv", b",;|\t"),
    "csv short rows": ("e.csv", b"evil.top\n,\n"),
    "jsonl bad lines": ("f.jsonl", b'{"a": "evil.top"\n'),
    "json wide array": ("g.json", None),
}


@pytest.mark.parametrize("name", list(ADVERSARIAL_FILES))
def test_import_time_is_linear(name):
    filename, unit = ADVERSARIAL_FILES[name]

    def data(n: int) -> bytes:
        if unit is None:
            return json.dumps([{"v": f"h{i}.evil.top"} for i in range(n // 24)]).encode()
        return unit * (n // len(unit))

    small, large = data(100_000), data(400_000)
    t_small = max(_best_of_3(_read_bytes(small, filename), None), 1e-3)
    t_large = _best_of_3(_read_bytes(large, filename), None)
    assert t_large / t_small < 8, f"{t_large / t_small:.1f}x for 4x the input"


def test_parser_time_is_linear():
    def doc(n: int) -> dict:
        return {
            "iid": 1,
            "threats": [{"tid": str(i), "name": f"t{i}"} for i in range(n)],
            "properties": {"dns": [{"name": f"K{i % 50}", "value": f"v{i}", "latest": 1} for i in range(n)]},
        }

    t_small = max(_best_of_3(parse.parse_indicator, doc(5_000)), 1e-3)
    t_large = _best_of_3(parse.parse_indicator, doc(20_000))
    assert t_large / t_small < 8, f"{t_large / t_small:.1f}x for 4x the input"
