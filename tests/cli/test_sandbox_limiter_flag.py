"""``iocdesk sandbox --limiter {bucket,rolling,fixed}``: listed, validated, passed to the config."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from iocdesk.cli import build_parser


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iocdesk", "sandbox", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": "utf-8"},
    )


def test_help_lists_the_limiter_kinds():
    res = run("--help")
    assert res.returncode == 0, res.stderr
    assert "--limiter {bucket,rolling,fixed}" in res.stdout
    help_text = " ".join(res.stdout.split())  # argparse wraps the lines
    assert "token bucket" in help_text and "1 s window" in help_text and "clock second" in help_text


def test_an_unknown_kind_exits_2_before_serving():
    res = run("--limiter", "leaky")
    assert res.returncode == 2
    assert "invalid choice: 'leaky'" in res.stderr
    assert res.stdout == ""  # no base URL: nothing was served


@pytest.mark.parametrize(("argv", "expected"), [([], "bucket"), (["--limiter", "rolling"], "rolling")])
def test_the_kind_reaches_main_sandbox(monkeypatch, argv, expected):
    seen = {}

    def fake_main_sandbox(port: int = 0, **config: object) -> int:
        seen.update(config, port=port)
        return 0

    monkeypatch.setattr("iocdesk.pulsedive.sandbox.server.main_sandbox", fake_main_sandbox)
    args = build_parser(("sandbox",)).parse_args(["sandbox", "--per-second", "5", *argv])
    assert args.handler(args) == 0
    assert seen["limiter"] == expected and seen["per_second"] == 5.0


def test_main_sandbox_turns_a_bad_kind_into_exit_2(capsys):
    from iocdesk.pulsedive.sandbox import main_sandbox

    assert main_sandbox(0, limiter="leaky") == 2  # SandboxConfig refuses it before a socket is opened
    assert "limiter must be one of bucket, rolling, fixed" in capsys.readouterr().err
