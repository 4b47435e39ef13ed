"""A URL ends at typographic quotes, guillemets, an ellipsis and CJK/fullwidth punctuation.

Word and Outlook replace straight quotes with curly ones as the analyst types, and text in
Chinese or Japanese has no spaces around a URL: the punctuation is not part of the URL, and
keeping it made a second, unknown indicator.
"""

from __future__ import annotations

import pytest

from iocdesk.extraction.extract import extract

URL = "https://evil-site.com/view?id=a81f2c"

CASES = [
    ("curly double quotes", f"open “{URL}” now"),
    ("curly single quotes", f"open ‘{URL}’ now"),
    ("closing quote only", f"the link {URL}” was sent"),
    ("low-9 quotes (German)", f"siehe „{URL}“ bitte"),
    ("guillemets (French)", f"voir «{URL}» svp"),
    ("single guillemets", f"‹{URL}›"),
    ("ellipsis", f"then {URL}… and more"),
    ("ideographic full stop", f"访问 {URL}。"),
    ("fullwidth comma, glued to CJK", f"访问{URL}，然后下载"),
    ("CJK corner brackets", f"「{URL}」"),
    ("fullwidth parenthesis", f"（{URL}）"),
    ("fullwidth exclamation", f"{URL}！"),
]


@pytest.mark.parametrize("text", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_the_url_ends_before_typographic_punctuation(text):
    assert [(str(i.type), i.value) for i in extract(text, hosts=False)] == [("url", URL)]


def test_letters_of_other_scripts_in_a_path_stay():
    assert [i.value for i in extract("https://evil-site.com/パス/файл", hosts=False)] == [
        "https://evil-site.com/パス/файл"
    ]


def test_a_scheme_glued_to_an_ascii_word_is_still_cut_as_before():
    assert [i.value for i in extract("Visithttp://evil-site.com/v", hosts=False)] == ["http://evil-site.com/v"]
    assert [i.value for i in extract("xhttps://evil-site.com/a", hosts=False)] == ["https://evil-site.com/a"]


def test_each_url_once_in_a_report_full_of_curly_quotes():
    text = f"Step 1: “{URL}”. Step 2: ‘{URL}’. Step 3: «{URL}»…"
    found = extract(text, hosts=False)
    assert [i.value for i in found] == [URL] and found[0].count == 3
