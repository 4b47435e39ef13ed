"""Issue 16: exports from the window take what is shown (or, chosen in the Export menu, the
selected rows or the whole run), and the status line says how many of how many went out.

``report(scope)`` here is a stand-in for ``MainWindow.report(scope)``: a Report of the rows the
filter shows, the selected rows, or every result, read from the same proxy and view."""

from __future__ import annotations

import csv
import json

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMenu, QTableView, QVBoxLayout, QWidget

from iocdesk.gui.actions.exports import ExportActions, ExportScope
from iocdesk.gui.models import ResultsFilter, ResultsModel
from iocdesk.gui.settings import AppSettings
from iocdesk.gui.tasks import Tasks
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType as T
from iocdesk.reports.report import Report

RISKS = [Risk.CRITICAL, Risk.HIGH, Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.NONE, Risk.NONE, Risk.LOW, Risk.HIGH]


def _results() -> list[LookupResult]:
    results = [
        LookupResult(f"host{i}.example", T.DOMAIN, Status.FOUND, intel=Intel(iid=i + 1, risk=risk))
        for i, risk in enumerate(RISKS)
    ]
    return [*results, LookupResult("192.0.2.7", T.IPV4, Status.NOT_FOUND)]


class Window:
    """The results table and the Export menu, wired the way the main window wires them."""

    def __init__(self, qtbot, tmp_path) -> None:
        self.model = ResultsModel()
        self.model.set_results(_results())
        self.proxy = ResultsFilter()
        self.proxy.setSourceModel(self.model)
        self.widget = QWidget()
        layout = QVBoxLayout(self.widget)
        self.view = QTableView(self.widget)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.view)
        self.settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        self.scopes: list[ExportScope] = []
        self.exports = ExportActions(self.report, self.settings, Tasks(), self.widget)
        self.menu = QMenu(self.widget)
        self.exports.fill_menu(self.menu)
        self.messages: list[str] = []
        self.exports.message.connect(self.messages.append)
        self.exports.failed.connect(self.messages.append)
        qtbot.addWidget(self.widget)
        self.widget.show()

    def report(self, scope: ExportScope) -> Report | None:
        self.scopes.append(scope)
        if scope is ExportScope.ALL:
            results = self.model.results()
        elif scope is ExportScope.SELECTED:
            rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
            results = [self.proxy.index(row, 0).data(ResultsModel.ResultRole) for row in rows]
        else:
            results = [self.proxy.index(r, 0).data(ResultsModel.ResultRole) for r in range(self.proxy.rowCount())]
        return Report(results, run_id=7)

    def shown(self) -> list[str]:
        return [self.proxy.index(r, 0).data(ResultsModel.ResultRole).indicator for r in range(self.proxy.rowCount())]

    def action(self, text: str):
        found = [a for a in self.menu.actions() if a.text() == text]
        assert len(found) == 1, [a.text() for a in self.menu.actions()]
        return found[0]

    def export(self, qtbot, monkeypatch, text: str, path) -> str:
        """Trigger an Export menu entry, answering the save dialog with ``path``; the status text."""
        asked: list[str] = []

        def save_dialog(parent, caption, default, filters):
            asked.append(default)
            return str(path), filters

        monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
        with qtbot.waitSignal(self.exports.message, timeout=10000) as blocker:
            self.action(text).trigger()
        assert asked, "the save dialog was not shown"
        return blocker.args[0]


@pytest.fixture
def win(qtbot, qloop, tmp_path):
    return Window(qtbot, tmp_path)


def _csv_indicators(path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row["indicator"] for row in csv.DictReader(handle)]


def test_export_takes_the_shown_rows_by_default(win, qtbot, monkeypatch, tmp_path):
    assert win.exports.scope is ExportScope.SHOWN
    assert win.exports.scope_actions[ExportScope.SHOWN].isChecked()
    win.proxy.set_risks([Risk.CRITICAL, Risk.HIGH])  # the analyst filters: 4 of 10 rows shown
    shown = win.shown()
    assert len(shown) == 4

    target = tmp_path / "shown.csv"
    text = win.export(qtbot, monkeypatch, "&CSV...", target)
    assert text == f"Exported 4 of 10 results (shown) to {target}."
    assert _csv_indicators(target) == shown  # the rows in the file are the rows on the screen
    assert win.scopes[0] is ExportScope.SHOWN

    win.proxy.set_risks([Risk.CRITICAL])  # the count follows the filter
    text = win.export(qtbot, monkeypatch, "&CSV...", target)
    assert text == f"Exported 1 of 10 results (shown) to {target}."
    assert _csv_indicators(target) == ["host0.example"]


def test_the_menu_offers_selected_rows_and_all_results(win, qtbot, monkeypatch, tmp_path):
    win.proxy.set_risks([Risk.HIGH, Risk.LOW])
    selection = win.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (0, 2):
        selection.select(win.proxy.index(row, 0), flags)
    picked = [win.shown()[0], win.shown()[2]]

    win.action("Export: s&elected rows").trigger()
    assert win.exports.scope is ExportScope.SELECTED
    assert not win.exports.scope_actions[ExportScope.SHOWN].isChecked()  # one choice at a time
    target = tmp_path / "selected.json"
    text = win.export(qtbot, monkeypatch, "&JSON...", target)
    assert text == f"Exported 2 of 10 results (selected) to {target}."
    document = json.loads(target.read_text(encoding="utf-8"))
    assert [r["indicator"] for r in document["results"]] == picked

    win.action("Export: &all results").trigger()
    target = tmp_path / "all.csv"
    text = win.export(qtbot, monkeypatch, "&CSV...", target)
    assert text == f"Exported 10 of 10 results (all) to {target}."
    assert sorted(_csv_indicators(target)) == sorted(r.indicator for r in _results())

    # remembered for the session: a second Export menu (a new window menu) shows the same choice
    again = QMenu(win.widget)
    win.exports.fill_menu(again)
    checked = [a.text() for a in again.actions() if a.isCheckable() and a.isChecked()]
    assert checked == ["Export: &all results"]


def test_nothing_selected_or_nothing_shown_says_so_and_asks_for_no_file(win, qtbot, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: pytest.fail("no file dialog for nothing"))
    win.exports.set_scope(ExportScope.SELECTED)
    win.action("&CSV...").trigger()
    assert win.messages[-1].startswith("Nothing to export: no row is selected.")
    win.exports.set_scope("shown")
    win.proxy.set_text("no such indicator")
    win.action("Excel &workbook...").trigger()
    assert win.messages[-1].startswith("Nothing to export: the filter hides every result.")


def test_chat_summary_and_e_mail_link_take_the_scope_too(win, qtbot, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    win.proxy.set_risks([Risk.CRITICAL, Risk.HIGH])
    win.action("Copy &summary for chat").trigger()
    assert "of 4 IOCs" in QGuiApplication.clipboard().text()
    assert win.messages[-1] == "Summary of 4 of 10 results (shown) copied: paste it into the chat."

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or False)
    win.action("E-mail &link (short summary, no attachment)").trigger()
    assert len(opened) == 1 and opened[0].startswith("mailto:")
    assert "4%20IOCs" in opened[0] or "4 IOCs" in opened[0]
    assert win.messages[-1].startswith("Could not open the e-mail link: no mail program answered")

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    win.action("E-mail &link (short summary, no attachment)").trigger()
    assert win.messages[-1] == "E-mail link with 4 of 10 results (shown) handed to the mail program."
