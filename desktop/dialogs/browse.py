"""Browse a community's rooms (suggested first) and join them, or knock to ask for access."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.dialogs.common import ActionDialog, show_lines, wrapped_label
from cercle.protocol.community.context import BrowseEntry


class BrowseDialog(ActionDialog):
    """Emits enterRequested(room id); the caller joins (or knocks) off the UI thread, then calls
    `entered()` or `show_error()`."""

    enterRequested = Signal(str)

    status: QLabel

    def __init__(self, community: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("browseDialog")
        self.community = community
        self.entries: list[BrowseEntry] = []
        self.knocked: set[str] = set()
        self.model = QStringListModel(self)
        self.list = QListView(self)
        self.list.setObjectName("browseList")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setAlternatingRowColors(True)  # one room from the next at a glance
        self.status = wrapped_label(self)
        self.enter_button = QPushButton(self)
        self.enter_button.setObjectName("browseEnter")
        self.enter_button.setEnabled(False)
        buttons, self.close_button = self.button_box(
            QDialogButtonBox.StandardButton.Close, self.enter_button
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.enter_button.clicked.connect(self._enter)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._refresh_button())
        self.status.setText(self.tr("Loading the rooms…"))
        self.resize(520, 440)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Rooms of {community}").format(community=self.community))
        self.list.setAccessibleName(self.tr("Rooms of the community"))
        self.close_button.setText(self.tr("Close"))
        if self.entries:
            self.set_entries(self.entries)
        self._refresh_button()

    def line(self, entry: BrowseEntry) -> str:
        room = entry.room
        name = room.name or room.canonical_alias or room.room_id
        tags = []
        if entry.suggested:
            tags.append(self.tr("★ suggested"))
        if entry.joined:
            tags.append(self.tr("joined"))
        elif room.room_id in self.knocked:
            tags.append(self.tr("access asked"))
        elif room.join_rule == "knock":
            tags.append(self.tr("on request"))
        tags.append(self.tr("{n} members").format(n=room.num_joined_members))
        second = " · ".join(tags)
        topic = f"\n{room.topic}" if room.topic else ""
        return f"{name}{topic}\n{second}"

    def set_entries(self, entries: list[BrowseEntry]) -> None:
        row = self.list.currentIndex().row()
        self.entries = list(entries)
        show_lines(self.model, [self.line(e) for e in self.entries])
        self.status.setText(
            self.tr("Suggested rooms come first. Join any room of the community.")
            if self.entries
            else self.tr("This community lists no rooms you can see.")
        )
        if 0 <= row < len(self.entries):
            self.list.setCurrentIndex(self.model.index(row))
        self._refresh_button()

    def current(self) -> BrowseEntry | None:
        row = self.list.currentIndex().row()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _refresh_button(self) -> None:
        entry = self.current()
        knock = entry is not None and entry.room.join_rule == "knock"
        self.enter_button.setText(self.tr("Ask to join") if knock else self.tr("Join"))
        self.enter_button.setEnabled(
            entry is not None and not entry.joined and entry.room.room_id not in self.knocked
        )

    def _enter(self) -> None:
        entry = self.current()
        if entry is None:
            return
        self.set_busy()
        self.enterRequested.emit(entry.room.room_id)

    def entered(self, room_id: str, how: str) -> None:
        if how == "knocked":
            self.knocked.add(room_id)
        self.set_entries(
            [
                BrowseEntry(e.room, e.suggested, e.joined or (how == "joined" and
                            e.room.room_id == room_id))
                for e in self.entries
            ]
        )  # fmt: skip

    def show_error(self, text: str) -> None:
        """Keeps the status line (it says what the list is) and the Join button's own rule."""
        self.error.setText(text)
        self.error.show()
        self._refresh_button()
