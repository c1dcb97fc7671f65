"""The column of accounts at the window's far left: each one's initials and unread badge."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.common import (
    count_text,
    paint_avatar,
    paint_corner_badge,
    paint_tile_state,
)
from cercle.desktop.delegates.rail import MENTION, UNREAD
from cercle.desktop.models.accounts import AccountListModel, AccountRole, account_initials

WIDTH = 56
TILE = 38


class AccountDelegate(QStyledItemDelegate):
    """A round avatar with the account's initials (its colour from the user id), a ring when it
    is the one shown, and a badge: "@n" for mentions, else the unread count."""

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        return QSize(WIDTH, TILE + 14)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        entry = index.data(AccountRole.Entry)
        if entry is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette: QPalette = option.palette
        r = option.rect
        tile = QRect(r.center().x() - TILE // 2 + 2, r.top() + 7, TILE, TILE)
        paint_tile_state(painter, option, tile, painter.drawEllipse, 6)
        text = account_initials(entry.user_id, index.row())
        if entry.user_id:
            paint_avatar(painter, tile, "", entry.user_id, text=text)
        else:  # not signed in yet
            fill = palette.color(QPalette.ColorRole.Button)
            ink = palette.color(QPalette.ColorRole.ButtonText)
            paint_avatar(painter, tile, "", "", text=text, fill=fill, ink=ink)
        count = count_text(entry.mentions, entry.unread)
        if count:
            colour = MENTION if entry.mentions else UNREAD
            paint_corner_badge(painter, tile, count, colour, palette, overhang=8)
        painter.restore()


class AccountBar(QWidget):
    """Arrows and Enter, or a click, choose an account; "+" adds one. `accountChosen` gives the
    row; `select(row)` follows a switch made elsewhere (shortcuts, the Accounts menu)."""

    accountChosen = Signal(int)
    addRequested = Signal()

    def __init__(self, model: AccountListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.list = QListView(self)
        self.list.setObjectName("accountBar")
        self.list.setModel(model)
        self.list.setItemDelegate(AccountDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setMouseTracking(True)
        self.list.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self.add_button = QToolButton(self)
        self.add_button.setObjectName("addAccountButton")
        self.add_button.setText("+")
        self.add_button.setAutoRaise(True)
        self.add_button.setFixedSize(TILE, TILE)
        font = self.add_button.font()
        font.setPixelSize(20)
        self.add_button.setFont(font)
        self.setFixedWidth(WIDTH + 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.add_button.clicked.connect(self.addRequested)
        self.retranslate()

    def retranslate(self) -> None:
        self.list.setAccessibleName(self.tr("Accounts"))
        self.list.setAccessibleDescription(
            self.tr("Your accounts side by side: choose one to show it (Ctrl+1 to Ctrl+9)")
        )
        self.add_button.setToolTip(self.tr("Add account…"))
        self.add_button.setAccessibleName(self.tr("Add account"))
        self.list.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount() and self.list.currentIndex().row() != row:
            self.list.setCurrentIndex(self.model.index(row))

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.accountChosen.emit(indexes[0].row())
