"""`iocdesk extract` and `iocdesk analyze --demo` on JSON and JSON Lines files holding a lone
surrogate escape ("\\ud800") and a 5,000-digit integer (issue 13): the run completes, exit 0,
the other IOCs are found, the number is one warning, and every export is strict UTF-8."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.test_analyze import cli

HUGE = "7" * 5000
IOCS = {"evil.com", "8.8.8.8", "http://bad.example.net/p"}


@pytest.fixture
def home(tmp_path) -> dict:
    """An environment with its own cache/history directory and no key (as in test_analyze.py)."""
    env = {k: v for k, v in os.environ.items() if k != "PULSEDIVE_API_KEY"}
    env.update(IOCDESK_BASEDIR=str(tmp_path / "iocdesk"), PYTHONIOENCODING="utf-8")
    return env


def json_file(tmp_path: Path) -> Path:
    path = tmp_path / "alert.json"
    path.write_text(
        '{"title": "x\\ud800y", "iocs": ["evil[.]com\\ud800", "8.8.8.8"], "n": '
        + HUGE
        + ', "more": {"k\\udc00": "hxxp://bad[.]example[.]net/p"}}',
        encoding="utf-8",
    )
    return path


def jsonl_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"m": "evil[.]com \\ud800"}\n{"n": ' + HUGE + ', "ip": "8.8.8.8"}\n{"u": "hxxp://bad[.]example[.]net/p"}\n',
        encoding="utf-8",
    )
    return path


FILES = pytest.mark.parametrize("make", [json_file, jsonl_file], ids=["json", "jsonl"])


def strict_json(path: Path) -> object:
    return json.loads(path.read_bytes().decode("utf-8"))  # strict UTF-8, then JSON


@FILES
def test_extract_finds_the_other_iocs_and_warns_once(tmp_path, home, make):
    path = make(tmp_path)
    res = cli("extract", "--format", "json", str(path), env=home)
    assert res.returncode == 0, res.stderr.decode()
    found = {i["value"] for i in json.loads(res.stdout.decode("utf-8"))}
    assert found >= IOCS
    warnings = [line for line in res.stderr.decode().splitlines() if "5,000 digits" in line]
    assert len(warnings) == 1 and "too long to read" in warnings[0]
    assert "Traceback" not in res.stderr.decode()


@pytest.mark.slow  # a demo run (sandbox) per file
@FILES
def test_analyze_demo_completes_and_every_export_is_strict(tmp_path, home, make):
    path = make(tmp_path)
    out = {kind: tmp_path / f"out.{kind}" for kind in ("json", "csv")}
    stix = tmp_path / "out.stix.json"
    res = cli(
        "analyze", "--demo", str(path),
        "--json", str(out["json"]), "--csv", str(out["csv"]), "--stix", str(stix),
        env=home,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr.decode()
    assert "Traceback" not in res.stderr.decode() and "5,000 digits" in res.stderr.decode()
    document = strict_json(out["json"])
    assert isinstance(document, dict)
    assert {r["indicator"] for r in document["results"]} >= IOCS
    out["csv"].read_bytes().decode("utf-8-sig")
    bundle = strict_json(stix)
    assert isinstance(bundle, dict) and bundle["type"] == "bundle"
    listing = cli("history", "list", env=home)
    assert listing.returncode == 0 and "finished" in listing.stdout.decode()
