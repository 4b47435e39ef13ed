"""How long exporting a run takes, and how much memory it needs.

    .venv/bin/python -m benchmarks.export_bench [--sizes 10000,100000] [--formats xlsx,xlsx+details,csv,json] [--json]

For each size, seeded synthetic results (found / not found / error, with
threats, feeds, risk factors, properties, geo and dates) are exported as
xlsx (``iocdesk.reports.xlsx.write_workbook``; ``xlsx+details`` adds the Details sheet: 2 rows per found IOC),
CSV (``tabular.write_csv``) and JSON (``tabular.write_json(results_document())``).
Every measurement runs in a fresh subprocess, so the peak RSS is honest:
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after the export minus before it
(the results are built first, so the delta is the exporter's own peak), plus
tracemalloc's peak of Python allocations (a separate run: tracemalloc slows
the code it watches, so the time comes from the untraced run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from iocdesk.indicators.results import Feed, Intel, LookupResult, Risk, RiskFactor, Status, Threat
from iocdesk.indicators.types import IndicatorType

FORMATS = ("xlsx", "xlsx+details", "csv", "json")
ROOT = Path(__file__).resolve().parents[1]

_THREATS = ["Emotet", "Qakbot", "Cobalt Strike", "AgentTesla", "Mirai", "IcedID", "Lumma", "Remcos", "njRAT", "Zloader"]
_FEEDS = ["Abuse.ch URLhaus", "Feodo Tracker", "OpenPhish", "Blocklist.de", "ThreatFox", "Spamhaus DROP", "CINS Army"]
_FACTORS = ["found in threat feeds", "newly registered", "self-signed certificate", "high-risk ASN",
            "sinkholed", "suspicious TLD", "open ports: 22, 3389"]  # fmt: skip
_COUNTRIES = ["US", "DE", "RU", "CN", "NL", "FR", "BR", "GB", None]


def make_results(n: int, seed: int = 1) -> list[LookupResult]:
    """``n`` deterministic results shaped like a real run: mostly found, some not, a few errors."""
    rng = random.Random(seed)
    risks = list(Risk)
    out = []
    for i in range(n):
        kind = rng.choice((IndicatorType.IPV4, IndicatorType.DOMAIN, IndicatorType.URL))
        if kind is IndicatorType.IPV4:
            value = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        elif kind is IndicatorType.DOMAIN:
            value = f"host{i}-{rng.getrandbits(24):06x}.example{rng.randint(0, 99)}.com"
        else:
            value = f"https://cdn{i}.example{rng.randint(0, 99)}.net/path/{rng.getrandbits(32):08x}/payload.php?id={i}"
        roll = rng.random()
        if roll < 0.75:
            intel = Intel(
                iid=100_000 + i,
                indicator=value,
                risk=rng.choice(risks),
                riskfactors=[RiskFactor(j, d) for j, d in enumerate(rng.sample(_FACTORS, rng.randint(0, 3)))],
                threats=[Threat(j, t) for j, t in enumerate(rng.sample(_THREATS, rng.randint(0, 2)))],
                feeds=[Feed(j, f) for j, f in enumerate(rng.sample(_FEEDS, rng.randint(0, 3)))],
                properties={
                    "dns": {"a": [f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}"]},
                    "http": {"server": [rng.choice(("nginx", "Apache", "cloudflare"))]},
                },
                country=rng.choice(_COUNTRIES),
                asn=f"AS{rng.randint(1, 65000)}",
                org=rng.choice(("Hosting Ltd", "Cloud Inc", "Telecom SA")),
                added=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 12:00:00",
                seen=f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 08:30:00",
                web_url=f"https://pulsedive.com/indicator/?iid={100_000 + i}",
            )
            out.append(LookupResult(value, kind, Status.FOUND, intel, defanged=rng.random() < 0.3))
        elif roll < 0.95:
            out.append(LookupResult(value, kind, Status.NOT_FOUND))
        else:
            out.append(LookupResult(value, kind, Status.ERROR, error="HTTP 503 after 3 attempts"))
    return out


def _export(fmt: str, results: list[LookupResult], path: Path) -> None:
    if fmt in ("xlsx", "xlsx+details"):
        from iocdesk.reports.report import Report
        from iocdesk.reports.xlsx import write_workbook

        write_workbook(Report(results, run_id=1, sources=["bench"]), path, details=fmt == "xlsx+details")
    elif fmt == "csv":
        from iocdesk.reports.tabular import write_csv

        write_csv(path, results)
    elif fmt == "json":
        from iocdesk.reports.tabular import results_document, write_json

        write_json(path, results_document(results, {"id": 1}))
    else:
        raise ValueError(fmt)


def _maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def measure_here(fmt: str, n: int, seed: int, traced: bool) -> dict:
    """One measurement in this process (call it in a fresh one)."""
    results = make_results(n, seed)
    # Import the exporter before the baseline so the delta is the export itself.
    import iocdesk.reports.tabular
    import iocdesk.reports.xlsx  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out.{fmt.split('+')[0]}"
        if traced:
            tracemalloc.start()
            _export(fmt, results, path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            return {"tracemalloc_peak_mb": peak / 2**20}
        rss_before = _maxrss_bytes()
        start = time.perf_counter()
        _export(fmt, results, path)
        seconds = time.perf_counter() - start
        return {
            "seconds": seconds,
            "rss_before_mb": rss_before / 2**20,
            "rss_peak_mb": _maxrss_bytes() / 2**20,
            "rss_delta_mb": (_maxrss_bytes() - rss_before) / 2**20,
            "file_mb": path.stat().st_size / 2**20,
        }


def _child(fmt: str, n: int, seed: int, traced: bool) -> dict:
    args = [sys.executable, "-m", "benchmarks.export_bench", "--child", fmt, "--sizes", str(n), "--seed", str(seed)]
    if traced:
        args.append("--traced")
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=1800,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"{fmt} {n}: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(sizes: list[int], formats: list[str], seed: int = 1, traced: bool = True) -> list[dict]:
    rows = []
    for n in sizes:
        for fmt in formats:
            row = {"format": fmt, "n": n, **_child(fmt, n, seed, False)}
            if traced:
                row.update(_child(fmt, n, seed, True))
            rows.append(row)
    return rows


def _table(rows: list[dict]) -> str:
    lines = [
        (
            f"{'format':<12} {'results':>9} {'time s':>8} {'rows/s':>9} {'RSS delta MB':>13} {'peak RSS MB':>12} "
            f"{'tracemalloc MB':>15} {'file MB':>8}"
        ),
    ]
    for r in rows:
        traced = f"{r['tracemalloc_peak_mb']:.1f}" if "tracemalloc_peak_mb" in r else "-"
        lines.append(
            f"{r['format']:<12} {r['n']:>9,} {r['seconds']:>8.2f} {r['n'] / r['seconds']:>9,.0f} "
            f"{r['rss_delta_mb']:>13.1f} {r['rss_peak_mb']:>12.1f} {traced:>15} {r['file_mb']:>8.1f}"
        )
    return "\n".join(lines)


def _lxml() -> bool:
    from openpyxl import LXML

    return bool(LXML)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated result counts")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: xlsx,xlsx+details,csv,json")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the (slow) tracemalloc runs")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.child:
        print(json.dumps(measure_here(args.child, sizes[0], args.seed, args.traced)))
        return 0
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")
    rows = run(sizes, formats, args.seed, traced=not args.no_tracemalloc)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "lxml": _lxml()}  # fmt: skip
    if args.json:
        print(json.dumps({"machine": machine, "results": rows}, indent=2))
    else:
        print(f"Python {machine['python']} on {machine['machine']}, {machine['cpus']} CPUs, lxml: {machine['lxml']}")
        print(_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
