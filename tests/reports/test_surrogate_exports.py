"""JSON, CSV and STIX exports of results carrying lone surrogates are strict UTF-8 (issue 13).

A lone surrogate (from a JSON input's "\\ud800" escape, or from Pulsedive intel)
cannot be encoded as UTF-8, and even as the JSON escape \\ud800 strict readers
(jq 1.7, I-JSON) refuse it. JSON and STIX carry U+FFFD; CSV the visible escape.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest

from iocdesk.indicators.results import Feed, Intel, LookupResult, Risk, RiskFactor, Status, Threat
from iocdesk.indicators.types import IndicatorType
from iocdesk.reports import tabular
from iocdesk.reports.report import Report
from iocdesk.reports.stix import write_bundle

HALF = "\ud800"


def report() -> Report:
    intel = Intel(
        iid=5, indicator=f"evil.com{HALF}", risk=Risk.HIGH, org=f"org{HALF}",
        threats=[Threat(1, f"Threat{HALF}", f"malware{HALF}", Risk.HIGH)],
        feeds=[Feed(2, f"feed{HALF}", "abuse", "Org")],
        riskfactors=[RiskFactor(3, "factor\udc00", Risk.HIGH)],
        raw={"iid": 5, "note": HALF},
    )  # fmt: skip
    results = [
        LookupResult(f"http://evil.com/{HALF}", IndicatorType.URL, Status.FOUND, intel, source=f"a{HALF}.json"),
        LookupResult("bad.example", IndicatorType.DOMAIN, Status.FOUND, Intel(iid=7, risk=Risk.MEDIUM)),
    ]
    return Report(results, run_id=1, created="2026-01-02T03:04:05+00:00", sources=[f"a{HALF}.json"], title=HALF)


def strict_json(data: bytes) -> object:
    text = data.decode("utf-8")  # strict: a surrogate encoded any way would raise
    assert "\\ud8" not in text.lower() and "\\udc" not in text.lower()  # no lone-surrogate escape either
    if shutil.which("jq"):
        run = subprocess.run(["jq", "-c", "."], input=data, capture_output=True, timeout=30)
        assert run.returncode == 0, run.stderr.decode()
    return json.loads(text)


def test_json_export_is_strict_utf8_with_replacement_characters(tmp_path):
    path = tmp_path / "r.json"
    tabular.write_json(path, tabular.results_document(report().results, {"id": 1}))
    document = strict_json(path.read_bytes())
    assert isinstance(document, dict)
    first = document["results"][0]
    assert first["indicator"] == "http://evil.com/\ufffd" and first["threats"] == ["Threat\ufffd"]
    assert first["source"] == "a\ufffd.json"


def test_csv_export_is_strict_utf8_with_visible_escapes(tmp_path):
    path = tmp_path / "r.csv"
    tabular.write_csv(path, report().results)
    text = path.read_bytes().decode("utf-8-sig")  # strict
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows[0]["indicator"] == "http://evil.com/\\ud800" and len(rows) == 2


def test_stix_export_is_strict_utf8_and_still_valid(tmp_path):
    stix2 = pytest.importorskip("stix2")
    from stix2patterns.validator import run_validator

    path = write_bundle(report(), tmp_path / "b.json")
    bundle = strict_json(path.read_bytes())
    assert isinstance(bundle, dict)
    stix2.parse(path.read_text(encoding="utf-8"), allow_custom=False)
    indicators = [o for o in bundle["objects"] if o["type"] == "indicator"]
    assert len(indicators) == 2
    for indicator in indicators:
        assert run_validator(indicator["pattern"]) == []
    assert "http://evil.com/\ufffd" in [o["name"] for o in indicators]
