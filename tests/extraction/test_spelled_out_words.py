"""Spelled-out "at" and "dot" in lower case, and spaced dot words of other languages: recall, and
prose that must stay prose."""

from __future__ import annotations

import pytest

from iocdesk.extraction.extract import extract


def found(text: str) -> list[tuple[str, str, bool]]:
    return [(str(i.type), i.value, i.defanged) for i in extract(text, hosts=False)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contact user at evil dot com now", [("email", "user@evil.com", True)]),
        ("user at evil dot com", [("email", "user@evil.com", True)]),
        ("send it to bob at corp dot example dot org", [("email", "bob@corp.example.org", True)]),
        ("info at evil-site dot ru", [("email", "info@evil-site.ru", True)]),
        ("j.smith at evil(dot)com", [("email", "j.smith@evil.com", True)]),
        ("user at evil DOT com", [("email", "user@evil.com", True)]),
        ("evil punto com", [("domain", "evil.com", True)]),
        ("evil punkt de", [("domain", "evil.de", True)]),
        ("evil ponto com", [("domain", "evil.com", True)]),
        ("evil точка ru", [("domain", "evil.ru", True)]),
        ("malware-cdn punto ru y mas", [("domain", "malware-cdn.ru", True)]),
        ("evil punkt de.", [("domain", "evil.de", True)]),
        ("user [arroba] evil [punto] com", [("email", "user@evil.com", True)]),
    ],
)
def test_spelled_out_forms_are_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # " at " after an everyday word is English; the dot after it may still spell a host
        ("we met at home dot com", [("domain", "home.com", True)]),
        ("reach us at help dot com", [("domain", "help.com", True)]),
        ("email me at bob dot com", [("domain", "bob.com", True)]),
        ("look at this dot com bubble", []),
        # no spelled-out dot after it: "at" stays a word
        ("the code is available at github.com", [("domain", "github.com", False)]),
        ("user at evil.com", [("domain", "evil.com", False)]),
        ("payload at evil[.]zip", [("domain", "evil.zip", True)]),
        ("meet me at noon", []),
        ("admin at 10 dot 0", []),
        # other languages' dot words in their sentences
        ("el punto com", []),
        ("un punto de vista", []),
        ("desde otro punto de vista", []),
        ("Der Punkt ist klar", []),
        ("an diesem Punkt de facto", []),
        ("es un punto importante", []),
        ("a ponto de partir", []),
    ],
)
def test_prose_stays_prose(text, expected):
    assert found(text) == expected


def test_a_long_english_text_with_spelled_dots_yields_only_the_address():
    prose = "We met at the office at nine. Look at the dot com era, then at the dots. " * 200
    text = prose + "Reply to billing at secure-pay dot biz today." + prose
    assert found(text) == [("email", "billing@secure-pay.biz", True)]
