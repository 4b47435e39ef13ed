"""A list of indicators is the analyst's intent: every syntactically valid item is taken, even
when a precision rule meant for prose and code would drop it (reverse-DNS-like first labels,
file-extension TLDs, Title-case). The same values in prose or code still yield nothing."""

from __future__ import annotations

import pytest

from iocdesk.extraction.extract import IndicatorCollector, extract
from iocdesk.extraction.importers import iter_chunks

LISTS = [
    ("one per line", "com.evil-login.net\norg.phish-kit.io\nevil.com", ["com.evil-login.net", "org.phish-kit.io"]),
    ("bullets", "- com.evil-login.net\n- org.bad-actor.io", ["com.evil-login.net", "org.bad-actor.io"]),
    ("numbered", "1. invoice.mov\n2. evil.com", ["invoice.mov"]),
    ("quoted with commas", '"com.a-b.net",\n"evil.com",', ["com.a-b.net"]),
    ("a single value pasted", "com.evil-login.net", ["com.evil-login.net"]),
]

PROSE = [
    ("sentence", "We saw com.evil-login.net in the logs"),
    ("line of prose after it", "com.evil-login.net\nwas seen in the logs today"),
    ("code", "using System.Net;\nvar client = new WebClient();"),
    ("method call in a list-like block", "re.search(\nx)"),
    ("file name in prose", "open the attached payload.zip please"),
    ("Java package in prose", "the class org.example.Main loads com.example.util"),
]


@pytest.mark.parametrize("text,wanted", [c[1:] for c in LISTS], ids=[c[0] for c in LISTS])
def test_list_items_are_taken(text, wanted):
    found = [i.value for i in extract(text)]
    assert all(value in found for value in wanted), found


@pytest.mark.parametrize("text", [c[1] for c in PROSE], ids=[c[0] for c in PROSE])
def test_prose_and_code_still_yield_no_such_domain(text):
    assert [i.value for i in extract(text) if str(i.type) == "domain"] == []


def test_an_indicator_column_in_a_csv_file_is_a_list(tmp_path):
    path = tmp_path / "iocs.csv"
    path.write_text("indicator,note\ncom.evil-login.net,seen\nnet.bad-site.org,seen twice\n", encoding="utf-8")
    collector = IndicatorCollector()
    with iter_chunks(path) as stream:
        collector.add_chunks(stream)
    assert [i.value for i in collector.results()] == ["com.evil-login.net", "net.bad-site.org"]
