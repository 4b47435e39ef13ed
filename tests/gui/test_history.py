"""The run history dialog over a real History file: listing, open, resume, delete."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from iocdesk.gui.dialogs.history import HistoryDialog, RunColumn, RunsModel
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType
from iocdesk.store.history import History, RunMeta

D = IndicatorType.DOMAIN


def _found(value: str, risk: Risk) -> LookupResult:
    return LookupResult(
        value, D, Status.FOUND, intel=Intel(indicator=value, risk=risk, raw={"indicator": value, "risk": str(risk)})
    )


def _run(
    history: History, values: list[str], results: list[LookupResult], state: str | None, sources=("pasted text",)
) -> int:
    run_id = history.start_run(RunMeta(sources=list(sources), total=len(values)))
    history.add_items(run_id, [(D, v) for v in values])
    for result in results:
        history.record(run_id, result)
    if state is not None:
        history.finish_run(run_id, state)
    return run_id


@pytest.fixture
def history(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    yield h
    h.close()


@pytest.fixture
def runs(history):
    """Four runs, oldest first: finished, cancelled with pending items, interrupted, finished with errors."""
    finished = _run(
        history,
        ["a.example", "b.example", "c.example"],
        [_found("a.example", Risk.LOW), _found("b.example", Risk.HIGH), LookupResult("c.example", D, Status.NOT_FOUND)],
        "finished",
        sources=["report.pdf"],
    )
    cancelled = _run(history, ["d.example", "e.example", "f.example"], [_found("d.example", Risk.MEDIUM)], "cancelled")
    interrupted = _run(
        history, ["g.example", "h.example"], [_found("g.example", Risk.CRITICAL)], None, sources=["evil\u202etxt.exe"]
    )
    assert history.mark_interrupted_runs() == []  # still owned by this live History...
    history.finish_run(interrupted, "interrupted")  # ...so mark it as a dead process would leave it
    errors = _run(
        history,
        ["i.example", "j.example"],
        [LookupResult("i.example", D, Status.ERROR, error="boom"), _found("j.example", Risk.NONE)],
        "finished",
    )
    return {"finished": finished, "cancelled": cancelled, "interrupted": interrupted, "errors": errors}


@pytest.fixture
def dialog(qtbot, history, runs):
    d = HistoryDialog(history)
    qtbot.addWidget(d)
    d.open()
    qtbot.waitExposed(d)
    return d


def _text(model: RunsModel, row: int, col: RunColumn) -> str:
    return model.data(model.index(row, col))


def test_lists_runs_newest_first_with_states_and_counts(dialog, runs):
    model = dialog.model
    assert model.rowCount() == 4
    assert [model.run_at(r).id for r in range(4)] == [
        runs["errors"],
        runs["interrupted"],
        runs["cancelled"],
        runs["finished"],
    ]
    assert [_text(model, r, RunColumn.STATE) for r in range(4)] == [
        "finished",
        "interrupted (resumable)",
        "cancelled (resumable)",
        "finished",
    ]
    assert [_text(model, r, RunColumn.PROGRESS) for r in range(4)] == ["2/2", "1/2", "1/3", "3/3"]
    assert _text(model, 3, RunColumn.STATUSES) == "2 found, 1 not found"
    assert _text(model, 2, RunColumn.STATUSES) == "2 pending, 1 found"
    assert _text(model, 0, RunColumn.STATUSES) == "1 found, 1 error"
    assert _text(model, 3, RunColumn.RISK) == "high (1)"  # worst of low and high
    assert _text(model, 1, RunColumn.RISK) == "critical (1)"
    assert model.data(model.index(3, RunColumn.RISK), Qt.ItemDataRole.DecorationRole) is not None
    created = _text(model, 0, RunColumn.CREATED)
    assert len(created) == 16 and created[4] == "-" and created[13] == ":"  # local YYYY-MM-DD HH:MM
    # attacker-controlled text is plain and visible: the bidi override is escaped
    assert _text(model, 1, RunColumn.SOURCES) == "evil\\u202etxt.exe"
    assert "<qt>" in model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert dialog.selected_run().id == runs["errors"]  # the newest is selected
    assert not dialog.empty_label.isVisible()


def test_open_emits_run_id_by_button_double_click_and_enter(dialog, runs, qtbot):
    dialog.select_run(runs["cancelled"])
    with qtbot.waitSignal(dialog.openRequested, timeout=1000) as blocker:
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [runs["cancelled"]]
    assert not dialog.isVisible()  # Open closes the dialog

    dialog.open()
    dialog.select_run(runs["finished"])
    row = dialog.model.row_of(runs["finished"])
    rect = dialog.view.visualRect(dialog.model.index(row, RunColumn.STATE))
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(dialog.openRequested, timeout=1000) as blocker:
        qtbot.mouseDClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [runs["finished"]]

    dialog.open()
    dialog.view.setFocus()
    dialog.select_run(runs["interrupted"])
    with qtbot.waitSignal(dialog.openRequested, timeout=1000) as blocker:
        qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert blocker.args == [runs["interrupted"]]


def test_resume_only_for_interrupted_or_cancelled_runs_with_pending_items(dialog, runs, qtbot):
    for name in ("finished", "errors"):
        dialog.select_run(runs[name])
        assert not dialog.resume_button.isEnabled()
        assert dialog.open_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.resumeRequested):
        dialog.resume_selected()  # a direct call on a finished run does nothing either
    for name in ("interrupted", "cancelled"):
        dialog.open()
        dialog.select_run(runs[name])
        assert dialog.resume_button.isEnabled()
        with qtbot.waitSignal(dialog.resumeRequested, timeout=1000) as blocker:
            qtbot.mouseClick(dialog.resume_button, Qt.MouseButton.LeftButton)
        assert blocker.args == [runs[name]]


def test_running_run_cannot_be_deleted_or_resumed(history, runs, qtbot):
    running = _run(history, ["k.example"], [], None)
    dialog = HistoryDialog(history)
    qtbot.addWidget(dialog)
    assert dialog.selected_run().id == running
    assert _text(dialog.model, 0, RunColumn.STATE) == "running"
    assert dialog.open_button.isEnabled()
    assert not dialog.resume_button.isEnabled() and not dialog.delete_button.isEnabled()


def _confirm(dialog, qtbot, button: QMessageBox.StandardButton) -> None:
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "confirmDelete") is not None, timeout=1000)
    box = dialog.findChild(QMessageBox, "confirmDelete")
    assert box.textFormat() == Qt.TextFormat.PlainText
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)


def test_delete_asks_then_removes_the_run(dialog, runs, history, qtbot):
    dialog.select_run(runs["cancelled"])
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    _confirm(dialog, qtbot, QMessageBox.StandardButton.Cancel)
    assert dialog.model.rowCount() == 4 and len(history.list_runs()) == 4

    with qtbot.waitSignal(dialog.runDeleted, timeout=2000) as blocker:
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
        _confirm(dialog, qtbot, QMessageBox.StandardButton.Yes)
    assert blocker.args == [runs["cancelled"]]
    assert [r.id for r in history.list_runs()] == [runs["errors"], runs["interrupted"], runs["finished"]]
    assert dialog.model.row_of(runs["cancelled"]) == -1 and dialog.model.rowCount() == 3
    assert dialog.selected_run() is not None  # the selection moved to a neighbour
    assert dialog.status_label.text() == "Run deleted."


def test_refresh_shows_new_runs_and_keeps_the_selection(dialog, runs, history, qtbot):
    dialog.select_run(runs["finished"])
    newer = _run(history, ["z.example"], [_found("z.example", Risk.LOW)], "finished")
    assert dialog.model.rowCount() == 4
    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 5 and dialog.model.run_at(0).id == newer
    assert dialog.selected_run().id == runs["finished"]


def test_empty_history_and_accessibility(history, qtbot):
    dialog = HistoryDialog(history)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert dialog.model.rowCount() == 0 and dialog.empty_label.isVisible()
    assert not dialog.open_button.isEnabled() and not dialog.resume_button.isEnabled()
    assert not dialog.delete_button.isEnabled()
    assert dialog.view.accessibleName()
    for button in (dialog.open_button, dialog.resume_button, dialog.delete_button, dialog.refresh_button):
        assert "&" in button.text()  # a mnemonic for keyboard users
    assert dialog.open_button.isDefault()
