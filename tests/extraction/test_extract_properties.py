"""Properties of extraction: never raises, refang/defang round-trip, linear time.

Linear time is checked by ratio, not by a wall-clock budget: the same input
shape at n and 8n characters, measured in one process. Quadratic behaviour
gives ~64x, linear ~8x; the bound (24x) leaves room for a noisy machine.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iocdesk.extraction.extract import extract
from iocdesk.extraction.refang import defang, refang
from iocdesk.indicators.types import IndicatorType

# Characters that matter to the scanners, mixed with arbitrary text.
_ALPHABET = st.sampled_from(
    list("abcdefABCDEF0123456789xyz.:/@[](){}<>\"'`,;-_%+=?&#\\ \t\n*|^~!")
    + ["[.]", "(.)", "[dot]", " dot ", "hxxp", "://", "[:]", "[@]", "(at)", "\u3002", "\u200b", "&amp;", "\\/"]
)
_TEXT = st.lists(_ALPHABET, max_size=300).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_TEXT, st.text(max_size=300)))
def test_extraction_never_raises_and_values_are_canonical(text):
    for ioc in extract(text, hosts=True):
        assert ioc.count >= 1
        assert ioc.value and ioc.value == ioc.value.strip()
        if ioc.type in (IndicatorType.DOMAIN, IndicatorType.IPV4, IndicatorType.IPV6):
            assert ioc.value == ioc.value.lower()
        # its defanged form is found again, as the same value (the bare value need not
        # be: "a.ac" alone reads as a file name, "a[.]ac" is a domain)
        again = {(i.type, i.value) for i in extract(defang(ioc.value, ioc.type), hosts=True)}
        assert (ioc.type, ioc.value) in again, (text, ioc)


_LABEL = st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True)
# In prose, "io.netty.channel"-like names (a TLD-looking first label, 3+ labels) read as code on
# purpose: the round trip is about defanging, so the generated names avoid that rule.
_FIRST_LABEL = _LABEL.filter(lambda label: label not in {"com", "org", "net", "edu", "gov", "mil", "io"})
_DOMAIN = st.builds(
    lambda a, b, tld: f"{a}.{b}.{tld}", _FIRST_LABEL, _LABEL, st.sampled_from(["com", "net", "ru", "io", "xyz"])
)
_IPV4 = st.builds(lambda *o: ".".join(map(str, o)), *[st.integers(1, 223)] + [st.integers(0, 255)] * 3)
_PATH = st.from_regex(r"/[A-Za-z0-9_./?=&%-]{0,20}[A-Za-z0-9/]", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        _DOMAIN.map(lambda d: (IndicatorType.DOMAIN, d)),
        _IPV4.map(lambda ip: (IndicatorType.IPV4, ip)),
        st.builds(lambda d, p: (IndicatorType.URL, f"https://{d}{p}"), _DOMAIN, _PATH),
        st.builds(lambda u, d: (IndicatorType.EMAIL, f"{u}@{d}"), _LABEL, _DOMAIN),
    )
)
def test_defang_then_refang_round_trips_and_is_flagged(item):
    kind, value = item
    defanged = defang(value, kind)
    assert refang(defanged).text == value
    found = extract(f"seen: {defanged} (see report)", hosts=False)
    assert [(i.type, i.value, i.defanged) for i in found] == [(kind, value, True)]
    plain = extract(f"seen: {value} (see report)", hosts=False)
    assert [(i.type, i.value, i.defanged) for i in plain] == [(kind, value, False)]


def test_defanged_values_are_not_clickable_or_resolvable():
    assert defang("http://evil.com/a.php", "url") == "hxxp[://]evil[.]com/a.php"
    assert defang("evil.com", "domain") == "evil[.]com"
    assert defang("1.2.3.4", "ipv4") == "1[.]2[.]3[.]4"
    assert defang("a.b@evil.com", "email") == "a.b[@]evil[.]com"
    assert defang("2001:db8::1", "ipv6") == "2001[:]db8[:][:]1"
    assert defang("44d88612fea8a8f36de82e1278abb02f", "md5") == "44d88612fea8a8f36de82e1278abb02f"


# -- linear time ------------------------------------------------------------------------

ADVERSARIAL = {
    "long word": "a",
    "long hex": "0",
    "dots": "a.",
    "digit dots": "1.",
    "glued ips": "1.1.1.1.",
    "ats": "a@",
    "dotted ats": "a.b@",
    "colons": "a:",
    "hex colons": "ab:",
    "double colons": "::",
    "glued urls": "http://a.com/",
    "nested schemes": "://",
    "closing parens": ")",
    "url then parens": "http://a.com/(",
    "brackets": "[.]",
    "spaced brackets": " [.] ",
    "word dots": "a dot ",
    "at forms": "a(at)",
    "entities": "&amp;",
    "backslashes": "\\.",
    "hyphens": "a-",
    "cve-like": "CVE-2021-",
    "asn-like": "AS1",
    "slashes": "a.com/",
    "mixed": "hxxp[:]//a[.]b(.)c[@]d 1.2.3[.]4 ",
}


def _best_time(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        extract(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("unit", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_time_grows_linearly_on_adversarial_input(unit):
    small_chars = 100_000  # above the 64 KiB URL cap, so both sizes take the same paths
    small = unit * (small_chars // len(unit))
    large = small * 8
    t_small = max(_best_time(small), 1e-4)
    t_large = _best_time(large)
    assert t_large / t_small < 24, f"{t_large / t_small:.1f}x for 8x the input"


def test_huge_inputs_are_scanned_in_pieces_without_losing_indicators():
    # ~5 MB: one line of 2.5 MB with no line break, then 2.5 MB of lines; an
    # indicator next to every cut point would be lost if a piece cut through it.
    line = ("filler " * 40 + "hxxp://evil[.]com/a ") * 16_000
    lines = "\n".join(f"host{i}.example.org seen from 8.8.{i % 256}.{i // 256 % 256}" for i in range(60_000))
    found = extract(line + "\n" + lines)
    values = {i.value: i for i in found}
    assert values["http://evil.com/a"].count == 16_000
    assert len([v for v in values if v.startswith("host")]) == 60_000


def test_millions_of_dots_complete():
    assert extract("a." * 2_000_000) == []
    assert extract("." * 3_000_000 + "evil[.]com")[0].value == "evil.com"
