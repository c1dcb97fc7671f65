"""Desktop notifications: the protocol picks the messages that deserve one; they are shown here."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from cercle.protocol.changes import TimelineAppended
from cercle.protocol.notifications import Notice, RoomModes

if TYPE_CHECKING:
    from cercle.desktop.bridge import Bridge
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)
PREVIEW_CHARS = 140


class Notifier(QObject):
    """Listens to new messages for the signed-in account. The protocol decides (mention, DM,
    muted); this decides only whether the user is already looking at the room."""

    notified = Signal(object)  # Notice, once shown
    mutedChanged = Signal(object)  # frozenset of muted room ids
    showMessage = Signal(str, str)  # title, body: the tray shows it
    failed = Signal(str)  # words for the status bar

    def __init__(
        self,
        bridge: Bridge,
        account_of: Callable[[], Account | None],
        opened_room: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._account_of = account_of
        self._opened_room = opened_room
        self.modes = RoomModes()
        self.muted: frozenset[str] = frozenset()
        self.last: Notice | None = None  # the latest shown: a click on it opens its room
        # The room list's name for a room (the stored name may be empty: a DM's is computed).
        self.room_name: Callable[[str], str | None] = lambda _room_id: None
        bridge.timelineAppended.connect(self._appended)

    # -- the signed-in account ---------------------------------------------------------------

    def start(self) -> None:
        """Reads each room's notification mode (push rules kept from the last sync)."""
        from cercle.protocol.notifications import current_modes

        account = self._account_of()
        if account is not None:
            self.bridge.run(current_modes(account), on_success=self._set_modes)

    def set_mode(self, room_id: str, mode: str) -> None:
        """ "all", "mentions" or "mute", as server push rules (Element and phones agree)."""
        from cercle.protocol.notifications import set_room_mode

        account = self._account_of()
        if account is None:
            return
        self.bridge.run(
            set_room_mode(account, room_id, mode),
            on_success=self._set_modes,
            on_failure=lambda e: self.failed.emit(
                self.tr("Notification settings not changed: {reason}").format(reason=str(e))
            ),
        )

    def set_muted(self, room_id: str, muted: bool) -> None:
        self.set_mode(room_id, "mute" if muted else "all")

    def mode(self, room_id: str) -> str:
        return self.modes.mode(room_id)

    def _set_modes(self, modes: RoomModes) -> None:
        self.modes = modes
        self.muted = modes.muted
        self.mutedChanged.emit(modes.muted)

    # -- new messages ------------------------------------------------------------------------

    def _appended(self, change: TimelineAppended) -> None:
        account = self._account_of()
        if account is None:
            return
        if change.room_id in self.muted or not any(
            m.sender != account.user_id and m.state == "sent" for m in change.messages
        ):
            return
        from cercle.protocol.notifications import notices_for

        now_ms = int(time.time() * 1000)
        self.bridge.run(
            notices_for(account, change, now_ms),
            on_success=self._show,
            on_failure=lambda e: log.warning("notification check failed", exc_info=e),
        )

    def _looking_at(self, room_id: str) -> bool:
        app = QApplication.instance()
        active = isinstance(app, QApplication) and app.activeWindow() is not None
        return active and self._opened_room() == room_id

    def _show(self, notices: list[Notice]) -> None:
        for notice in notices:
            if self._looking_at(notice.room_id) or notice.room_id in self.muted:
                continue
            title, body = self.texts(notice)
            self.last = notice
            self.showMessage.emit(title, body)
            self.notified.emit(notice)

    def texts(self, notice: Notice) -> tuple[str, str]:
        """Title and body: who, where, what, and on which of the user's accounts."""
        room = self.room_name(notice.room_id) or notice.room_name
        if notice.kind == "mention":
            title = self.tr("{sender} mentioned you in {room}").format(
                sender=notice.sender_name, room=room
            )
        else:
            title = self.tr("{sender} wrote to you").format(sender=notice.sender_name)
        text = notice.body
        if len(text) > PREVIEW_CHARS:
            text = text[: PREVIEW_CHARS - 1].rstrip() + "…"
        body = self.tr("{text}\n(account {account})").format(text=text, account=notice.account)
        return title, body
