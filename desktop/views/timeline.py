"""The open room's messages: the paged list and its delegate, the typing line, the unread bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.messages import MessageDelegate
from cercle.desktop.delegates.richtext import open_link
from cercle.desktop.models.messages import MessageModel, MessageRole

MAX_ROWS = 240  # rows kept loaded; beyond, those far from the viewport are evicted
KEEP = 80  # rows kept on either side of the viewport when evicting
BOTTOM_SLACK = 4  # px: "scrolled to the bottom" within this


class MessageList(QListView):
    """The list itself; it knows how to stay put while rows come and go above what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._anchor: QPersistentModelIndex | None = None
        self._anchor_top = 0
        self.stick_to_bottom = True

    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - BOTTOM_SLACK

    def first_visible_row(self) -> int:
        index = self.indexAt(QPoint(4, 1))
        return index.row() if index.isValid() else 0

    def last_visible_row(self) -> int:
        index = self.indexAt(QPoint(4, self.viewport().height() - 2))
        model = self.model()
        return index.row() if index.isValid() else (model.rowCount() - 1 if model else 0)

    def remember_anchor(self) -> None:
        """Before rows change above the viewport: the first visible row and where it is."""
        self.stick_to_bottom = self.at_bottom()
        index = self.indexAt(QPoint(4, 1))
        if index.isValid():
            self._anchor = QPersistentModelIndex(index)
            self._anchor_top = self.visualRect(index).top()
        else:
            self._anchor = None

    def restore_anchor(self) -> None:
        """After: that row is put back where it was, so the reader's place does not move."""
        anchor, self._anchor = self._anchor, None
        self.doItemsLayout()
        if self.stick_to_bottom:
            self.scrollToBottom()
        elif anchor is not None and anchor.isValid():
            index = self.model().index(anchor.row(), 0)
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + self.visualRect(index).top() - self._anchor_top)


class TimelineView(QWidget):
    retryRequested = Signal(str)  # txn id of a failed message
    discardRequested = Signal(str)  # txn id of an unsent message
    reactionToggled = Signal(str, str, str)  # room id, event id, reaction key
    replyRequested = Signal(str)  # event id to reply to (the composer's reply mode)
    editRequested = Signal(str)  # event id of our message to edit (the composer's edit mode)
    threadRequested = Signal(str, str)  # room id, thread root event id
    imageRequested = Signal(object)  # the Message whose image to show full size
    saveRequested = Signal(object)  # the Message whose file to save where the user chooses
    fixRequested = Signal(str)  # "verify" (this device) or "recover" (enter the recovery key)
    readUpTo = Signal(str, str)  # room id, event id: seen while shown and scrolled to the bottom

    def __init__(self, messages: MessageModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.unread_bar = QPushButton(self)
        self.unread_bar.setObjectName("unreadBar")
        self.unread_bar.setFlat(True)
        self.unread_bar.hide()
        self.list = view = MessageList(self)
        view.setObjectName("messageList")
        view.setModel(messages)
        self.delegate = MessageDelegate(view)
        view.setItemDelegate(self.delegate)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.verticalScrollBar().setSingleStep(24)
        view.setResizeMode(QListView.ResizeMode.Adjust)  # rows rewrap on resize
        view.setMouseTracking(True)  # the hand cursor over links, chips, quotes
        view.viewport().installEventFilter(self)
        view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        view.setWordWrap(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._message_menu)
        self.menu_extenders: list[Callable[[QMenu, Any], None]] = []  # add entries to the menu
        self.typing_line = QLabel(self)
        self.typing_line.setObjectName("typingLine")
        self.typing_line.setContentsMargins(12, 0, 0, 0)
        self.typing_line.setFixedHeight(self.typing_line.fontMetrics().height() + 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.unread_bar)
        layout.addWidget(view, 1)
        layout.addWidget(self.typing_line)

        self._typing: tuple[str, ...] = ()
        self._unread_after: str | None = None  # our receipt when the room opened
        self._jumping_to_unread = False
        self._receipt_sent: str | None = None
        self._checking = False
        messages.rowsAboutToBeInserted.connect(self._rows_about_to_change)
        messages.rowsAboutToBeRemoved.connect(self._rows_about_to_change)
        messages.rowsInserted.connect(self._rows_changed_structure)
        messages.rowsRemoved.connect(self._rows_changed_structure)
        messages.dataChanged.connect(self._rows_changed)
        view.verticalScrollBar().valueChanged.connect(self.schedule_check)
        view.verticalScrollBar().rangeChanged.connect(self.schedule_check)
        self.unread_bar.clicked.connect(self.jump_to_first_unread)
        self.delegate.reactionToggled.connect(self._toggle_reaction)
        self.delegate.replyClicked.connect(self.jump_to)
        self.delegate.linkActivated.connect(lambda href: open_link(href))
        self.delegate.threadClicked.connect(self._open_thread)
        self.delegate.imageClicked.connect(self.imageRequested)
        self.delegate.saveClicked.connect(self.saveRequested)
        self.delegate.openClicked.connect(lambda path: open_link_to_file(path))
        self.delegate.fixClicked.connect(self.fixRequested)
        self.delegate.thumbnails.arrived.connect(self._thumbnail_arrived)
        self.retranslate()

    def retranslate(self) -> None:
        self.list.setAccessibleName(self.tr("Messages"))
        self.unread_bar.setText(self.tr("↑ Jump to first unread message"))
        self.unread_bar.setAccessibleName(self.tr("Jump to first unread message"))
        self._show_typing()
        # The delegate translates and formats dates as it paints: lay out and repaint the rows.
        self.delegate.forget_layouts()
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
                hit = self.delegate.hit(self.option_for(index), index, pos)
            cursor = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor
            self.list.viewport().setCursor(cursor)
        return super().eventFilter(watched, event)

    def option_for(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        option.rect = self.list.visualRect(index)
        option.font = self.list.font()
        option.palette = self.list.palette()
        return option

    # -- rows coming and going -----------------------------------------------------------------

    def _rows_about_to_change(self, _parent: QModelIndex, first: int, _last: int) -> None:
        self.list.remember_anchor()
        if first >= self.messages.rowCount():  # appended at the end: only "stick" matters
            self.list._anchor = None

    def _rows_changed_structure(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if first == 0 or self.list.stick_to_bottom:
            self.list.restore_anchor()
        self.schedule_check()

    def _rows_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles) -> None:
        """An edited or reacted-to row may change height: the list lays it out again."""
        for row in range(top_left.row(), bottom_right.row() + 1):
            self.delegate.sizeHintChanged.emit(self.messages.index(row))

    def _thumbnail_arrived(self, event_id: str) -> None:
        row = self.messages.row_of_event(event_id)
        if row is not None:
            self.list.update(self.messages.index(row))

    def schedule_check(self, *_args) -> None:
        """Paging, eviction, our read receipt and the unread bar, once the layout settled."""
        if not self._checking:
            self._checking = True
            QTimer.singleShot(0, self._check)

    def _check(self) -> None:
        self._checking = False
        model, view = self.messages, self.list
        if model.room_id is None:
            self.unread_bar.hide()
            return
        bar, page = view.verticalScrollBar(), view.viewport().height()
        if bar.value() <= page:
            model.fetch_older()
        if model.has_newer and bar.maximum() - bar.value() <= page:
            model.fetch_newer()
        self._evict()
        self._send_receipt()
        self._update_unread_bar()

    def _evict(self) -> None:
        model, view = self.messages, self.list
        if model.rowCount() <= MAX_ROWS or model.loading_older or model.loading_newer:
            return
        above = view.first_visible_row() - KEEP
        below = model.rowCount() - 1 - view.last_visible_row() - KEEP
        if below > 0 and not view.at_bottom():
            model.evict_bottom(below)
        if above > 0:
            model.evict_top(above)

    def _send_receipt(self) -> None:
        model = self.messages
        if not self.isVisible() or model.has_newer or not self.list.at_bottom():
            return
        latest = next(
            (
                model.message(r)
                for r in range(model.rowCount() - 1, -1, -1)
                if model.message(r).pos is not None
            ),
            None,
        )
        if latest is None or latest.event_id == self._receipt_sent or model.room_id is None:
            return
        self._receipt_sent = latest.event_id
        self.readUpTo.emit(model.room_id, latest.event_id)

    def receipt_not_sent(self, event_id: str, retry_ms: int = 5_000) -> None:
        """Our receipt did not go (offline, not signed in yet): it is tried again later."""
        if self._receipt_sent == event_id:
            self._receipt_sent = None
            QTimer.singleShot(retry_ms, self.schedule_check)

    # -- the room --------------------------------------------------------------------------------

    def room_opened(self, read_up_to: str | None) -> None:
        """A room was opened; `read_up_to`: where our read receipt was then (the unread bar)."""
        self._unread_after = read_up_to
        self._receipt_sent = read_up_to
        self._jumping_to_unread = False
        self.set_typing(self.messages.room_id or "", ())
        self.schedule_check()

    def _first_unread_row(self) -> int | None:
        """The row after our receipt, when it is loaded; None if unknown or none."""
        if self._unread_after is None:
            return None
        row = self.messages.row_of_event(self._unread_after)
        if row is None or row + 1 >= self.messages.rowCount():
            return None
        return row + 1

    def _update_unread_bar(self) -> None:
        model = self.messages
        show = False
        if self._unread_after is not None and model.rowCount():
            row = self._first_unread_row()
            if row is not None:
                show = self.list.visualRect(model.index(row)).top() < 0
            else:  # not loaded: above the first row, unless it is the newest message
                last = model.message(model.rowCount() - 1)
                show = model.row_of_event(self._unread_after) is None and (
                    last.event_id != self._unread_after and not model.at_start
                )
        if show != self.unread_bar.isVisible():
            self.unread_bar.setVisible(show)
        if self._jumping_to_unread:
            self.jump_to_first_unread()

    def jump_to_first_unread(self) -> None:
        """Scrolls to the first message after our receipt, paging older rows in until then."""
        row = self._first_unread_row()
        if row is not None:
            self._jumping_to_unread = False
            self._unread_after = None
            self.list.scrollTo(self.messages.index(row), QAbstractItemView.ScrollHint.PositionAtTop)
            self.unread_bar.hide()
            return
        self._jumping_to_unread = not self.messages.at_start
        if self._jumping_to_unread:
            self.list.scrollToTop()
            self.messages.fetch_older()
        else:
            self._unread_after = None
            self.unread_bar.hide()

    # -- typing ----------------------------------------------------------------------------------

    def set_typing(self, room_id: str, names: tuple[str, ...]) -> None:
        """Who is typing in `room_id` (others, by name); shown when it is the open room."""
        if room_id == self.messages.room_id:
            self._typing = tuple(names)
            self._show_typing()

    def _show_typing(self) -> None:
        names = self._typing
        if not names:
            text = ""
        elif len(names) == 1:
            text = self.tr("{name} is typing…").format(name=names[0])
        elif len(names) == 2:
            text = self.tr("{first} and {second} are typing…").format(
                first=names[0], second=names[1]
            )
        else:
            text = self.tr("Several people are typing…")
        self.typing_line.setText(text)

    # -- actions ---------------------------------------------------------------------------------

    def _toggle_reaction(self, event_id: str, key: str) -> None:
        if self.messages.room_id:
            self.reactionToggled.emit(self.messages.room_id, event_id, key)

    def _open_thread(self, root_id: str) -> None:
        if self.messages.room_id:
            self.threadRequested.emit(self.messages.room_id, root_id)

    def jump_to(self, event_id: str) -> bool:
        """Scrolls to a loaded message (a reply's original); False if it is not loaded."""
        row = self.messages.row_of_event(event_id)
        if row is None:
            return False
        self.list.stick_to_bottom = False
        self.list.scrollTo(self.messages.index(row), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _message_menu(self, pos) -> None:
        message = self.list.indexAt(pos).data(MessageRole.Message)
        menu = self.message_menu(message) if message is not None else None
        if menu is not None and not menu.isEmpty():
            menu.exec(self.list.viewport().mapToGlobal(pos))

    def message_menu(self, message) -> QMenu:
        """One message's actions: reply, edit (ours), retry or discard (unsent)."""
        menu = QMenu(self)
        if message.state == "sent" and not message.redacted and not message.undecryptable:
            menu.addAction(self.tr("Reply"), lambda: self.replyRequested.emit(message.event_id))
            own = getattr(self, "own_user_id", "")
            if own and message.sender == own and not getattr(message, "attachment", None):
                menu.addAction(self.tr("Edit"), lambda: self.editRequested.emit(message.event_id))
        if message.state != "sent" and message.txn_id:
            if message.state == "failed":
                menu.addAction(self.tr("Retry"), lambda: self.retryRequested.emit(message.txn_id))
            menu.addAction(self.tr("Discard"), lambda: self.discardRequested.emit(message.txn_id))
        for extend in self.menu_extenders:  # e.g. the community's report and moderation entries
            extend(menu, message)
        return menu


def open_link_to_file(path: str) -> bool:
    """Opens a file the user saved (with the system's application for it)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return bool(path) and QDesktopServices.openUrl(QUrl.fromLocalFile(path))
