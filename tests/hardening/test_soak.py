"""Fault soak: every IOC ends in a definite status, nothing asked twice, no error cached, memory flat.

The driver and its invariants are ``benchmarks/soak.py`` (``python -m benchmarks.soak``
runs the same check from the command line; figures in docs/reliability.md).
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from benchmarks.soak import Profile, Soak
from iocdesk.indicators.results import Status
from iocdesk.lookup.engine import EngineOptions

pytestmark = pytest.mark.slow


def test_engine_soak_5000_iocs_with_faults_and_429_bursts(tmp_path):
    with Soak(Profile(iocs=5000), tmp_path) as soak:
        results = asyncio.run(soak.engine().run(soak.items))
        report = soak.check(results)
    print("\n".join(report.lines()))  # the figures docs/reliability.md records (pytest -s)
    assert report.violations == []
    # the faults really happened, at about the rates asked for (per request)
    per_request = {kind: n / report.requests for kind, n in report.faults.items()}
    assert per_request["error"] > 0.07 and per_request["timeout"] > 0.03
    assert per_request["reset"] > 0.01 and per_request["malformed"] > 0.01
    assert report.throttled > 50
    assert report.statuses[str(Status.FOUND)] > 300 and report.statuses[str(Status.NOT_FOUND)] > 4000


def test_the_soak_check_catches_a_retry_policy_breach(tmp_path):
    """The invariants are not vacuous: an engine allowed one attempt more than the policy is caught."""
    with Soak(Profile(iocs=400, error_rate=0.6, seed=3), tmp_path) as soak:
        engine = soak.engine()
        engine.options = EngineOptions(**{**_fields(engine.options), "max_attempts": soak.profile.max_attempts + 2})
        report = soak.check(asyncio.run(engine.run(soak.items)))
    assert any("beyond the retry policy" in v for v in report.violations)


def _fields(options: EngineOptions) -> dict:
    return {name: getattr(options, name) for name in options.__dataclass_fields__}


def test_gui_model_soak_2000_iocs(qloop, qtbot, tmp_path):
    from iocdesk.gui.models import ResultsModel
    from iocdesk.gui.runner import RunController

    controller = RunController()
    model = ResultsModel()
    controller.runStarted.connect(model.set_results)
    controller.resultsReady.connect(model.update_rows)
    with Soak(Profile(iocs=2000, seed=17), tmp_path) as soak:
        task = controller.start(soak.engine(), soak.items)
        qtbot.waitUntil(task.done, timeout=120_000)
        results = task.result()
        report = soak.check(results)
    print("\n".join(report.lines()))
    assert report.violations == []
    assert model.rowCount() == 2000
    status_column = ResultsModel.Column.STATUS
    shown = Counter(model.index(row, status_column).data() for row in range(model.rowCount()))
    assert sum(shown.values()) == 2000 and not any("pending" in str(text).lower() for text in shown)
    assert sorted(shown.values()) == sorted(report.statuses.values())  # the table shows what the engine ended with
