"""The message list of the open room: rows appended in batches at the live end."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from cercle.protocol.changes import Message

Index = QModelIndex | QPersistentModelIndex


class MessageRole(IntEnum):
    Message = Qt.ItemDataRole.UserRole + 1
    GroupedWithPrevious = Qt.ItemDataRole.UserRole + 2  # same sender, within five minutes


GROUP_WINDOW_MS = 5 * 60 * 1000


class MessageModel(QAbstractListModel):
    """One room's messages, oldest first; `show_room` switches rooms, `append` adds a batch."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.room_id: str | None = None
        self._rows: list[Message] = []
        self._ids: set[str] = set()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        message = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return message.body
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{message.sender_name}: {message.body}"
        if role == MessageRole.Message:
            return message
        if role == MessageRole.GroupedWithPrevious:
            return self._grouped(index.row())
        return None

    def _grouped(self, row: int) -> bool:
        if row == 0:
            return False
        before, message = self._rows[row - 1], self._rows[row]
        return (
            before.sender == message.sender
            and message.timestamp_ms - before.timestamp_ms < GROUP_WINDOW_MS
        )

    def show_room(self, room_id: str, messages: list[Message]) -> None:
        """Switches to another room: its rows replace the previous room's."""
        self.clear()
        self.room_id = room_id
        self.append(room_id, messages)

    def clear(self) -> None:
        """No room: while the next room's messages load, nothing stale is shown."""
        self.room_id = None
        if self._rows:
            self.beginRemoveRows(QModelIndex(), 0, len(self._rows) - 1)
            self._rows, self._ids = [], set()
            self.endRemoveRows()

    def replace(self, message: Message) -> None:
        """A shown message changed (decrypted late, edited): its row updates in place."""
        if message.room_id != self.room_id or message.event_id not in self._ids:
            return
        row = next(i for i, m in enumerate(self._rows) if m.event_id == message.event_id)
        self._rows[row] = message
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def append(self, room_id: str, messages: list[Message] | tuple[Message, ...]) -> None:
        """Adds the messages of `room_id` not already shown, in one batch at the end."""
        if room_id != self.room_id:
            return
        fresh = [m for m in messages if m.event_id not in self._ids]
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._rows.extend(fresh)
        self._ids.update(m.event_id for m in fresh)
        self.endInsertRows()
