"""``iocdesk explore``: Pulsedive's query language from the command line (issue 16), as a process,
plus its table and JSON writers fed hostile values in-process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
import requests

from iocdesk.cli.explore import print_explore, print_threat
from iocdesk.indicators.results import Intel, Risk
from iocdesk.lookup.pivots import ExploreResult, LinkedIndicators, ThreatPivot
from iocdesk.pulsedive.parse import LinkedIndicator, ThreatDetail


def cli(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iocdesk", "explore", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
    )


@pytest.fixture
def home(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PULSEDIVE_API_KEY"}
    env.update(IOCDESK_BASEDIR=str(tmp_path / "iocdesk"), PYTHONIOENCODING="utf-8")
    return env


def strict_json(text: str) -> object:
    def no_constants(name: str) -> object:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=no_constants)


def test_a_query_prints_a_table(home):
    res = cli("--demo", "threat=zeus and type=url", "--limit", "5", env=home)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["indicator", "type", "risk", "last", "seen"]
    rows = lines[1:6]
    assert len(rows) == 5 and all(" url " in row for row in rows)
    assert all(row.split()[-2].startswith("20") for row in rows)  # the date of "last seen"
    assert lines[6] == "5 result(s) for threat=zeus and type=url; there may be more (--limit 50)"


def test_json_is_one_strict_object_with_the_query_and_its_results(home):
    res = cli("--demo", "risk=high and type=domain", "--limit", "7", "--json", env=home)
    assert res.returncode == 0, res.stderr
    document = strict_json(res.stdout)
    assert document["query"] == "risk=high and type=domain" and document["limit"] == 7
    assert document["count"] == len(document["results"]) == 7
    for item in document["results"]:
        assert {"indicator", "type", "risk", "last_seen", "iid", "url"} <= set(item)
        assert item["type"] == "domain" and item["risk"] in ("high", "retired")  # retired ones show as such
        assert item["url"] == f"https://pulsedive.com/indicator/?iid={item['iid']}"
    assert res.stdout.isascii()


def test_threat_and_feed(home):
    res = cli("--demo", "--threat", "zEuS", "--json", env=home)  # names ignore case
    assert res.returncode == 0, res.stderr
    document = strict_json(res.stdout)
    assert document["threat"]["name"] == "Zeus" and document["threat"]["url"] == "https://pulsedive.com/threat/?tid=1"
    assert document["linked"] and document["linked_count"] == len(document["linked"])
    assert document["linked_complete"] is True and document["note"] is None
    res = cli("--demo", "--feed", "54", env=home)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("feed:") and "URLhaus (fid 54)" in res.stdout and "linked indicator(s)" in res.stdout


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (("--demo", "ioc=("), 2, "Pulsedive did not accept the query: Invalid query."),
        (("--demo",), 2, "give a query"),
        (("--demo", "type=url", "--threat", "Zeus"), 2, "not both"),
        (("--demo", "type=url", "--limit", "5000"), 2, "at most 1000"),
        (("--demo", "--threat", "No Such Threat"), 1, "Pulsedive has no threat named 'No Such Threat'."),
        (("--demo", "--feed", "99999"), 1, "Pulsedive has no feed with id 99999."),
        (("type=url",), 3, "no Pulsedive API key"),
    ],
)
def test_exit_statuses(home, args, status, says):
    res = cli(*args, env=home)
    assert res.returncode == status, res.stderr
    assert says in res.stderr
    assert res.stdout == ""


def test_unreachable_is_incomplete(home, unused_port):
    env = dict(home, PULSEDIVE_API_KEY="k" * 64)
    res = cli("type=url", "--api-url", f"http://127.0.0.1:{unused_port}/api/", env=env)
    assert res.returncode == 4, res.stderr
    assert "cannot be reached" in res.stderr


def test_spent_quota_is_incomplete_and_a_cached_answer_still_prints(home, make_sandbox):
    server = make_sandbox(seed=1, per_day=2)
    env = dict(home, PULSEDIVE_API_KEY="k" * 64)
    first = cli("feed=urlhaus", "--api-url", server.base_url, "--json", env=env)
    assert first.returncode == 0, first.stderr
    requests.get(server.url("info.php"), params={"tid": 1}, timeout=5)  # the day's last request, elsewhere
    spent = cli("feed=openphish", "--api-url", server.base_url, env=env)
    assert spent.returncode == 4 and "quota is used up" in spent.stderr
    again = cli("feed=urlhaus", "--api-url", server.base_url, "--json", env=env)
    assert again.returncode == 0 and strict_json(again.stdout)["from_cache"] is True
    assert server.stats.by_kind["explore"] == 2


HOSTILE = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\u202egpj.exe\x9b31m"


def test_attacker_text_reaches_the_terminal_inert():
    intel = Intel(iid=7, indicator=f"evil{HOSTILE}.com", pulsedive_type="domain", risk=Risk.HIGH, seen=HOSTILE)
    result = ExploreResult(query=f"ioc={HOSTILE}", limit=10, results=[intel])
    out = io.StringIO()
    print_explore(result, out)
    text = out.getvalue()
    for bad in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert bad not in text
    assert "\\u202e" in text  # shown, as its escape
    out = io.StringIO()
    print_explore(result, out, as_json=True)
    assert out.getvalue().isascii() and strict_json(out.getvalue())["results"][0]["indicator"] == intel.indicator


def test_a_threat_page_is_inert_too():
    threat = ThreatDetail(tid=5, name=f"Bad{HOSTILE}", wikisummary=f"line one\n{HOSTILE}", othernames=[HOSTILE])
    linked = LinkedIndicator(iid=9, indicator=f"x{HOSTILE}.com", pulsedive_type="domain", risk=Risk.LOW)
    pivot = ThreatPivot(threat, LinkedIndicators(items=[linked], fetched=3000))
    out = io.StringIO()
    print_threat(pivot, out)
    text = out.getvalue()
    assert not any(bad in text for bad in ("\x1b", "\x07", "\u202e", "\x9b"))
    assert "Showing the first 1 of 3,000 linked indicators." in text
