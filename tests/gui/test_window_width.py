"""The window never grows wider than a 1366 px screen, whatever the data (issue 16, first bullet).

Before, a run's status line and the summary strip's counts asked for their whole text as their
minimum width: after a demo run the window grew from 1200 to 1473 px on a 1366 px screen and could
not be shrunk back. Long text is now elided (the whole of it in the tooltip) and the risk chips
drop their words when the strip is narrow.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from iocdesk.gui.models import ResultColumn
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


@pytest.mark.slow
def test_a_2000_row_run_of_200_character_urls_fits_a_1366_screen(make_window, make_sandbox, qtbot):
    """The acceptance check: a real run (2,000 URLs of 200 characters against the sandbox), then
    the riskiest row's detail: the window keeps its width, rows stay one line, values are elided
    in the middle, and the whole value is in the tooltip and the detail pane."""
    server = make_sandbox(latency=0)
    win = make_window(key="k")
    win.settings.api_base_url = server.base_url
    win.resize(SCREEN - 66, 740)
    urls = [f"https://host{i}.example-{i % 7}.com/" for i in range(2000)]
    urls = [url + "p" * (200 - len(url) - 5) + f"{i:05d}" for i, url in enumerate(urls)]
    assert {len(url) for url in urls} == {200}
    win.paste.setPlainText("\n".join(urls))
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 2000, timeout=30000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() >= 2000, timeout=120000)
    qtbot.wait(100)
    assert win.width() == SCREEN - 66
    assert win.minimumSizeHint().width() <= SCREEN
    view = win.result_view
    assert view.currentIndex().row() == 0  # the first (riskiest) result is shown, not an empty pane
    line = view.fontMetrics().height()
    assert view.rowHeight(0) < 2 * line  # one line per row
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    model = view.model()
    url_row = next(row for row in range(model.rowCount()) if len(model.index(row, 0).data()) == 200)
    view.selectRow(url_row)
    shown = model.index(url_row, ResultColumn.INDICATOR)
    assert shown.data() in shown.data(Qt.ItemDataRole.ToolTipRole)
    assert view.columnWidth(ResultColumn.INDICATOR) == max(
        view.columnWidth(c) for c in range(len(ResultColumn)) if not view.isColumnHidden(c)
    )
    assert view.horizontalHeader().visualIndex(ResultColumn.RISK) == 1  # the verdict next to the value
    visible_rows = view.viewport().height() // view.rowHeight(0)
    assert visible_rows >= 12, visible_rows  # 0.1 showed about 8
    qtbot.wait(50)
    assert win.detail.findChild(QLabel, "detailIndicator").text() == shown.data()
    assert win.width() == SCREEN - 66 and win.minimumSizeHint().width() <= SCREEN
