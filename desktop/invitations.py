"""Answers invitations from the room list: joins or declines through the bridge, off the UI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from cercle.desktop.views.invitation_bar import InvitationBar

if TYPE_CHECKING:
    from cercle.desktop.session import SessionController


class InvitationController(QObject):
    """The sync brings the answer back: a joined room turns into an ordinary row (a community
    onto the rail), a declined one leaves the list."""

    def __init__(self, session: SessionController, bar: InvitationBar) -> None:
        super().__init__(bar)
        self.session = session
        self.bar = bar
        bar.joinRequested.connect(self.join)
        bar.declineRequested.connect(self.decline)

    def join(self, room_id: str) -> None:
        from cercle.protocol import rooms  # nio: loaded once signed in

        account = self.session.account
        if account is not None:
            self.session.bridge.run(rooms.join(account.client, room_id), on_failure=self._failed)

    def decline(self, room_id: str) -> None:
        from cercle.protocol import rooms

        account = self.session.account
        if account is not None:
            self.session.bridge.run(
                rooms.leave(account.client, room_id, forget=True), on_failure=self._failed
            )

    def _failed(self, error: BaseException) -> None:
        self.bar.failed()
        self.session.operationFailed.emit(self.session.explain(error))
