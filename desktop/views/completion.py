"""The suggestion list floating above the composer: people to mention, emoji to insert."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from cercle.desktop.delegates.common import paint_avatar, paint_badge
from cercle.desktop.models.completion import CompletionRole, Suggestion, SuggestionModel

ROW_HEIGHT = 40
VISIBLE_ROWS = 6
EXTERNAL_COLOUR = QColor("#d9480f")  # the room list's external badge colour


class SuggestionDelegate(QStyledItemDelegate):
    """A person: avatar, name, user id and an "external" badge; an emoji: it, its name and
    shortcode."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex):
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        item: Suggestion | None = index.data(CompletionRole.Item)
        if item is None:
            return
        painter.save()
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        grey = QColor(text)
        grey.setAlpha(150)
        rect = option.rect.adjusted(8, 4, -8, -4)
        icon = QRect(rect.left(), rect.top(), rect.height(), rect.height())
        if item.kind == "user":
            paint_avatar(painter, icon, item.label, item.key)
        else:
            font = QFont(painter.font())
            font.setPixelSize(rect.height() - 6)
            painter.setFont(font)
            painter.setPen(text)
            painter.drawText(icon, Qt.AlignmentFlag.AlignCenter, item.key)
        left = icon.right() + 10
        right = rect.right()
        if item.external:
            badge = self.tr("external · {server}").format(server=item.server)
            right = paint_badge(painter, right, rect.top() + 8, badge, EXTERNAL_COLOUR) - 8
        name_font = QFont(option.font)
        name_font.setBold(True)
        painter.setFont(name_font)
        painter.setPen(text)
        metrics = painter.fontMetrics()
        name = metrics.elidedText(item.label, Qt.TextElideMode.ElideRight, right - left)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        half = rect.height() // 2
        painter.drawText(QRect(left, rect.top(), right - left, half + 2), align, name)
        painter.setFont(option.font)
        painter.setPen(grey)
        detail = painter.fontMetrics().elidedText(
            item.detail, Qt.TextElideMode.ElideMiddle, right - left
        )
        painter.drawText(QRect(left, rect.top() + half, right - left, half), align, detail)
        painter.restore()


class SuggestionPopup(QListView):
    """A list laid over the window (a child, not a popup window: the editor keeps the focus
    and the keyboard; it forwards Up, Down, Enter, Tab and Escape here)."""

    chosen = Signal(object)  # the Suggestion

    def __init__(self, model: SuggestionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestions")
        self.setModel(model)
        self.setItemDelegate(SuggestionDelegate(self))
        self.setUniformItemSizes(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAutoFillBackground(True)
        self.clicked.connect(lambda index: self._choose(index.row()))
        model.rowsInserted.connect(lambda *_: self.setCurrentIndex(model.index(0, 0)))
        self.hide()

    def suggestions(self) -> SuggestionModel:
        model = self.model()
        assert isinstance(model, SuggestionModel)
        return model

    def show_above(self, anchor: QWidget, rect: QRect, width: int) -> None:
        """Shows the list above `rect` (in `anchor`'s coordinates), inside the window."""
        window = self.parentWidget()
        rows = min(self.suggestions().rowCount(), VISIBLE_ROWS)
        if rows == 0 or window is None:
            self.hide()
            return
        height = rows * ROW_HEIGHT + 2 * self.frameWidth()
        top_left = anchor.mapTo(window, rect.topLeft())
        x = max(4, min(top_left.x(), window.width() - width - 4))
        y = max(4, top_left.y() - height - 4)
        self.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
        if not self.currentIndex().isValid():
            self.setCurrentIndex(self.suggestions().index(0, 0))
        self.show()
        self.raise_()

    def move_selection(self, delta: int) -> None:
        count = self.suggestions().rowCount()
        if count:
            row = (max(self.currentIndex().row(), 0) + delta) % count
            self.setCurrentIndex(self.suggestions().index(row, 0))

    def accept_current(self) -> bool:
        return self._choose(max(self.currentIndex().row(), 0))

    def _choose(self, row: int) -> bool:
        item = self.suggestions().item(row)
        if item is None:
            return False
        self.chosen.emit(item)
        return True
