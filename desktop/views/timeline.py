"""The open room's messages: the list, its delegate, hovering, jumping and per-message actions."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.messages import MessageDelegate
from cercle.desktop.delegates.richtext import open_link
from cercle.desktop.models.messages import MessageModel, MessageRole


class TimelineView(QWidget):
    retryRequested = Signal(str)  # txn id of a failed message
    discardRequested = Signal(str)  # txn id of an unsent message
    reactionToggled = Signal(str, str, str)  # room id, event id, reaction key

    def __init__(self, messages: MessageModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.list = view = QListView(self)
        view.setObjectName("messageList")
        view.setModel(messages)
        self.delegate = MessageDelegate(view)
        view.setItemDelegate(self.delegate)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setResizeMode(QListView.ResizeMode.Adjust)  # rows rewrap on resize
        view.setMouseTracking(True)  # the hand cursor over links, chips, quotes
        view.viewport().installEventFilter(self)
        view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        view.setWordWrap(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._message_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)

        messages.rowsInserted.connect(lambda *_: view.scrollToBottom())
        messages.dataChanged.connect(self._rows_changed)
        self.delegate.reactionToggled.connect(self._toggle_reaction)
        self.delegate.replyClicked.connect(self.jump_to)
        self.delegate.linkActivated.connect(lambda href: open_link(href))
        self.retranslate()

    def retranslate(self) -> None:
        self.list.setAccessibleName(self.tr("Messages"))
        # The delegate translates and formats dates as it paints: lay out and repaint the rows.
        self.list.scheduleDelayedItemsLayout()  # "(edited)" and others change width
        self.list.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched, event: QEvent) -> bool:
        if watched is self.list.viewport() and event.type() == QEvent.Type.MouseMove:
            pos = event.position().toPoint()  # type: ignore[attr-defined]
            index = self.list.indexAt(pos)
            hit = None
            if index.isValid():
                option = QStyleOptionViewItem()
                option.rect = self.list.visualRect(index)
                option.font = self.list.font()
                option.palette = self.list.palette()
                hit = self.delegate.hit(option, index, pos)
            cursor = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor
            self.list.viewport().setCursor(cursor)
        return super().eventFilter(watched, event)

    def _rows_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles) -> None:
        """An edited or reacted-to row may change height: the list lays it out again."""
        for row in range(top_left.row(), bottom_right.row() + 1):
            self.delegate.sizeHintChanged.emit(self.messages.index(row))

    def _toggle_reaction(self, event_id: str, key: str) -> None:
        if self.messages.room_id:
            self.reactionToggled.emit(self.messages.room_id, event_id, key)

    def jump_to(self, event_id: str) -> bool:
        """Scrolls to a loaded message (a reply's original); False if it is not loaded."""
        row = self.messages.row_of_event(event_id)
        if row is None:
            return False
        self.list.scrollTo(self.messages.index(row), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _message_menu(self, pos) -> None:
        message = self.list.indexAt(pos).data(MessageRole.Message)
        if message is None or message.state == "sent" or not message.txn_id:
            return
        menu = QMenu(self)
        if message.state == "failed":
            menu.addAction(self.tr("Retry"), lambda: self.retryRequested.emit(message.txn_id))
        menu.addAction(self.tr("Discard"), lambda: self.discardRequested.emit(message.txn_id))
        menu.exec(self.list.viewport().mapToGlobal(pos))
