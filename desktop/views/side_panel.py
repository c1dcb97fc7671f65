"""The room's side panel: tabs for its members, threads, files and pinned messages."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QStackedLayout,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.panels import PanelDelegate
from cercle.desktop.models.keyed import KeyedListModel, SummaryRole
from cercle.desktop.models.panels import (
    FileListModel,
    MemberListModel,
    PinnedListModel,
    ThreadListModel,
)

KINDS = ("members", "threads", "files", "pinned")


class TallTabBar(QTabBar):
    """Fusion clips the accent of a capital (“Épinglés”) on tabs not selected: a little height
    keeps it whole."""

    def tabSizeHint(self, index: int) -> QSize:
        size = super().tabSizeHint(index)
        return QSize(size.width(), size.height() + 6)


class PanelList(QWidget):
    """One tab: a list, or a sentence when it is empty."""

    def __init__(self, model: KeyedListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.list = QListView(self)
        self.list.setModel(model)
        self.list.setItemDelegate(PanelDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setMargin(12)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        for signal in (model.rowsInserted, model.rowsRemoved):
            signal.connect(self._show)
        self._show()

    def _show(self, *_args) -> None:
        self.stack.setCurrentWidget(self.list if self.model.rowCount() else self.empty)


class SidePanel(QWidget):
    """Asks for its rows with `refreshRequested(kind, room id)` (the session reads them off the
    UI thread) and gets them back through `show_rows`; only the visible tab is read."""

    refreshRequested = Signal(str, str)  # kind (members|threads|files|pinned), room id
    threadRequested = Signal(str, str)  # room id, thread root event id
    jumpRequested = Signal(str)  # event id of a file or pinned message in the open room

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self.room_id = ""
        self.members = MemberListModel(self)
        self.threads = ThreadListModel(self)
        self.files = FileListModel(self)
        self.pinned = PinnedListModel(self)
        self.models: dict[str, KeyedListModel] = dict(
            zip(KINDS, (self.members, self.threads, self.files, self.pinned), strict=True)
        )
        self.pages = {kind: PanelList(model, self) for kind, model in self.models.items()}
        self.tabs = QTabWidget(self)
        self.tabs.setTabBar(TallTabBar(self.tabs))
        self.tabs.tabBar().setUsesScrollButtons(False)  # all four in sight: the panel widens
        self.tabs.setObjectName("sidePanelTabs")
        self.tabs.setDocumentMode(True)
        for page in self.pages.values():
            self.tabs.addTab(page, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._stale: set[str] = set(KINDS)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)  # a burst of syncs makes one read
        self._timer.timeout.connect(self._refresh)
        self.tabs.currentChanged.connect(lambda _i: self._refresh())
        self.pages["threads"].list.activated.connect(self._thread_activated)
        self.pages["threads"].list.clicked.connect(self._thread_activated)
        for kind in ("files", "pinned"):
            self.pages[kind].list.activated.connect(self._jump)
            self.pages[kind].list.clicked.connect(self._jump)
        self.retranslate()

    # -- what it shows -----------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return KINDS[self.tabs.currentIndex()]

    def show_tab(self, kind: str) -> None:
        self.tabs.setCurrentIndex(KINDS.index(kind))

    def set_room(self, room_id: str) -> None:
        """Another room opened: its lists replace the previous room's (read when visible)."""
        if room_id == self.room_id:
            return
        self.room_id = room_id
        for model in self.models.values():
            model.set_rows([])
        self._stale = set(KINDS)
        self._refresh()

    def room_changed(self, kinds: tuple[str, ...] = KINDS) -> None:
        """Something in the open room changed (new messages, members, pins): read again soon."""
        self._stale.update(kinds)
        if self.isVisible():
            self._timer.start()

    def mark_stale(self, kind: str) -> None:
        """A read that could not happen yet (not signed in): done again on the next change."""
        self._stale.add(kind)

    def show_rows(self, kind: str, room_id: str, rows: list) -> None:
        if room_id == self.room_id and kind in self.models:
            self.models[kind].set_rows(rows)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._refresh()

    def _refresh(self) -> None:
        kind = self.kind
        if self.room_id and self.isVisible() and kind in self._stale:
            self._stale.discard(kind)
            self.refreshRequested.emit(kind, self.room_id)

    # -- where a row leads -------------------------------------------------------------------

    def _thread_activated(self, index: QModelIndex) -> None:
        row = index.data(SummaryRole)
        if row is not None:
            self.threadRequested.emit(self.room_id, row.root.event_id)

    def _jump(self, index: QModelIndex) -> None:
        row = index.data(SummaryRole)
        if row is not None:
            self.jumpRequested.emit(row.event_id)

    # -- words -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Room details"))
        titles = {
            "members": self.tr("Members"),
            "threads": self.tr("Threads"),
            "files": self.tr("Files"),
            "pinned": self.tr("Pinned"),
        }
        empty = {
            "members": self.tr("Nobody has joined this room yet."),
            "threads": self.tr("No threads yet: reply in a thread to start one."),
            "files": self.tr("No files have been shared in this room."),
            "pinned": self.tr("No pinned messages in this room."),
        }
        for i, kind in enumerate(KINDS):
            self.tabs.setTabText(i, titles[kind])
            page = self.pages[kind]
            page.list.setAccessibleName(titles[kind])
            page.empty.setText(empty[kind])
        self.tabs.setAccessibleName(self.tr("Room details"))
        self.setMinimumWidth(self.tabs.tabBar().sizeHint().width() + 8)  # per language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
