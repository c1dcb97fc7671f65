"""The signed-in screen: rooms on the left, the open room's messages and a composer on the right."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.messages import MessageDelegate
from cercle.desktop.delegates.richtext import open_link
from cercle.desktop.delegates.rooms import RoomDelegate
from cercle.desktop.models.messages import MessageModel, MessageRole
from cercle.desktop.models.rooms import RoomListModel, RoomListProxy, RoomRole


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

        self.room_title = QLabel(self)
        title_font = QFont(self.room_title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.room_title.setFont(title_font)
        self.room_topic = QLabel(self)
        self.room_topic.setWordWrap(True)
        self.message_list = QListView(self)
        self.message_list.setObjectName("messageList")
        self.message_list.setModel(messages)
        self.message_delegate = MessageDelegate(self.message_list)
        self.message_list.setItemDelegate(self.message_delegate)
        self.message_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.message_list.setResizeMode(QListView.ResizeMode.Adjust)  # rows rewrap on resize
        self.message_list.setMouseTracking(True)  # the hand cursor over links, chips, quotes
        self.message_list.viewport().installEventFilter(self)
        self.message_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.message_list.setWordWrap(True)
        self.message_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.message_list.customContextMenuRequested.connect(self._message_menu)
        self.composer = QLineEdit(self)
        self.composer.setObjectName("composer")
        self.send_button = QPushButton(self)
        composer_row = QHBoxLayout()
        composer_row.addWidget(self.composer, 1)
        composer_row.addWidget(self.send_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.room_title)
        right_layout.addWidget(self.room_topic)
        right_layout.addWidget(self.message_list, 1)
        right_layout.addLayout(composer_row)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        self._set_composer_enabled(False)
        self.room_list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.composer.returnPressed.connect(self._send)
        self.send_button.clicked.connect(self._send)
        messages.rowsInserted.connect(lambda *_: self.message_list.scrollToBottom())
        messages.dataChanged.connect(self._rows_changed)
        self.message_delegate.reactionToggled.connect(self._toggle_reaction)
        self.message_delegate.replyClicked.connect(self.jump_to)
        self.message_delegate.linkActivated.connect(lambda href: open_link(href))
        rooms.dataChanged.connect(self._refresh_header)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text of the screen, in the current language (again on LanguageChange)."""
        self.room_list.setAccessibleName(self.tr("Rooms"))
        self.message_list.setAccessibleName(self.tr("Messages"))
        self.composer.setAccessibleName(self.tr("Message"))
        self.composer.setPlaceholderText(self.tr("Write a message…"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))
        if self.user_id:
            self.account_label.setText(self.tr("Signed in as {user}").format(user=self.user_id))
        if self.messages.room_id is None:
            self.room_title.setText(self.tr("Choose a room"))
        self._refresh_header()
        # Delegates translate and format dates as they paint: repaint the rows.
        self.room_list.viewport().update()
        self.message_list.scheduleDelayedItemsLayout()  # "(edited)" and others change width
        self.message_list.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched, event: QEvent) -> bool:
        if watched is self.message_list.viewport() and event.type() == QEvent.Type.MouseMove:
            pos = event.position().toPoint()  # type: ignore[attr-defined]
            index = self.message_list.indexAt(pos)
            hit = None
            if index.isValid():
                option = QStyleOptionViewItem()
                option.rect = self.message_list.visualRect(index)
                option.font = self.message_list.font()
                option.palette = self.message_list.palette()
                hit = self.message_delegate.hit(option, index, pos)
            cursor = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor
            self.message_list.viewport().setCursor(cursor)
        return super().eventFilter(watched, event)

    def _rows_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles) -> None:
        """An edited or reacted-to row may change height: the list lays it out again."""
        for row in range(top_left.row(), bottom_right.row() + 1):
            self.message_delegate.sizeHintChanged.emit(self.messages.index(row))

    def _toggle_reaction(self, event_id: str, key: str) -> None:
        if self.messages.room_id:
            self.reactionToggled.emit(self.messages.room_id, event_id, key)

    def jump_to(self, event_id: str) -> bool:
        """Scrolls to a loaded message (a reply's original); False if it is not loaded."""
        row = self.messages.row_of_event(event_id)
        if row is None:
            return False
        self.message_list.scrollTo(
            self.messages.index(row), QAbstractItemView.ScrollHint.PositionAtCenter
        )
        return True

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
                self.composer.setFocus()
                return

    def select_first_room(self) -> None:
        if self.messages.room_id is None and self.proxy.rowCount() > 0:
            self.room_list.setCurrentIndex(self.proxy.index(0, 0))

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        room = indexes[0].data(RoomRole.Summary)
        self._show_header(room)
        self._set_composer_enabled(not room.invited)
        self.roomSelected.emit(room.room_id)

    def _refresh_header(self, *_args) -> None:
        room = self.rooms.summary(self.messages.room_id) if self.messages.room_id else None
        if room is not None:
            self._show_header(room)

    def _show_header(self, room) -> None:
        self.room_title.setText(room.name)
        parts = [room.topic] if room.topic else []
        if room.external_servers:
            parts.append(
                self.tr("External participants from: {servers}").format(
                    servers=", ".join(room.external_servers)
                )
            )
        if room.encrypted:
            parts.append(self.tr("End-to-end encrypted"))
        self.room_topic.setText(" · ".join(parts))

    def _message_menu(self, pos) -> None:
        message = self.message_list.indexAt(pos).data(MessageRole.Message)
        if message is None or message.state == "sent" or not message.txn_id:
            return
        menu = QMenu(self)
        if message.state == "failed":
            menu.addAction(self.tr("Retry"), lambda: self.retryRequested.emit(message.txn_id))
        menu.addAction(self.tr("Discard"), lambda: self.discardRequested.emit(message.txn_id))
        menu.exec(self.message_list.viewport().mapToGlobal(pos))

    def _set_composer_enabled(self, enabled: bool) -> None:
        self.composer.setEnabled(enabled)
        self.send_button.setEnabled(enabled)

    def _send(self) -> None:
        text = self.composer.text().strip()
        if text and self.messages.room_id:
            self.sendRequested.emit(self.messages.room_id, text)
            self.composer.clear()
