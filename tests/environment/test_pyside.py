"""Platform checks for PySide6: the version pin, the 6.12/CPython 3.11 refcount
regression, and that text really renders offscreen (fonts present)."""

import asyncio
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import PySide6
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
HELPERS = Path(__file__).resolve().parent.parent / "helpers"


def _pyside_requirement() -> Requirement:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    reqs = [Requirement(d) for d in deps]
    (req,) = [r for r in reqs if r.name.lower() in ("pyside6-essentials", "pyside6")]
    return req


def _run_helper(
    script: str, *args: str, env: dict | None = None, timeout: float = 60
) -> tuple[subprocess.CompletedProcess, dict]:
    proc = subprocess.run(
        [sys.executable, str(HELPERS / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    return proc, (json.loads(lines[-1]) if lines else {})


def test_pyside_pin_excludes_612_and_installed_version_matches():
    req = _pyside_requirement()
    assert not req.specifier.contains("6.12.0"), (
        f"pyproject pins {req}: PySide6 6.12.0 aborts CPython 3.11 (bool_dealloc), keep it excluded"
    )
    installed = Version(PySide6.__version__)
    assert req.specifier.contains(installed, prereleases=True), (
        f"installed PySide6 {installed} does not satisfy pyproject's pin {req.specifier}; "
        "re-run `bash dev.sh test` (it reinstalls when pyproject.toml changes)"
    )


def test_qasync_executor_calls_do_not_leak_true():
    # Subprocess: with the bug the interpreter aborts (exit 134), which would
    # take pytest down with it. ~0.5 s when healthy.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc, result = _run_helper("qasync_refcount.py", "1500", env=env, timeout=20)
    detail = f"exit {proc.returncode}\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
    assert proc.returncode == 0, detail
    assert result.get("calls") == 1500, detail
    assert result["true_refcount_after"] >= result["true_refcount_before"] - 50, detail


def test_text_renders_offscreen():
    # Without fontconfig/fonts every glyph is an empty box: the probe compares
    # the ink of two different strings (see helpers/render_probe.py).
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc, result = _run_helper("render_probe.py", env=env, timeout=30)
    assert proc.returncode == 0 and result.get("platform") == "offscreen", (
        f"exit {proc.returncode}, result {result}\nstderr: {proc.stderr[-2000:]}"
    )


# --- conftest's qloop fixture ------------------------------------------------------
# The pattern GUI tests rely on (docs/platform.md): one session qasync loop,
# advanced by qtbot.waitUntil; plain asyncio.run() must still work afterwards.


def test_qloop_runs_coroutines_and_executor_calls(qloop, qtbot):
    async def lookup():
        await asyncio.sleep(0.01)
        return await qloop.run_in_executor(None, sum, [20, 22])

    task = qloop.create_task(lookup())
    qtbot.waitUntil(task.done, timeout=5000)
    assert task.result() == 42


def test_plain_asyncio_run_works_after_qloop():
    async def pipeline():
        await asyncio.sleep(0)
        return "ok"

    assert asyncio.run(pipeline()) == "ok"
