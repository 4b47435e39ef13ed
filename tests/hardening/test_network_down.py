"""Network down from the start, DNS failure, a refusing proxy: one clear message, no hang, nothing lost.

"No hang" means the run stops on its own after ``unreachable_after`` requests got
no HTTP answer, instead of retrying every item with backoff; what it did not look
up stays pending in history and a resume finishes it once the network is back.
Host names never reach a real resolver: a failing ``socket.getaddrinfo`` stands in for DNS.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time

import pytest
from PySide6.QtWidgets import QMessageBox

from iocdesk.extraction.extract import extract
from iocdesk.indicators.results import Status
from iocdesk.lookup.engine import EndState, EngineOptions, LookupEngine, StopCause
from iocdesk.lookup.limiter import RateLimits
from iocdesk.pulsedive.client import PulsediveClient
from iocdesk.store import History, RunMeta

ITEMS = extract("\n".join(f"c2-{n}.badhost{n % 13}.net" for n in range(200)))

# Imported by every Python started with this directory on PYTHONPATH: name resolution fails for
# anything but loopback, as on a machine whose DNS is down.
NO_DNS = textwrap.dedent("""
    import socket
    _real = socket.getaddrinfo
    def _no_dns(host, *args, **kwargs):
        if host in ("127.0.0.1", "::1", "localhost"):
            return _real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    socket.getaddrinfo = _no_dns
""")


def test_engine_stops_at_once_when_nothing_answers_and_a_resume_finishes_the_run(tmp_path, unused_port, make_sandbox):
    with History(tmp_path / "history.sqlite3") as history:
        run_id = history.start_run(RunMeta(sources=["pasted text"], total=len(ITEMS)))
        history.add_items(run_id, ITEMS)
        base_url = f"http://127.0.0.1:{unused_port}/api/"
        with PulsediveClient("k", base_url=base_url) as client:
            engine = LookupEngine(
                client, EngineOptions(limits=RateLimits(per_second=None)), history=history, run_id=run_id
            )
            started = time.monotonic()
            results = asyncio.run(engine.run(ITEMS))
            took = time.monotonic() - started
        # default backoff (0.5 s doubling, 4 attempts): retrying all 200 items would take minutes
        assert took < 15, f"the run took {took:.1f} s to give up"
        assert "cannot be reached" in engine.stop_reason and "Connection refused" in engine.stop_reason
        assert engine.stop_cause is StopCause.UNREACHABLE and engine.end_state is EndState.INTERRUPTED
        assert {r.status for r in results} == {Status.ERROR}
        attempted = sum(r.attempts for r in results)
        limit, workers = EngineOptions().unreachable_after, EngineOptions().concurrency
        assert limit <= attempted < limit + workers  # only requests already on their way follow the stop
        history.finish_run(run_id, "interrupted")
        pending = history.pending_items(run_id)
        assert len(pending) == len(ITEMS)  # nothing was lost: every item can still be looked up

        # the network is back: the same address now answers
        server = make_sandbox(port=unused_port)
        resumed = history.resume_run(run_id)
        with PulsediveClient("k", base_url=base_url) as client:
            engine = LookupEngine(
                client, EngineOptions(limits=RateLimits(per_second=None)), history=history, run_id=run_id
            )
            asyncio.run(engine.run(_results_of(history, run_id)))
        assert len(resumed) == len(ITEMS)
        assert server.stats.requests == len(ITEMS)  # one lookup each
        _, saved = history.load_run(run_id)
        assert {r.status for r in saved} == {Status.NOT_FOUND}


def _results_of(history: History, run_id: int) -> list:
    _, results = history.load_run(run_id)
    return results


def test_dns_failure_in_the_cli_is_one_line_and_a_resumable_run(tmp_path):
    (tmp_path / "nodns").mkdir()
    (tmp_path / "nodns" / "sitecustomize.py").write_text(NO_DNS)
    report = tmp_path / "alert.txt"
    report.write_text("\n".join(i.value.replace(".", "[.]") for i in ITEMS[:40]))
    env = {
        **_clean_env(),
        "PYTHONPATH": str(tmp_path / "nodns"),
        "PULSEDIVE_API_KEY": "k",
        "IOCDESK_BASEDIR": str(tmp_path / "base"),
    }
    started = time.monotonic()
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "iocdesk",
            "analyze",
            "--api-url",
            "https://pulsedive.invalid/api/",
            "--rate",
            "50",
            str(report),
        ],
        capture_output=True,
        env=env,
        timeout=120,
    )
    took = time.monotonic() - started
    err = res.stderr.decode()
    assert res.returncode == 4, err  # incomplete: kept for a resume
    assert took < 30, f"{took:.1f} s"
    assert "cannot be reached" in err and "Failed to resolve 'pulsedive.invalid'" in err
    assert err.count("cannot be reached") == 1 and "Traceback" not in err
    assert "iocdesk history resume 1" in err
    listing = subprocess.run(
        [sys.executable, "-m", "iocdesk", "history", "list"], capture_output=True, env=env, timeout=60
    )
    assert "interrupted" in listing.stdout.decode()


def _clean_env() -> dict:
    import os

    return {
        k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")
    }


@pytest.fixture
def window_config() -> dict:
    """``window`` here (tests/conftest.py) has a key, so runs really start."""
    return {"key": "k"}


@pytest.mark.parametrize("failure", ["network down", "proxy refusing"])
def test_window_says_it_once_stops_and_keeps_the_run_resumable(window, qtbot, unused_port, make_sandbox, failure):
    from iocdesk.gui.dialogs.history import can_resume

    win = window
    server = make_sandbox()
    if failure == "network down":
        win.settings.api_base_url = f"http://127.0.0.1:{unused_port}/api/"
    else:
        win.settings.api_base_url = server.base_url
        win.settings.http_proxy = f"http://127.0.0.1:{unused_port}"
    win.settings.max_per_second = 100
    win.paste.setPlainText("\n".join(i.value for i in ITEMS[:100]))
    qtbot.waitUntil(lambda: win.indicators.rowCount() == 100, timeout=10000)
    started = time.monotonic()
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running, timeout=30000)
    took = time.monotonic() - started
    assert server.stats.requests == 0
    assert took < 15, f"the window waited {took:.1f} s"
    notices = [box for box in win.findChildren(QMessageBox) if box.objectName() == "notice"]
    assert len(notices) == 1
    text = notices[0].text()
    assert "cannot be reached" in text and ("proxy error" in text) == (failure == "proxy refusing")
    assert "Traceback" not in text
    with History() as history:  # the window's own history file (IOCDESK_BASEDIR)
        assert can_resume(history.list_runs()[0])
    # a window closes at once after such a run (and during one: see tests/gui/test_main_window.py)
    started = time.monotonic()
    win.close()
    assert time.monotonic() - started < 2
