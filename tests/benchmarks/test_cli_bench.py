"""benchmarks/cli_bench.py runs and reports its figures (tiny corpus, one round)."""

from __future__ import annotations

import json

from benchmarks import cli_bench


def test_cli_bench_reports_startup_and_throughput(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("IOCDESK_BASEDIR", str(tmp_path))
    assert (
        cli_bench.main(
            ["--size-mb", "0.02", "--rounds", "1", "--ioc-finder-python", "no-such-python", "--json", "--no-cache"]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["rounds"] == 1 and 0.015 < result["size_mb"] < 0.025
    assert 0 < result["median"]["startup"] < 30 and 0 < result["median"]["iocdesk"] < 30
    assert "ioc-finder" not in result["median"] and "ratio" not in result
