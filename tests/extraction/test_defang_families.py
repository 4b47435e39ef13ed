"""Exotic defangs seen in public reports and extractor test suites, each with prose and code
that must stay what it is."""

from __future__ import annotations

import pytest

from iocdesk.extraction.extract import extract

FOUND = [
    ("hyphenated dot", "evil-dot-com", ("domain", "evil.com")),
    ("hyphenated DOT in a URL", "evil-DOT-net/path", ("url", "evil.net/path")),
    ("caret dot", "evil^.com", ("domain", "evil.com")),
    ("doubled brackets", "evil[[.]]com", ("domain", "evil.com")),
    ("doubled parentheses", "evil((.))com", ("domain", "evil.com")),
    ("unbalanced opening bracket", "evil[.com", ("domain", "evil.com")),
    ("unbalanced closing bracket", "evil.]com", ("domain", "evil.com")),
    ("underscore before ://", "hxxp_://evil.com/a", ("url", "http://evil.com/a")),
    ("underscore after :", "http:_//evil.com/a", ("url", "http://evil.com/a")),
    ("bracketed scheme", "[http]://evil.com/a", ("url", "http://evil.com/a")),
    ("bracketed scheme and separator", "[https://]evil.com/a", ("url", "https://evil.com/a")),
    ("bracketed defanged scheme", "[hxxps]://evil[.]com/a", ("url", "https://evil.com/a")),
    ("Spanish/Italian punto", "evil[punto]com", ("domain", "evil.com")),
    ("German punkt", "evil(punkt)de", ("domain", "evil.de")),
    ("Portuguese ponto", "evil[ponto]com", ("domain", "evil.com")),
    ("Russian точка", "evil[точка]ru", ("domain", "evil.ru")),
    ("Chinese 点", "evil[点]com", ("domain", "evil.com")),
    ("arroba", "user[arroba]evil.com", ("email", "user@evil.com")),
    ("doubled [at]", "user[[at]]evil[.]com", ("email", "user@evil.com")),
]

NOTHING = [
    ("polka dots", "a polka-dot-bikini and a polka-dot dress"),
    ("exponent", "x = 2^.5 and y^.z"),
    ("array index", "array[.5] and list[.]append"),
    ("prose bracket", "see [.com domains] later"),
    ("code identifier", "my_var_://x and foo_://bar"),
    ("dot product", "the (dot) product of two vectors"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in FOUND], ids=[c[0] for c in FOUND])
def test_defang_family_is_undone(text, expected):
    found = [(str(i.type), i.value, i.defanged) for i in extract(text, hosts=False)]
    assert found == [(*expected, True)]


@pytest.mark.parametrize("text", [c[1] for c in NOTHING], ids=[c[0] for c in NOTHING])
def test_prose_and_code_stay(text):
    assert [(str(i.type), i.value) for i in extract(text, hosts=False)] == []


def test_a_name_with_dot_inside_is_kept_whole():
    assert [i.value for i in extract("polka-dot-shop.com", hosts=False)] == ["polka-dot-shop.com"]
