"""IndicatorsModel: the input side, extracted indicators with a check box each."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt

from iocdesk.gui.models.base import RowTableModel
from iocdesk.gui.models.common import ResultRole, SortRole, _Index, _Role, safe_text, tooltip_html
from iocdesk.gui.translations import QT_TRANSLATE_NOOP
from iocdesk.indicators.results import PULSEDIVE_TYPES
from iocdesk.indicators.types import Indicator, IndicatorType, Scope


# -- indicators (the input side) -------------------------------------------------------------
class IndicatorColumn(IntEnum):
    VALUE = 0  # carries the check box: the value first, as in the results
    TYPE = 1
    LOOKUP = 2  # "look up", "skipped (private)", ...
    DEFANGED = 3
    COUNT = 4
    SOURCE = 5


# Column titles in English; headerData() translates them.
INDICATOR_HEADERS = {
    IndicatorColumn.VALUE: QT_TRANSLATE_NOOP("IndicatorsModel", "Indicator"),
    IndicatorColumn.TYPE: QT_TRANSLATE_NOOP("IndicatorsModel", "Type"),
    IndicatorColumn.LOOKUP: QT_TRANSLATE_NOOP("IndicatorsModel", "Lookup"),
    IndicatorColumn.DEFANGED: QT_TRANSLATE_NOOP("IndicatorsModel", "Defanged in input"),
    IndicatorColumn.COUNT: QT_TRANSLATE_NOOP("IndicatorsModel", "Count"),
    IndicatorColumn.SOURCE: QT_TRANSLATE_NOOP("IndicatorsModel", "Source"),
}
_EXTRA_LABELS = {
    IndicatorType.IPV4_CIDR: QT_TRANSLATE_NOOP("IndicatorsModel", "range"),
    IndicatorType.IPV6_CIDR: QT_TRANSLATE_NOOP("IndicatorsModel", "range"),
    IndicatorType.ASN: QT_TRANSLATE_NOOP("IndicatorsModel", "ASN"),
}


def lookup_note(indicator: Indicator) -> str:
    """Whether the indicator is looked up, in words (the scope is iocdesk's own term: private, reserved...)."""
    if indicator.scope is not Scope.PUBLIC:
        return QCoreApplication.translate("IndicatorsModel", "skipped ({reason})").format(reason=indicator.scope)
    if indicator.type in _EXTRA_LABELS:
        reason = QCoreApplication.translate("IndicatorsModel", _EXTRA_LABELS[indicator.type])
        return QCoreApplication.translate("IndicatorsModel", "skipped ({reason})").format(reason=reason)
    if indicator.type not in PULSEDIVE_TYPES:
        return QCoreApplication.translate("IndicatorsModel", "not on Pulsedive")
    if indicator.derived_only:
        # HostPolicy (Settings > Lookups) decides: by default when its URL or address gets no verdict
        return QCoreApplication.translate("IndicatorsModel", "host: per host policy")
    return QCoreApplication.translate("IndicatorsModel", "look up")


class IndicatorsModel(RowTableModel):
    COLUMNS = IndicatorColumn
    HEADERS = INDICATOR_HEADERS
    CONTEXT = "IndicatorsModel"

    """Extracted indicators with a check box each; private/reserved ones start unchecked."""

    Column = IndicatorColumn
    SortRole = SortRole
    ResultRole = ResultRole

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Indicator] = []
        self._checked: list[bool] = []

    def set_indicators(self, indicators: Iterable[Indicator]) -> None:
        self.beginResetModel()
        self._items = list(indicators)
        self._checked = [i.lookup_by_default for i in self._items]
        self.endResetModel()

    def add_indicators(self, items: Iterable[Indicator]) -> int:
        """Append these, checked, leaving out any already listed; how many were added."""
        known = {(i.type, i.value) for i in self._items}
        new: list[Indicator] = []
        for item in items:
            if (item.type, item.value) not in known:
                known.add((item.type, item.value))
                new.append(item)
        if new:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._items += new
            self._checked += [True] * len(new)
            self.endInsertRows()
        return len(new)

    def indicators(self) -> list[Indicator]:
        return list(self._items)

    def indicator_at(self, row: int) -> Indicator:
        return self._items[row]

    def checked(self) -> list[Indicator]:
        return [i for i, on in zip(self._items, self._checked) if on]

    def is_checked(self, row: int) -> bool:
        return self._checked[row]

    def set_checked(self, row: int, on: bool) -> None:
        if self._checked[row] != on:
            self._checked[row] = on
            index = self.index(row, IndicatorColumn.VALUE)
            self.dataChanged.emit(index, index, [_Role.CheckStateRole])

    def set_all_checked(self, on: bool) -> None:
        self._checked = [on] * len(self._items)
        if self._items:
            col = IndicatorColumn.VALUE
            self.dataChanged.emit(self.index(0, col), self.index(len(self._items) - 1, col), [_Role.CheckStateRole])

    def counts(self) -> dict[str, int]:
        """Indicators per type name, in first-seen order."""
        counts: dict[str, int] = {}
        for item in self._items:
            counts[str(item.type)] = counts.get(str(item.type), 0) + 1
        return counts

    # -- Qt model ----------------------------------------------------------------------------
    def _rows(self) -> list:
        return self._items

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == IndicatorColumn.VALUE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = _Role.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        col = IndicatorColumn(index.column())
        if role == _Role.CheckStateRole and col is IndicatorColumn.VALUE:
            return Qt.CheckState.Checked if self._checked[index.row()] else Qt.CheckState.Unchecked
        if role == _Role.DisplayRole:
            return self._display(item, col)
        if role == SortRole:
            if col is IndicatorColumn.COUNT:
                return item.count
            if col is IndicatorColumn.DEFANGED:
                return int(item.defanged)
            return self._display(item, col).casefold()
        if role == _Role.ToolTipRole:
            return self._tooltip(item, col)
        if role == ResultRole:
            return item
        return None

    def setData(self, index: _Index, value, role: int = _Role.EditRole) -> bool:
        if role != _Role.CheckStateRole or not index.isValid() or index.column() != IndicatorColumn.VALUE:
            return False
        state = value.value if isinstance(value, Qt.CheckState) else int(value)
        self.set_checked(index.row(), state == Qt.CheckState.Checked.value)
        return True

    def _display(self, item: Indicator, col: IndicatorColumn) -> str:
        if col is IndicatorColumn.TYPE:
            return str(item.type)
        if col is IndicatorColumn.VALUE:
            return safe_text(item.display)
        if col is IndicatorColumn.DEFANGED:
            return self.tr("yes") if item.defanged else self.tr("no")
        if col is IndicatorColumn.COUNT:
            return str(item.count)
        if col is IndicatorColumn.SOURCE:
            return safe_text(str(item.sources[0])) if item.sources else self.tr("pasted text")
        return lookup_note(item)

    def _tooltip(self, item: Indicator, col: IndicatorColumn) -> str:
        if col is IndicatorColumn.VALUE:
            lines = [item.display]
            if item.value != item.display:
                lines.append(self.tr("canonical: {value}").format(value=item.value))
            if item.host and item.host != item.value:
                lines.append(self.tr("host: {host}").format(host=item.host))
            if item.derived_from:
                lines.append(self.tr("host of:"))
                lines += item.derived_from[:10]
            return tooltip_html(lines)
        if col is IndicatorColumn.SOURCE:
            more = len(item.sources) - 10
            lines = [str(s) for s in item.sources[:10]]
            return tooltip_html(lines + [self.tr("… and %n more", "", more)] if more > 0 else lines)
        if col is IndicatorColumn.LOOKUP:
            return tooltip_html([lookup_note(item), self.tr("scope: {scope}").format(scope=item.scope)])
        return ""
