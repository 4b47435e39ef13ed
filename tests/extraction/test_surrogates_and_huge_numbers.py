"""JSON inputs with lone surrogate escapes ("\\ud800") and integers too long to read (issue 13).

A lone surrogate becomes U+FFFD where the text comes in; an integer of more
than 4,300 digits (Python's int max_str_digits) is one bad value with a
warning, never the end of the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iocdesk.extraction.extract import IndicatorCollector
from iocdesk.extraction.importers import iter_chunks
from iocdesk.indicators.types import TextChunk
from iocdesk.indicators.untrusted import HugeNumber, loads_json, replace_surrogates

HUGE = "7" * 5000  # beyond the default limit of 4,300 digits


def read(path: Path) -> tuple[list[TextChunk], list[str]]:
    with iter_chunks(path) as stream:
        chunks = list(stream)
    return chunks, stream.warnings


def encodable(chunks: list[TextChunk]) -> None:
    for chunk in chunks:
        chunk.text.encode("utf-8")  # strict: raises on a lone surrogate
        str(chunk.source).encode("utf-8")


def values(chunks: list[TextChunk]) -> set[str]:
    collector = IndicatorCollector()
    for chunk in chunks:
        collector.add_text(chunk.text)
    return {i.value for i in collector.results()}


def test_replace_surrogates():
    assert replace_surrogates("evil.com") == "evil.com"
    assert replace_surrogates("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert replace_surrogates("\U0001f600 é") == "\U0001f600 é"  # a real pair is one character, kept


def test_loads_json_keeps_a_huge_integer_as_one_bad_value():
    document = loads_json('{"n": ' + HUGE + ', "m": -' + HUGE + ', "k": 12, "f": 1.5, "s": "\\ud800"}')
    assert isinstance(document, dict)
    assert document["n"] == HugeNumber(5000) and document["m"] == HugeNumber(5000)
    assert document["k"] == 12 and document["f"] == 1.5 and document["s"] == "\ud800"
    assert str(HugeNumber(5000)) == "a number of 5,000 digits"
    with pytest.raises(ValueError):  # plain json.loads: the whole document is lost
        json.loads('{"n": ' + HUGE + "}")


def test_json_file_with_a_lone_surrogate_and_a_huge_integer(tmp_path):
    path = tmp_path / "alert.json"
    path.write_text(
        '{"title": "x\\ud800y", "iocs": ["evil[.]com\\ud800", "8.8.8.8"], "n": '
        + HUGE
        + ', "more": {"k\\udc00": "hxxp://bad[.]example[.]net/p"}}',
        encoding="utf-8",
    )
    chunks, warnings = read(path)
    encodable(chunks)
    assert "x\ufffdy" in [c.text for c in chunks]
    assert {"evil.com", "8.8.8.8", "http://bad.example.net/p"} <= values(chunks)
    assert warnings == [f"{path}: $.n: a number of 5,000 digits, too long to read; skipped"]
    assert '$.more["k\ufffd"]' in [c.source.column for c in chunks]


def test_a_document_that_is_only_a_huge_integer_is_a_warning(tmp_path):
    path = tmp_path / "n.json"
    path.write_text(HUGE, encoding="utf-8")
    chunks, warnings = read(path)
    assert chunks == [] and warnings == [f"{path}: $: a number of 5,000 digits, too long to read; skipped"]


def test_jsonl_file_with_a_lone_surrogate_and_a_huge_integer(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"m": "evil[.]com \\ud800"}\n{"n": ' + HUGE + ', "ip": "1.1.1.1"}\n{"u": "hxxp://bad[.]example[.]net/p"}\n',
        encoding="utf-8",
    )
    chunks, warnings = read(path)
    encodable(chunks)
    assert {"evil.com", "1.1.1.1", "http://bad.example.net/p"} <= values(chunks)
    assert warnings == [f"{path}: line 2: $.n: a number of 5,000 digits, too long to read; skipped"]
    assert [c.source.row for c in chunks if c.text == "1.1.1.1"] == [2]  # the rest of the line is read


def test_concatenated_json_with_a_huge_integer_is_read_as_json_lines(tmp_path):
    path = tmp_path / "eve.json"
    line = '{"n": ' + HUGE + ', "ip": "9.9.9.9"}\n'
    path.write_text(line * 3, encoding="utf-8")
    chunks, warnings = read(path)
    assert [c.text for c in chunks] == ["9.9.9.9"] * 3
    assert len(warnings) == 3 and all("5,000 digits" in w for w in warnings)
