"""`iocdesk extract big.log | head`: the reader leaves early; iocdesk ends quietly, as `cat` does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.skipif(sys.platform == "win32", reason="a closed pipe reads differently on Windows")
def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    home = {**os.environ, "IOCDESK_BASEDIR": str(tmp_path / "iocdesk")}
    path = tmp_path / "big.log"
    path.write_text("".join(f"beacon to 198.51.{i // 250}.{i % 250 + 1}\n" for i in range(20_000)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "iocdesk", "extract", "--no-hosts", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=home,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # `head -1` is done
    err = proc.stderr.read().decode()
    status = proc.wait(timeout=60)
    assert first.startswith(b"ipv4\t198.51.0.1")
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert status in (0, 141)
