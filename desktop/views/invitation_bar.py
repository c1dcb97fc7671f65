"""The bar an invitation shows instead of the composer: join the room (or community) or decline."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from cercle.protocol.changes import RoomSummary


class InvitationBar(QFrame):
    joinRequested = Signal(str)  # room id
    declineRequested = Signal(str)  # room id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("invitationBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.room: RoomSummary | None = None
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.join = QPushButton(self)
        self.join.setDefault(True)
        self.decline = QPushButton(self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.decline)
        layout.addWidget(self.join)
        self.join.clicked.connect(lambda: self._answer(self.joinRequested))
        self.decline.clicked.connect(lambda: self._answer(self.declineRequested))
        self.hide()
        self.retranslate()

    def show_room(self, room: RoomSummary | None) -> None:
        """Shows the bar for an invitation, hides it for any other room."""
        self.room = room if room is not None and room.invited else None
        self.join.setEnabled(True)
        self.decline.setEnabled(True)
        self.retranslate()
        self.setVisible(self.room is not None)

    def _answer(self, signal) -> None:
        if self.room is not None:
            self.join.setEnabled(False)  # once: the sync will say how it went
            self.decline.setEnabled(False)
            signal.emit(self.room.room_id)

    def failed(self) -> None:
        """The server refused: the buttons work again."""
        self.join.setEnabled(True)
        self.decline.setEnabled(True)

    def retranslate(self) -> None:
        room = self.room
        if room is not None and room.is_space:
            self.text.setText(
                self.tr("You are invited to the community {name}.").format(name=room.name)
            )
        elif room is not None:
            self.text.setText(self.tr("You are invited to join {name}.").format(name=room.name))
        if room is not None and room.external_servers:
            self.text.setText(
                self.text.text()
                + " "
                + self.tr("People from other organisations take part: {servers}.").format(
                    servers=", ".join(room.external_servers)
                )
            )
        self.join.setText(self.tr("Join"))
        self.decline.setText(self.tr("Decline"))
        self.join.setAccessibleName(self.tr("Join"))
        self.decline.setAccessibleName(self.tr("Decline the invitation"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
