"""The window never grows wider than a 1366 px screen, whatever the data (issue 16, first bullet).

Before, a run's status line and the summary strip's counts asked for their whole text as their
minimum width: after a demo run the window grew from 1200 to 1473 px on a 1366 px screen and could
not be shrunk back. Long text is now elided (the whole of it in the tooltip) and the risk chips
drop their words when the strip is narrow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from iocdesk.indicators.results import LookupResult, Status
from iocdesk.indicators.types import IndicatorType

SCREEN = 1366


def test_a_demo_run_leaves_the_window_as_wide_as_it_was(make_window, qtbot):
    win = make_window(demo=True)
    win.resize(1200, 760)
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 10, timeout=5000)
    qtbot.mouseClick(win.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=30000)
    qtbot.wait(100)
    assert win.width() == 1200
    assert win.minimumSizeHint().width() <= SCREEN


def test_long_values_and_messages_never_widen_it(make_window, qtbot):
    win = make_window()
    win.resize(SCREEN - 100, 740)
    long_url = "https://" + "a" * 180 + ".example.com/" + "b" * 200
    results = []
    for i, status in enumerate(list(Status) * 300):  # every status, 2,100 rows
        result = LookupResult(f"{long_url}{i}", IndicatorType.URL)
        result.status = status
        results.append(result)
    win.summary.update_counts(results)
    win.status.setText("The run stopped: " + "x" * 2000 + ".")
    win.counts.setText("2,000 indicators: " + ", ".join(f"{n} kind{n}" for n in range(300)))
    qtbot.wait(50)
    assert win.minimumSizeHint().width() <= SCREEN
    assert win.width() <= SCREEN
    assert win.status.text().endswith("x.")  # the whole text is kept, only its drawing is elided
    assert win.status.toolTip()  # ...and shown whole in the tooltip
    win.resize(900, 700)  # a narrow window: it takes the width, the chips keep their counts
    qtbot.wait(50)
    assert win.width() == 900
    assert win.summary.chip("high").text() in ("high: 0", "0")
