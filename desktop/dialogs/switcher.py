"""Ctrl+K: jump to any room by typing part of its name (accents and case ignored)."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QVBoxLayout, QWidget

from cercle.desktop.delegates.rooms import RoomDelegate
from cercle.desktop.models.rooms import RoomListProxy, RoomRole


def fold(text: str) -> str:
    """'École' → 'ecole': what a quick search should ignore."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class RoomFilter(QSortFilterProxyModel):
    """The room list (rooms only, most recent first) narrowed to names containing every word."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        room = self.sourceModel().index(row, 0, parent).data(RoomRole.Summary)
        if room is None:
            return False
        name = fold(room.name)
        return all(word in name for word in self._words)


class RoomSwitcher(QDialog):
    """Emits roomChosen(room_id) for the highlighted room when Enter is pressed or it is clicked."""

    roomChosen = Signal(str)

    def __init__(self, rooms: RoomListProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Go to a room"))
        self.setMinimumSize(420, 360)
        self.filter = RoomFilter(self)
        self.filter.setSourceModel(rooms)
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("Room name…"))
        self.query.setAccessibleName(self.tr("Room to go to"))
        self.results = QListView(self)
        self.results.setModel(self.filter)
        self.results.setItemDelegate(RoomDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setAccessibleName(self.tr("Matching rooms"))
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the field
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        self.query.textChanged.connect(self._filter)
        self.query.returnPressed.connect(self._choose_current)
        self.results.clicked.connect(self._choose)
        self.query.installEventFilter(self)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.filter.set_query(text)
        if self.filter.rowCount():
            self.results.setCurrentIndex(self.filter.index(0, 0))

    def eventFilter(self, watched, event) -> bool:
        """Up/Down in the field move the highlight, as in Slack's and Element's switchers."""
        if (
            watched is self.query
            and isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
        ):
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step and self.filter.rowCount():
                row = (self.results.currentIndex().row() + step) % self.filter.rowCount()
                self.results.setCurrentIndex(self.filter.index(row, 0))
                return True
        return super().eventFilter(watched, event)

    def _choose_current(self) -> None:
        self._choose(self.results.currentIndex())

    def _choose(self, index: QModelIndex) -> None:
        room = index.data(RoomRole.Summary) if index.isValid() else None
        if room is not None:
            self.roomChosen.emit(room.room_id)
            self.accept()
