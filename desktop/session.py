"""Signs an account in and out through the bridge, and feeds its changes to the models."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from cercle.desktop.bridge import Bridge
from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel
from cercle.protocol.account import Account
from cercle.protocol.changes import RoomsChanged, TimelineAppended
from cercle.protocol.client import LoginFailed, MatrixError, ServerUnreachable

log = logging.getLogger(__name__)


class SessionController(QObject):
    """Owns the signed-in Account (which lives on the protocol thread) for the UI."""

    signedIn = Signal(str)  # user id
    signInFailed = Signal(str)  # what to tell the user
    operationFailed = Signal(str)  # a send or another action failed: words for the status bar

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.account: Account | None = None
        self.opened_room: str | None = None
        self.rooms = RoomListModel(self)
        self.messages = MessageModel(self)
        bridge.roomsChanged.connect(self._rooms_changed)
        bridge.timelineAppended.connect(self._timeline_appended)

    def sign_in(self, homeserver: str, user: str, password: str) -> None:
        self.bridge.run(
            Account.sign_in(homeserver, user, password, self.bridge.publish),
            on_success=self._signed_in,
            on_failure=lambda e: self.signInFailed.emit(self.explain(e, homeserver)),
        )

    def _signed_in(self, account: Account) -> None:
        self.account = account

        async def start() -> None:
            account.start()

        self.bridge.run(start())
        self.signedIn.emit(account.user_id)

    def open_room(self, room_id: str) -> None:
        if self.account is None:
            return
        self.opened_room = room_id
        self.messages.clear()
        self.bridge.run(
            self.account.recent_messages(room_id),
            on_success=lambda rows: self._show_room(room_id, rows),
            on_failure=lambda e: self.operationFailed.emit(self.explain(e)),
        )

    def _show_room(self, room_id: str, rows) -> None:
        # Only if the user has not moved on to another room meanwhile.
        if self.messages.room_id is None and self.opened_room == room_id:
            self.messages.show_room(room_id, rows)

    def send_text(self, room_id: str, text: str, on_failure=None) -> None:
        if self.account is None:
            return

        def failed(error: BaseException) -> None:
            self.operationFailed.emit(self.explain(error))
            if on_failure is not None:
                on_failure(error)

        self.bridge.run(self.account.send_text(room_id, text), on_failure=failed)

    def close(self, timeout: float = 10.0) -> None:
        """Stops syncing and closes the connection (blocks the UI at most `timeout` seconds)."""
        account, self.account = self.account, None
        if account is not None:
            try:
                self.bridge.run(account.close()).result(timeout)
            except Exception:
                log.warning("closing the account took too long or failed", exc_info=True)

    def _rooms_changed(self, change: RoomsChanged) -> None:
        self.rooms.apply(change)

    def _timeline_appended(self, change: TimelineAppended) -> None:
        self.messages.append(change.room_id, list(change.messages))

    def explain(self, error: BaseException, homeserver: str = "") -> str:
        """Words a user can act on; bugs are logged with context and summarised."""
        if isinstance(error, LoginFailed):
            return self.tr("Wrong user name or password.")
        if isinstance(error, ServerUnreachable):
            return self.tr("Cannot reach {server}. Check the address and your connection.").format(
                server=homeserver or self.tr("the homeserver")
            )
        if isinstance(error, MatrixError):
            return self.tr("The server refused: {reason}").format(reason=str(error))
        log.error("unexpected failure", exc_info=error)
        return self.tr("Something went wrong; the details are in the log.")
