"""Paints a room list row: avatar, name, badges, time, and the latest message."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from cercle.desktop.delegates.common import (
    paint_avatar,
    paint_badge,
    short_time,
    undecryptable_text,
)
from cercle.desktop.models.rooms import RoomRole

ROW_HEIGHT = 60
AVATAR = 36
PAD = 10
# Badge fills under white text (≥ 5:1), on light and dark rows alike.
EXTERNAL = QColor("#c2410c")
INVITED = QColor("#1864ab")


class RoomDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        # No width of its own: the row takes the viewport's, never wider (no sideways scrolling
        # after the list narrows); the text elides to fit.
        return QSize(0, ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        room = index.data(RoomRole.Summary)
        if room is None:
            return
        painter.save()
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dim = QColor(text_colour)
        dim.setAlphaF(0.65)

        r = option.rect
        avatar = QRect(r.left() + PAD, r.top() + (ROW_HEIGHT - AVATAR) // 2, AVATAR, AVATAR)
        paint_avatar(painter, avatar, room.name, room.room_id)
        left = avatar.right() + PAD
        right = r.right() - PAD

        time_text = short_time(room.last_activity_ms)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.85)
        painter.setFont(small)
        painter.setPen(dim)
        time_width = painter.fontMetrics().horizontalAdvance(time_text)
        painter.drawText(
            QRect(right - time_width, r.top() + 10, time_width, 18),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            time_text,
        )
        badge_right = right - time_width - 6
        if room.invited:
            badge_right = (
                paint_badge(painter, badge_right, r.top() + 11, self.tr("Invitation"), INVITED) - 4
            )
        if room.external_servers:
            badge_right = (
                paint_badge(painter, badge_right, r.top() + 11, self.tr("External"), EXTERNAL) - 4
            )

        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        name_rect = QRect(left, r.top() + 10, badge_right - left - 4, 18)
        name = painter.fontMetrics().elidedText(
            room.name, Qt.TextElideMode.ElideRight, name_rect.width()
        )
        painter.drawText(
            name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name
        )

        painter.setFont(small)
        painter.setPen(dim)
        line = self._second_line(room, index.data(RoomRole.Communities) or [])
        line_rect = QRect(left, r.top() + 32, right - left, 18)
        painter.drawText(
            line_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, line_rect.width()),
        )
        painter.restore()

    def _second_line(self, room, communities: list[str]) -> str:
        if room.invited:
            return self.tr("You are invited to join")
        if room.last_message is not None:
            first_name = room.last_message.sender_name.split(" ")[0]
            last = room.last_message
            text = undecryptable_text(last.cause) if last.undecryptable else last.body
            line = self.tr("{name}: {text}").format(name=first_name, text=text)
            return line.replace("\n", " ")
        return " · ".join(communities) or room.topic
