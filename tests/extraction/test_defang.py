"""defang(): schemes, hosts, addresses and e-mails defanged; URL paths, queries and
fragments left as written (a file name is not a host); refang() gives each value back."""

from __future__ import annotations

import pytest

from iocdesk.extraction.refang import defang, refang
from iocdesk.indicators.types import IndicatorType as T

CASES = [
    # URL paths with dots: the file name and the dot-folder stay readable
    (T.URL, "https://evil.example/stage2.dll", "hxxps[://]evil[.]example/stage2.dll"),
    (T.URL, "https://evil.example/.well-known/acme.json", "hxxps[://]evil[.]example/.well-known/acme.json"),
    (
        T.URL,
        "http://cdn.evil.example/a/b.c/d.php?f=x.zip&v=1.2#part.3",
        "hxxp[://]cdn[.]evil[.]example/a/b.c/d.php?f=x.zip&v=1.2#part.3",
    ),
    (T.URL, "https://evil.example?next=login.php", "hxxps[://]evil[.]example?next=login.php"),
    (T.URL, "https://evil.example#frag.ment", "hxxps[://]evil[.]example#frag.ment"),
    (T.URL, "https://evil.example", "hxxps[://]evil[.]example"),
    (T.URL, "http://185.220.101.4:8080/gate.php", "hxxp[://]185[.]220[.]101[.]4:8080/gate.php"),
    (T.URL, "http://[2001:db8::1]/x.exe", "hxxp[://][2001:db8::1]/x.exe"),
    (T.URL, "ftp://files.evil.example/drop.bin", "fxp[://]files[.]evil[.]example/drop.bin"),
    (T.URL, "evil.example/inv.pdf", "evil[.]example/inv.pdf"),
    # a URL nested in the query (a redirector) is defanged too, or it would be a link
    (
        T.URL,
        "https://r.example/go?url=http://evil.example/a.exe",
        "hxxps[://]r[.]example/go?url=hxxp[://]evil[.]example/a.exe",
    ),  # schemeless: the host still defanged
    # addresses
    (T.IPV4, "198.51.100.7", "198[.]51[.]100[.]7"),
    (T.IPV4_CIDR, "198.51.100.0/24", "198[.]51[.]100[.]0/24"),
    (T.IPV6, "2001:db8::1", "2001[:]db8[:][:]1"),
    (T.IPV6_CIDR, "2001:db8::/32", "2001[:]db8[:][:]/32"),
    # e-mails: the "@" and the domain's dots, the local part as written
    (T.EMAIL, "first.last@mail.evil.example", "first.last[@]mail[.]evil[.]example"),
    # domains
    (T.DOMAIN, "evil.example", "evil[.]example"),
    (T.DOMAIN, "a.b.c.evil.co.uk", "a[.]b[.]c[.]evil[.]co[.]uk"),
]


@pytest.mark.parametrize(("kind", "value", "expected"), CASES, ids=[c[1] for c in CASES])
def test_defang_and_round_trip(kind, value, expected):
    assert defang(value, kind) == expected
    assert refang(defang(value, kind)).text == value


def test_path_dots_are_not_defanged_but_the_value_is_not_clickable():
    shown = defang("https://evil.example/stage2.dll", "url")
    assert "stage2.dll" in shown and "[.]dll" not in shown
    assert not shown.startswith("https") and "evil.example" not in shown


def test_well_known_stays_readable():
    assert "[.]well-known" not in defang("https://evil.example/.well-known/x", "url")


def test_url_holding_an_entity_still_round_trips():
    value = "https://evil.example/a?x=1&amp;y=2.3"
    assert refang(defang(value, "url")).text == value


def test_hashes_are_left_alone():
    assert defang("44d88612fea8a8f36de82e1278abb02f", "md5") == "44d88612fea8a8f36de82e1278abb02f"
