"""The self-test (``iocdesk --self-test``) from source, and the PyInstaller one-folder build running it.

The build test needs PyInstaller (dev extra). Without it the test is skipped,
unless IOCDESK_REQUIRE_FROZEN_BUILD=1 makes that a failure. It is marked slow
(about 15 s to build, 200 MB in a temp dir) but runs in the normal suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "iocdesk.spec"

EXPECTED_OK = (
    "ok: TLD list loaded",
    "ok: keyring backends",
    "ok: demo text extracted",
    "ok: window rendered",
    "ok: lookup in the demo sandbox",
    "ok: no unhandled errors",
)


def _assert_passed(proc: subprocess.CompletedProcess) -> None:
    out = proc.stdout
    assert proc.returncode == 0, f"exit {proc.returncode}\n--- stdout\n{out}\n--- stderr\n{proc.stderr}"
    lines = out.splitlines()
    for prefix in EXPECTED_OK:
        assert any(line.startswith(prefix) for line in lines), f"missing {prefix!r} in:\n{out}"
    assert not any(line.startswith("FAIL") for line in lines), out
    assert lines[-1] == "self-test passed"


def _clean_env(tmp: Path) -> dict[str, str]:
    """A minimal environment: nothing of the developer's, no display, a throwaway home."""
    env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8", "HOME": str(tmp / "home")}
    for var in ("SYSTEMROOT", "WINDIR", "TEMP", "TMP"):  # Windows needs these to start processes
        if var in os.environ:
            env[var] = os.environ[var]
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_RUNTIME_DIR", "run"),
    ):
        env[var] = str(tmp / "home" / sub)
        os.makedirs(env[var], mode=0o700, exist_ok=True)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["IOCDESK_BASEDIR"] = str(tmp / "basedir")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # never a real keyring
    return env


# -- from source ------------------------------------------------------------------------------
SELF_TEST = "from iocdesk.gui.selftest import run_self_test; raise SystemExit(run_self_test())"


def test_self_test_from_source_passes_and_leaves_the_basedir_alone(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", IOCDESK_BASEDIR=str(tmp_path / "basedir"))
    proc = subprocess.run(
        [sys.executable, "-c", SELF_TEST], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
    )
    _assert_passed(proc)
    assert not (tmp_path / "basedir").exists(), "the self-test wrote into the user's base directory"


def test_self_test_reports_a_failed_check(tmp_path):
    code = "import iocdesk.extraction.tlds as t; t.iana_tlds = lambda: frozenset({'com'}); " + SELF_TEST
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", IOCDESK_BASEDIR=str(tmp_path / "basedir"))
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL: TLD list: only 1 names" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "self-test FAILED"


# -- frozen ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        if os.environ.get("IOCDESK_REQUIRE_FROZEN_BUILD") == "1":
            pytest.fail("PyInstaller is not installed and IOCDESK_REQUIRE_FROZEN_BUILD=1")
        pytest.skip("PyInstaller is not installed (pip install pyinstaller, or the dev extra)")
    tmp = tmp_path_factory.mktemp("frozen")
    start = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(tmp / "dist"),
            "--workpath",
            str(tmp / "build"),
            str(SPEC),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"PyInstaller failed:\n{proc.stdout[-5000:]}\n{proc.stderr[-10000:]}"
    app = tmp / "dist" / "iocdesk"
    size = sum(f.stat().st_size for f in app.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"frozen build: {time.monotonic() - start:.0f} s, {size / 1e6:.0f} MB")
    return app


def _exe(app: Path, name: str) -> Path:
    return app / (name + ".exe" if sys.platform == "win32" else name)


@pytest.mark.slow
def test_frozen_build_layout(frozen_app):
    assert _exe(frozen_app, "iocdesk").is_file()
    assert _exe(frozen_app, "iocdesk-gui").is_file()
    internal = frozen_app / "_internal"
    assert (internal / "iocdesk" / "resources" / "tlds-alpha-by-domain.txt").is_file()
    assert list(internal.glob("keyring-*.dist-info")), "keyring's metadata (backend entry points) is missing"
    # The license and the AppStream metainfo ship with the app (see tests/packaging/test_license.py).
    assert (internal / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    assert (internal / "share" / "metainfo" / "io.github.iocdesk.iocdesk.metainfo.xml").is_file()


@pytest.mark.slow
def test_frozen_version(frozen_app, tmp_path):
    from iocdesk import __version__

    proc = subprocess.run(
        [str(_exe(frozen_app, "iocdesk")), "--version"],
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"iocdesk {__version__} (IANA TLD list 20"), proc.stdout


@pytest.mark.slow
def test_frozen_self_test(frozen_app, tmp_path):
    env = _clean_env(tmp_path)
    proc = subprocess.run(
        [str(_exe(frozen_app, "iocdesk")), "--self-test"], env=env, capture_output=True, text=True, timeout=90
    )
    _assert_passed(proc)
    assert "(frozen)" in proc.stdout.splitlines()[0]
    assert not Path(env["IOCDESK_BASEDIR"]).exists(), "the self-test wrote into the user's base directory"


@pytest.mark.slow
def test_frozen_gui_executable_starts(frozen_app, tmp_path):
    proc = subprocess.run(
        [str(_exe(frozen_app, "iocdesk-gui")), "--help"],
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "iocdesk-gui" in proc.stdout
