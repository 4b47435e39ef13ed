"""Lone surrogates (half a UTF-16 pair, from a JSON "\\ud800" escape) in what is written to SQLite.

SQLite stores UTF-8, which has no code for a lone surrogate: binding one raises
UnicodeEncodeError and loses the write. History and cache store U+FFFD instead.
"""

from __future__ import annotations

from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.store import History, LookupCache, RunMeta, account_fingerprint

API = "https://pulsedive.example/api/"
HALF = "\ud800"


def hostile() -> LookupResult:
    intel = Intel(iid=9, indicator="evil.com", risk=Risk.HIGH, raw={"iid": 9, "risk": "high", "note": f"x{HALF}y"})
    return LookupResult(f"evil.com{HALF}", IndicatorType.DOMAIN, Status.FOUND, intel, error=f"e{HALF}")


def test_history_stores_and_loads_a_run_with_surrogates(tmp_path):
    with History(tmp_path / "history.sqlite3") as history:
        run = history.start_run(RunMeta([f"alert{HALF}.json"], 1, options={"title": HALF}, base_url=API))
        history.add_items(run, [hostile()])
        history.record(run, hostile())
        history.finish_run(run, "finished")
        meta, results = history.load_run(run)
    assert meta.sources == ["alert\ufffd.json"] and meta.options == {"title": "\ufffd"}
    (result,) = results  # the planned item and its result are one row
    assert result.indicator == "evil.com\ufffd" and result.status is Status.FOUND
    assert result.error == "e\ufffd"
    assert result.intel is not None and result.intel.raw["note"] == "x\ufffdy"


def test_cache_stores_and_finds_a_result_with_surrogates(tmp_path):
    with LookupCache(tmp_path / "cache.sqlite3") as cache:
        cache.set_scope(account_fingerprint(None), API)
        assert cache.put(hostile())
        for value in (f"evil.com{HALF}", "evil.com\ufffd"):  # asked either way, the same entry
            hit = cache.get(IndicatorType.DOMAIN, value)
            assert hit is not None and hit.raw is not None and hit.raw["note"] == "x\ufffdy"
