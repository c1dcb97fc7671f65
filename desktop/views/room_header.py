"""The open room's header: its name, topic, who takes part from outside, encryption."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cercle.protocol.changes import RoomSummary


class RoomHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.room: RoomSummary | None = None
        self.title = QLabel(self)
        self.title.setObjectName("roomTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.topic = QLabel(self)
        self.topic.setObjectName("roomTopic")
        self.topic.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.topic)
        self.retranslate()

    def retranslate(self) -> None:
        if self.room is None:
            self.title.setText(self.tr("Choose a room"))
        else:
            self.show_room(self.room)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_room(self, room: RoomSummary) -> None:
        self.room = room
        self.title.setText(room.name)
        parts = [room.topic] if room.topic else []
        if room.external_servers:
            parts.append(
                self.tr("External participants from: {servers}").format(
                    servers=", ".join(room.external_servers)
                )
            )
        if room.encrypted:
            parts.append(self.tr("End-to-end encrypted"))
        self.topic.setText(" · ".join(parts))
