"""Feeds the side panel: reads a room's members, threads, files and pins off the UI thread."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from cercle.protocol import panels
from cercle.protocol.changes import RoomsChanged, TimelineAppended, TimelineReplaced

if TYPE_CHECKING:
    from cercle.desktop.session import SessionController
    from cercle.desktop.views.side_panel import SidePanel
    from cercle.storage.store import Store

# What each kind of change can alter in the panel.
AFTER_MESSAGES = ("threads", "files")
AFTER_STATE = ("members", "pinned")


class RoomDetailsController(QObject):
    """Answers the panel's `refreshRequested` through the bridge, and marks its lists stale when
    a sync touches the open room (the panel reads again only what it shows)."""

    def __init__(self, session: SessionController, panel: SidePanel) -> None:
        super().__init__(panel)
        self.session = session
        self.panel = panel
        panel.refreshRequested.connect(self.load)
        bridge = session.bridge
        bridge.timelineAppended.connect(self._messages_changed)
        bridge.timelineReplaced.connect(self._messages_changed)
        bridge.roomsChanged.connect(self._rooms_changed)
        session.signedIn.connect(lambda _user: panel.room_changed())

    def load(self, kind: str, room_id: str) -> None:
        profile, account = self.session.profile, self.session.account
        if profile is None or account is None:
            self.panel.mark_stale(kind)  # read once signed in
            return
        self.session.bridge.run(
            read(kind, profile.store, room_id, account.user_id),
            on_success=lambda rows: self.panel.show_rows(kind, room_id, rows),
            on_failure=lambda e: self.session.operationFailed.emit(self.session.explain(e)),
        )

    def _messages_changed(self, change: TimelineAppended | TimelineReplaced) -> None:
        if change.room_id == self.panel.room_id:
            self.panel.room_changed(AFTER_MESSAGES)

    def _rooms_changed(self, change: RoomsChanged) -> None:
        if any(room.room_id == self.panel.room_id for room in change.rooms):
            self.panel.room_changed(AFTER_STATE)


async def read(kind: str, store: Store, room_id: str, user_id: str) -> list[Any]:
    """One of the panel's lists, read on a worker thread."""

    def rows() -> list[Any]:
        if kind == "members":
            return list(panels.members(store, room_id, user_id))
        if kind == "threads":
            return list(panels.threads(store, room_id))
        if kind == "files":
            return list(panels.files(store, room_id))
        return list(panels.pinned(store, room_id))

    return await asyncio.to_thread(rows)
