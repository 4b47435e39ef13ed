"""Whole-command speed of ``iocdesk extract``, start-up included, against ioc-finder on the same text.

    .venv/bin/python -m benchmarks.cli_bench [--size-mb 2] [--rounds 5] [--ioc-finder-python PATH]

Three timings, each a fresh process, wall clock, the tools alternated round by round so that a busy
machine slows both alike (medians reported, and the ratio of the medians):

* start-up: ``iocdesk extract`` on a one-line text file;
* ``iocdesk extract --jsonl`` on one JSON line holding the first ``--size-mb`` MB of the benchmark
  corpus (``benchmarks/corpus.py``, seed 1), output discarded;
* ioc-finder's ``find_iocs`` on the same text, in a fresh interpreter (``--ioc-finder-python``: one
  that has ioc-finder installed, e.g. after ``pip install -e '.[bench]'``; skipped without one).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import CACHE_DIR, MB, load_or_generate


def _iocdesk() -> list[str]:
    script = Path(sys.executable).with_name("iocdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "iocdesk"]


def _timed(command: list[str], stdin: Path | None = None) -> float:
    with open(stdin or os.devnull, "rb") as source:
        started = time.perf_counter()
        subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - started


def _has_ioc_finder(python: str | None) -> bool:
    if not python or not shutil.which(python):
        return False
    probe = subprocess.run([python, "-c", "import ioc_finder"], capture_output=True)
    return probe.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cli_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ioc-finder-python", default=sys.executable, help="an interpreter with ioc-finder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write benchmarks/.corpus")
    args = parser.parse_args(argv)

    text = load_or_generate(int(args.size_mb * MB), cache_dir=None if args.no_cache else CACHE_DIR).text
    iocdesk = _iocdesk()
    finder = args.ioc_finder_python if _has_ioc_finder(args.ioc_finder_python) else None
    times: dict[str, list[float]] = {"startup": [], "iocdesk": [], "ioc-finder": []}
    with tempfile.TemporaryDirectory() as tmp:
        one_line = Path(tmp, "one.txt")
        one_line.write_text("beacon to hxxp://evil[.]example.com/a\n", encoding="utf-8")
        report = Path(tmp, "report.txt")
        report.write_text(text, encoding="utf-8")
        batch = Path(tmp, "report.jsonl")
        batch.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")
        env_base = os.environ.get("IOCDESK_BASEDIR")
        os.environ["IOCDESK_BASEDIR"] = tmp  # the log file goes here, not to the user's folder
        try:
            _timed([*iocdesk, "extract", str(one_line)])  # warm the file cache once
            for _ in range(args.rounds):
                times["startup"].append(_timed([*iocdesk, "extract", str(one_line)]))
                times["iocdesk"].append(_timed([*iocdesk, "extract", "--jsonl"], stdin=batch))
                if finder:
                    code = f"import ioc_finder; ioc_finder.find_iocs(open({str(report)!r}, encoding='utf-8').read())"
                    times["ioc-finder"].append(_timed([finder, "-c", code]))
        finally:
            if env_base is None:
                os.environ.pop("IOCDESK_BASEDIR", None)
            else:
                os.environ["IOCDESK_BASEDIR"] = env_base
    medians = {name: statistics.median(values) for name, values in times.items() if values}
    size = len(text.encode("utf-8")) / MB
    result = {
        "size_mb": round(size, 3),
        "rounds": args.rounds,
        "seconds": {name: [round(v, 3) for v in values] for name, values in times.items() if values},
        "median": {name: round(v, 3) for name, v in medians.items()},
        "iocdesk_mb_per_s": round(size / medians["iocdesk"], 2),
    }
    if "ioc-finder" in medians:
        result["ioc_finder_mb_per_s"] = round(size / medians["ioc-finder"], 2)
        result["ratio"] = round(medians["ioc-finder"] / medians["iocdesk"], 1)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{size:.2f} MB, {args.rounds} rounds, medians (all rounds: --json)")
    print(f"  iocdesk extract start-up      {medians['startup']:.3f} s")
    print(
        f"  iocdesk extract --jsonl       {medians['iocdesk']:.3f} s  ({result['iocdesk_mb_per_s']} MB/s, start-up in)"
    )
    if "ioc-finder" in medians:
        print(f"  ioc-finder find_iocs          {medians['ioc-finder']:.3f} s  ({result['ioc_finder_mb_per_s']} MB/s)")
        print(f"  iocdesk is {result['ratio']}x faster")
    else:
        print("  ioc-finder: not installed for --ioc-finder-python (pip install -e '.[bench]')")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
