"""A list model over frozen rows with stable keys: a new list arrives as in-place edits."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")
SummaryRole = Qt.ItemDataRole.UserRole + 1  # the row itself, for delegates and tests


class KeyedListModel(QAbstractListModel, Generic[Row]):
    """Rows identified by `key(row)`. `set_rows` turns the new list into removals, moves,
    inserts and dataChanged, so selections and scroll positions survive a refresh."""

    def __init__(self, key: Callable[[Row], Hashable], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._key = key
        self._rows: list[Row] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def row(self, index: Index) -> Row | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def rows(self) -> list[Row]:
        return list(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index)
        if row is None:
            return None
        if role == SummaryRole:
            return row
        return self.row_data(row, role)

    def row_data(self, row: Row, role: int) -> Any:
        """Subclasses: DisplayRole, ToolTipRole, AccessibleTextRole… for one row."""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def set_rows(self, new: Sequence[Row]) -> None:
        keys = [self._key(r) for r in new]
        wanted = set(keys)
        # 1. Rows that went away, from the end so positions stay valid.
        for i in range(len(self._rows) - 1, -1, -1):
            if self._key(self._rows[i]) not in wanted:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        # 2. Walk the new order: keep, move into place, or insert (new rows in one batch each).
        i = 0
        while i < len(new):
            current = self._key(self._rows[i]) if i < len(self._rows) else None
            if current == keys[i]:
                if self._rows[i] != new[i]:
                    self._rows[i] = new[i]
                    index = self.index(i)
                    self.dataChanged.emit(index, index)
                i += 1
                continue
            where = next(
                (j for j in range(i + 1, len(self._rows)) if self._key(self._rows[j]) == keys[i]),
                None,
            )
            if where is not None:
                self.beginMoveRows(QModelIndex(), where, where, QModelIndex(), i)
                self._rows.insert(i, self._rows.pop(where))
                self.endMoveRows()
                continue  # compared (and updated) on the next turn
            known = {self._key(r) for r in self._rows}
            end = i
            while end < len(new) and keys[end] not in known:
                end += 1
            self.beginInsertRows(QModelIndex(), i, end - 1)
            self._rows[i:i] = list(new[i:end])
            self.endInsertRows()
            i = end
