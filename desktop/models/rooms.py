"""The room list: one row per joined or invited room, updated in place as syncs arrive."""

from __future__ import annotations

from bisect import bisect_left
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from cercle.desktop.delegates.common import undecryptable_text
from cercle.protocol.changes import RoomsChanged, RoomSummary
from cercle.protocol.spaces import SpaceTree

Index = QModelIndex | QPersistentModelIndex


class RoomRole(IntEnum):
    Summary = Qt.ItemDataRole.UserRole + 1  # the RoomSummary
    Communities = Qt.ItemDataRole.UserRole + 2  # names of the spaces holding the room
    LastActivity = Qt.ItemDataRole.UserRole + 3
    Section = Qt.ItemDataRole.UserRole + 4  # a Section: invitations, direct messages, rooms


class Section(IntEnum):
    """The room list's groups, in the order they show."""

    INVITATIONS = 0
    DIRECT = 1
    ROOMS = 2


def section_of(room: RoomSummary) -> Section:
    if room.invited:
        return Section.INVITATIONS
    return Section.DIRECT if room.is_direct else Section.ROOMS


SortKey = tuple[int, int, str, str]


def sort_key(room: RoomSummary) -> SortKey:
    """Where a room shows, ascending: its section, then the newest first, then by name."""
    return (section_of(room), -room.last_activity_ms, room.name.casefold(), room.room_id)


class RoomListModel(QAbstractListModel):
    """Rows in the order they show (spaces included); RoomListProxy filters them, no sorting.

    The order is kept here, in Python, with each row's key: a sorting proxy compared ~7,000
    pairs through Qt for 1,000 rooms (each comparison three calls back into Python), twice
    (the list and Ctrl+K), ~0.1 s of a cold start. A room whose key changes moves
    (beginMoveRows: the selection follows it)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RoomSummary] = []
        self._row_of: dict[str, int] = {}
        self._keys: list[SortKey] = []  # ascending, row by row
        self.quiet: dict[str, str] = {}  # room id → "mute" | "mentions" (push rules)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        room = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return room.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return room.topic or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible_text(room)
        if role == RoomRole.Summary:
            return room
        if role == RoomRole.Communities:
            return self.community_names(room)
        if role == RoomRole.LastActivity:
            return room.last_activity_ms
        if role == RoomRole.Section:
            return section_of(room)
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        return super().roleNames() | {
            RoomRole.Summary: QByteArray(b"summary"),
            RoomRole.Communities: QByteArray(b"communities"),
            RoomRole.LastActivity: QByteArray(b"lastActivity"),
            RoomRole.Section: QByteArray(b"section"),
        }

    def summary(self, room_id: str) -> RoomSummary | None:
        row = self._row_of.get(room_id)
        return None if row is None else self._rows[row]

    def summaries(self) -> list[RoomSummary]:
        return list(self._rows)

    def row_summary(self, row: int) -> RoomSummary:
        return self._rows[row]

    def counts(self) -> tuple[int, int]:
        """Unread messages and mentions over every room (spaces aside): the server's counts,
        push rules applied, as the rows show them."""
        unread = mentions = 0
        for room in self._rows:
            if not room.is_space:
                unread += room.unread_count
                mentions += room.highlight_count
        return unread, mentions

    def community_names(self, room: RoomSummary) -> list[str]:
        return [s.name for p in room.parents if (s := self.summary(p)) is not None]

    def apply(self, change: RoomsChanged) -> None:
        """Updates known rooms in place (moving those whose place changed), inserts new ones
        where they belong (one batch into an empty list, else one per contiguous run), removes
        left ones; never a reset."""
        new: list[RoomSummary] = []
        for room in change.rooms:
            row = self._row_of.get(room.room_id)
            if row is None:
                new.append(room)
            else:
                self._update(row, room)
        if new:
            self._insert(new)
        for room_id in change.removed:
            row = self._row_of.get(room_id)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                del self._keys[row]
                del self._row_of[room_id]
                self._renumber(row, len(self._rows) - 1)
                self.endRemoveRows()

    def _update(self, row: int, room: RoomSummary) -> None:
        key = sort_key(room)
        old = self._keys[row]
        self._rows[row] = room
        if key != old:
            # Its place among the other rows (the list without it).
            place = bisect_left(self._keys, key)
            place = place - 1 if old < key else place
            if place != row:
                destination = place if place < row else place + 1  # Qt counts before the move
                self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
                del self._rows[row], self._keys[row]
                self._rows.insert(place, room)
                self._keys.insert(place, key)
                self._renumber(min(row, place), max(row, place))
                self.endMoveRows()
                row = place
            else:
                self._keys[row] = key
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def _insert(self, new: list[RoomSummary]) -> None:
        keyed = sorted(((sort_key(room), room) for room in new), key=lambda pair: pair[0])
        if not self._rows:  # the cached list at start, or a first sync: one batch
            self.beginInsertRows(QModelIndex(), 0, len(keyed) - 1)
            self._keys = [key for key, _ in keyed]
            self._rows = [room for _, room in keyed]
            self._renumber(0, len(self._rows) - 1)
            self.endInsertRows()
            return
        while keyed:
            place = bisect_left(self._keys, keyed[0][0])
            # The new rooms that also go before the row now at `place`: one contiguous run.
            limit = self._keys[place] if place < len(self._keys) else None
            run = 1
            while run < len(keyed) and (limit is None or keyed[run][0] < limit):
                run += 1
            batch, keyed = keyed[:run], keyed[run:]
            self.beginInsertRows(QModelIndex(), place, place + run - 1)
            self._keys[place:place] = [key for key, _ in batch]
            self._rows[place:place] = [room for _, room in batch]
            self._renumber(place, len(self._rows) - 1)
            self.endInsertRows()

    def _renumber(self, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self._row_of[self._rows[row].room_id] = row

    def set_quiet(self, quiet: dict[str, str]) -> None:
        """Rooms whose notifications are muted or mentions-only: their accessible text says so."""
        changed = {r for r in quiet.keys() | self.quiet.keys() if quiet.get(r) != self.quiet.get(r)}
        self.quiet = dict(quiet)
        for room_id in changed:
            row = self._row_of.get(room_id)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.AccessibleTextRole])

    def _accessible_text(self, room: RoomSummary) -> str:
        parts = [room.name]
        if room.is_direct:
            parts.append(self.tr("direct message"))
        if room.invited:
            parts.append(self.tr("invitation"))
        if room.highlight_count:
            parts.append(self.tr("{n} mentions").format(n=room.highlight_count))
        if room.unread_count:
            parts.append(self.tr("{n} unread").format(n=room.unread_count))
        if room.external_servers:
            parts.append(self.tr("includes people from other organisations"))
        quiet = self.quiet.get(room.room_id)
        if quiet is not None:
            parts.append(self.tr("muted") if quiet == "mute" else self.tr("mentions only"))
        last = room.last_message
        if last:
            # An unreadable message's body is the protocol's English words: say its cause in
            # the interface's language, as the row itself does.
            text = undecryptable_text(last.cause) if last.undecryptable else last.body
            parts.append(self.tr("{name}: {text}").format(name=last.sender_name, text=text))
        return ", ".join(parts)


class RoomListProxy(QSortFilterProxyModel):
    """Rooms only (no spaces), in RoomListModel's order (invitations, direct messages, rooms;
    newest first); `set_community` keeps only the rooms a community holds, however deep."""

    communityChanged = Signal(str)  # the space id, "" for every room

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.community = ""
        self._held: set[str] = set()
        self.setDynamicSortFilter(True)  # a changed row is filtered again (not sorted: see
        # RoomListModel, whose order the proxy keeps)

    def setSourceModel(self, model) -> None:  # type: ignore[override]
        super().setSourceModel(model)
        # A space that lists a new room (or a room naming its space) changes other rows' fate.
        model.rowsInserted.connect(self._links_changed)
        model.rowsRemoved.connect(self._links_changed)
        model.dataChanged.connect(self._rows_changed)

    def set_community(self, space_id: str) -> None:
        """Shows only `space_id`'s rooms (its children, its subspaces' …); "" shows them all."""
        if space_id == self.community:
            return
        self.beginFilterChange()
        self.community = space_id
        self._held = self._holdings()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.communityChanged.emit(space_id)

    def _holdings(self) -> set[str]:
        model = self.sourceModel()
        if not self.community or not isinstance(model, RoomListModel):
            return set()
        return SpaceTree.build(model.summaries()).contents(self.community)

    def _rows_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles) -> None:
        """A burst of syncs updates many rows: only a space, or a room linked to one (now, or
        before: one held), can change what the community holds."""
        if not self.community:
            return
        for row in range(top_left.row(), bottom_right.row() + 1):
            room = self.sourceModel().index(row, 0).data(RoomRole.Summary)
            if room is None or room.is_space or room.parents or room.room_id in self._held:
                self._links_changed()
                return

    def _links_changed(self, *_args) -> None:
        if self.community:
            held = self._holdings()
            if held != self._held:
                self.beginFilterChange()
                self._held = held
                self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if isinstance(model, RoomListModel):  # the app's case: no QModelIndex, no data() call
            room = model.row_summary(source_row)
        else:
            room = model.index(source_row, 0, source_parent).data(RoomRole.Summary)
        if room is None or (room.is_space and not (room.invited and not self.community)):
            return False  # spaces are on the rail; an invitation to one is listed under Home
        return not self.community or room.room_id in self._held
