"""The signed-in screen: the community rail, its rooms, the open room, and the room's side panel."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.rooms import RoomDelegate
from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel, RoomListProxy, RoomRole
from cercle.desktop.models.spaces import SpaceListModel
from cercle.desktop.views.composer import Composer
from cercle.desktop.views.invitation_bar import InvitationBar
from cercle.desktop.views.rail import Rail
from cercle.desktop.views.room_header import RoomHeader
from cercle.desktop.views.side_panel import SidePanel
from cercle.desktop.views.thread_panel import ThreadPanel
from cercle.desktop.views.timeline import TimelineView

ROOM_LIST_MIN_WIDTH = 260
TIMELINE_MIN_WIDTH = 380
PANEL_MIN_WIDTH = 240


class HomeView(QWidget):
    roomSelected = Signal(str)
    sendRequested = Signal(str, str)  # room id, text
    retryRequested = Signal(str)  # txn id of a failed message
    discardRequested = Signal(str)  # txn id of an unsent message
    reactionToggled = Signal(str, str, str)  # room id, event id, reaction key
    communitySelected = Signal(str)  # space id; "" for Home (every room)
    threadRequested = Signal(str, str)  # room id, thread root event id (from the side panel)
    jumpRequested = Signal(str)  # event id the side panel asked for (a file, a pinned message)

    def __init__(self, rooms: RoomListModel, messages: MessageModel, parent=None) -> None:
        super().__init__(parent)
        self.rooms = rooms
        self.messages = messages
        self.proxy = RoomListProxy(self)  # the selected community's rooms
        self.proxy.setSourceModel(rooms)
        self.all_rooms = RoomListProxy(self)  # every room, whatever the community (Ctrl+K)
        self.all_rooms.setSourceModel(rooms)
        self.spaces = SpaceListModel(rooms, self)
        self.rail = Rail(self.spaces, self)

        self.user_id = ""
        self.account_label = QLabel(self)
        self.account_label.setObjectName("accountLabel")
        self.account_label.setWordWrap(True)  # a long user id wraps, never widens the column
        self.room_list = QListView(self)
        self.room_list.setObjectName("roomList")
        self.room_list.setModel(self.proxy)
        self.room_list.setItemDelegate(RoomDelegate(self.room_list))
        self.room_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.community_title = QLabel(self)
        self.community_title.setObjectName("communityTitle")
        title_font = QFont(self.community_title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.community_title.setFont(title_font)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.community_title)
        left_layout.addWidget(self.account_label)
        left_layout.addWidget(self.room_list)

        self.header = RoomHeader(self)
        self.timeline = TimelineView(messages, self)
        self.composer = Composer(self)
        self.details_button = QToolButton(self)
        self.details_button.setObjectName("detailsButton")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        header_row = QHBoxLayout()
        header_row.setContentsMargins(0, 0, 0, 0)
        header_row.addWidget(self.header, 1)
        header_row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        right = QWidget(self)
        self._right_layout = right_layout = QVBoxLayout(right)
        right_layout.addLayout(header_row)
        right_layout.addWidget(self.timeline, 1)
        self.invitation_bar = InvitationBar(self)
        right_layout.addWidget(self.invitation_bar)
        right_layout.addWidget(self.composer)

        self.side_panel = SidePanel(self)
        self.side_panel.hide()
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.addWidget(self.side_panel)
        self.thread_panel = ThreadPanel(self)  # a thread's root, replies and composer
        self.thread_panel.hide()
        splitter.addWidget(self.thread_panel)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        # A panel opening takes its room from the timeline: the room list keeps a width where
        # names and badges still read (it was squeezed to ~210 px on an 1,100 px window).
        left.setMinimumWidth(ROOM_LIST_MIN_WIDTH)
        right.setMinimumWidth(TIMELINE_MIN_WIDTH)  # and the timeline keeps its messages legible
        for panel in (self.side_panel, self.thread_panel):
            panel.setMinimumWidth(PANEL_MIN_WIDTH)
        splitter.setCollapsible(0, False)
        splitter.setSizes([300, 640, 300, 340])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.rail)
        layout.addWidget(splitter, 1)
        self.setTabOrder(self.rail.list, self.room_list)

        self.details_shortcut = QShortcut(QKeySequence("Ctrl+I"), self)
        self.details_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.details_shortcut.activated.connect(self.details_button.toggle)
        self.details_button.toggled.connect(self.show_details)
        self.rail.communitySelected.connect(self.show_community)
        self.proxy.communityChanged.connect(self._community_shown)
        self.side_panel.threadRequested.connect(self.threadRequested)
        self.side_panel.jumpRequested.connect(self._jump)

        self.room_list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.composer.sendRequested.connect(self._send)
        self.timeline.retryRequested.connect(self.retryRequested)
        self.timeline.discardRequested.connect(self.discardRequested)
        self.timeline.reactionToggled.connect(self.reactionToggled)
        self.timeline.threadRequested.connect(self.thread_panel.open_thread)
        self.threadRequested.connect(self.thread_panel.open_thread)
        rooms.dataChanged.connect(self._refresh_header)
        rooms.dataChanged.connect(self._room_row_changed)
        rooms.dataChanged.connect(self._show_community_title)
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
        self.details_button.setText(self.tr("Details"))
        self.details_button.setToolTip(
            self.tr("Members, threads, files and pinned messages (Ctrl+I)")
        )
        self.details_button.setAccessibleName(self.tr("Room details"))
        self._show_community_title()
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

    # -- communities -------------------------------------------------------------------------

    def show_community(self, space_id: str) -> None:
        """Lists only `space_id`'s rooms ("" every room), as choosing it on the rail does."""
        self.proxy.set_community(space_id)

    def _community_shown(self, space_id: str) -> None:
        self.rail.select(space_id)  # when the filter was set directly
        self._show_community_title()
        if not self.room_list.currentIndex().isValid() and self.proxy.rowCount() > 0:
            self.room_list.setCurrentIndex(self.proxy.index(0, 0))
        self.communitySelected.emit(space_id)

    def _show_community_title(self, *_args) -> None:
        summary = self.rooms.summary(self.proxy.community) if self.proxy.community else None
        self.community_title.setText(summary.name if summary else self.tr("All rooms"))

    # -- the side panel ------------------------------------------------------------------------

    def show_details(self, shown: bool) -> None:
        """Shows or hides the open room's side panel (the Details button, Ctrl+I)."""
        if self.details_button.isChecked() != shown:
            self.details_button.setChecked(shown)  # comes back here through toggled
            return
        self.side_panel.setVisible(shown)
        if shown:
            self.side_panel.tabs.currentWidget().setFocus()

    def _jump(self, event_id: str) -> None:
        self.jump_to(event_id)
        self.jumpRequested.emit(event_id)

    def _room_row_changed(self, top_left, bottom_right, *_args) -> None:
        room_id = self.side_panel.room_id
        for row in range(top_left.row(), bottom_right.row() + 1):
            room = self.rooms.index(row, 0).data(RoomRole.Summary)
            if room is not None and room.room_id == room_id:
                self.side_panel.room_changed()

    def set_account(self, user_id: str) -> None:
        """The account is ready. A room chosen before (the cached list paints first, and picks
        a room before the account resumes) opens now: its messages, its community."""
        self.user_id = user_id
        self.account_label.setText(self.tr("Signed in as {user}").format(user=user_id))
        room = self.room_list.currentIndex().data(RoomRole.Summary)
        if room is not None:
            self.side_panel.set_room(room.room_id)
            self.roomSelected.emit(room.room_id)

    def select_room(self, room_id: str) -> None:
        """Opens `room_id` as if clicked in the list (the Ctrl+K switcher uses it); a room
        outside the selected community brings every room back (Home) first."""
        if self.proxy.community and not any(
            self.proxy.index(row, 0).data(RoomRole.Summary).room_id == room_id
            for row in range(self.proxy.rowCount())
        ):
            self.show_community("")
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
        self.invitation_bar.show_room(room)
        self.side_panel.set_room(room.room_id)
        self.roomSelected.emit(room.room_id)

    def _refresh_header(self, *_args) -> None:
        room = self.rooms.summary(self.messages.room_id) if self.messages.room_id else None
        if room is not None:
            self.header.show_room(room)
            if self.invitation_bar.room is not None and not room.invited:  # joined
                self.composer.set_enabled(True)
            self.invitation_bar.show_room(room)

    def _send(self, text: str) -> None:
        if self.messages.room_id:
            self.sendRequested.emit(self.messages.room_id, text)
