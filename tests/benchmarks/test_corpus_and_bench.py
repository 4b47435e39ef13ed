"""The benchmark corpus generator is deterministic and the bench script runs end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import CORE_TYPES, canonical, comparable, generate, generate_corpus, implied  # noqa: E402


def _run(*args: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_generate_is_deterministic_for_a_seed():
    text1, truth1 = generate(60_000, seed=3, ground_truth=True)
    text2, truth2 = generate(60_000, seed=3, ground_truth=True)
    assert text1 == text2 and truth1 == truth2
    assert generate(60_000, seed=4) != text1
    assert len(text1.encode("utf-8")) >= 60_000
    assert generate(60_000, seed=3) == text1  # plain call returns the same text


def test_smaller_corpus_is_a_prefix_of_a_larger_one():
    small, big = generate_corpus(30_000, seed=5), generate_corpus(90_000, seed=5)
    assert big.text.startswith(small.text)
    assert small.truth <= big.truth


def test_generate_does_not_depend_on_hash_randomisation():
    code = (
        "import hashlib; from benchmarks.corpus import generate; t, g = generate(40000, 9, ground_truth=True); "
        "print(hashlib.sha256((t + repr(sorted(g))).encode()).hexdigest())"
    )
    digests = {_run("-c", code, env={"PYTHONHASHSEED": seed}).stdout.strip() for seed in ("0", "12345")}
    assert len(digests) == 1 and len(next(iter(digests))) == 64


def test_ground_truth_is_canonical_and_covers_every_type_and_form():
    corpus = generate_corpus(300_000, seed=1)
    assert {t for t, _ in corpus.truth} == set(CORE_TYPES)
    for t, v in corpus.truth:
        assert canonical(t, v) == v, (t, v)
        assert corpus.counts[(t, v)] >= 1 and corpus.surfaces[(t, v)]
    text = corpus.text
    for form in (
        "hxxp",
        "hXXp",
        "[.]",
        "(.)",
        "{.}",
        "[dot]",
        "(dot)",
        " dot ",
        "\\.",
        "[:]",
        "[://]",
        "[@]",
        "(at)",
        "<a href=",
        "&amp;",
        "|------|",
        "sshd[",
        '"GET ',
        "Event",
        '{"indicator"',
        "]:",
    ):
        assert form in text, form
    categories = set(corpus.noise.values())
    assert {"version", "filename", "dotted-code", "date-time", "hex-not-hash", "guid"} <= categories
    for token in corpus.noise:  # noise is never planted as an indicator
        assert ("domain", token.lower()) not in corpus.truth and ("ipv4", token) not in corpus.truth


def test_comparable_normalises_like_the_ground_truth():
    assert comparable("url", "hXXps[://]Evil[.]COM/Path/x.php") == "https://evil.com/path/x.php"
    assert comparable("url", "http://evil.com/") == "http://evil.com"
    assert comparable("url", "http://xn--bcher-kva.de/a") == "http://bücher.de/a"
    assert comparable("domain", "BÜCHER[.]DE") == comparable("domain", "xn--bcher-kva.de") == "bücher.de"
    assert comparable("ipv6", "[2001:0DB8:0000:0000:0000:0000:0000:0001]") == "2001:db8::1"
    assert comparable("email", "John.Doe[@]Evil(.)com") == "john.doe@evil.com"
    assert (
        comparable("cve", "cve-2021-44228") == "cve-2021-44228"
        and canonical("cve", "cve-2021-44228") == "CVE-2021-44228"
    )
    assert implied({("url", "http://evil.com:8080/x"), ("email", "a@b.org"), ("url", "http://[2001:db8::1]:80/")}) == {
        ("domain", "evil.com"),
        ("domain", "b.org"),
        ("ipv6", "2001:db8::1"),
    }


def test_corpus_cli_writes_the_corpus(tmp_path):
    out = tmp_path / "c.txt"
    proc = _run("-m", "benchmarks.corpus", "--size-mb", "0.02", "--seed", "2", "--no-cache", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == generate(20_000, seed=2)
    assert "distinct planted IOCs" in proc.stderr


def test_bench_runs_end_to_end_on_a_tiny_corpus():
    proc = _run(
        "-m",
        "benchmarks.extract_bench",
        "--size-mb",
        "0.05",
        "--repeat",
        "1",
        "--no-cache",
        "--json",
        "--competitor-mb",
        "0.05",
        "--iocextract-mb",
        "0.02",
    )
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    first = res["runs"][0]
    assert first["tool"] == "iocdesk" and first["bytes"] >= 50_000
    assert first["mb_per_s"] > 0 and first["iocs"] > 0
    for run in res["runs"]:
        score = run["score"]
        assert 0 <= score["precision"] <= 1 and 0 <= score["recall"] <= 1
        if run["tool"] != "iocdesk":
            assert run["iocdesk_speedup"] > 0
    assert res["details"]["written_forms_alone"]["written_forms"] > 0


def test_bench_prints_a_table():
    proc = _run(
        "-m",
        "benchmarks.extract_bench",
        "--size-mb",
        "0.05",
        "--repeat",
        "1",
        "--no-cache",
        "--no-competitors",
        "--details",
        "0",
    )
    assert proc.returncode == 0, proc.stderr
    assert "MB/s" in proc.stdout and "iocdesk" in proc.stdout and "precision" in proc.stdout
