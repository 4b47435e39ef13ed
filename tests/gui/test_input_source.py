"""One source of truth for the input (issue 16, "three panes, three stories").

``iocdesk-gui --demo iocs.txt`` read the file, then the demo sample's extraction replaced its
indicators and Run looked up the sample. Opening a file or a run left the old text in the editor
and the previous run's results in the table. Now the latest input wins, the editor never shows
text the indicators did not come from, and History names the input.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt

from iocdesk.gui.actions.input import SourceKind
from iocdesk.store import History


def _file_of(tmp_path, n: int):
    path = tmp_path / "iocs.txt"
    path.write_text("\n".join(f"10{i}.example-bad.com" for i in range(n)) + "\n", encoding="utf-8")
    return path


def _values(win) -> set[str]:
    return {win.indicators.indicator_at(row).value for row in range(win.indicators.rowCount())}


def test_a_file_named_at_start_beats_the_demo_sample_and_is_what_runs(make_window, qtbot, tmp_path):
    path = _file_of(tmp_path, 30)
    win = make_window(demo=True, open_files=[str(path)])
    qtbot.waitUntil(lambda: win.indicators.rowCount() == 30, timeout=5000)
    qtbot.wait(600)  # longer than the editor's extraction delay: nothing late replaces the file's
    assert _values(win) == {f"10{i}.example-bad.com" for i in range(30)}
    assert win.paste.toPlainText() == ""
    assert win.source_label.isVisible() and "iocs.txt" in win.source_label.text()
    assert win.input.source.kind is SourceKind.FILE and win.input.source.name == str(path)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=30000)
    assert {r.indicator for r in win.results.results()} == _values(win)
    with History() as history:
        meta, _ = history.load_run(win._run_id)
    assert meta.sources == [str(path)]  # History names the input, not "pasted text"


def test_the_latest_input_wins_and_the_editor_shows_only_its_own_text(make_window, qtbot, tmp_path):
    path = _file_of(tmp_path, 5)
    win = make_window()
    win.paste.setPlainText("old alert text about 8.8.4.4")  # its extraction is still pending...
    task = asyncio.ensure_future(win.load_file(str(path)))  # ...when a file is opened
    qtbot.waitUntil(task.done, timeout=5000)
    qtbot.wait(600)
    assert len(_values(win)) == 5 and "8.8.4.4" not in _values(win)
    assert win.paste.toPlainText() == ""  # the old text is not left standing beside the file's indicators
    win.paste.setFocus()
    qtbot.keyClick(win.paste, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo brings it back...
    assert "8.8.4.4" in win.paste.toPlainText()
    qtbot.waitUntil(lambda: _values(win) == {"8.8.4.4"}, timeout=5000)  # ...and makes it the input again
    assert not win.source_label.isVisible() and win.input.source.kind is SourceKind.TEXT


def test_a_file_opened_after_a_run_clears_that_runs_results(make_window, qtbot, tmp_path):
    win = make_window(demo=True)
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 10, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=30000)
    task = asyncio.ensure_future(win.load_file(str(_file_of(tmp_path, 3))))
    qtbot.waitUntil(task.done, timeout=5000)
    assert win.results.rowCount() == 0 and "iocs.txt" in win.source_label.text()
    assert win.detail.current_result() is None


def test_a_reopened_run_shows_its_own_indicators_and_results(make_window, qtbot):
    win = make_window(demo=True)
    qtbot.waitUntil(lambda: win.indicators.rowCount() >= 10, timeout=5000)
    win.start_run()
    qtbot.waitUntil(lambda: not win.controller.is_running and win.results.rowCount() > 0, timeout=30000)
    run_id = win._run_id
    ran = {r.indicator for r in win.results.results()}
    win.paste.setPlainText("something else entirely: 9.9.9.9")
    qtbot.waitUntil(lambda: _values(win) == {"9.9.9.9"}, timeout=5000)
    win.open_history()
    win.reopen_run(run_id)
    assert win.paste.toPlainText() == ""
    assert _values(win) == ran == {r.indicator for r in win.results.results()}
    assert win.input.source.kind is SourceKind.RUN and f"Run {run_id}" in win.source_label.text()
    assert win.result_view.currentIndex().row() == 0  # its riskiest result's detail, not an empty pane
    win.history_dialog.close()
