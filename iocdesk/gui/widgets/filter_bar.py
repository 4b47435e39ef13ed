"""The results filter bar: free text plus risk / type / status multi-select drop-downs.

Every drop-down is a QToolButton with a menu of checkable actions. Nothing
checked means "no filter on that criterion"; the button shows how many are
checked ("Risk (2)"). The bar writes straight into a :class:`ResultsFilter`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QMenu, QPushButton, QToolButton, QWidget

from iocdesk.gui.models import STATUS_LABELS, ResultsFilter, ResultsModel, status_label
from iocdesk.gui.risk import risk_icon
from iocdesk.indicators.results import PULSEDIVE_TYPES, Risk, Status
from iocdesk.indicators.types import IndicatorType

__all__ = ["NO_RISK", "FilterBar"]

NO_RISK = (
    "no risk"  # set_risks() key of the "result has no risk" choice (None in ResultsFilter; its menu text is translated)
)
_RISK_ORDER = sorted(Risk, key=lambda r: -r.severity)  # critical ... retired
_STATUS_CHOICES = [s for s in STATUS_LABELS if s is not Status.PENDING]
_BASE_TYPES = list(PULSEDIVE_TYPES)  # ipv4, ipv6, domain, url: always offered

_Key = TypeVar("_Key")  # what a choice stands for: a Risk (or None), an IndicatorType, a Status


class _MultiSelect(QToolButton, Generic[_Key]):
    """A drop-down button whose menu holds checkable choices; emits ``changed`` on every toggle.

    ``title`` is the button's text ("Risk"), ``accessible`` its name for screen readers
    ("Filter by risk"), ``unfiltered`` what it says while nothing is checked.
    """

    changed = Signal()

    def __init__(
        self, title: str, accessible: str, unfiltered: str, object_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._unfiltered = unfiltered
        self.setObjectName(object_name)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(accessible)
        self._menu = QMenu(self)
        self._menu.setObjectName(f"{object_name}Menu")
        self._menu.setTitle(title)
        self._menu.setToolTipsVisible(True)
        self.setMenu(self._menu)
        self._actions: dict[_Key, QAction] = {}
        self._refresh()

    def add_choice(self, key: _Key, text: str, icon=None) -> QAction:
        action = QAction(text, self._menu)
        action.setCheckable(True)
        action.setData(key)
        if icon is not None:
            action.setIcon(icon)
        action.toggled.connect(self._toggled)
        self._menu.addAction(action)
        self._actions[key] = action
        return action

    def choice_actions(self) -> dict[_Key, QAction]:
        return dict(self._actions)

    def selected(self) -> list[_Key]:
        return [key for key, action in self._actions.items() if action.isChecked()]

    def set_selected(self, keys: Iterable[_Key]) -> None:
        wanted = set(keys)
        changed = False
        for key, action in self._actions.items():
            on = key in wanted
            if action.isChecked() != on:
                action.blockSignals(True)
                action.setChecked(on)
                action.blockSignals(False)
                changed = True
        if changed:
            self._toggled()

    def _toggled(self, *_args) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        selected = [self._actions[k].text().replace("&", "") for k in self.selected()]
        self.setText(f"{self._title} ({len(selected)})" if selected else self._title)
        if selected:
            description = self.tr("Showing only: {choices}").format(choices=", ".join(selected))
        else:
            description = self._unfiltered
        self.setAccessibleDescription(description)
        self.setToolTip(description)


class FilterBar(QWidget):
    """Free-text + risk/type/status filters bound to a :class:`ResultsFilter`.

    Signals:
      ``filtersChanged()``: after any criterion changed (for a "n of m shown" label).
    """

    filtersChanged = Signal()

    def __init__(self, proxy: ResultsFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._proxy = proxy

        self._text = QLineEdit(self)
        self._text.setObjectName("resultFilter")
        self._text.setPlaceholderText(self.tr("Filter results (indicator, threat, feed, country, org)…"))
        self._text.setAccessibleName(self.tr("Filter results by text"))
        self._text.setClearButtonEnabled(True)
        self._text.textChanged.connect(self._text_changed)

        # Risk levels and indicator types are Pulsedive's terms (as in exports and the CLI): not translated.
        self._risk: _MultiSelect[Risk | None] = _MultiSelect(
            self.tr("Risk"), self.tr("Filter by risk"), self.tr("No risk filter: all shown"), "riskFilter", self
        )
        for risk in _RISK_ORDER:
            self._risk.add_choice(risk, str(risk), risk_icon(risk))
        self._risk.add_choice(None, self.tr("no risk"), risk_icon(None))
        self._risk.changed.connect(self._apply_risks)

        self._type: _MultiSelect[IndicatorType] = _MultiSelect(
            self.tr("Type"), self.tr("Filter by type"), self.tr("No type filter: all shown"), "typeFilter", self
        )
        for kind in _BASE_TYPES:
            self._type.add_choice(kind, str(kind))
        self._type.changed.connect(self._apply_types)

        self._status: _MultiSelect[Status] = _MultiSelect(
            self.tr("Status"), self.tr("Filter by status"), self.tr("No status filter: all shown"), "statusFilter", self
        )
        for status in _STATUS_CHOICES:
            self._status.add_choice(status, status_label(status))
        self._status.changed.connect(self._apply_statuses)

        self._clear = QPushButton(self.tr("C&lear filters"), self)
        self._clear.setObjectName("clearFilters")
        self._clear.setAccessibleName(self.tr("Clear filters"))
        self._clear.setToolTip(self.tr("Show every result again"))
        self._clear.clicked.connect(self.clear)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._text, 1)
        for widget in (self._risk, self._type, self._status, self._clear):
            layout.addWidget(widget)
        QWidget.setTabOrder(self._text, self._risk)
        QWidget.setTabOrder(self._risk, self._type)
        QWidget.setTabOrder(self._type, self._status)
        QWidget.setTabOrder(self._status, self._clear)

        # Offer the other indicator types (hashes, e-mails...) once results contain them.
        proxy.sourceModelChanged.connect(self._watch_source)
        self._source: ResultsModel | None = None
        self._watch_source()
        self._update_clear()

    # -- API -------------------------------------------------------------------------------
    def proxy(self) -> ResultsFilter:
        return self._proxy

    def text_edit(self) -> QLineEdit:
        return self._text

    def risk_button(self) -> QToolButton:
        return self._risk

    def type_button(self) -> QToolButton:
        return self._type

    def status_button(self) -> QToolButton:
        return self._status

    def clear_button(self) -> QPushButton:
        return self._clear

    def risk_actions(self) -> dict[Risk | None, QAction]:
        """Checkable actions keyed by Risk; the key ``None`` is "no risk"."""
        return self._risk.choice_actions()

    def type_actions(self) -> dict[IndicatorType, QAction]:
        return self._type.choice_actions()

    def status_actions(self) -> dict[Status, QAction]:
        return self._status.choice_actions()

    def selected_risks(self) -> list[Risk | None]:
        return self._risk.selected()

    def selected_types(self) -> list[IndicatorType]:
        return self._type.selected()

    def selected_statuses(self) -> list[Status]:
        return self._status.selected()

    def set_risks(self, risks: Iterable[Risk | str | None]) -> None:
        """Check exactly these risks (``None`` or "no risk" = results without a risk); empty = all."""
        self._risk.set_selected(None if r is None or r == NO_RISK else Risk(r) for r in risks)

    def show_only_risk(self, risk: Risk | str | None) -> None:
        """Filter to one risk level (e.g. from SummaryStrip.riskClicked); the same risk again clears it."""
        wanted = None if risk is None or risk == NO_RISK else Risk(risk)
        self.set_risks([] if self.selected_risks() == [wanted] else [wanted])

    def set_types(self, types: Iterable[IndicatorType | str]) -> None:
        kinds = [IndicatorType(t) for t in types]
        for kind in kinds:
            self._ensure_type(kind)
        self._type.set_selected(kinds)

    def set_statuses(self, statuses: Iterable[Status | str]) -> None:
        self._status.set_selected(Status(s) for s in statuses)

    def set_text(self, text: str) -> None:
        self._text.setText(text)

    def focus_text(self) -> None:
        """Focus and select the free-text filter (bind to Ctrl+F in the main window)."""
        self._text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._text.selectAll()

    def is_active(self) -> bool:
        return bool(
            self._text.text().strip() or self.selected_risks() or self.selected_types() or self.selected_statuses()
        )

    def clear(self) -> None:
        """Drop every filter: all results shown."""
        self._text.clear()
        self._risk.set_selected([])
        self._type.set_selected([])
        self._status.set_selected([])
        self._update_clear()

    # -- internals --------------------------------------------------------------------------
    def _text_changed(self, text: str) -> None:
        self._proxy.set_text(text)
        self._changed()

    def _apply_risks(self) -> None:
        selected = self._risk.selected()
        self._proxy.set_risks(selected or None)
        self._changed()

    def _apply_types(self) -> None:
        selected = self._type.selected()
        self._proxy.set_types(selected or None)
        self._changed()

    def _apply_statuses(self) -> None:
        selected = self._status.selected()
        self._proxy.set_statuses(selected or None)
        self._changed()

    def _changed(self) -> None:
        self._update_clear()
        self.filtersChanged.emit()

    def _update_clear(self) -> None:
        self._clear.setEnabled(self.is_active())

    def _ensure_type(self, kind: IndicatorType) -> None:
        if kind not in self._type.choice_actions():
            self._type.add_choice(kind, str(kind))

    def _watch_source(self) -> None:
        if self._source is not None:
            for signal in (self._source.modelReset, self._source.rowsInserted):
                try:
                    signal.disconnect(self._scan_types)
                except (RuntimeError, TypeError):
                    pass
        source = self._proxy.sourceModel()
        self._source = source if isinstance(source, ResultsModel) else None
        if self._source is not None:
            self._source.modelReset.connect(self._scan_types)
            self._source.rowsInserted.connect(self._scan_types)
        self._scan_types()

    def _scan_types(self, *_args) -> None:
        if self._source is None:
            return
        present = {r.type for r in self._source.results()}
        for kind in IndicatorType:  # enum order: stable menu order
            if kind in present:
                self._ensure_type(kind)
