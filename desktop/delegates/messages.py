"""Paints a message: avatar and sender on the first of a group, then the wrapped text."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from cercle.desktop.delegates.common import colour_for, paint_avatar, short_time
from cercle.desktop.models.messages import MessageRole
from cercle.desktop.theme import error_colour, readable

AVATAR = 36
PAD = 12
TEXT_LEFT = PAD + AVATAR + PAD
HEADER = 20
STATE_LINE = 18
WRAP = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop

Index = QModelIndex | QPersistentModelIndex


class MessageDelegate(QStyledItemDelegate):
    def _text_width(self, option: QStyleOptionViewItem) -> int:
        width = option.rect.width()
        if width <= 0 and option.widget is not None:
            width = option.widget.width()
        return max(100, width - TEXT_LEFT - PAD)

    def _body_height(self, option: QStyleOptionViewItem, body: str) -> int:
        metrics = QFontMetrics(option.font)
        return metrics.boundingRect(
            QRect(0, 0, self._text_width(option), 10_000), WRAP, body
        ).height()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        message = index.data(MessageRole.Message)
        if message is None:
            return QSize(0, 0)
        grouped = bool(index.data(MessageRole.GroupedWithPrevious))
        height = self._body_height(option, message.body) + (4 if grouped else HEADER + 12)
        if message.state != "sent":
            height += STATE_LINE
        return QSize(option.rect.width(), max(height, 0 if grouped else AVATAR + 12))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        message = index.data(MessageRole.Message)
        if message is None:
            return
        painter.save()
        grouped = bool(index.data(MessageRole.GroupedWithPrevious))
        r = option.rect
        palette: QPalette = option.palette
        text = palette.color(QPalette.ColorRole.Text)
        dim = QColor(text)
        dim.setAlphaF(0.6)
        top = r.top() + 2
        if not grouped:
            top = r.top() + 8
            paint_avatar(
                painter,
                QRect(r.left() + PAD, top, AVATAR, AVATAR),
                message.sender_name,
                message.sender,
            )
            bold = QFont(option.font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(
                readable(colour_for(message.sender), palette.color(QPalette.ColorRole.Base))
            )
            name_width = painter.fontMetrics().horizontalAdvance(message.sender_name)
            painter.drawText(
                QRect(r.left() + TEXT_LEFT, top, name_width, HEADER),
                Qt.AlignmentFlag.AlignVCenter,
                message.sender_name,
            )
            small = QFont(option.font)
            small.setPointSizeF(option.font.pointSizeF() * 0.85)
            painter.setFont(small)
            painter.setPen(dim)
            painter.drawText(
                QRect(r.left() + TEXT_LEFT + name_width + 8, top, 200, HEADER),
                Qt.AlignmentFlag.AlignVCenter,
                short_time(message.timestamp_ms),
            )
            top += HEADER + 2
        painter.setFont(option.font)
        if message.undecryptable:
            italic = QFont(option.font)
            italic.setItalic(True)
            painter.setFont(italic)
            painter.setPen(dim)
        else:
            painter.setPen(text)
        body_height = self._body_height(option, message.body)
        body_rect = QRect(r.left() + TEXT_LEFT, top, self._text_width(option), body_height)
        painter.drawText(body_rect, WRAP, message.body)
        if message.state != "sent":
            small = QFont(option.font)
            small.setPointSizeF(option.font.pointSizeF() * 0.85)
            small.setItalic(True)
            painter.setFont(small)
            painter.setPen(error_colour(palette) if message.state == "failed" else dim)
            line = QRect(
                r.left() + TEXT_LEFT, top + body_height, self._text_width(option), STATE_LINE
            )
            painter.drawText(
                line,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._state_text(message),
            )
        painter.restore()

    def _state_text(self, message) -> str:
        if message.state == "failed":
            return self.tr("Not sent: {reason}. Right-click to retry or discard.").format(
                reason=message.failure or self.tr("unknown error")
            )
        return self.tr("Sending…")
