"""Throughput and (informative) accuracy benchmark of iocdesk's IOC extraction.

    .venv/bin/python -m benchmarks.extract_bench [--size-mb 5] [--seed 1] [--repeat 3] [--json]

Generates (or loads from ``benchmarks/.corpus/``) a synthetic threat-intel
corpus, times ``iocdesk.extraction.extract.extract`` on it (best of N wall-clock
runs, ``time.perf_counter``, process pinned to one CPU) and reports MB/s
(decimal MB) and IOCs/s (distinct indicators returned per second).  When
``ioc_finder`` / ``iocextract`` are importable they run in the same process on
a prefix of the same corpus, and iocdesk is timed on that prefix as well so
each speed ratio compares the same text.  Precision / recall against the
planted ground truth is informative only: each tool is scored on the types it
supports, every value passed through the same normalisation (refang,
canonical form, lower-case); URL hosts and e-mail domains a tool reports in
addition are neither credited nor charged.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import CACHE_DIR, CORE_TYPES, MB, Corpus, comparable, implied, load_or_generate

Pair = tuple[str, str]

IOC_FINDER_KEYS = {
    "urls": "url",
    "domains": "domain",
    "ipv4s": "ipv4",
    "ipv6s": "ipv6",
    "email_addresses": "email",
    "md5s": "md5",
    "sha1s": "sha1",
    "sha256s": "sha256",
    "sha512s": "sha512",
    "cves": "cve",
}
# iocextract's leaf extractors for the types iocdesk also extracts.  The aggregate
# functions (extract_iocs, extract_ips, extract_hashes) only chain these, so calling
# them as well would count the same work twice; extract_yara_rules,
# extract_telephone_nums, extract_custom_iocs and extract_encoded_urls cover
# things iocdesk does not extract (extract_urls already includes encoded URLs).
IOCEXTRACT_FUNCS = (
    ("url", "extract_urls"),
    ("ipv4", "extract_ipv4s"),
    ("ipv6", "extract_ipv6s"),
    ("email", "extract_emails"),
    ("md5", "extract_md5_hashes"),
    ("sha1", "extract_sha1_hashes"),
    ("sha256", "extract_sha256_hashes"),
    ("sha512", "extract_sha512_hashes"),
)


class Tool:
    """An extractor under test: ``run`` is what gets timed, ``pairs`` normalises its result afterwards."""

    def __init__(
        self,
        name: str,
        version: str,
        types: tuple[str, ...],
        run: Callable[[str], object],
        pairs: Callable[[object], set[Pair]],
    ) -> None:
        self.name, self.version, self.types, self.run, self.pairs = name, version, types, run, pairs
        self.phase_times: dict[str, float] = {}


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _norm_pairs(items) -> set[Pair]:
    out = set()
    for t, v in items:
        if t in CORE_TYPES and v:
            out.add((t, comparable(t, v)))
    return out


def iocdesk_tool() -> Tool:
    from iocdesk.extraction.extract import extract

    return Tool(
        "iocdesk",
        _version("iocdesk"),
        CORE_TYPES,
        lambda text: extract(text),
        lambda res: _norm_pairs((str(i.type), i.value) for i in res),
    )


def ioc_finder_tool() -> Tool:
    from ioc_finder import find_iocs

    try:  # plain find_iocs(text) parses DEFAULT_IOC_TYPES only; in 9.x that leaves out sha512s
        from ioc_finder.ioc_finder import DEFAULT_IOC_TYPES as default_keys
    except ImportError:
        default_keys = list(IOC_FINDER_KEYS)
    types = tuple(t for key, t in IOC_FINDER_KEYS.items() if key in default_keys)

    def pairs(res) -> set[Pair]:
        return _norm_pairs((t, v) for key, t in IOC_FINDER_KEYS.items() for v in res.get(key, ()))

    return Tool("ioc-finder", _version("ioc-finder"), types, lambda text: find_iocs(text), pairs)


def iocextract_tool() -> Tool:
    import inspect

    import iocextract

    funcs = []
    for t, name in IOCEXTRACT_FUNCS:
        fn = getattr(iocextract, name)
        funcs.append((t, name, fn, "refang" in inspect.signature(fn).parameters))
    tool = Tool(
        "iocextract",
        _version("iocextract"),
        tuple(t for t, _ in IOCEXTRACT_FUNCS),
        lambda text: None,
        lambda res: _norm_pairs((t, v) for t, vals in res.items() for v in vals),
    )

    def run(text: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for t, name, fn, has_refang in funcs:
            t0 = time.perf_counter()
            out.setdefault(t, []).extend(fn(text, refang=True) if has_refang else fn(text))
            tool.phase_times[name] = time.perf_counter() - t0
        return out

    tool.run = run
    return tool


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def pin_to_one_cpu() -> int | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    except OSError:
        return None


def time_tool(tool: Tool, text: str, repeat: int, budget_s: float) -> dict:
    """Best of ``repeat`` runs; stops early once ``budget_s`` seconds were spent on this text."""
    times: list[float] = []
    phases: list[dict[str, float]] = []
    result = None
    for _ in range(max(1, repeat)):
        gc.collect()
        t0 = time.perf_counter()
        result = tool.run(text)
        times.append(time.perf_counter() - t0)
        phases.append(dict(tool.phase_times))
        if sum(times) >= budget_s:
            break
    best = min(times)
    nbytes = len(text.encode("utf-8"))
    pairs = tool.pairs(result)
    out = {
        "tool": tool.name,
        "version": tool.version,
        "bytes": nbytes,
        "runs": len(times),
        "seconds": times,
        "best_s": best,
        "mb_per_s": nbytes / MB / best,
        "iocs": len(pairs),
        "iocs_per_s": len(pairs) / best,
        "_pairs": pairs,
        "_raw": result,
    }
    if any(phases):
        out["phase_seconds_best_run"] = phases[times.index(best)]
    return out


def _snippet(text_lower: str, text: str, needle: str, ioc_type: str, width: int = 45) -> str | None:
    i = _occurrence(text_lower, needle, ioc_type)
    if i < 0:
        return None
    src = text if len(text) == len(text_lower) else text_lower
    return src[max(0, i - width) : i + len(needle) + width].replace("\n", "\u23ce")


def score(pairs: set[Pair], corpus: Corpus, types: tuple[str, ...], examples: int = 0) -> dict:
    """Precision / recall of ``pairs`` against the corpus truth, restricted to ``types``."""
    truth = {(t, v.lower()) for t, v in corpus.truth if t in types}
    ignore = {(t, v.lower()) for t, v in implied(corpus.truth)}
    pred = {p for p in pairs if p[0] in types}
    tp_set = pred & truth
    fp_set = pred - truth - ignore
    fn_set = truth - pred
    tp, fp, fn = len(tp_set), len(fp_set), len(fn_set)
    res: dict = {
        "types": list(types),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "by_type": {},
    }
    for t in types:
        tt = sum(1 for p in truth if p[0] == t)
        tpt = sum(1 for p in tp_set if p[0] == t)
        fpt = sum(1 for p in fp_set if p[0] == t)
        res["by_type"][t] = {
            "truth": tt,
            "tp": tpt,
            "fp": fpt,
            "fn": tt - tpt,
            "precision": tpt / (tpt + fpt) if tpt + fpt else None,
            "recall": tpt / tt if tt else None,
        }
    if examples:
        res["false_positives"] = _explain_fps(fp_set, corpus, examples)
        surfaces = {(t, v.lower()): s for (t, v), s in corpus.surfaces.items()}
        fns: dict[str, list] = defaultdict(list)
        for t, v in sorted(fn_set):
            if len(fns[t]) < examples:
                fns[t].append({"value": v, "written_as": surfaces.get((t, v), [])})
        res["false_negatives"] = dict(fns)
        res["missed_in_context"] = missed_in_context(fn_set, corpus, examples)
    return res


def _explain_fps(fp_set: set[Pair], corpus: Corpus, examples: int) -> dict:
    """Group false positives by the kind of planted noise (or planted IOC) they came from."""
    noise_exact = {tok.lower(): cat for tok, cat in corpus.noise.items()}
    by_cat_tokens: dict[str, list[str]] = defaultdict(list)
    for tok, cat in corpus.noise.items():
        by_cat_tokens[cat].append(tok.lower())
    noise_joined = {cat: "\n".join(toks) for cat, toks in by_cat_tokens.items()}
    truth_joined: dict[str, str] = defaultdict(str)
    for t, v in corpus.truth:
        truth_joined[t] += "\n" + v.lower()
    all_truth_joined = "\n".join(truth_joined.values())
    truth_lower = {(t, v.lower()) for t, v in corpus.truth}
    text_lower = corpus.text.lower()
    groups: dict[str, dict] = {}
    for t, v in sorted(fp_set):
        cat = noise_exact.get(v)
        if cat is None:
            cat = next((c for c, joined in noise_joined.items() if v in joined), None)
        if cat is None:
            cut = next(
                (k for k, ch in enumerate(v) if ch in ",;|'\"<>" and (t, comparable(t, v[:k])) in truth_lower), None
            )
            if cut is not None:
                cat = f"planted {t} + the text after it ({v[cut]!r})"
            elif v in truth_joined[t]:
                cat = f"part of a planted {t}"
            elif v in all_truth_joined:
                cat = "part of another planted IOC"
            else:
                cat = "other"
        key = f"{t} from {cat}"
        g = groups.setdefault(key, {"count": 0, "examples": []})
        g["count"] += 1
        if len(g["examples"]) < examples:
            g["examples"].append({"value": v, "context": _snippet(text_lower, corpus.text, v, t)})
    return dict(sorted(groups.items(), key=lambda kv: -kv[1]["count"]))


_FORM_MARKS = (
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
    " [at] ",
    "hxxp",
    "hXXp",
)


def form_of(ioc_type: str, surface: str) -> str:
    """A short label for how an indicator was written, e.g. ``url: hxxp [.] upper``."""
    marks = [m.strip() or m for m in _FORM_MARKS if m in surface]
    if ioc_type in ("url", "domain", "email"):
        if any(ord(ch) > 127 for ch in surface):
            marks.append("unicode")
        if "xn--" in surface:
            marks.append("punycode")
        if surface != surface.lower():
            marks.append("mixed-case")
        if ioc_type == "url" and "?" in surface:
            marks.append("query")
    elif ioc_type == "ipv6":
        marks.append(
            "[addr]:port"
            if surface.startswith("[")
            else "full"
            if surface.count(":") == 7 and "::" not in surface
            else "compressed"
        )
        if surface != surface.lower():
            marks.append("upper")
    elif ioc_type in ("md5", "sha1", "sha256", "sha512", "cve"):
        marks.append("upper" if surface == surface.upper() else "lower")
    return f"{ioc_type}: " + (" ".join(marks) or "plain")


def form_check(extract_fn: Callable[[str], list], corpus: Corpus, examples: int) -> dict:
    """Run the extractor on every planted written form alone: which forms does it not understand?"""
    total: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    ex: dict[str, list] = defaultdict(list)
    for (t, v), surfaces in sorted(corpus.surfaces.items()):
        want = (t, v.lower())
        for surface in surfaces:
            form = form_of(t, surface)
            total[form] += 1
            got = {(str(i.type), comparable(str(i.type), i.value)) for i in extract_fn(surface)}
            if want not in got:
                failed[form] += 1
                if len(ex[form]) < examples:
                    ex[form].append({"written": surface, "expected": v, "got": sorted(got)})
    return {
        "forms": len(total),
        "written_forms": sum(total.values()),
        "not_recognised": sum(failed.values()),
        "by_form": {f: {"not_recognised": n, "of": total[f], "examples": ex[f]} for f, n in failed.most_common()},
    }


def _occurrence(text: str, surface: str, ioc_type: str) -> int:
    """Index of an occurrence of ``surface`` that is not just the start of a longer token (else the first)."""
    cont = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    if ioc_type == "url":
        cont |= set("/?#&=%~")
    first = i = text.find(surface)
    for _ in range(50):
        if i < 0:
            break
        nxt = text[i + len(surface) : i + len(surface) + 2]
        if not nxt or (nxt[0] not in cont and not (nxt[0] == "." and nxt[1:] in cont)):
            return i
        i = text.find(surface, i + 1)
    return first


def missed_in_context(fn_pairs: set[Pair], corpus: Corpus, examples: int) -> dict:
    """Group missed IOCs by the character that follows a written occurrence of them."""
    surfaces = {(t, v.lower()): s for (t, v), s in corpus.surfaces.items()}
    groups: dict[str, dict] = {}
    for pair in sorted(fn_pairs):
        for s in surfaces.get(pair, []):
            i = _occurrence(corpus.text, s, pair[0])
            if i < 0:
                continue
            nxt = corpus.text[i + len(s) : i + len(s) + 1]
            key = f"{pair[0]} followed by {nxt!r}"
            g = groups.setdefault(key, {"count": 0, "examples": []})
            g["count"] += 1
            if len(g["examples"]) < examples:
                g["examples"].append(corpus.text[max(0, i - 50) : i + len(s) + 30].replace("\n", "\u23ce"))
            break
    return dict(sorted(groups.items(), key=lambda kv: -kv[1]["count"]))


def count_mismatches(raw, corpus: Corpus, examples: int) -> dict:
    """iocdesk only: indicators found fewer times than planted, and values reported as several entries."""
    planted = {(t, v.lower()): n for (t, v), n in corpus.counts.items()}
    surfaces = {(t, v.lower()): s for (t, v), s in corpus.surfaces.items()}
    found: Counter[Pair] = Counter()
    entries: dict[Pair, list[str]] = defaultdict(list)
    for ind in raw:
        t = str(ind.type)
        if t in CORE_TYPES:
            key = (t, comparable(t, ind.value))
            found[key] += ind.count
            entries[key].append(ind.value)
    under = [k for k in sorted(found) if k in planted and found[k] < planted[k]]
    split = [k for k in sorted(entries) if len(entries[k]) > 1]
    return {
        "undercounted": len(under),
        "examples": [
            {
                "type": t,
                "value": v,
                "found": found[(t, v)],
                "planted": planted[(t, v)],
                "written_as": surfaces.get((t, v), []),
            }
            for t, v in under[:examples]
        ],
        "split_entries": len(split),
        "split_examples": [{"type": t, "value": v, "entries": entries[(t, v)]} for t, v in split[:examples]],
    }


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------


def machine_info() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "loadavg_at_start": load,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }


def _f(x: float | None, nd: int = 3) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def _mb(n: int) -> str:
    return f"{n / MB:.2f} MB"


def print_report(res: dict, out=sys.stdout) -> None:
    w = out.write
    m, c = res["machine"], res["corpus"]
    w(f"iocdesk extraction benchmark  {res['date']}\n")
    w(
        f"machine: {m['cpu']}, nproc {m['nproc']}, load {m['loadavg_at_start']}, {m['implementation']} {m['python']}; "
        f"pinned to CPU {res['pinned_cpu']}; best of {res['repeat']} (MB = 10^6 bytes)\n"
    )
    w(
        f"corpus: seed {c['seed']}, {_mb(c['bytes'])} ({c['bytes']} bytes), {c['planted_distinct']} distinct planted IOCs, "
        f"{c['planted_occurrences']} occurrences (one per {c['bytes'] / max(1, c['planted_occurrences']):.0f} bytes)\n\n"
    )
    w(
        f"{'tool':<12}{'version':<10}{'input':>10}{'runs':>6}{'best s':>10}{'MB/s':>9}{'IOCs/s':>11}{'IOCs':>8}"
        f"{'iocdesk is':>14}\n"
    )
    for r in res["runs"]:
        ratio = f"{r['iocdesk_speedup']:.1f}x faster" if r.get("iocdesk_speedup") else ""
        w(
            f"{r['tool']:<12}{r['version']:<10}{_mb(r['bytes']):>10}{r['runs']:>6}{r['best_s']:>10.3f}"
            f"{r['mb_per_s']:>9.2f}{r['iocs_per_s']:>11,.0f}{r['iocs']:>8}{ratio:>14}\n"
        )
    for r in res["runs"]:
        if r.get("phase_seconds_best_run"):
            ph = ", ".join(
                f"{k} {v:.2f}s" for k, v in sorted(r["phase_seconds_best_run"].items(), key=lambda kv: -kv[1])
            )
            w(f"  {r['tool']} on {_mb(r['bytes'])}: {ph}\n")
    w(
        "\nAccuracy against the planted ground truth (informative; each tool scored on the types it supports;\n"
        "values refanged, canonicalised, lower-cased; reported URL hosts / e-mail domains neither credited nor charged)\n"
    )
    w(f"{'tool':<12}{'input':>10}{'types':>7}{'precision':>11}{'recall':>8}{'TP':>8}{'FP':>7}{'FN':>7}\n")
    for r in res["runs"]:
        s = r["score"]
        w(
            f"{r['tool']:<12}{_mb(r['bytes']):>10}{len(s['types']):>7}{_f(s['precision']):>11}{_f(s['recall']):>8}"
            f"{s['tp']:>8}{s['fp']:>7}{s['fn']:>7}\n"
        )
    w("\nRecall / precision by type\n")
    cols = res["runs"]
    w(f"{'type':<8}" + "".join(f"{r['tool'] + ' ' + _mb(r['bytes']).replace(' MB', 'M'):>22}" for r in cols) + "\n")
    for t in CORE_TYPES:
        cells = []
        for r in cols:
            bt = r["score"]["by_type"].get(t)
            cells.append(f"{_f(bt['recall'], 2)} / {_f(bt['precision'], 2)}" if bt else "n/a")
        w(f"{t:<8}" + "".join(f"{cell:>22}" for cell in cells) + "\n")
    d = res.get("details")
    if d:
        w(f"\niocdesk details on {_mb(c['bytes'])}\n")
        w("  false positives by origin:\n")
        for key, g in d["false_positives"].items():
            ex = "; ".join(
                f"{e['value']!r}" + (f" in …{e['context']}…" if e.get("context") else "") for e in g["examples"][:2]
            )
            w(f"    {g['count']:>6}  {key}: {ex}\n")
        w("  false negatives (missed planted IOCs), by type:\n")
        for t, items in d["false_negatives"].items():
            ex = "; ".join(f"{e['value']!r} written {e['written_as'][:2]}" for e in items[:3])
            w(f"    {d['fn_by_type'][t]:>6}  {t}: {ex}\n")
        w("  missed IOCs by what follows them in the text:\n")
        for key, g in list(d["missed_in_context"].items())[:8]:
            w(f"    {g['count']:>6}  {key}: …{g['examples'][0]}…\n")
        fc = d["written_forms_alone"]
        w(
            f"  written forms given to extract() alone: {fc['written_forms']} in {fc['forms']} styles, "
            f"{fc['not_recognised']} not recognised\n"
        )
        for f, g in list(fc["by_form"].items())[:10]:
            ex = "; ".join(f"{e['written']!r} -> {[v for _, v in e['got']]}" for e in g["examples"][:3])
            w(f"    {g['not_recognised']:>6}/{g['of']:<6} {f}: {ex}\n")
        cm = d["count_mismatches"]
        w(f"  indicators found fewer times than planted: {cm['undercounted']}\n")
        for e in cm["examples"][:3]:
            w(f"      {e['type']} {e['value']!r}: {e['found']}/{e['planted']}, written {e['written_as']}\n")
        w(f"  values reported as more than one indicator (same normalised value): {cm['split_entries']}\n")
        for e in cm["split_examples"][:3]:
            w(f"      {e['type']}: {e['entries']}\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.extract_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--size-mb", type=float, default=5.0, help="corpus size in decimal MB (default 5)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3, help="runs per tool and input, best one counts (default 3)")
    p.add_argument(
        "--competitor-mb", type=float, default=1.0, help="prefix of the corpus given to ioc-finder (default 1 MB)"
    )
    p.add_argument(
        "--iocextract-mb",
        type=float,
        default=0.25,
        help="prefix given to iocextract (default 0.25 MB: its extract_ipv4s is quadratic in input size)",
    )
    p.add_argument(
        "--budget-s",
        type=float,
        default=40.0,
        help="stop repeating a competitor once it used this many seconds on one input (default 40)",
    )
    p.add_argument("--no-competitors", action="store_true", help="only benchmark iocdesk")
    p.add_argument(
        "--details",
        type=int,
        default=5,
        metavar="N",
        help="up to N examples per group of iocdesk false positives / negatives (0: none)",
    )
    p.add_argument("--no-cache", action="store_true", help=f"do not read or write {CACHE_DIR}")
    p.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of the table")
    args = p.parse_args(argv)

    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    machine = machine_info()
    cpu = None if args.no_pin else pin_to_one_cpu()
    cache = None if args.no_cache else CACHE_DIR
    size = int(args.size_mb * MB)
    corpus = load_or_generate(size, args.seed, cache)

    iocdesk = iocdesk_tool()
    iocdesk.run(corpus.text[:20_000])  # warm-up: lazy imports, regex compilation

    competitors: list[tuple[Tool, int]] = []
    if not args.no_competitors:
        for factory, mb in ((ioc_finder_tool, args.competitor_mb), (iocextract_tool, args.iocextract_mb)):
            try:
                tool = factory()
            except ImportError:
                continue
            competitors.append((tool, min(size, int(mb * MB))))

    runs: list[dict] = []
    full = time_tool(iocdesk, corpus.text, args.repeat, budget_s=float("inf"))
    full["score"] = score(full["_pairs"], corpus, iocdesk.types, examples=args.details)
    details = (
        {
            "false_positives": full["score"].pop("false_positives", {}),
            "false_negatives": full["score"].pop("false_negatives", {}),
            "missed_in_context": full["score"].pop("missed_in_context", {}),
            "written_forms_alone": form_check(iocdesk.run, corpus, args.details),
            "fn_by_type": {t: v["fn"] for t, v in full["score"]["by_type"].items()},
            "count_mismatches": count_mismatches(full["_raw"], corpus, max(args.details, 1)),
        }
        if args.details
        else None
    )
    runs.append(full)

    prefixes: dict[int, tuple[Corpus, dict]] = {}
    for tool, psize in competitors:
        if psize not in prefixes:
            pc = corpus if psize >= size else load_or_generate(psize, args.seed, cache)
            if psize >= size:
                mine = full
            else:
                mine = time_tool(iocdesk, pc.text, args.repeat, budget_s=float("inf"))
                mine["score"] = score(mine["_pairs"], pc, iocdesk.types)
                runs.append(mine)
            prefixes[psize] = (pc, mine)
        pc, mine = prefixes[psize]
        tool.run(pc.text[:2_000])  # warm-up
        r = time_tool(tool, pc.text, args.repeat, budget_s=args.budget_s)
        r["score"] = score(r["_pairs"], pc, tool.types)
        r["iocdesk_speedup"] = r["best_s"] / mine["best_s"]
        runs.append(r)

    order = {"iocdesk": 0}
    runs.sort(key=lambda r: (-r["bytes"], order.get(r["tool"], 1)))
    for r in runs:
        r.pop("_pairs")
        r.pop("_raw")
    res = {
        "date": started,
        "command": "python -m benchmarks.extract_bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": machine,
        "pinned_cpu": cpu,
        "repeat": args.repeat,
        "corpus": {
            "seed": args.seed,
            "requested_bytes": size,
            "bytes": corpus.nbytes,
            "planted_distinct": len(corpus.truth),
            "planted_occurrences": sum(corpus.counts.values()),
            "planted_by_type": dict(Counter(t for t, _ in corpus.truth)),
        },
        "runs": runs,
        "details": details,
    }
    if args.json:
        json.dump(res, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_report(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
