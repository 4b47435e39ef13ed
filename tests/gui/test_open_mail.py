"""The window's Open file on a saved phishing mail: decoded like everywhere else."""

from __future__ import annotations

import asyncio
from pathlib import Path

PHISH = Path(__file__).resolve().parent.parent / "data" / "importers" / "phish.eml"


def test_open_eml_shows_the_decoded_indicators(make_window, qtbot):
    win = make_window()
    task = asyncio.ensure_future(win.load_file(str(PHISH)))
    qtbot.waitUntil(task.done, timeout=10000)
    qtbot.waitUntil(lambda: win.indicators.rowCount() > 0, timeout=5000)
    shown = {win.indicators.indicator_at(r).value for r in range(win.indicators.rowCount())}
    assert "https://safelinks-target.example.com/login?id=42" in shown
    assert "https://proofpoint-target.example.net/reset" in shown
    assert "helpdesk@attacker-mail.example.com" in shown
    assert not [v for v in shown if "=3D" in v]
    assert "analyst@victim-corp.example" not in shown
