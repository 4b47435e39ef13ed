"""RunController: real runs against the loopback sandbox on the session qasync loop; assert on signals."""

from __future__ import annotations

import logging

import pytest

from iocdesk.extraction.extract import extract
from iocdesk.gui.models import ResultsModel
from iocdesk.gui.runner import UNEXPECTED_ERROR, RunController
from iocdesk.indicators.results import Status
from iocdesk.lookup.engine import EngineOptions, LookupEngine
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.pulsedive.sandbox import SandboxServer


class Recorder:
    """Every signal of a controller, in order."""

    def __init__(self, controller: RunController) -> None:
        self.events: list[tuple[str, object]] = []
        for name in ("runStarted", "resultsReady", "progressChanged", "finished", "failed", "stateChanged"):
            getattr(controller, name).connect(lambda value, name=name: self.events.append((name, value)))

    def of(self, name: str) -> list:
        return [value for event, value in self.events if event == name]


def make_engine(sb: SandboxServer, key: str | None = None, **options) -> LookupEngine:
    client = PulsediveClient(key, base_url=sb.base_url, timeout=(2.0, 5.0))
    return LookupEngine(client, EngineOptions(limits=RateLimits(per_second=None), use_cache=False, **options))


def items_from(sb: SandboxServer, n: int = 30):
    """n known values, one per line (without the hosts of the URLs among them: n items, n lookups)."""
    return extract("\n".join(sb.dataset.known_values()[:n]), hosts=False)


def test_run_batches_results_and_finishes(qloop, qtbot, make_sandbox):
    controller = RunController()
    rec = Recorder(controller)
    model = ResultsModel()
    controller.runStarted.connect(model.set_results)
    controller.resultsReady.connect(model.update_rows)
    sb = make_sandbox(latency=0.02)
    items = items_from(sb)
    engine = make_engine(sb)
    task = controller.start(engine, items)
    assert controller.is_running and controller.state == "running"
    qtbot.waitUntil(task.done, timeout=10_000)
    results = task.result()
    assert len(results) == len(items) == 30
    assert all(r.done for r in results)
    assert sum(r.status is Status.FOUND for r in results) >= 25
    (started,) = rec.of("runStarted")
    assert all(a is b for a, b in zip(started, engine.results, strict=True))  # the objects the engine updates in place
    assert rec.of("finished") == [results] and rec.of("failed") == []
    batches = rec.of("resultsReady")
    assert 1 <= len(batches) < len(results)  # batched: fewer signals than results
    assert sorted(i for batch in batches for i in batch) == list(range(len(results)))
    assert all(batch == sorted(batch) for batch in batches)
    progress = rec.of("progressChanged")
    assert progress and progress[-1].done == progress[-1].total == 30
    assert rec.of("stateChanged") == ["running", "idle"]
    assert controller.state == "idle" and not controller.is_running
    # runStarted came before every resultsReady, so the model had its rows in time
    names = [name for name, _ in rec.events]
    assert names.index("runStarted") < names.index("resultsReady")
    assert names[-1] == "finished" and names.count("finished") == 1
    assert model.rowCount() == 30 and model.result_at(0) is results[0]


def test_pause_resume_cancel_change_state(qloop, qtbot, make_sandbox):
    controller = RunController()
    rec = Recorder(controller)
    sb = make_sandbox(latency=0.05)
    task = controller.start(make_engine(sb, concurrency=2), items_from(sb, 40))
    assert rec.of("stateChanged") == ["running"]
    qtbot.waitUntil(lambda: len(rec.of("resultsReady")) >= 1, timeout=5_000)
    controller.pause()
    assert controller.state == "paused" and controller.engine.paused
    controller.pause()  # idempotent
    qtbot.waitUntil(lambda: rec.of("progressChanged") and rec.of("progressChanged")[-1].paused, timeout=5_000)
    controller.resume()
    assert controller.state == "running" and not controller.engine.paused
    controller.cancel()
    assert controller.state == "cancelling"
    controller.resume()  # no effect while cancelling
    assert controller.state == "cancelling"
    qtbot.waitUntil(task.done, timeout=10_000)
    results = task.result()
    assert rec.of("stateChanged") == ["running", "paused", "running", "cancelling", "idle"]
    assert rec.of("finished") == [results] and rec.of("failed") == []
    assert all(r.done for r in results)
    assert any(r.status is Status.SKIPPED for r in results)  # cancelled before their turn
    controller.cancel()  # nothing to cancel: no effect
    assert controller.state == "idle"


def test_rejected_key_fails_once(qloop, qtbot, make_sandbox):
    controller = RunController()
    rec = Recorder(controller)
    sb = make_sandbox(latency=0.01, require_key="x")
    task = controller.start(make_engine(sb, key="y"), items_from(sb, 20))
    with pytest.raises(RuntimeError):
        controller.start(make_engine(sb, key="y"), [])  # one run at a time
    qtbot.waitUntil(task.done, timeout=10_000)
    assert len(rec.of("failed")) == 1
    message = rec.of("failed")[0]
    assert "rejected" in message and "key=" not in message
    assert rec.of("finished") == [task.result()]
    assert all(r.status is Status.ERROR for r in task.result())
    assert controller.state == "idle"


def test_unexpected_error_is_reported_in_plain_words_and_logged(qloop, qtbot, caplog, make_sandbox):
    class Broken(LookupEngine):
        async def run(self, items):
            self.results = []
            raise ValueError("boom")

    controller = RunController()
    rec = Recorder(controller)
    sb = make_sandbox()
    with caplog.at_level(logging.ERROR, logger="iocdesk.gui.runner"):
        task = controller.start(Broken(PulsediveClient(None, base_url=sb.base_url)), items_from(sb, 3))
        qtbot.waitUntil(task.done, timeout=5_000)
    assert rec.of("failed") == [UNEXPECTED_ERROR]
    assert rec.of("finished") == [[]]
    assert "boom" in caplog.text
    assert controller.state == "idle"


def test_empty_run_and_a_second_run_on_the_same_controller(qloop, qtbot, make_sandbox):
    controller = RunController()
    rec = Recorder(controller)
    sb = make_sandbox()
    task = controller.start(make_engine(sb), [])
    qtbot.waitUntil(task.done, timeout=5_000)
    assert rec.of("finished") == [[]] and rec.of("runStarted") == [[]]
    task = controller.start(make_engine(sb), items_from(sb, 5))
    qtbot.waitUntil(task.done, timeout=5_000)
    assert len(rec.of("finished")) == 2 and len(rec.of("finished")[1]) == 5
    assert len(rec.of("runStarted")) == 2
