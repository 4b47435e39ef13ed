"""The window's panes: hidden, placed and sized as the analyst left them (issue 16)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from iocdesk.gui.models import IndicatorColumn, ResultColumn
from iocdesk.gui.widgets.tables import ColumnChooser


def _settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "panes.ini"), QSettings.Format.IniFormat)


def test_panes_columns_and_sort_come_back_after_a_restart(make_window, tmp_path, qtbot):
    win = make_window(settings=_settings(tmp_path))
    assert win.panes.detail_action.isChecked() and win.panes.input_action.isChecked()
    win.panes.detail_action.trigger()  # View > Detail pane (Ctrl+2)
    win.panes.input_action.trigger()
    win.panes.beside_action.trigger()
    assert not win.detail.isVisible() and not win.indicator_view.isVisible()
    assert win.results_splitter.orientation() == Qt.Orientation.Horizontal
    win.result_view.setColumnWidth(ResultColumn.INDICATOR, 455)
    win.result_view.setColumnHidden(ResultColumn.THREATS, True)
    win.result_view.sortByColumn(ResultColumn.STATUS, Qt.SortOrder.AscendingOrder)
    win.close()

    again = make_window(settings=_settings(tmp_path))
    assert not again.detail.isVisible() and not again.indicator_view.isVisible()
    assert not again.panes.detail_action.isChecked() and again.panes.beside_action.isChecked()
    assert again.results_splitter.orientation() == Qt.Orientation.Horizontal
    view = again.result_view
    assert view.columnWidth(ResultColumn.INDICATOR) == 455 and view.isColumnHidden(ResultColumn.THREATS)
    header = view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        ResultColumn.STATUS,
        Qt.SortOrder.AscendingOrder,
    )
    again.panes.detail_action.trigger()
    assert again.detail.isVisible()


def test_the_header_menu_shows_and_hides_columns_but_keeps_the_indicator(make_window):
    win = make_window()
    (columns,) = win.result_view.findChildren(ColumnChooser)
    menu = columns.build_menu()
    actions = {a.text(): a for a in menu.actions()}
    assert not actions["Indicator"].isEnabled()
    assert not actions["Defanged in input"].isChecked()  # hidden by default: the tooltip says it
    actions["Defanged in input"].trigger()
    assert not win.result_view.isColumnHidden(ResultColumn.DEFANGED)
    actions["Country"].trigger()
    assert win.result_view.isColumnHidden(ResultColumn.COUNTRY)


def test_the_check_box_sits_on_the_indicator_first(make_window, qtbot):
    win = make_window()
    win.paste.setPlainText("bad-host.org and 8.8.8.8")
    qtbot.waitUntil(lambda: win.indicators.rowCount() == 2, timeout=5000)
    header = win.indicator_view.horizontalHeader()
    assert header.visualIndex(IndicatorColumn.VALUE) == 0
    assert win.indicator_view.isColumnHidden(IndicatorColumn.SOURCE)
    index = win.indicators.index(0, IndicatorColumn.VALUE)
    assert index.data(Qt.ItemDataRole.CheckStateRole) is not None
