"""STIX 2.1 export: validated with the OASIS stix2 library and its pattern validator."""

from __future__ import annotations

import json
import re

import pytest

stix2 = pytest.importorskip("stix2")
from stix2patterns.pattern import Pattern  # noqa: E402
from stix2patterns.validator import run_validator  # noqa: E402

from iocdesk.indicators.results import Feed, Intel, LookupResult, Risk, RiskFactor, Status, Threat  # noqa: E402
from iocdesk.indicators.types import IndicatorType as T  # noqa: E402
from iocdesk.reports.report import Report  # noqa: E402
from iocdesk.reports.stix import build_bundle, escape_pattern_value, pattern_for, write_bundle  # noqa: E402

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SHA512 = (
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
)

VALUES = {
    T.IPV4: "203.0.113.7",
    T.IPV6: "2001:db8::1",
    T.DOMAIN: "evil.example",
    T.URL: "https://evil.example/a?b='c'&d=\\e",
    T.EMAIL: "bad@evil.example",
    T.MD5: MD5,
    T.SHA1: SHA1,
    T.SHA256: SHA256,
    T.SHA512: SHA512,
    T.IPV4_CIDR: "203.0.113.0/24",
    T.IPV6_CIDR: "2001:db8::/32",
    T.ASN: "AS13335",
}
HOSTILE = "x'] OR [file:name = 'pwn\\' AND \\\\ '"


def intel(risk: Risk, **kw) -> Intel:
    return Intel(risk=risk, **kw)


def sample_report() -> Report:
    results = [
        LookupResult(
            "203.0.113.7",
            T.IPV4,
            Status.FOUND,
            intel(
                Risk.HIGH,
                iid=42,
                added="2024-05-06 07:08:09",
                threats=[
                    Threat(1, "Emotet", "malware", Risk.HIGH),
                    Threat(2, "APT28", "apt"),
                    Threat(3, "FIN7", "group"),
                    Threat(4, "Phish kit", "phishing"),
                    Threat(5, "Mystery", None),
                ],
                feeds=[Feed(1, "Abuse feed", "abuse", "Org")],
                riskfactors=[RiskFactor(1, "seen in a botnet", Risk.HIGH)],
            ),
        ),
        LookupResult(
            "evil.example",
            T.DOMAIN,
            Status.FOUND,
            intel(Risk.CRITICAL, iid=7, threats=[Threat(1, "Emotet", "malware")]),
        ),
        LookupResult("scan.example", T.DOMAIN, Status.SCANNED, intel(Risk.MEDIUM), scan="passive"),
        LookupResult("fine.example", T.DOMAIN, Status.FOUND, intel(Risk.NONE)),
        LookupResult("old.example", T.DOMAIN, Status.FOUND, intel(Risk.RETIRED, retired="no longer active")),
        LookupResult("unknown.example", T.DOMAIN, Status.NOT_FOUND),
        LookupResult(MD5, T.MD5, Status.UNSUPPORTED),
        LookupResult("10.0.0.1", T.IPV4, Status.SKIPPED),
        LookupResult("err.example", T.DOMAIN, Status.ERROR, error="boom"),
        LookupResult("CVE-2024-0001", T.CVE, Status.FOUND, intel(Risk.HIGH)),  # no pattern for CVEs
        LookupResult(HOSTILE, T.DOMAIN, Status.FOUND, intel(Risk.LOW, iid=True)),  # bool iid: no link
    ]
    return Report(results, run_id=3, created="2024-06-01T12:00:00+00:00")


def by_type(bundle: dict, stix_type: str) -> list[dict]:
    return [o for o in bundle["objects"] if o["type"] == stix_type]


def test_bundle_parses_strictly_and_round_trips(tmp_path):
    bundle = build_bundle(sample_report())
    parsed = stix2.parse(json.dumps(bundle), allow_custom=False)
    assert len(parsed.objects) == len(bundle["objects"])
    for original, obj in zip(bundle["objects"], parsed.objects, strict=True):
        again = json.loads(obj.serialize())
        assert again["id"] == original["id"]
        assert stix2.parse(again, allow_custom=False).id == original["id"]
        assert again.get("pattern") == original.get("pattern")

    path = write_bundle(sample_report(), tmp_path / "run.json")
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    stix2.parse(on_disk, allow_custom=False)
    assert [o["id"] for o in on_disk["objects"]] == [o["id"] for o in bundle["objects"]]
    assert not [p for p in tmp_path.iterdir() if p.name != "run.json"]  # no temp file left


def test_only_results_with_a_verdict_become_indicators():
    bundle = build_bundle(sample_report())
    names = {o["name"] for o in by_type(bundle, "indicator")}
    assert names == {"203.0.113.7", "evil.example", "scan.example", "fine.example", "old.example", HOSTILE}
    (identity,) = by_type(bundle, "identity")
    assert identity["identity_class"] == "system"
    assert all(o.get("created_by_ref") == identity["id"] for o in bundle["objects"] if o is not identity)


def test_indicator_fields_from_risk():
    indicators = {o["name"]: o for o in by_type(build_bundle(sample_report()), "indicator")}
    ip = indicators["203.0.113.7"]
    assert ip["indicator_types"] == ["malicious-activity"] and ip["confidence"] == 75
    assert ip["labels"] == ["pulsedive-risk:high"]
    assert ip["valid_from"] == "2024-05-06T07:08:09.000Z"
    assert ip["created"] == ip["modified"] == "2024-06-01T12:00:00.000Z"
    assert ip["pattern_type"] == "stix"
    assert ip["external_references"] == [
        {"source_name": "Pulsedive", "url": "https://pulsedive.com/indicator/?iid=42", "external_id": "42"}
    ]
    assert "seen in a botnet" in ip["description"] and "Abuse feed (Org)" in ip["description"]
    assert indicators["evil.example"]["confidence"] == 90
    assert indicators["scan.example"]["indicator_types"] == ["anomalous-activity"]
    assert "pulsedive-scanned" in indicators["scan.example"]["labels"]
    assert indicators["fine.example"]["indicator_types"] == ["benign"]
    assert indicators["old.example"]["indicator_types"] == ["unknown"]
    assert "confidence" not in indicators["old.example"]
    assert indicators["old.example"]["valid_from"] == "2024-06-01T12:00:00.000Z"
    assert "external_references" not in indicators[HOSTILE]


def test_threats_and_relationships():
    bundle = build_bundle(sample_report())
    kinds = {
        o["name"]: o["type"] for o in bundle["objects"] if o["type"] not in ("indicator", "identity", "relationship")
    }
    assert kinds == {
        "Emotet": "malware",
        "APT28": "intrusion-set",
        "FIN7": "threat-actor",
        "Phish kit": "infrastructure",
        "Mystery": "infrastructure",
    }
    (emotet,) = list(by_type(bundle, "malware"))
    assert emotet["is_family"] is True
    ids = {o["name"]: o["id"] for o in bundle["objects"] if "name" in o}
    rels = {(r["source_ref"], r["target_ref"]) for r in by_type(bundle, "relationship")}
    assert all(r["relationship_type"] == "indicates" for r in by_type(bundle, "relationship"))
    assert (ids["203.0.113.7"], ids["Emotet"]) in rels
    assert (ids["evil.example"], ids["Emotet"]) in rels  # one malware object, two relationships
    assert (ids["203.0.113.7"], ids["APT28"]) in rels
    assert len(rels) == 6


def test_ids_are_deterministic_across_exports():
    first = build_bundle(sample_report())
    second_report = sample_report()
    second_report.created = "2025-01-01T00:00:00+00:00"
    second_report.results.reverse()
    second = build_bundle(second_report)
    assert first["id"] != second["id"]  # a bundle is a message
    assert sorted(o["id"] for o in first["objects"]) == sorted(o["id"] for o in second["objects"])
    assert len({o["id"] for o in first["objects"]}) == len(first["objects"])


def test_duplicate_results_give_one_indicator():
    result = LookupResult("evil.example", T.DOMAIN, Status.FOUND, intel(Risk.HIGH))
    bundle = build_bundle(Report([result, result]))
    assert len(by_type(bundle, "indicator")) == 1


@pytest.mark.parametrize("kind", list(VALUES))
def test_pattern_per_type_is_valid(kind):
    pattern = pattern_for(VALUES[kind], kind)
    assert pattern is not None
    assert run_validator(pattern) == []
    bundle = build_bundle(Report([LookupResult(VALUES[kind], kind, Status.FOUND, intel(Risk.HIGH))]))
    stix2.parse(json.dumps(bundle), allow_custom=False)


def test_pattern_shapes():
    assert pattern_for("1.2.3.4", T.IPV4) == "[ipv4-addr:value = '1.2.3.4']"
    assert pattern_for(SHA1, T.SHA1) == f"[file:hashes.'SHA-1' = '{SHA1}']"
    assert pattern_for(MD5, T.MD5) == f"[file:hashes.MD5 = '{MD5}']"
    assert pattern_for("AS13335", T.ASN) == "[autonomous-system:number = 13335]"
    assert pattern_for("CVE-2024-0001", T.CVE) is None
    assert pattern_for("AS", T.ASN) is None


@pytest.mark.parametrize(
    "value",
    [
        HOSTILE,
        "a'b",
        "back\\slash",
        "ends with backslash\\",
        "'",
        "\\'",
        "x'] OR [x:y = '",
        "https://evil.example/'] OR [ipv4-addr:value = '0.0.0.0/0",
        "new\nline",
    ],
)
@pytest.mark.parametrize("kind", [T.DOMAIN, T.URL, T.EMAIL])
def test_hostile_values_are_escaped_and_cannot_inject(value, kind):
    pattern = pattern_for(value, kind)
    assert run_validator(pattern) == []
    comparisons = Pattern(pattern).inspect().comparisons
    assert list(comparisons) == [{T.DOMAIN: "domain-name", T.URL: "url", T.EMAIL: "email-addr"}[kind]]
    (only,) = next(iter(comparisons.values()))
    assert only[0] == ["value"] and only[1] == "="
    literal = only[2]
    assert literal == f"'{escape_pattern_value(value)}'"
    # unescaping the literal gives the value back
    assert re.sub(r"\\(.)", r"\1", literal[1:-1], flags=re.DOTALL) == value
    bundle = build_bundle(Report([LookupResult(value, kind, Status.FOUND, intel(Risk.HIGH))]))
    stix2.parse(json.dumps(bundle), allow_custom=False)


def test_empty_report_is_a_valid_bundle():
    bundle = build_bundle(Report([]))
    assert [o["type"] for o in bundle["objects"]] == ["identity"]
    stix2.parse(json.dumps(bundle), allow_custom=False)
