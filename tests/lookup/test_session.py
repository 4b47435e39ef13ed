"""The lookup session every face uses: what it builds, what it owns, how a run is recorded."""

from __future__ import annotations

import asyncio

import pytest

from iocdesk.extraction.extract import extract
from iocdesk.indicators.results import Status
from iocdesk.lookup.engine import EndState, EngineOptions
from iocdesk.lookup.limiter import RateLimits
from iocdesk.lookup.session import DEMO_LIMITS, Connection, LookupSession, NoApiKey, SessionConfig
from iocdesk.store import History, LookupCache, RunState, account_fingerprint


@pytest.fixture
def basedir(tmp_path, monkeypatch):
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path / "base"))
    monkeypatch.delenv("PULSEDIVE_API_KEY", raising=False)
    return tmp_path / "base"


def config_for(url: str, **engine) -> SessionConfig:
    options = EngineOptions(limits=RateLimits(per_second=None), **engine)
    return SessionConfig(connection=Connection(api_url=url), engine=options)


def test_connection_is_the_one_place_proxy_and_ca_become_client_options():
    assert Connection().client_kwargs() == {"base_url": "https://pulsedive.com/api/", "paths": "legacy"}
    full = Connection(
        api_url="https://pd.example/api/", paths="current", proxy="http://proxy:3128", ca_bundle="/ca.pem"
    )
    assert full.client_kwargs() == {
        "base_url": "https://pd.example/api/",
        "paths": "current",
        "proxies": {"http": "http://proxy:3128", "https": "http://proxy:3128"},
        "verify": "/ca.pem",
    }
    with full.client("k") as client:
        assert client.base_url == "https://pd.example/api/" and client.session.proxies["https"] == "http://proxy:3128"
        assert client.session.verify == "/ca.pem"


def test_demo_config_uses_the_sandbox_and_its_local_rate():
    config = SessionConfig(engine=EngineOptions(concurrency=2)).for_demo("http://127.0.0.1:9/api/")
    assert config.demo_url == "http://127.0.0.1:9/api/" and config.engine.limits == DEMO_LIMITS
    assert config.engine.concurrency == 2  # the rest of the settings stay
    session = LookupSession(config, "a-real-key-is-never-sent-to-the-sandbox")
    try:
        assert session.base_url == "http://127.0.0.1:9/api/"
        assert session.account == account_fingerprint(None)  # the sandbox has no account
    finally:
        session.close()


def test_open_without_a_key_says_so(basedir, memory_keyring):
    with pytest.raises(NoApiKey):
        LookupSession.open(SessionConfig())


def test_open_reads_the_stored_key_and_scopes_the_cache_to_it(basedir, memory_keyring, make_sandbox, monkeypatch):
    sandbox = make_sandbox()
    domain = sandbox.dataset.known_values("domain")[0]
    monkeypatch.setenv("PULSEDIVE_API_KEY", "session-test-key")
    with LookupSession.open(config_for(sandbox.base_url)) as session:
        assert session.account == account_fingerprint("session-test-key") != account_fingerprint(None)
        asyncio.run(session.engine(None).run(extract(domain)))
        assert session.cache.get("domain", domain) is not None
    monkeypatch.setenv("PULSEDIVE_API_KEY", "another-account-key")
    with LookupSession.open(config_for(sandbox.base_url)) as other:
        assert other.cache.get("domain", domain) is None  # another key never sees this key's answers


def test_a_run_is_planned_looked_up_and_recorded(basedir, make_sandbox):
    sandbox = make_sandbox()
    domain = sandbox.dataset.known_values("domain")[0]
    indicators = extract(f"seen {domain} and 203.0.113.9")
    with LookupSession(config_for(sandbox.base_url), None) as session:
        run_id = session.start_run(["alert.txt"], indicators, options={"rate": 1})
        assert run_id is not None
        engine = session.engine(run_id)
        results = asyncio.run(engine.run(indicators))
        session.finish_run(run_id, engine)
        assert engine.end_state is EndState.FINISHED and engine.stop_cause is None
        assert {r.indicator: r.status for r in results}[domain] is Status.FOUND
        meta, saved = session.history.load_run(run_id)
        assert meta.sources == ["alert.txt"] and meta.base_url.startswith("http://127.0.0.1")
        assert [r.indicator for r in saved] == [r.indicator for r in results]
        assert session.history.list_runs()[0].state is RunState.FINISHED
        assert session.cache.get("domain", domain) is not None  # answers are cached as they arrive


def test_engine_overrides_apply_to_one_run_only(basedir, make_sandbox):
    sandbox = make_sandbox()
    with LookupSession(config_for(sandbox.base_url), None) as session:
        again = session.engine(None, use_cache=False, include_private=True)
        assert not again.options.use_cache and again.options.include_private
        assert session.options.use_cache and not session.options.include_private
        assert session.engine(None).options is not session.options  # never the session's own object


def test_it_closes_what_it_opened_and_only_that(basedir, tmp_path, make_sandbox):
    sandbox = make_sandbox()
    history = History(tmp_path / "borrowed-history.sqlite3")
    cache = LookupCache(tmp_path / "borrowed-cache.sqlite3")
    session = LookupSession(config_for(sandbox.base_url), None, history=history, cache=cache)
    assert session.history is history and session.cache is cache
    session.close()
    history.list_runs()  # still open: the window's History dialog keeps using it
    cache.stats()
    history.close()
    cache.close()

    owned = LookupSession(config_for(sandbox.base_url), None)
    own_history = owned.history
    owned.close()
    with pytest.raises(Exception):  # closed with the session
        own_history.list_runs()


def test_no_cache_when_the_settings_say_so(basedir, make_sandbox):
    sandbox = make_sandbox()
    with LookupSession(config_for(sandbox.base_url, use_cache=False), None) as session:
        assert session.cache is None


def test_optional_stores_let_a_run_go_on_without_history(basedir, make_sandbox, monkeypatch):
    sandbox = make_sandbox()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("iocdesk.lookup.session.History", broken)
    with pytest.raises(OSError):
        LookupSession(config_for(sandbox.base_url), None)
    with LookupSession(config_for(sandbox.base_url), None, optional_stores=True) as session:
        assert session.history is None and session.start_run(["x"], []) is None


def test_runs_and_link_pages_share_the_sessions_pace(make_sandbox, basedir):
    """Issue 15: one account, one pace. A run's lookups and the link pages the window fetches
    through the same session's client go through the same limiter; neither overfills the second."""
    import time

    from iocdesk.pulsedive.parse import parse_indicator

    server = make_sandbox(per_second=4, limiter="rolling", links_page_size=2)
    busiest = max(server.dataset.known_values("domain"), key=lambda v: len(server.dataset.record(v).links))
    with LookupSession(config_for(server.base_url, concurrency=4), None) as session:
        assert session.client.gate is session.limiter
        engine = session.engine()
        items = extract(" ".join(server.dataset.known_values("domain")[:6]), hosts=False)
        results = asyncio.run(engine.run(items))
        assert engine.limiter is session.limiter and {r.status for r in results} == {Status.FOUND}
        iid = parse_indicator(session.client.indicator(busiest).data).iid
        started = time.monotonic()
        pages = session.client.links(iid)  # 49 links, 2 a page: 25 pages at the learnt 4/s
        took = time.monotonic() - started
        assert pages.ok and session.limiter.pace.rate == 4  # learnt by the run, kept by the pages
    # Without the gate the pages burst past 4 a second and most are refused; with it, at most a
    # page or two meets loopback jitter at the window's edge, and is retried at the pace.
    assert server.stats.throttled <= 2
    assert server.stats.by_kind["links"] == 25 + server.stats.throttled
    assert took >= (25 - 4) / 4 - 0.5
