"""The rail's rows: "Home" then each community and its subspaces, with unread and mention sums."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer

from cercle.desktop.models.keyed import KeyedListModel, SummaryRole
from cercle.desktop.models.rooms import RoomListModel
from cercle.protocol.spaces import SpaceNode, SpaceTree


class SpaceRole(IntEnum):
    Node = SummaryRole  # the SpaceNode ("" space id: Home)
    Unread = Qt.ItemDataRole.UserRole + 2
    Mentions = Qt.ItemDataRole.UserRole + 3
    Depth = Qt.ItemDataRole.UserRole + 4


class SpaceListModel(KeyedListModel[SpaceNode]):
    """Follows a RoomListModel: any change to its rows recomputes the tree (once per event-loop
    turn, however many rows changed) and lands here as in-place edits."""

    def __init__(self, rooms: RoomListModel, parent: QObject | None = None) -> None:
        super().__init__(lambda node: node.space_id, parent)
        self._rooms = rooms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        for signal in (rooms.rowsInserted, rooms.rowsRemoved, rooms.dataChanged, rooms.modelReset):
            signal.connect(self._timer.start)
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        tree = SpaceTree.build(self._rooms.summaries())
        self.set_rows([tree.everything(), *tree.nodes()])

    def row_of(self, space_id: str) -> int:
        return next((i for i, n in enumerate(self._rows) if n.space_id == space_id), -1)

    def row_data(self, row: SpaceNode, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name or self.tr("Home")
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.describe(row)
        if role == SpaceRole.Unread:
            return row.unread
        if role == SpaceRole.Mentions:
            return row.mentions
        if role == SpaceRole.Depth:
            return row.depth
        return None

    def describe(self, row: SpaceNode) -> str:
        """Name, what it is and what waits there, for tooltips and screen readers."""
        if not row.space_id:
            parts = [self.tr("Home: all your rooms and direct messages")]
        elif row.depth:
            parent = self._rooms.summary(row.parent)
            parts = [
                self.tr("{name}, in {community}").format(
                    name=row.name, community=parent.name if parent else ""
                )
            ]
        else:
            parts = [row.name]
        kinds = {
            "internal": self.tr("internal community"),
            "partner": self.tr("partner community: people from other organisations take part"),
            "public": self.tr("public community"),
        }
        if row.kind in kinds:
            parts.append(kinds[row.kind])
        if row.mentions:
            parts.append(self.tr("{n} mentions").format(n=row.mentions))
        if row.unread:
            parts.append(self.tr("{n} unread").format(n=row.unread))
        return ", ".join(parts)
