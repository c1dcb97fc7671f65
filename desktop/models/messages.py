"""The message list of the open room: rows appended in batches at the live end."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from cercle.protocol.changes import Message

Index = QModelIndex | QPersistentModelIndex


class MessageRole(IntEnum):
    Message = Qt.ItemDataRole.UserRole + 1
    GroupedWithPrevious = Qt.ItemDataRole.UserRole + 2  # same sender and day, within 5 minutes
    StartsDay = Qt.ItemDataRole.UserRole + 3  # the first message of its (local) day: a separator


GROUP_WINDOW_MS = 5 * 60 * 1000


def day_of(timestamp_ms: int) -> QDate:
    """The local calendar day of a timestamp."""
    return QDateTime.fromMSecsSinceEpoch(timestamp_ms).date()


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
            text = self.tr("message deleted") if message.redacted else message.body
            if message.edited:
                text = self.tr("{text} (edited)").format(text=text)
            return self.tr("{name}: {text}").format(name=message.sender_name, text=text)
        if role == MessageRole.Message:
            return message
        if role == MessageRole.GroupedWithPrevious:
            return self._grouped(index.row())
        if role == MessageRole.StartsDay:
            return self._starts_day(index.row())
        return None

    def _grouped(self, row: int) -> bool:
        if row == 0 or self._starts_day(row):
            return False
        before, message = self._rows[row - 1], self._rows[row]
        return (
            before.sender == message.sender
            and message.timestamp_ms - before.timestamp_ms < GROUP_WINDOW_MS
        )

    def _starts_day(self, row: int) -> bool:
        if row == 0:
            return True
        return day_of(self._rows[row - 1].timestamp_ms) != day_of(self._rows[row].timestamp_ms)

    def row_of_event(self, event_id: str) -> int | None:
        """The row showing `event_id`, if it is loaded."""
        if event_id not in self._ids:
            return None
        return next((r for r, m in enumerate(self._rows) if m.event_id == event_id), None)

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
        if message.room_id == self.room_id:
            row = self._row_of(message)
            if row is not None:
                self._set_row(row, message)

    def echo(self, message: Message) -> None:
        """A local echo: shown at the end at once, then updated as its state changes."""
        if message.room_id != self.room_id:
            return
        row = self._row_of(message)
        if row is None:
            self.append(message.room_id, [message])
        else:
            self._set_row(row, message)

    def discard(self, txn_id: str) -> None:
        """An unsent message the user discarded: its echo row goes."""
        for row, shown in enumerate(self._rows):
            if shown.txn_id == txn_id and shown.state != "sent":
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self._ids.discard(shown.event_id)
                self.endRemoveRows()
                return

    def _row_of(self, message: Message) -> int | None:
        for row in range(len(self._rows) - 1, -1, -1):
            shown = self._rows[row]
            if shown.event_id == message.event_id or (
                message.txn_id is not None and shown.txn_id == message.txn_id
            ):
                return row
        return None

    def _set_row(self, row: int, message: Message) -> None:
        self._ids.discard(self._rows[row].event_id)
        self._rows[row] = message
        self._ids.add(message.event_id)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def append(self, room_id: str, messages: list[Message] | tuple[Message, ...]) -> None:
        """Adds the messages of `room_id` not already shown, in one batch at the end."""
        if room_id != self.room_id:
            return
        fresh = []
        for message in messages:
            row = self._row_of(message) if message.txn_id else None
            if row is not None:  # our own message came back from the server: the echo settles
                self._set_row(row, message)
            elif message.event_id not in self._ids:
                fresh.append(message)
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._rows.extend(fresh)
        self._ids.update(m.event_id for m in fresh)
        self.endInsertRows()
