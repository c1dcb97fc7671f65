"""The emoji picker: search by name, recent ones and categories, all from the keyboard too."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLocale, QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop import emojis
from cercle.desktop.models.completion import CompletionRole, EmojiGridModel

CELL = 40
COLUMNS = 9
# Each tab's face: the first is the recent emoji, then the categories of emojis.CATEGORIES.
TAB_ICONS = {
    "recent": "🕘",
    "smileys": "😀",
    "people": "👋",
    "nature": "🌿",
    "food": "🍕",
    "activities": "⚽",
    "travel": "🚗",
    "objects": "💡",
    "symbols": "❤️",
    "flags": "🏳️",
}


def ui_language() -> str:
    return QLocale().name().split("_")[0] or "en"


class EmojiPicker(QDialog):
    emojiChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, popup: bool = True) -> None:
        super().__init__(parent)
        if popup:  # a frameless window that closes when it loses the focus (a Qt.Popup
            # would grab the keyboard and mouse, which some platforms refuse)
            self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self._popup = popup
        self._was_active = False
        self.language = ui_language()
        self.search = QLineEdit(self)
        self.search.setObjectName("emojiSearch")
        self.search.setClearButtonEnabled(True)
        self.tabs = QButtonGroup(self)
        self.tabs.setExclusive(True)
        tab_row = QHBoxLayout()
        tab_row.setSpacing(2)
        tab_font = QFont(self.font())
        tab_font.setPixelSize(18)
        for n, key in enumerate(TAB_ICONS):
            button = QToolButton(self)
            button.setText(TAB_ICONS[key])
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setFont(tab_font)
            button.setProperty("category", key)
            self.tabs.addButton(button, n)
            tab_row.addWidget(button)
        tab_row.addStretch(1)
        self.model = EmojiGridModel(self)
        self.grid = QListView(self)
        self.grid.setObjectName("emojiGrid")
        self.grid.setModel(self.model)
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setFlow(QListView.Flow.LeftToRight)
        self.grid.setWrapping(True)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setGridSize(QSize(CELL, CELL))
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        font = QFont(self.grid.font())
        font.setPixelSize(22)
        self.grid.setFont(font)
        self.grid.setMinimumSize(CELL * COLUMNS + 24, CELL * 6 + 4)
        self.name = QLabel(self)
        self.name.setObjectName("emojiName")
        # A frameless window needs its own edge, or it melts into the timeline under it.
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.search)
        layout.addLayout(tab_row)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.name)

        self.search.textChanged.connect(self._refresh)
        self.search.installEventFilter(self)
        self.grid.installEventFilter(self)
        self.tabs.idClicked.connect(lambda _id: self._refresh())
        self.grid.activated.connect(self._activated)
        self.grid.clicked.connect(self._activated)
        self.grid.selectionModel().currentChanged.connect(self._current_changed)
        self.tabs.button(0).setChecked(True)
        self.retranslate()
        self._refresh()
        self.search.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Emoji"))
        self.setAccessibleName(self.tr("Emoji picker"))
        self.search.setPlaceholderText(self.tr("Search emoji…"))
        self.search.setAccessibleName(self.tr("Search emoji"))
        self.grid.setAccessibleName(self.tr("Emoji"))
        names = {
            "recent": self.tr("Recently used"),
            "smileys": self.tr("Smileys and emotions"),
            "people": self.tr("People and body"),
            "nature": self.tr("Animals and nature"),
            "food": self.tr("Food and drink"),
            "activities": self.tr("Activities"),
            "travel": self.tr("Travel and places"),
            "objects": self.tr("Objects"),
            "symbols": self.tr("Symbols"),
            "flags": self.tr("Flags"),
        }
        for button in self.tabs.buttons():
            label = names[button.property("category")]
            button.setToolTip(label)
            button.setAccessibleName(label)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            if self._popup and self._was_active:
                self.reject()  # clicked elsewhere: closes like a menu
            self._was_active = False
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self._was_active = True
        super().changeEvent(event)

    def category(self) -> str:
        button = self.tabs.checkedButton()
        return str(button.property("category")) if button else "recent"

    def show_category(self, key: str) -> None:
        for button in self.tabs.buttons():
            if button.property("category") == key:
                button.setChecked(True)
        self.search.clear()
        self._refresh()

    def _refresh(self) -> None:
        query = self.search.text().strip()
        if query:
            found = emojis.search(query, self.language, limit=None)
        elif self.category() == "recent":
            found = [e for c in emojis.RECENT.chars if (e := emojis.lookup(c, self.language))]
        else:
            category = self.category()
            found = [e for e in emojis.catalog(self.language) if e.category == category]
        self.model.set_emoji(found)
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0, 0))
        else:
            self.name.setText(self.tr("No emoji found"))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        emoji = current.data(CompletionRole.Item)
        if emoji is not None:
            self.name.setText(f"{emoji.char}  {emoji.name}  :{emoji.shortcode}:")

    def _activated(self, index: QModelIndex) -> None:
        emoji = index.data(CompletionRole.Item)
        if emoji is None:
            return
        emojis.RECENT.use(emoji.char)
        self.emojiChosen.emit(emoji.char)
        self.accept()

    def choose_current(self) -> None:
        index = self.grid.currentIndex()
        if index.isValid():
            self._activated(index)

    def _in_top_row(self) -> bool:
        current = self.grid.visualRect(self.grid.currentIndex())
        return current.top() <= self.grid.visualRect(self.model.index(0, 0)).top()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.choose_current()
                    return True
                if key == Qt.Key.Key_Down:
                    self.grid.setFocus()
                    return True
            elif watched is self.grid and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose_current()
                return True
            elif watched is self.grid and key == Qt.Key.Key_Up and self._in_top_row():
                self.search.setFocus()  # Up from the top row: back to the search
                return True
        return super().eventFilter(watched, event)
