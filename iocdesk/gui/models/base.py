"""The base of the window's table models: rows of one kind, columns named by an IntEnum.

Each model (indicators, results, inbox alerts, history runs) says what its
rows are (``_rows``), its columns and their headers (marked for translation
in its own context); the counting and the header lookup Qt asks for are here once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt

from iocdesk.gui.models.common import _Index, _Role


class RowTableModel(QAbstractTableModel):
    COLUMNS: ClassVar[type[IntEnum]]
    HEADERS: ClassVar[Mapping[Any, str]]  # column -> header text (English, QT_TRANSLATE_NOOP'd)
    CONTEXT: ClassVar[str]  # the translation context of the headers

    def _rows(self) -> Sequence[Any]:
        raise NotImplementedError

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _Role.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _Role.DisplayRole and 0 <= section < len(self.COLUMNS):
            return QCoreApplication.translate(self.CONTEXT, self.HEADERS[self.COLUMNS(section)])
        return None
