"""Issue 14, item 11: no secret in a process's argv (``/proc/<pid>/cmdline`` is readable by every
local user).

- The README's curl example put the inbox token on curl's command line
  (``-H "Authorization: Bearer $(iocdesk serve --show-token)"``). It now reads the
  header from stdin (``-H @-``).
- ``iocdesk sandbox --require-key KEY`` took the key on argv. The key now comes
  from ``IOCDESK_SANDBOX_KEY`` or stdin (``--require-key -``); a key given on argv
  is refused before anything listens.

Each sandbox is a subprocess stopped within seconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

README = Path(__file__).resolve().parents[2] / "README.md"
KEY = "sandbox-secret-key-3f9a1c7e5b"


def _curl_commands(text: str) -> list[str]:
    """Each curl command of the README's shell blocks, continuation lines joined."""
    commands = []
    for block in re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, re.S):
        for command in block.replace("\\\n", " ").splitlines():
            if re.search(r"(^|[\s|;(])curl\s", command):
                commands.append(command)
    return commands


def test_no_readme_curl_puts_the_token_in_argv():
    commands = _curl_commands(README.read_text(encoding="utf-8"))
    assert commands, "the README shows how to call the webhook with curl"
    for command in commands:
        assert not re.search(r"-H\s+[\"']?Authorization", command, re.I), command
        assert "Bearer $(" not in command, command
    assert any("-H @" in command for command in commands)


@pytest.fixture
def env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "IOCDESK_SANDBOX_KEY"}
    env["HOME"] = str(tmp_path)
    return env


def _serve(args: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[subprocess.Popen[bytes], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "iocdesk", "sandbox", *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    proc.stdin = None  # closed: communicate() must not flush it again
    line = proc.stdout.readline().decode()
    url = next((w for w in line.split() if w.startswith("http://127.0.0.1:")), "")
    return proc, url


def _stop(proc: subprocess.Popen[bytes]) -> str:
    proc.terminate()
    _, err = proc.communicate(timeout=10)
    return err.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="/proc")
@pytest.mark.parametrize("how", ["env", "stdin"])
def test_sandbox_takes_the_required_key_from_env_or_stdin(env, how):
    if how == "env":
        proc, url = _serve(["--require-key"], {**env, "IOCDESK_SANDBOX_KEY": KEY})
    else:
        proc, url = _serve(["--require-key", "-"], env, stdin=KEY.encode() + b"\n")
    try:
        assert url, "the sandbox printed its base URL"
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert KEY.encode() not in cmdline
        params = {"indicator": "definitely-unknown.example"}
        assert requests.get(url + "info.php", params=params, timeout=5).status_code == 401
        assert requests.get(url + "info.php", params={**params, "key": KEY}, timeout=5).status_code == 404
    finally:
        err = _stop(proc)
    assert KEY not in err


def test_a_key_on_argv_is_refused(env):
    proc = subprocess.run(
        [sys.executable, "-m", "iocdesk", "sandbox", "--require-key", KEY],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
    )
    assert proc.returncode == 2 and proc.stdout == b""
    err = proc.stderr.decode()
    assert "IOCDESK_SANDBOX_KEY" in err and KEY not in err


def test_an_empty_key_is_refused(env):
    proc = subprocess.run(
        [sys.executable, "-m", "iocdesk", "sandbox", "--require-key", "-"],
        env=env,
        input=b"\n",
        capture_output=True,
        timeout=30,
    )
    assert proc.returncode == 2 and proc.stdout == b"" and "empty" in proc.stderr.decode()
