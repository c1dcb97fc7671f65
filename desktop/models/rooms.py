"""The room list: one row per joined or invited room, updated in place as syncs arrive."""

from __future__ import annotations

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


def sort_key(room: RoomSummary) -> tuple[int, int, str]:
    """The ascending key behind RoomListProxy's descending sort: lower section, then newest."""
    return (-section_of(room), room.last_activity_ms, room.name)


class RoomListModel(QAbstractListModel):
    """Rows in arrival order (spaces included); RoomListProxy sorts and filters for display."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RoomSummary] = []
        self._row_of: dict[str, int] = {}
        # Each row's sort key, kept with it: the proxy compares ~10k pairs when 1,000 rooms
        # arrive, and reading them through data() took ~0.5 s of a cold start.
        self._keys: list[tuple[int, int, str]] = []
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

    def row_sort_key(self, row: int) -> tuple[int, int, str]:
        return self._keys[row]

    def community_names(self, room: RoomSummary) -> list[str]:
        return [s.name for p in room.parents if (s := self.summary(p)) is not None]

    def apply(self, change: RoomsChanged) -> None:
        """Updates known rooms in place, appends new ones in one batch, removes left ones."""
        new: list[RoomSummary] = []
        for room in change.rooms:
            row = self._row_of.get(room.room_id)
            if row is None:
                new.append(room)
            else:
                self._rows[row] = room
                self._keys[row] = sort_key(room)
                index = self.index(row)
                self.dataChanged.emit(index, index)
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for offset, room in enumerate(new):
                self._row_of[room.room_id] = first + offset
            self._rows.extend(new)
            self._keys.extend(map(sort_key, new))
            self.endInsertRows()
        for room_id in change.removed:
            row = self._row_of.get(room_id)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                del self._keys[row]
                self._row_of = {r.room_id: i for i, r in enumerate(self._rows)}
                self.endRemoveRows()

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
        if room.last_message:
            parts.append(
                self.tr("{name}: {text}").format(
                    name=room.last_message.sender_name, text=room.last_message.body
                )
            )
        return ", ".join(parts)


class RoomListProxy(QSortFilterProxyModel):
    """Rooms only (no spaces), by section (invitations, direct messages, rooms), then most recent
    activity first; `set_community` keeps only the rooms a community holds, however deep."""

    communityChanged = Signal(str)  # the space id, "" for every room

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.community = ""
        self._held: set[str] = set()
        self.setDynamicSortFilter(True)
        self.setSortRole(RoomRole.LastActivity)
        self.sort(0, Qt.SortOrder.DescendingOrder)

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

    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.sourceModel()
        if isinstance(model, RoomListModel):  # the app's case: keys cached with the rows
            return model.row_sort_key(left.row()) < model.row_sort_key(right.row())
        # Sorted descending: the lower section first, then the newest.
        return sort_key(left.data(RoomRole.Summary)) < sort_key(right.data(RoomRole.Summary))
