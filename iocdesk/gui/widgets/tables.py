"""The window's read-only lists of rows (past runs, received alerts): one way to set them up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

_Column = TypeVar("_Column", bound=int)  # a model's column enum (an IntEnum)


def row_table(
    parent: QWidget,
    model: QAbstractItemModel,
    *,
    name: str,
    accessible_name: str,
    widths: Mapping[_Column, int] | None = None,
    interactive: int | None = None,
) -> QTableView:
    """A table of whole rows, one selected at a time, never edited; Tab leaves it for the buttons
    around it. ``widths`` sets column widths; ``interactive`` is the column the analyst resizes
    (the last one stretches)."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setAccessibleName(accessible_name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    if interactive is not None:
        header.setSectionResizeMode(interactive, QHeaderView.ResizeMode.Interactive)
    for column, width in (widths or {}).items():
        view.setColumnWidth(column, width)
    return view
