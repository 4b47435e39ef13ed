"""Pivots (issue 16): threats, feeds and explore through a LookupSession, against the sandbox.

Every request waits at the session's limiter, answers are cached per account and API URL
(a second opening sends nothing), long linked lists are capped and say so, and each failure
is one sentence an analyst can act on."""

from __future__ import annotations

import pytest
import requests

from iocdesk.indicators.types import IndicatorType, Scope
from iocdesk.lookup.engine import EngineOptions
from iocdesk.lookup.limiter import RateLimits
from iocdesk.lookup.pivots import (
    PivotError,
    PivotProblem,
    Pivots,
    as_indicator,
    feed_url,
    indicator_type,
    indicator_url,
    threat_url,
)
from iocdesk.lookup.session import Connection, LookupSession, SessionConfig
from iocdesk.store import account_fingerprint
from iocdesk.store.answers import ANSWERS_FILE, AnswerCache


@pytest.fixture
def basedir(tmp_path, monkeypatch):
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "base"))
    monkeypatch.delenv("PULSEDIVE_API_KEY", raising=False)
    return tmp_path / "base"


def open_pivots(url: str, *, key: str | None = None, use_cache: bool = True, **kwargs) -> tuple[LookupSession, Pivots]:
    options = EngineOptions(limits=RateLimits(), use_cache=use_cache)
    session = LookupSession(SessionConfig(connection=Connection(api_url=url), engine=options), key)
    return session, Pivots(session, **kwargs)


@pytest.fixture
def pivots(make_sandbox, basedir):
    server = make_sandbox(seed=1)
    session, pivots = open_pivots(server.base_url)
    yield server, pivots
    pivots.close()
    session.close()


def test_threat_by_name_with_every_page_of_its_links_and_a_cached_second_opening(make_sandbox, basedir):
    server = make_sandbox(seed=1, links_page_size=20)
    linked = server.dataset.linked_to_threat(1)
    assert len(linked) > 40  # three pages or more
    session, pivots = open_pivots(server.base_url)
    with session, pivots:
        zeus = pivots.threat(name="zEuS")
        assert zeus.threat.tid == 1 and zeus.threat.name == "Zeus" and "Zbot" in zeus.threat.othernames
        assert zeus.links.complete and not zeus.links.capped and zeus.links.note is None
        assert {x.iid for x in zeus.links.items} == {r.iid for r, _ in linked}
        assert not zeus.from_cache
        sent = server.stats.requests
        assert sent == 1 + -(-len(linked) // 20)  # the threat, then each page once
        again = pivots.threat(name="Zeus")  # by name: the same answer, no request
        by_id = pivots.threat(tid=1)  # and by id: stored under its tid too
        assert again.from_cache and by_id.from_cache and server.stats.requests == sent
        assert [x.iid for x in by_id.links.items] == [x.iid for x in zeus.links.items]
        fresh = pivots.threat(tid=1, refresh=True)
        assert not fresh.from_cache and server.stats.requests > sent
    assert (basedir / "cache" / ANSWERS_FILE).is_file()  # next to the lookup cache


def test_a_long_list_is_capped_and_says_so(make_sandbox, basedir):
    server = make_sandbox(seed=1)
    total = len(server.dataset.linked_to_feed(54))
    session, pivots = open_pivots(server.base_url, max_linked=5)
    with session, pivots:
        urlhaus = pivots.feed(54)
        assert urlhaus.feed.name == "URLhaus" and urlhaus.feed.organization == "abuse.ch"
        assert sum(urlhaus.feed.indicators.values()) == total
        assert len(urlhaus.links.items) == 5 and urlhaus.links.fetched == total and urlhaus.links.capped
        assert urlhaus.links.note == f"Showing the first 5 of {total:,} linked indicators."
        cached = pivots.feed(54)  # the cap and the count survive the cache
        assert cached.from_cache and cached.links.fetched == total and len(cached.links.items) == 5


def test_explore_results_limit_and_cache(pivots):
    server, pivots = pivots
    found = pivots.explore("threat=zeus and type=url", limit=3)
    assert len(found.results) == 3 and found.maybe_more
    assert all(r.pulsedive_type == "url" and r.seen for r in found.results)
    assert all(server.dataset.record(r.indicator).threats for r in found.results)
    sent = server.stats.requests
    assert pivots.explore("  threat=zeus and type=url ", 3).from_cache and server.stats.requests == sent
    assert not pivots.explore("threat=zeus and type=url", 4).from_cache  # another limit, another question
    assert pivots.explore("ioc=nothing-like-this.example").results == []


def test_failures_are_sentences(pivots, make_sandbox, basedir):
    _, pivots = pivots
    with pytest.raises(PivotError) as bad:
        pivots.explore("ioc=(")
    assert bad.value.problem is PivotProblem.BAD_QUERY and "Invalid query." in str(bad.value)
    with pytest.raises(PivotError) as missing:
        pivots.threat(tid=424242)
    assert missing.value.problem is PivotProblem.NOT_FOUND
    assert str(missing.value) == "Pulsedive has no threat with id 424242."
    with pytest.raises(PivotError) as nameless:
        pivots.threat(name="No Such Threat")
    assert "threat named 'No Such Threat'" in str(nameless.value)
    with pytest.raises(PivotError) as no_feed:
        pivots.feed(99999)
    assert no_feed.value.problem is PivotProblem.NOT_FOUND
    with pytest.raises(PivotError) as empty:
        pivots.explore("   ")
    assert empty.value.problem is PivotProblem.BAD_QUERY and "threat=ryuk" in str(empty.value)
    with pytest.raises(PivotError):
        pivots.explore("type=url", limit=1001)
    # a plan that shows fewer results than asked: Pulsedive's 429 is its limit, not the rate
    small = make_sandbox(seed=1, explore_max_results=50)
    raw = requests.get(small.url("explore.php"), params={"q": "type=url", "limit": 51}, timeout=5)
    assert raw.status_code == 429 and raw.json() == {
        "error": "Explore results are limited to 50 for your plan. "
        "Visit pulsedive.com/api to view limits and upgrade your plan."
    }  # API.md §2.4: more results than the plan shows is a 429, with an {"error": ...} body
    session, small_pivots = open_pivots(small.base_url)
    with session, small_pivots:
        with pytest.raises(PivotError) as plan:
            small_pivots.explore("type=url", limit=100)
        assert plan.value.problem is PivotProblem.BAD_QUERY and "limited to 50" in str(plan.value)
        assert small.stats.by_kind["explore"] == 2  # not retried as if it were the per-second rate
        assert len(small_pivots.explore("type=url", limit=50).results) == 50


def test_unreachable_pulsedive_is_one_clear_error(basedir, unused_port):
    session, pivots = open_pivots(f"http://127.0.0.1:{unused_port}/api/")
    with session, pivots, pytest.raises(PivotError) as down:
        pivots.threat(tid=1)
    assert down.value.problem is PivotProblem.UNREACHABLE
    assert "cannot be reached" in str(down.value) and "proxy" in str(down.value)


def test_a_spent_day_stops_before_asking_and_cached_answers_still_open(make_sandbox, basedir):
    server = make_sandbox(seed=1, per_day=3)  # the threat and its two pages of links
    session, pivots = open_pivots(server.base_url)
    with session, pivots:
        pivots.threat(tid=1)
        sent = server.stats.requests
        assert sent == 3
        with pytest.raises(PivotError) as spent:
            pivots.explore("type=url")
        assert spent.value.problem is PivotProblem.QUOTA
        assert "day's quota is used up" in str(spent.value) and "UTC" in str(spent.value)
        assert server.stats.requests == sent  # the limiter knew: nothing was sent
        assert pivots.threat(tid=1).from_cache  # what was fetched still opens


def test_a_429_for_the_day_is_the_quota_not_an_error(make_sandbox, basedir):
    server = make_sandbox(seed=1, per_day=1)
    requests.get(server.url("info.php"), params={"tid": 1}, timeout=5)  # another client spent the day
    session, pivots = open_pivots(server.base_url)
    with session, pivots, pytest.raises(PivotError) as spent:
        pivots.feed(54)
    assert spent.value.problem is PivotProblem.QUOTA
    assert server.stats.rate_limited == {"day": 1}  # asked once, not retried


def test_every_request_takes_a_ticket_from_the_sessions_limiter(pivots, monkeypatch):
    server, pivots = pivots
    limiter = pivots.session.limiter
    tickets = []
    taken = limiter.acquire_blocking
    monkeypatch.setattr(limiter, "acquire_blocking", lambda *a, **k: tickets.append(1) or taken(*a, **k))
    pivots.threat(tid=67)  # the threat, then its link pages (through the client's gate)
    pivots.feed(54)
    pivots.explore("risk=high and type=domain", 10)
    assert len(tickets) == server.stats.requests


def test_without_a_cache_nothing_is_kept(make_sandbox, basedir):
    server = make_sandbox(seed=1)
    session, pivots = open_pivots(server.base_url, use_cache=False)
    with session, pivots:
        assert pivots.answers is None
        pivots.explore("feed=urlhaus", 5)
        pivots.explore("feed=urlhaus", 5)
    assert server.stats.by_kind["explore"] == 2


def test_answers_are_scoped_to_the_account_and_expire(tmp_path):
    now = [1_700_000_000.0]
    path = tmp_path / ANSWERS_FILE
    one = account_fingerprint("a" * 64)
    with AnswerCache(path, ttl=60, fingerprint=one, base_url="https://pulsedive.com/api/", now=lambda: now[0]) as c:
        c.put("threat", "1", {"tid": 1, "threat": "Zeus"})
        assert c.get("threat", "1").data == {"tid": 1, "threat": "Zeus"}
        c.set_scope(account_fingerprint("b" * 64), "https://pulsedive.com/api/")
        assert c.get("threat", "1") is None  # another account
        c.set_scope(one, "http://127.0.0.1:9/api/")
        assert c.get("threat", "1") is None  # another service
        c.set_scope(one, "https://PULSEDIVE.com/api")
        assert c.get("threat", "1") is not None  # the same service, spelt differently
        now[0] += 61
        assert c.get("threat", "1") is None
        assert c.purge_expired() == 1
        with pytest.raises(ValueError):
            c.set_scope("a" * 64, "https://pulsedive.com/api/")  # the key itself is never stored


def test_linked_values_become_indicators_of_iocdesks_types():
    ip = as_indicator("187.191.98.202", "ip")
    assert ip is not None and ip.type is IndicatorType.IPV4 and ip.value == "187.191.98.202"
    v6 = as_indicator("2a02:27a8:0000:000a:0000:0000:0000:0100", "ipv6")
    assert v6 is not None and v6.type is IndicatorType.IPV6 and v6.value == "2a02:27a8:0:a::100"
    url = as_indicator("https://Evil.example.com/Login.php", "url")
    assert url is not None and url.type is IndicatorType.URL and url.value.endswith("/Login.php")
    internal = as_indicator("printer.local", "domain")
    assert internal is not None and internal.scope is Scope.INTERNAL  # the extractor's verdict on scope is kept
    odd = as_indicator("https://evil.com/path with space", "url")  # kept as Pulsedive wrote it
    assert odd is not None and odd.value == "https://evil.com/path with space"
    assert as_indicator("some-artifact", "artifact") is None
    assert as_indicator(None, "domain") is None and as_indicator("", "domain") is None
    assert indicator_type("IP") is IndicatorType.IPV4 and indicator_type("hash") is None


def test_pulsedive_pages_only_from_positive_numeric_ids():
    assert threat_url(1) == "https://pulsedive.com/threat/?tid=1"
    assert feed_url(54) == "https://pulsedive.com/feed/?fid=54"
    assert indicator_url(3) == "https://pulsedive.com/indicator/?iid=3"
    for bad in (None, 0, -1, True, "1", "1&x=https://evil", 1.5):
        assert threat_url(bad) is None and feed_url(bad) is None and indicator_url(bad) is None
