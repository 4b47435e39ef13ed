"""IndicatorCollector counts hits in one inlined loop; it counts them as the plain version did.

The reference below is the collector as it was before the loop was inlined: ``_add`` a hit, then
``_add`` its host (of a URL or e-mail address) as a hit of its own, found in that URL or address.
Both run over the same scanner hits, with and without a type filter, hosts and sources.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iocdesk.extraction import extract as ex
from iocdesk.extraction.hosts import parse_ipv4
from iocdesk.indicators.types import MAX_SOURCES_KEPT, Indicator, IndicatorType, Source

T = IndicatorType

_PIECES = st.sampled_from(
    [" ", "\n", ", ", "see ", "user@evil.com", "evil.com", "EVIL.com", "evil[.]com", "10.0.0.1", "10.0.0[.]1"]
    + ["http://evil.com/a", "hxxp://evil[.]com/b", "https://10.0.0.1/x", "http://[2001:db8::1]/p", "a@10.0.0.1"]
    + ["mail.evil.com", "b@mail.evil.com", "http://mail.evil.com", "evil.com/path", "2001:db8::2", "AS13335"]
    + ["d41d8cd98f00b204e9800998ecf8427e", "CVE-2021-44228", "10.0.0.0/8", "http://bücher.de/x", "bücher.de"]
)
_TEXTS = st.lists(st.lists(_PIECES, max_size=30).map("".join), min_size=1, max_size=4)
_SOURCES = st.sampled_from([None, Source(file="a"), Source(file="b", row=2)])


class _Reference:
    """The collector before its loop was inlined."""

    def __init__(self, types: frozenset[IndicatorType] | None, hosts: bool) -> None:
        self._types, self._hosts = types, hosts
        self._found: dict[tuple[IndicatorType, str], Indicator] = {}

    def add_text(self, text: str, source: Source | None) -> list[Indicator]:
        new: list[Indicator] = []
        for piece in ex._pieces(text):
            for hit in ex._Scanner(piece).scan():
                self._add(hit.type, hit.value, hit.display, hit, source, new)
                if self._hosts and hit.host is not None and hit.type in (T.URL, T.EMAIL):
                    host = hit.host
                    if parse_ipv4(host) is not None:
                        kind, display = T.IPV4, host
                    elif ":" in host:
                        kind, display = T.IPV6, host
                    else:
                        kind, display = T.DOMAIN, hit.host_display or host
                    self._add(kind, host, display, hit, source, new, parent=hit.value, host_of=True)
        return new

    def _add(self, kind, value, display, hit, source, new, parent=None, host_of=False) -> None:  # noqa: ANN001
        if self._types is not None and kind not in self._types:
            return
        key = (kind, value)
        found = self._found.get(key)
        if found is None:
            found = Indicator(kind, value, display, hit.defanged, 1, hit.scope, None if host_of else hit.host)
            found.standalone = parent is None
            self._found[key] = found
            new.append(found)
        else:
            found.count += 1
            found.defanged = found.defanged or hit.defanged
            found.standalone = found.standalone or parent is None
        if parent is not None and len(found.derived_from) < MAX_SOURCES_KEPT and parent not in found.derived_from:
            found.derived_from.append(parent)
        if source is not None and len(found.sources) < MAX_SOURCES_KEPT and source not in found.sources:
            found.sources.append(source)


def _rows(indicators: list[Indicator]) -> list[tuple]:
    return [
        (i.type, i.value, i.display, i.defanged, i.count, i.scope, i.host, i.sources, i.derived_from, i.standalone)
        for i in indicators
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS, _SOURCES, st.booleans(), st.sampled_from([None, ("domain",), ("url", "ipv4"), ("email", "md5")]))
def test_the_collector_counts_as_the_reference_does(texts, source, hosts, types) -> None:  # noqa: ANN001
    collector = ex.IndicatorCollector(types, hosts=hosts)
    reference = _Reference(None if types is None else frozenset(T(t) for t in types), hosts)
    for text in texts:
        assert _rows(collector.add_text(text, source)) == _rows(reference.add_text(text, source))
    assert _rows(collector.results()) == _rows(list(reference._found.values()))
    assert len(collector) == len(reference._found)


def test_long_urls_are_not_cached_and_read_the_same() -> None:
    path = "/a" * (ex._CACHED_URL_CHARS // 2 + 10)
    for url in (f"http://evil.com{path}", f"http://evil.com/x{path}?q=1&amp;r=2"):
        rest = url.split("://", 1)[1]
        assert ex._url_tail(rest, "") == ex._trim_url_tail(ex._cut_brackets(rest), "")
        assert ex._url_fields("http://", rest) == ex._url_fields_of("http://", rest)
        (found,) = ex.extract(f"see {url} now", types=["url"])
        assert found.value == ex._url_fields_of("http://", ex._url_tail(rest, " "))[0]  # type: ignore[index]
