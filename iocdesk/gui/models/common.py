"""Shared pieces of the item models: custom roles; safe display text comes from ``iocdesk.gui.text``."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from iocdesk.gui.text import DISPLAY_MAX, safe_text, tooltip_html

_Role = Qt.ItemDataRole
SortRole = int(_Role.UserRole) + 1  # int / str sort keys (QSortFilterProxyModel compares them natively)
ResultRole = int(_Role.UserRole) + 2  # the LookupResult (ResultsModel) or Indicator (IndicatorsModel)
RiskColorRole = int(_Role.UserRole) + 3  # QColor of the risk, for delegates and charts
_Index = QModelIndex | QPersistentModelIndex


__all__ = ["DISPLAY_MAX", "ResultRole", "RiskColorRole", "SortRole", "safe_text", "tooltip_html"]
