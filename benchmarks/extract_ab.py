"""Same-run comparison of extraction speed: this work tree against a git revision.

    .venv/bin/python -m benchmarks.extract_ab [--base REV] [--rounds 7] [--size-mb 5]

On a shared machine a figure from another hour means little: this checks REV out
in a temporary work tree, then runs ``benchmarks.extract_bench --no-competitors
--json`` alternately there and here, round by round, and reports each side's
median MB/s, the median of the rounds' ratios, and whether precision and recall
are the same. Both sides read the corpus cached in this tree's benchmarks/.corpus.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench(tree: Path, size_mb: float, repeat: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.extract_bench", "--no-competitors", "--json"]
    command += ["--size-mb", str(size_mb), "--repeat", str(repeat)]
    # PYTHONPATH first: the installed (editable) iocdesk would otherwise be this tree's
    out = subprocess.run(command, cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, capture_output=True)
    if out.returncode:
        raise SystemExit(f"{tree}: {out.stderr.decode(errors='replace')[-2000:]}")
    run = json.loads(out.stdout)["runs"][0]
    score = run["score"]
    return {"mb_per_s": run["mb_per_s"], "accuracy": (score["precision"], score["recall"], score["tp"], score["fp"])}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.extract_ab", description=__doc__.split("\n\n")[0])
    p.add_argument("--base", default="HEAD", help="git revision to compare with (default HEAD)")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--size-mb", type=float, default=5.0)
    p.add_argument("--repeat", type=int, default=3, help="runs per side and round, best one counts")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="extract-ab-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True)
        try:
            if (ROOT / "benchmarks" / ".corpus").is_dir():
                shutil.copytree(ROOT / "benchmarks" / ".corpus", base / "benchmarks" / ".corpus")
            sides: dict[str, list[dict]] = {"base": [], "here": []}
            for n in range(args.rounds):
                for name, tree in (("base", base), ("here", ROOT)):
                    sides[name].append(_bench(tree, args.size_mb, args.repeat))
                print(f"round {n + 1}: " + "  ".join(f"{k} {v[-1]['mb_per_s']:.2f} MB/s" for k, v in sides.items()))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    ratios = [h["mb_per_s"] / b["mb_per_s"] for b, h in zip(sides["base"], sides["here"])]
    for name, runs in sides.items():
        print(f"{name}: median {statistics.median(r['mb_per_s'] for r in runs):.2f} MB/s")
    print(f"here / {args.base}: median of the rounds' ratios {statistics.median(ratios):.2f}x")
    same = sides["base"][0]["accuracy"] == sides["here"][0]["accuracy"]
    print(
        "precision, recall, TP, FP:",
        "the same" if same else f"{sides['base'][0]['accuracy']} -> {sides['here'][0]['accuracy']}",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
