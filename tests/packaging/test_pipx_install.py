"""`pipx install .` gives working `iocdesk` and `iocdesk-gui` commands (offline: the wheels of the
dependencies come from the wheelhouse dev.sh downloads; IOCDESK_WHEELHOUSE points at it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WHEELHOUSE = os.environ.get("IOCDESK_WHEELHOUSE", "")


@pytest.mark.slow
@pytest.mark.skipif(
    not (WHEELHOUSE and Path(WHEELHOUSE, ".stamp").exists()),
    reason="no wheelhouse: run the suite with `bash dev.sh test`",
)
def test_pipx_install_gives_working_commands(tmp_path):
    pipx = Path(sys.executable).with_name("pipx")
    source = tmp_path / "src"  # a clean copy: pip builds in-tree
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*cache*", ".hypothesis", ".corpus"
        ),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PIPX_", "VIRTUAL_ENV"))}
    env.update(
        PIPX_HOME=str(tmp_path / "pipx"),
        PIPX_BIN_DIR=str(tmp_path / "bin"),
        PIPX_MAN_DIR=str(tmp_path / "man"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    installed = subprocess.run(
        [str(pipx), "install", "--pip-args", f"--no-index --find-links {WHEELHOUSE}", str(source)],
        capture_output=True,
        env=env,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr.decode()[-3000:]
    bin_dir = tmp_path / "bin"
    assert (bin_dir / "iocdesk").exists() and (bin_dir / "iocdesk-gui").exists()

    run_env = {**env, "IOCDESK_BASEDIR": str(tmp_path / "base"), "QT_QPA_PLATFORM": "offscreen"}
    version = subprocess.run([str(bin_dir / "iocdesk"), "--version"], capture_output=True, env=run_env, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith(b"iocdesk ")
    extracted = subprocess.run(
        [str(bin_dir / "iocdesk"), "extract", "-"],
        input=b"beacon to evil[.]com and 8.8.8.8",
        capture_output=True,
        env=run_env,
        timeout=60,
    )
    assert extracted.returncode == 0 and b"evil.com" in extracted.stdout and b"8.8.8.8" in extracted.stdout
    # the window, the demo sandbox, a lookup and the keyring backends, from the pipx venv
    selftest = subprocess.run([str(bin_dir / "iocdesk"), "--self-test"], capture_output=True, env=run_env, timeout=180)
    assert selftest.returncode == 0, selftest.stdout.decode()[-2000:] + selftest.stderr.decode()[-2000:]
    gui_help = subprocess.run([str(bin_dir / "iocdesk-gui"), "--help"], capture_output=True, env=run_env, timeout=60)
    assert gui_help.returncode == 0 and b"iocdesk-gui" in gui_help.stdout
