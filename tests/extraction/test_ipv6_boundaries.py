"""IPv6 addresses glued to punctuation and to labels, and what must stay no address."""

from __future__ import annotations

import pytest

from iocdesk.extraction.extract import extract

FOUND = [
    ("label with a colon", "IPv6:2606:4700::1111", "2606:4700::1111"),
    ("short label", "ip:2001:db8::1,", "2001:db8::1"),
    ("log fields", "src:fe80::1 dst:2606:4700::2", "fe80::1 2606:4700::2"),
    ("key=value;", "addr=2606:4700::1111;next", "2606:4700::1111"),
    ("parentheses", "(2606:4700:4700::1111)", "2606:4700:4700::1111"),
    ("sentence end", "It was 2606:4700:4700::1111.", "2606:4700:4700::1111"),
    ("bracketed with a port", "[2606:4700::1111]:443", "2606:4700::1111"),
    ("quoted", '"2606:4700::1111"', "2606:4700::1111"),
    ("a colon after it", "at 2606:4700::1111: refused", "2606:4700::1111"),
    ("zone id", "2606:4700::1111%eth0", "2606:4700::1111"),
    ("ellipsis", "2606:4700::1111…", "2606:4700::1111"),
    ("hex word that is part of the address", "cafe:2606:4700::1", "cafe:2606:4700::1"),
]

NOTHING = [
    ("C++ scope", "std::vector<int> v;"),
    ("ratio-like", "a::b and 1::2"),
    ("one letter glued on", "x2606:4700::1111"),
    ("underscore label", "ipv6_2606:4700::1111"),
    ("a time", "at 12:30:45 today"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in FOUND], ids=[c[0] for c in FOUND])
def test_found(text, expected):
    assert [i.value for i in extract(text) if str(i.type) == "ipv6"] == expected.split()


@pytest.mark.parametrize("text", [c[1] for c in NOTHING], ids=[c[0] for c in NOTHING])
def test_nothing(text):
    assert [i.value for i in extract(text) if str(i.type) == "ipv6"] == []
