"""Issue 16: many rows at a time. Extended selection, Ctrl+A, Copy by the copy setting (and the
other form with Ctrl+Shift+C), "Copy as blocklist" over the whole run at or above a risk, and the
setting's checkbox in the settings dialog; driven through the widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QDialog, QPushButton, QTableView, QVBoxLayout, QWidget

from iocdesk.gui.actions.results import BLOCKLIST_LEVELS, ResultActions, blocklist
from iocdesk.gui.dialogs.settings import SettingsDialog
from iocdesk.gui.models import ResultsFilter, ResultsModel
from iocdesk.gui.settings import AppSettings
from iocdesk.indicators.host_links import link_hosts
from iocdesk.indicators.results import Intel, LookupResult, Risk, Status
from iocdesk.indicators.types import IndicatorType as T
from iocdesk.platform import credentials

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _found(value: str, kind: T, risk: Risk, iid: int) -> LookupResult:
    return LookupResult(value, kind, Status.FOUND, intel=Intel(iid=iid, indicator=value, risk=risk))


def _results() -> list[LookupResult]:
    results = [
        _found("203.0.113.5", T.IPV4, Risk.CRITICAL, 1),
        _found("evil-host.example", T.DOMAIN, Risk.HIGH, 2),
        # never seen by Pulsedive, on a high-risk host: its verdict risk is high
        LookupResult("https://evil-host.example/login.php", T.URL, Status.NOT_FOUND),
        _found("https://medium.example/a", T.URL, Risk.MEDIUM, 3),
        _found("198.51.100.9", T.IPV4, Risk.HIGH, 4),
        _found("low.example", T.DOMAIN, Risk.LOW, 5),
        _found("clean.example", T.DOMAIN, Risk.NONE, 6),
        _found("old.example", T.DOMAIN, Risk.RETIRED, 7),
        LookupResult("waiting.example", T.DOMAIN, Status.PENDING),
        LookupResult("2001:db8::66", T.IPV6, Status.NOT_FOUND),
    ]
    link_hosts(results)
    return results


class Table:
    """The results table as the window builds it: a view with extended row selection over the filter."""

    def __init__(self, qtbot, settings: AppSettings, results: list[LookupResult] | None = None) -> None:
        self.settings = settings
        self.model = ResultsModel()
        self.model.set_results(_results() if results is None else results)
        self.proxy = ResultsFilter()
        self.proxy.setSourceModel(self.model)
        self.window = QWidget()
        layout = QVBoxLayout(self.window)
        self.view = QTableView(self.window)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.view)
        self.actions = ResultActions(
            self.view, self.proxy, self.model, self.window, copy_defanged=lambda: settings.copy_defanged
        )
        self.messages: list[str] = []
        self.actions.message.connect(self.messages.append)
        qtbot.addWidget(self.window)
        self.window.resize(900, 500)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.view.setFocus()
        qtbot.waitUntil(self.view.hasFocus)

    def shown(self) -> list[LookupResult]:
        return [self.proxy.index(row, 0).data(ResultsModel.ResultRole) for row in range(self.proxy.rowCount())]

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.view.selectionModel().selectedRows())

    def click_row(self, qtbot, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        rect = self.view.visualRect(self.proxy.index(row, 0))
        qtbot.mouseClick(self.view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


@pytest.fixture
def settings(tmp_path):
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def table(qtbot, settings):
    return Table(qtbot, settings)


def _clipboard() -> list[str]:
    return QGuiApplication.clipboard().text().splitlines()


# -- selection and Copy ------------------------------------------------------------------------


def test_ctrl_a_selects_every_shown_row_and_ctrl_c_follows_the_setting(table, qtbot):
    table.proxy.set_types(["ipv4", "url"])  # a filter hides the rest: Ctrl+A takes what is shown
    shown = [r.indicator for r in table.shown()]
    assert len(shown) == 4
    assert not table.actions.copy_action.isEnabled()

    qtbot.keyClick(table.view, Qt.Key.Key_A, CTRL)
    assert table.selected_rows() == [0, 1, 2, 3]
    assert table.actions.copy_action.isEnabled() and table.actions.copy_other_action.isEnabled()

    assert table.settings.copy_defanged is True  # the default
    assert table.actions.copy_action.text() == "&Copy (defanged)"
    assert table.actions.copy_other_action.text() == "Copy &refanged"
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(table.actions.copied):
        qtbot.keyClick(table.view, Qt.Key.Key_C, CTRL)
    defanged = {
        "203.0.113.5": "203[.]0[.]113[.]5",
        "198.51.100.9": "198[.]51[.]100[.]9",
        "https://evil-host.example/login.php": "hxxps[://]evil-host[.]example/login.php",
        "https://medium.example/a": "hxxps[://]medium[.]example/a",
    }
    assert _clipboard() == [defanged[v] for v in shown]  # in the table's order
    assert table.messages[-1] == "Copied 4 indicators (defanged)."
    qtbot.keyClick(table.view, Qt.Key.Key_C, CTRL | SHIFT)  # the other form
    assert _clipboard() == shown
    assert table.messages[-1] == "Copied 4 indicators (live values)."

    table.settings.copy_defanged = False  # Settings > Appearance: live values
    qtbot.keyClick(table.view, Qt.Key.Key_C, CTRL)
    assert _clipboard() == shown
    qtbot.keyClick(table.view, Qt.Key.Key_C, CTRL | SHIFT)
    assert _clipboard() == [defanged[v] for v in shown]
    table.actions.build_menu()  # what the context menu says now
    assert table.actions.copy_action.text() == "&Copy (live values)"
    assert table.actions.copy_other_action.text() == "Copy &defanged"


def test_shift_and_ctrl_click_select_many_rows(table, qtbot):
    table.click_row(qtbot, 1)
    table.click_row(qtbot, 4, SHIFT)
    assert table.selected_rows() == [1, 2, 3, 4]
    table.click_row(qtbot, 7, CTRL)
    assert table.selected_rows() == [1, 2, 3, 4, 7]
    expected = [table.shown()[row].indicator for row in (1, 2, 3, 4, 7)]
    assert table.actions.copy(defanged=False).splitlines() == expected
    assert table.messages[-1] == "Copied 5 indicators (live values)."


def test_one_indicator_is_one_indicator(table, qtbot):
    table.click_row(qtbot, 0)
    qtbot.keyClick(table.view, Qt.Key.Key_C, CTRL)
    assert len(_clipboard()) == 1
    assert table.messages[-1] == "Copied 1 indicator (defanged)."


def test_select_all_is_in_the_context_menu(table, qtbot):
    menu = table.actions.build_menu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:4] == ["&Copy (defanged)", "Copy &refanged", "Copy as &blocklist (defanged)", "Select &all"]
    assert table.actions.select_all_action.isEnabled()
    table.actions.select_all_action.trigger()
    assert len(table.selected_rows()) == table.proxy.rowCount() == 10
    table.proxy.set_text("no such indicator")
    assert not table.actions.select_all_action.isEnabled()


# -- Copy as blocklist ---------------------------------------------------------------------------


def test_blocklist_high_and_above_takes_the_whole_run_by_verdict_risk(table, qtbot):
    table.proxy.set_types(["domain"])  # the filter shows only domains: the blocklist takes the whole run
    table.click_row(qtbot, 0)  # and the selection does not narrow it either
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(table.actions.copied) as blocker:
        table.actions.blocklist_actions[Risk.HIGH].trigger()
    # riskiest first as the run is ordered; the URL counts with its host's high
    expected = {"203[.]0[.]113[.]5", "evil-host[.]example", "hxxps[://]evil-host[.]example/login.php"}
    expected.add("198[.]51[.]100[.]9")
    assert set(_clipboard()) == expected and len(_clipboard()) == 4
    assert blocker.args == [QGuiApplication.clipboard().text()]
    assert table.messages[-1] == "Copied 4 indicators (high and above) as a blocklist, defanged."

    table.settings.copy_defanged = False  # the same rule as Copy
    table.actions.blocklist_actions[Risk.CRITICAL].trigger()
    assert _clipboard() == ["203.0.113.5"]
    assert table.messages[-1] == "Copied 1 indicator (critical) as a blocklist, live values."
    table.actions.blocklist_actions[Risk.LOW].trigger()
    assert "low.example" in _clipboard() and "https://medium.example/a" in _clipboard()
    assert not {"clean.example", "old.example", "waiting.example", "2001:db8::66"} & set(_clipboard())
    assert table.messages[-1] == "Copied 6 indicators (low and above) as a blocklist, live values."


def test_blocklist_levels_are_offered_only_when_the_run_has_such_results(qtbot, settings):
    quiet = Table(
        qtbot, settings, [_found("low.example", T.DOMAIN, Risk.LOW, 1), _found("x.example", T.DOMAIN, Risk.NONE, 2)]
    )
    enabled = {level: act.isEnabled() for level, act in quiet.actions.blocklist_actions.items()}
    assert enabled == {Risk.CRITICAL: False, Risk.HIGH: False, Risk.MEDIUM: False, Risk.LOW: True}
    assert quiet.actions.blocklist_menu.isEnabled()
    assert list(quiet.actions.blocklist_actions) == list(BLOCKLIST_LEVELS)
    QGuiApplication.clipboard().setText("untouched")
    assert quiet.actions.copy_blocklist(Risk.HIGH) == ""
    assert QGuiApplication.clipboard().text() == "untouched"
    assert quiet.messages[-1] == "No result of this run is high and above: nothing copied."
    tip = quiet.actions.blocklist_actions[Risk.HIGH].toolTip()
    assert "whatever the filter shows or the selection" in tip and "defanged" in tip

    quiet.model.set_results([])
    assert not quiet.actions.blocklist_menu.isEnabled()


def test_blocklist_rule_counts_a_url_with_its_hosts_risk():
    results = _results()
    url = next(r for r in results if r.type is T.URL and r.status is Status.NOT_FOUND)
    assert url.risk is None and url.verdict_risk is Risk.HIGH
    assert url in blocklist(results, Risk.HIGH) and url not in blocklist(results, Risk.CRITICAL)


# -- the setting in the settings dialog ----------------------------------------------------------


@pytest.fixture
def _no_session_key(monkeypatch):
    monkeypatch.delenv(credentials.ENV_VAR, raising=False)
    credentials.keep_for_session("")
    yield
    credentials.keep_for_session("")


@pytest.mark.usefixtures("_no_session_key")
def test_settings_dialog_has_the_copy_checkbox(qtbot, settings, tmp_path):
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    check = dialog.findChild(QCheckBox, "copyDefangedCheck")
    assert check is not None and check.text() == "Copy indicators defanged (safe to paste)"
    assert check.isChecked()  # the default: defanged
    dialog._tabs.setCurrentIndex(dialog._tabs.count() - 1)  # Appearance
    qtbot.waitUntil(check.isVisible)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))  # on the box
    assert not check.isChecked()
    qtbot.mouseClick(dialog.findChild(QPushButton, "okButton"), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    again = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.copy_defanged is False

    reopened = SettingsDialog(again)
    qtbot.addWidget(reopened)
    assert not reopened.findChild(QCheckBox, "copyDefangedCheck").isChecked()
