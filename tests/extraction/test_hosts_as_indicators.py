"""The host of every URL and e-mail address is an indicator of its own, linked to where it came from."""

from __future__ import annotations

from iocdesk.extraction.extract import IndicatorCollector, extract
from iocdesk.indicators.types import MAX_SOURCES_KEPT, IndicatorType, Scope, Source


def by_key(text: str, **kw):
    return {(str(i.type), i.value): i for i in extract(text, **kw)}


def test_hosts_of_urls_and_addresses_are_reported_by_default():
    found = by_key("hxxp://evil[.]com/a and mail bob@corp-mail.com")
    assert list(found) == [
        ("url", "http://evil.com/a"),
        ("domain", "evil.com"),
        ("email", "bob@corp-mail.com"),
        ("domain", "corp-mail.com"),
    ]
    assert found["domain", "evil.com"].derived_from == ["http://evil.com/a"]
    assert found["domain", "evil.com"].derived_only
    assert found["domain", "evil.com"].defanged  # written as evil[.]com inside the URL
    assert found["domain", "corp-mail.com"].derived_from == ["bob@corp-mail.com"]
    assert found["url", "http://evil.com/a"].host == "evil.com"


def test_no_hosts_leaves_them_out():
    assert list(by_key("hxxp://evil[.]com/a and bob@corp-mail.com", hosts=False)) == [
        ("url", "http://evil.com/a"),
        ("email", "bob@corp-mail.com"),
    ]


def test_a_host_also_seen_on_its_own_is_standalone_and_keeps_its_links():
    for text in ("evil.com hosts http://evil.com/a", "http://evil.com/a is on evil.com"):
        host = by_key(text)["domain", "evil.com"]
        assert host.standalone and not host.derived_only
        assert host.derived_from == ["http://evil.com/a"]


def test_one_host_many_parents_counted_and_listed_once_each():
    text = "https://evil.com/a https://evil.com/b https://evil.com/a ops@evil.com"
    host = by_key(text)["domain", "evil.com"]
    assert host.derived_from == ["https://evil.com/a", "https://evil.com/b", "ops@evil.com"]
    assert host.count == 4  # every time it was written, inside a URL or an address


def test_parents_kept_are_capped():
    text = " ".join(f"https://evil.com/{n}" for n in range(MAX_SOURCES_KEPT + 20))
    assert len(by_key(text)["domain", "evil.com"].derived_from) == MAX_SOURCES_KEPT


def test_ip_hosts_and_idn_hosts():
    found = by_key("http://8.8.8.8/x http://[2606:4700::1111]/y https://аррӏе.com/z")
    assert found["ipv4", "8.8.8.8"].derived_from == ["http://8.8.8.8/x"]
    assert found["ipv6", "2606:4700::1111"].derived_from == ["http://[2606:4700::1111]/y"]
    idn = found["domain", "xn--80ak6aa92e.com"]
    assert idn.display == "аррӏе.com"


def test_a_host_has_the_scope_of_its_own_address():
    found = by_key("http://10.0.0.5/admin http://intranet.corp.local/x")
    assert found["ipv4", "10.0.0.5"].scope is Scope.PRIVATE
    assert found["domain", "intranet.corp.local"].scope is Scope.INTERNAL
    assert not found["ipv4", "10.0.0.5"].lookup_by_default


def test_type_filter_keeps_hosts_of_urls_it_does_not_list():
    found = extract("see https://evil.com/a", types=["domain"])
    assert [(str(i.type), i.value, i.derived_from) for i in found] == [("domain", "evil.com", ["https://evil.com/a"])]


def test_hosts_carry_the_sources_of_their_parents():
    collector = IndicatorCollector()
    collector.add_text("https://evil.com/a", Source(file="a.txt", row=3))
    collector.add_text("x ops@evil.com", Source(file="b.csv", row=9))
    host = next(i for i in collector.results() if i.type is IndicatorType.DOMAIN)
    assert host.sources == [Source(file="a.txt", row=3), Source(file="b.csv", row=9)]


def test_to_dict_names_the_parents_only_for_hosts():
    found = extract("https://evil.com/a")
    assert "derived_from" not in found[0].to_dict()
    assert found[1].to_dict()["derived_from"] == ["https://evil.com/a"]
    assert found[1].to_dict()["standalone"] is False


def test_urls_without_a_host_of_their_own_add_nothing():
    # a hash and a CVE have no host; a URL inside another URL's query is its own URL with its own host
    found = by_key("https://www.google.com/url?q=http://evil.com/landing&sa=D CVE-2021-44228")
    assert ("domain", "evil.com") in found and ("domain", "www.google.com") in found
    inner = next(value for kind, value in found if kind == "url" and "evil.com" in value.split("?")[0])
    assert found["domain", "evil.com"].derived_from == [inner]
