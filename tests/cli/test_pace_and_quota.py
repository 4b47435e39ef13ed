"""`iocdesk analyze` at the account's learnt pace, and a day's quota running out (issue 15).

Real processes against the sandbox on loopback, for each way a server counts the
second. The command is never told the rate: it learns it from the answers.
"""

from __future__ import annotations

import json

import pytest

from tests.cli.test_analyze import cli, home  # noqa: F401 - home is a fixture

KINDS = ("bucket", "rolling", "fixed")


def alert_of(server, tmp_path, known: int = 60, unknown: int = 0):
    plain = server.dataset.known_values("domain") + server.dataset.known_values("ip")  # written as they are kept
    values = plain[:known] + server.dataset.unknown_values()[:unknown]
    path = tmp_path / "alert.txt"
    path.write_text("\n".join(values), encoding="utf-8")
    return path, values


@pytest.mark.parametrize("kind", KINDS)
def test_analyze_learns_a_paid_plans_pace(tmp_path, home, make_sandbox, kind):  # noqa: F811
    server = make_sandbox(per_second=25, limiter=kind, latency=0.05, require_key="k")
    report, values = alert_of(server, tmp_path)
    out = tmp_path / "out.json"
    res = cli(
        "analyze", "--api-url", server.base_url, "--concurrency", "8", "--hosts", "off",
        str(report), "--json", str(out), env={**home, "PULSEDIVE_API_KEY": "k"},
    )  # fmt: skip
    assert res.returncode == 0, res.stderr.decode()
    statuses = {r["indicator"]: r["status"] for r in json.loads(out.read_text())["results"]}
    assert all(statuses[v] == "found" for v in values)
    # 60 lookups at 25/s: well under the 60 s the free plan's pace (the old default) took
    assert server.stats.throttled <= 3


def test_a_spent_day_quota_is_a_pause_not_an_error(tmp_path, home, make_sandbox):  # noqa: F811
    env = {**home, "PULSEDIVE_API_KEY": "k"}
    server = make_sandbox(per_day=20, require_key="k")
    report, _ = alert_of(server, tmp_path, known=30, unknown=10)
    out = tmp_path / "out.json"
    res = cli("analyze", "--api-url", server.base_url, "--hosts", "off", str(report), "--json", str(out), env=env)
    err = res.stderr.decode()
    assert res.returncode == 4, err  # incomplete, resumable: not 0, not a failure
    assert "day's quota is used up" in err and "20 indicators not looked up yet" in err
    assert "iocdesk history resume 1" in err and "error" not in err.lower().split("warning")[0]
    document = json.loads(out.read_text())
    statuses = [r["status"] for r in document["results"]]
    assert statuses.count("pending") == 20 and "error" not in statuses
    waiting = [r for r in document["results"] if r["status"] == "pending"]
    assert all(r["error"].startswith("not looked up: the Pulsedive day's quota is used up") for r in waiting)
    assert document["summary"]["status"]["pending"] == 20
    assert "(20 not looked up yet)" in res.stdout.decode() or "pending" in res.stdout.decode()

    server.reset_quota()  # the next day
    again = cli("history", "resume", "1", "--api-url", server.base_url, env=env)
    assert again.returncode == 0, again.stderr.decode()
    listing = cli("history", "list", env=env).stdout.decode()
    assert "finished" in listing
