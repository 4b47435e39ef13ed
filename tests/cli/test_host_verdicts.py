"""``iocdesk analyze``: a URL Pulsedive has never seen on a high-risk domain never reads as clean
(the demo sandbox; JSON, CSV, STIX and the terminal summary)."""

from __future__ import annotations

import csv
import json

import pytest

from iocdesk.pulsedive.sandbox.dataset import Dataset
from tests.cli.test_analyze import cli, home  # noqa: F401 - home is a fixture

pytestmark = pytest.mark.usefixtures("home")


@pytest.fixture(scope="module")
def high_domain() -> str:
    """A domain the demo sandbox (seed 1) knows as high risk."""
    return next(r.indicator for r in Dataset(seed=1).records("domain") if r.risk == "high")


def analyze(tmp_path, env, text: str, *flags: str) -> tuple[dict, str]:
    alert = tmp_path / "alert.txt"
    alert.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    res = cli("analyze", "--demo", "--rate", "50", str(alert), "--json", str(out), *flags, env=env)
    assert res.returncode == 0, res.stderr.decode()
    return json.loads(out.read_text(encoding="utf-8")), res.stdout.decode()


def test_the_url_carries_its_hosts_verdict_in_every_output(tmp_path, home, high_domain):  # noqa: F811
    url = f"https://{high_domain}/invoice/view?id=a81f2c"
    text = f"Phishing: {url}\nFrom: billing@{high_domain}\n"
    stix, table = tmp_path / "out.stix.json", tmp_path / "out.csv"
    document, stdout = analyze(tmp_path, home, text, "--stix", str(stix), "--csv", str(table))
    records = {r["indicator"]: r for r in document["results"]}
    assert records[url]["status"] == "not_found" and records[url]["risk"] is None
    assert records[url]["host"] == high_domain and records[url]["host_risk"] == "high"
    assert records[url]["verdict_risk"] == "high"
    assert records[f"billing@{high_domain}"]["verdict_risk"] == "high"
    assert records[high_domain]["derived_from"] == [url, f"billing@{high_domain}"]
    assert document["summary"]["risk"] == {"high": 3}
    # the terminal: the URL's row says high, and why
    line = next(line for line in stdout.splitlines() if line.startswith(url))
    assert " high " in line and f"host {high_domain}: high" in line
    # CSV: the same columns
    rows = {r["indicator"]: r for r in csv.DictReader(table.read_text(encoding="utf-8-sig").splitlines())}
    assert rows[url]["host_risk"] == "high" and rows[url]["verdict_risk"] == "high"
    # STIX: the domain is an indicator (Pulsedive's verdict) that names the URL it was found in
    domain = next(o for o in json.loads(stix.read_text())["objects"] if o.get("name") == high_domain)
    assert f"Host of: {url}" in domain["description"]


def test_hosts_off_and_all(tmp_path, home, high_domain):  # noqa: F811
    url = f"https://{high_domain}/x"
    document, _ = analyze(tmp_path, home, url, "--hosts", "off")
    assert [r["indicator"] for r in document["results"]] == [url]
    assert document["summary"]["risk"] == {}
    document, _ = analyze(tmp_path, home, url, "--hosts", "all")
    assert {r["indicator"]: r["status"] for r in document["results"]} == {url: "not_found", high_domain: "found"}
