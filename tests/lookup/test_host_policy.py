"""Hosts of URLs and e-mail addresses: looked up when what they came from gets no verdict (auto),
always (all) or never (off); against the sandbox over loopback."""

from __future__ import annotations

import asyncio

import pytest

from iocdesk.extraction.extract import extract
from iocdesk.indicators.results import Risk, Status, summarize
from iocdesk.lookup.engine import EngineOptions, HostPolicy, LookupEngine
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.store import History, LookupCache, RunMeta, account_fingerprint

FAST = RateLimits(per_second=None)


@pytest.fixture(scope="module")
def sandbox(make_module_sandbox):
    return make_module_sandbox(seed=3)


@pytest.fixture(scope="module")
def high_domain(sandbox) -> str:
    return next(r.indicator for r in sandbox.dataset.records("domain") if r.risk == "high")


@pytest.fixture(scope="module")
def known_url(sandbox) -> str:
    """A URL Pulsedive knows (its host is known too, as on the real service)."""
    return sandbox.dataset.records("url")[0].indicator


def engine_for(sandbox, hosts: HostPolicy = HostPolicy.AUTO, **kw) -> LookupEngine:
    client = PulsediveClient("k", base_url=sandbox.base_url)
    return LookupEngine(client, EngineOptions(limits=FAST, hosts=hosts, use_cache=False), **kw)


def run(engine: LookupEngine, text: str) -> dict[str, object]:
    results = asyncio.run(engine.run(extract(text)))
    return {r.indicator: r for r in results}


def test_a_url_not_found_on_a_high_risk_domain_reads_high(sandbox, high_domain):
    url = f"https://{high_domain}/invoice/view?id=a81f2c"
    results = run(engine_for(sandbox), f"click {url} now")
    assert results[url].status is Status.NOT_FOUND
    host = results[high_domain]
    assert host.status is Status.FOUND and host.risk is Risk.HIGH
    assert results[url].host_result is host and host.derived_from == [url]
    assert results[url].verdict_risk is Risk.HIGH
    assert summarize(list(results.values()))["risk"] == {"high": 2}  # never "not found" and clean


def test_auto_does_not_spend_a_lookup_on_the_host_of_a_url_with_a_verdict(sandbox, known_url):
    results = run(engine_for(sandbox), f"seen {known_url}")
    url, host = results.values()
    assert url.status is Status.FOUND
    assert host.status is Status.SKIPPED and host.attempts == 0
    assert "verdict" in host.error


def test_auto_looks_up_the_domain_of_every_e_mail_address(sandbox, high_domain):
    results = run(engine_for(sandbox), f"From: billing@{high_domain}")
    assert results[f"billing@{high_domain}"].status is Status.UNSUPPORTED
    assert results[high_domain].status is Status.FOUND
    assert results[f"billing@{high_domain}"].verdict_risk is Risk.HIGH


def test_a_host_seen_on_its_own_is_looked_up_whatever_its_urls_say(sandbox, known_url):
    host = extract(known_url)[1].value
    results = run(engine_for(sandbox), f"{known_url} and {host}")
    assert results[host].status is Status.FOUND  # asked for, not skipped
    assert results[host].attempts >= 1


def test_one_host_of_many_urls_is_looked_up_once_when_any_lacks_a_verdict(sandbox, high_domain):
    urls = [f"https://{high_domain}/a{n}" for n in range(5)]
    sandbox.stats.reset()
    results = run(engine_for(sandbox), " ".join(urls))
    assert sandbox.stats.requests == 6  # five URLs and the domain once
    assert results[high_domain].derived_from == urls
    assert all(results[u].verdict_risk is Risk.HIGH for u in urls)


@pytest.mark.parametrize("policy", [HostPolicy.ALL, HostPolicy.OFF])
def test_all_and_off(sandbox, known_url, policy):
    results = run(engine_for(sandbox, policy), known_url)
    url, host = results.values()
    assert url.status is Status.FOUND
    if policy is HostPolicy.ALL:
        assert host.status is Status.FOUND and host.attempts >= 1
    else:
        assert host.status is Status.SKIPPED and host.attempts == 0 and "off" in host.error


def test_a_host_whose_url_is_not_in_the_run_is_looked_up(sandbox, high_domain):
    only_host = [i for i in extract(f"https://{high_domain}/x") if i.type == "domain"]
    assert only_host[0].derived_only
    results = asyncio.run(engine_for(sandbox).run(only_host))
    assert results[0].status is Status.FOUND


def test_results_and_history_in_order_and_every_host_decided(sandbox, high_domain, known_url, tmp_path):
    history = History(tmp_path / "h.db")
    run_id = history.start_run(RunMeta(sources=["t"], total=0))
    text = f"https://{high_domain}/q {known_url} ops@{high_domain}"
    items = extract(text)
    history.add_items(run_id, items)
    engine = engine_for(sandbox, history=history, run_id=run_id)
    results = asyncio.run(engine.run(items))
    assert [r.indicator for r in results] == [i.value for i in items]
    assert all(r.done for r in results)
    _, saved = history.load_run(run_id)
    assert [(r.indicator, r.status) for r in saved] == [(r.indicator, r.status) for r in results]
    history.close()


def test_the_host_is_cached_like_any_lookup(sandbox, high_domain, tmp_path):
    cache = LookupCache(tmp_path / "c.db")
    cache.set_scope(account_fingerprint("k"), sandbox.base_url)
    client = PulsediveClient("k", base_url=sandbox.base_url)
    text = f"https://{high_domain}/cached-path"
    first = asyncio.run(LookupEngine(client, EngineOptions(limits=FAST), cache=cache).run(extract(text)))
    second = asyncio.run(LookupEngine(client, EngineOptions(limits=FAST), cache=cache).run(extract(text)))
    assert [r.from_cache for r in first] == [False, False]
    assert [r.from_cache for r in second] == [True, True]
    assert second[0].verdict_risk is Risk.HIGH
    cache.close()


def test_a_host_waiting_when_the_quota_runs_out_stays_pending_for_a_resume(make_sandbox, high_domain, tmp_path):
    server = make_sandbox(seed=3, per_day=1)
    history = History(tmp_path / "h.db")
    run_id = history.start_run(RunMeta(sources=["t"], total=0))
    items = extract(f"https://{high_domain}/quota-test")
    history.add_items(run_id, items)
    engine = engine_for(server, history=history, run_id=run_id)
    results = asyncio.run(engine.run(items))
    assert engine.stop_reason and results[0].status is Status.NOT_FOUND
    assert results[1].status is Status.PENDING  # asked for after its URL, refused by the quota: not an error
    assert results[1].error.startswith("not looked up: the Pulsedive day's quota is used up")
    pending = history.pending_items(run_id)
    assert [(p.value, p.derived) for p in pending] == [(high_domain, True)]
    _, saved = history.load_run(run_id)
    assert saved[1].derived_only and saved[0].host_result is saved[1]
    history.close()
