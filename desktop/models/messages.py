"""The message list of the open room (or thread): a window of rows paged from storage."""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from cercle.protocol.changes import Message, MessagePage, ReadReceipt

Index = QModelIndex | QPersistentModelIndex


class MessageRole(IntEnum):
    Message = Qt.ItemDataRole.UserRole + 1
    GroupedWithPrevious = Qt.ItemDataRole.UserRole + 2  # same sender and day, within 5 minutes
    StartsDay = Qt.ItemDataRole.UserRole + 3  # the first message of its (local) day: a separator
    ReadBy = Qt.ItemDataRole.UserRole + 4  # names of the others who have read up to this row
    Row = Qt.ItemDataRole.UserRole + 5  # (message, starts day, grouped, read by): one call


GROUP_WINDOW_MS = 5 * 60 * 1000


@lru_cache(maxsize=4096)  # painting asks for the same rows' days again and again
def day_of(timestamp_ms: int) -> QDate:
    """The local calendar day of a timestamp."""
    return QDateTime.fromMSecsSinceEpoch(timestamp_ms).date()


class MessageModel(QAbstractListModel):
    """A room's messages, oldest first: a window that pages older rows in at the top
    (`fetch_older` asks, `prepend` answers), newer ones back in at the bottom after the view
    scrolled away from the live end, and evicts rows far from what the view shows.

    With `thread_root`, the model shows that thread (root and replies); without, the main
    timeline, where thread replies are not shown."""

    olderWanted = Signal(str, object)  # room id, the position to page below (None: newest)
    newerWanted = Signal(str, int)  # room id, the position to page above

    def __init__(self, parent: QObject | None = None, *, thread_root: str | None = None) -> None:
        super().__init__(parent)
        self.room_id: str | None = None
        self.thread_root = thread_root
        self.own_user_id = ""  # our receipt is not shown among the read avatars
        self._rows: list[Message] = []
        self._ids: set[str] = set()
        self.older_cursor: int | None = None  # page older rows below this stored position
        self.at_start = True  # the room's first message is loaded: nothing older to page in
        self.has_newer = False  # rows were evicted at the bottom: the live end is not loaded
        self.loading_older = self.loading_newer = False
        self._receipts: dict[str, ReadReceipt] = {}  # user id → their read receipt
        self._read_by_index: tuple[str, dict[str, tuple[str, ...]] | None] = ("", None)

    # -- Qt's model interface ------------------------------------------------------------------

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
        if role == MessageRole.ReadBy:
            return self.read_by(message.event_id)
        if role == MessageRole.Row:  # asked for every loaded row at each relayout: once each
            row = index.row()
            starts = self._starts_day(row)
            return (message, starts, self._grouped(row, starts), self.read_by(message.event_id))
        return None

    def _grouped(self, row: int, starts_day: bool | None = None) -> bool:
        if starts_day is None:
            starts_day = self._starts_day(row)
        if row == 0 or starts_day:
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

    # -- lookups -------------------------------------------------------------------------------

    def row_of_event(self, event_id: str) -> int | None:
        """The row showing `event_id`, if it is loaded."""
        if event_id not in self._ids:
            return None
        return next((r for r, m in enumerate(self._rows) if m.event_id == event_id), None)

    def message(self, row: int) -> Message:
        return self._rows[row]

    def _belongs(self, message: Message) -> bool:
        if self.thread_root is None:
            return message.thread_root is None
        return message.event_id == self.thread_root or message.thread_root == self.thread_root

    # -- switching rooms -----------------------------------------------------------------------

    def show_room(
        self,
        room_id: str,
        messages: list[Message] | tuple[Message, ...],
        *,
        cursor: int | None = None,
        at_start: bool = True,
    ) -> None:
        """Switches to another room: its rows replace the previous room's. `cursor`/`at_start`:
        where older rows page in from (see MessagePage); by default nothing older is asked."""
        self.clear()
        self.room_id = room_id
        self.at_start = at_start
        self.older_cursor = cursor
        self.append(room_id, messages)

    def show_page(
        self, page: MessagePage, echoes: list[Message] | tuple[Message, ...] = ()
    ) -> None:
        """Switches to a room with its newest page (and the unsent messages' echoes)."""
        self.show_room(
            page.room_id, [*page.messages, *echoes], cursor=page.cursor, at_start=page.end
        )

    def clear(self) -> None:
        """No room: while the next room's messages load, nothing stale is shown."""
        self.room_id = None
        self.older_cursor, self.at_start, self.has_newer = None, True, False
        self.loading_older = self.loading_newer = False
        self._receipts = {}
        self._read_by_index = ("", None)
        if self._rows:
            self.beginRemoveRows(QModelIndex(), 0, len(self._rows) - 1)
            self._rows, self._ids = [], set()
            self.endRemoveRows()

    # -- paging --------------------------------------------------------------------------------

    def fetch_older(self) -> bool:
        """Asks for the page above the first row (olderWanted); False if none or in flight."""
        if self.room_id is None or self.at_start or self.loading_older:
            return False
        self.loading_older = True
        self.olderWanted.emit(self.room_id, self.older_cursor)
        return True

    def fetch_newer(self) -> bool:
        """Asks for the page below the last row once the bottom was evicted (newerWanted)."""
        if self.room_id is None or not self.has_newer or self.loading_newer:
            return False
        newest = self._newest_pos()
        if newest is None:
            return False
        self.loading_newer = True
        self.newerWanted.emit(self.room_id, newest)
        return True

    def prepend(self, page: MessagePage) -> None:
        """An older page arrived: its rows go above the first, in one batch."""
        if page.room_id != self.room_id:
            return
        self.loading_older = False
        self.at_start = page.end
        if page.cursor is not None:
            self.older_cursor = page.cursor
        fresh = [m for m in page.messages if self._belongs(m) and m.event_id not in self._ids]
        if not fresh:
            return
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self._rows[:0] = fresh
        self._ids.update(m.event_id for m in fresh)
        self.endInsertRows()

    def append_page(self, page: MessagePage) -> None:
        """A newer page arrived (paging back down towards the live end)."""
        if page.room_id != self.room_id:
            return
        self.loading_newer = False
        self.has_newer = not page.end
        self._append(page.messages)

    def evict_top(self, count: int) -> None:
        """Drops the first `count` rows (far above the viewport); they page in again later."""
        count = min(count, len(self._rows))
        if count <= 0:
            return
        self.beginRemoveRows(QModelIndex(), 0, count - 1)
        gone, self._rows = self._rows[:count], self._rows[count:]
        self._ids.difference_update(m.event_id for m in gone)
        self.endRemoveRows()
        self.at_start = False
        self.older_cursor = next((m.pos for m in self._rows if m.pos is not None), None)

    def evict_bottom(self, count: int) -> None:
        """Drops the last `count` rows (far below the viewport); the live end pages in again."""
        count = min(count, len(self._rows))
        if count <= 0:
            return
        first = len(self._rows) - count
        self.beginRemoveRows(QModelIndex(), first, len(self._rows) - 1)
        gone, self._rows = self._rows[first:], self._rows[:first]
        self._ids.difference_update(m.event_id for m in gone)
        self.endRemoveRows()
        self.has_newer = True

    def _newest_pos(self) -> int | None:
        return next((m.pos for m in reversed(self._rows) if m.pos is not None), None)

    # -- live changes --------------------------------------------------------------------------

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
        """Adds the live messages of `room_id` not already shown, in one batch at the end (not
        while the live end is evicted: paging down brings them)."""
        if room_id != self.room_id or self.has_newer:
            return
        self._append(messages)

    def _append(self, messages: list[Message] | tuple[Message, ...]) -> None:
        fresh = []
        for message in messages:
            if not self._belongs(message):
                continue
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

    # -- read receipts -------------------------------------------------------------------------

    def set_receipts(self, room_id: str, receipts: tuple[ReadReceipt, ...] | list[ReadReceipt]):
        """Receipts moved: the rows they left and reached repaint (read avatars)."""
        if room_id != self.room_id:
            return
        touched: set[str] = set()
        for receipt in receipts:
            old = self._receipts.get(receipt.user_id)
            if old is not None:
                touched.add(old.event_id)
            self._receipts[receipt.user_id] = receipt
            touched.add(receipt.event_id)
        self._read_by_index = ("", None)
        for event_id in touched:
            row = self.row_of_event(event_id)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index, [MessageRole.ReadBy])

    def read_by(self, event_id: str) -> tuple[str, ...]:
        """The others who have read up to exactly this event, by name."""
        # Indexed once per receipts change (and own user): each relayout asks for every row.
        own, names = self._read_by_index
        if own != self.own_user_id or names is None:
            names = {}
            for r in self._receipts.values():
                if r.user_id != self.own_user_id:
                    names[r.event_id] = (*names.get(r.event_id, ()), r.name)
            self._read_by_index = (self.own_user_id, names)
        return names.get(event_id, ())

    def own_receipt(self) -> str | None:
        """The event our own read receipt is at, if known."""
        own = self._receipts.get(self.own_user_id)
        return own.event_id if own is not None else None
