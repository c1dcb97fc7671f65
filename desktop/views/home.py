"""The signed-in screen: rooms on the left; the open room's header, messages and composer."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.rooms import RoomDelegate
from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel, RoomListProxy, RoomRole
from cercle.desktop.views.composer import Composer
from cercle.desktop.views.room_header import RoomHeader
from cercle.desktop.views.timeline import TimelineView


class HomeView(QWidget):
    roomSelected = Signal(str)
    sendRequested = Signal(str, str)  # room id, text
    retryRequested = Signal(str)  # txn id of a failed message
    discardRequested = Signal(str)  # txn id of an unsent message
    reactionToggled = Signal(str, str, str)  # room id, event id, reaction key

    def __init__(self, rooms: RoomListModel, messages: MessageModel, parent=None) -> None:
        super().__init__(parent)
        self.rooms = rooms
        self.messages = messages
        self.proxy = RoomListProxy(self)
        self.proxy.setSourceModel(rooms)

        self.user_id = ""
        self.account_label = QLabel(self)
        self.account_label.setObjectName("accountLabel")
        self.room_list = QListView(self)
        self.room_list.setObjectName("roomList")
        self.room_list.setModel(self.proxy)
        self.room_list.setItemDelegate(RoomDelegate(self.room_list))
        self.room_list.setUniformItemSizes(True)
        self.room_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.account_label)
        left_layout.addWidget(self.room_list)

        self.header = RoomHeader(self)
        self.timeline = TimelineView(messages, self)
        self.composer = Composer(self)
        right = QWidget(self)
        self._right_layout = right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.timeline, 1)
        right_layout.addWidget(self.composer)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self.room_list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.composer.sendRequested.connect(self._send)
        self.timeline.retryRequested.connect(self.retryRequested)
        self.timeline.discardRequested.connect(self.discardRequested)
        self.timeline.reactionToggled.connect(self.reactionToggled)
        rooms.dataChanged.connect(self._refresh_header)
        self.retranslate()

    # The parts other screens and tests reach for.
    @property
    def message_list(self) -> QListView:
        return self.timeline.list

    @property
    def room_title(self) -> QLabel:
        return self.header.title

    def retranslate(self) -> None:
        """Every text of the screen, in the current language (again on LanguageChange)."""
        self.room_list.setAccessibleName(self.tr("Rooms"))
        if self.user_id:
            self.account_label.setText(self.tr("Signed in as {user}").format(user=self.user_id))
        self._refresh_header()
        self.room_list.viewport().update()  # the delegate translates as it paints

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def jump_to(self, event_id: str) -> bool:
        """Scrolls to a loaded message (a reply's original); False if it is not loaded."""
        return self.timeline.jump_to(event_id)

    def set_community_header(self, widget: QWidget) -> None:
        """Puts the open community's header (views/community.py) above the room's own."""
        self._right_layout.insertWidget(0, widget)

    def set_account(self, user_id: str) -> None:
        self.user_id = user_id
        self.account_label.setText(self.tr("Signed in as {user}").format(user=user_id))

    def select_room(self, room_id: str) -> None:
        """Opens `room_id` as if clicked in the list (the Ctrl+K switcher uses it)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            room = index.data(RoomRole.Summary)
            if room is not None and room.room_id == room_id:
                self.room_list.setCurrentIndex(index)
                self.room_list.scrollTo(index)
                self.composer.focus()
                return

    def select_first_room(self) -> None:
        if self.messages.room_id is None and self.proxy.rowCount() > 0:
            self.room_list.setCurrentIndex(self.proxy.index(0, 0))

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        room = indexes[0].data(RoomRole.Summary)
        self.header.show_room(room)
        self.composer.set_enabled(not room.invited)
        self.roomSelected.emit(room.room_id)

    def _refresh_header(self, *_args) -> None:
        room = self.rooms.summary(self.messages.room_id) if self.messages.room_id else None
        if room is not None:
            self.header.show_room(room)

    def _send(self, text: str) -> None:
        if self.messages.room_id:
            self.sendRequested.emit(self.messages.room_id, text)
