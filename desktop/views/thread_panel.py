"""A thread beside the timeline: its root, its replies, and a small composer that answers in it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.models.messages import MessageModel
from cercle.desktop.views.timeline import TimelineView
from cercle.protocol.changes import Message


class ThreadPanel(QWidget):
    threadWanted = Signal(str, str)  # room id, root event id: load it (show_thread answers)
    sendRequested = Signal(str, str, str)  # room id, root event id, text
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("threadPanel")
        self.setMinimumWidth(300)  # a thread reads in a column, not in a sliver
        self.room_id: str | None = None
        self.messages = MessageModel(self, thread_root="")
        self.title = QLabel(self)
        self.title.setObjectName("threadTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.close_button = QToolButton(self)
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.timeline = TimelineView(self.messages, self)
        self.timeline.delegate.show_thread_summaries = False
        self.editor = QLineEdit(self)
        self.editor.setObjectName("threadComposer")
        self.send_button = QPushButton(self)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.close_button)
        composer = QHBoxLayout()
        composer.addWidget(self.editor, 1)
        composer.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.timeline, 1)
        layout.addLayout(composer)
        self.close_button.clicked.connect(self.close_thread)
        self.editor.returnPressed.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Thread"))
        self.close_button.setAccessibleName(self.tr("Close the thread"))
        self.close_button.setToolTip(self.tr("Close the thread"))
        self.editor.setPlaceholderText(self.tr("Reply in the thread…"))
        self.editor.setAccessibleName(self.tr("Reply in the thread"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send in the thread"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @property
    def root_id(self) -> str | None:
        return self.messages.thread_root or None

    def open_thread(self, room_id: str, root_event_id: str) -> None:
        """Shows the thread of `root_event_id` (asks for it through threadWanted)."""
        self.messages.clear()
        self.room_id = room_id
        self.messages.thread_root = root_event_id
        self.show()
        self._take_room()
        self.threadWanted.emit(room_id, root_event_id)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_room(self, width: int = 340) -> None:
        """In a splitter, a panel just shown may have no width yet: take some from the widest."""
        splitter = self.parentWidget()
        if not isinstance(splitter, QSplitter):
            return
        sizes = splitter.sizes()
        mine = splitter.indexOf(self)
        if mine < 0 or sizes[mine] >= width // 2:
            return
        widest = max(range(len(sizes)), key=lambda i: sizes[i])
        give = min(width, sizes[widest] // 2)
        sizes[widest] -= give
        sizes[mine] += give
        splitter.setSizes(sizes)

    def show_thread(self, room_id: str, root_event_id: str, messages: list[Message]) -> None:
        """The thread's root and replies, loaded; ignored if another thread opened since."""
        if room_id == self.room_id and root_event_id == self.root_id:
            self.messages.show_room(room_id, messages)

    def close_thread(self) -> None:
        self.messages.clear()
        self.messages.thread_root = ""
        self.room_id = None
        self.hide()
        self.closed.emit()

    def send(self) -> None:
        text = self.editor.text().strip()
        if text and self.room_id and self.root_id:
            self.sendRequested.emit(self.room_id, self.root_id, text)
            self.editor.clear()
