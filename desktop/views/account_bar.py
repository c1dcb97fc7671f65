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
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.common import colour_for
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
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected or option.state & QStyle.StateFlag.State_MouseOver:
            ring = QColor(palette.color(QPalette.ColorRole.Highlight))
            if not selected:
                ring = QColor(palette.color(QPalette.ColorRole.Text))
                ring.setAlphaF(0.3)
            painter.setPen(QPen(ring, 3 if selected else 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(tile.adjusted(-3, -3, 3, 3))
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(QRect(r.left(), tile.top() + 6, 4, TILE - 12), 2, 2)
        if option.state & QStyle.StateFlag.State_HasFocus and not selected:
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(tile.adjusted(-4, -4, 4, 4))

        painter.setPen(Qt.PenStyle.NoPen)
        if entry.user_id:
            painter.setBrush(colour_for(entry.user_id))
        else:
            painter.setBrush(palette.color(QPalette.ColorRole.Button))
        painter.drawEllipse(tile)
        font = painter.font()
        font.setBold(True)
        font.setPixelSize(TILE * 2 // 5)
        painter.setFont(font)
        painter.setPen(
            QColor("white") if entry.user_id else palette.color(QPalette.ColorRole.ButtonText)
        )
        painter.drawText(
            tile, Qt.AlignmentFlag.AlignCenter, account_initials(entry.user_id, index.row())
        )

        if entry.mentions:
            text = f"@{entry.mentions}"
        elif entry.unread:
            text = str(entry.unread) if entry.unread < 100 else "99+"
        else:
            text = ""
        if text:
            font.setPixelSize(10)
            painter.setFont(font)
            width = max(16, painter.fontMetrics().horizontalAdvance(text) + 8)
            badge = QRect(tile.right() - width + 8, tile.top() - 4, width, 16)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Window), 2))
            painter.setBrush(MENTION if entry.mentions else UNREAD)
            painter.drawRoundedRect(badge, 8, 8)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
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
