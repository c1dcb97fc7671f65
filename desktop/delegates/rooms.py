"""Paints a room list row: avatar, name, badges, time, and the latest message."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QToolTip

from cercle.desktop.delegates.common import (
    paint_avatar,
    paint_badge,
    paint_row_background,
    short_time,
    undecryptable_text,
)
from cercle.desktop.models.rooms import RoomRole, Section

ROW_HEIGHT = 60
AVATAR = 36
PAD = 10
# Badge fills under white text (≥ 5:1), on light and dark rows alike.
EXTERNAL = QColor("#c2410c")
MENTIONED = QColor("#c92a2a")
UNREAD = QColor("#5c636e")
HEADER = 26  # a section's title above its first row


def section_header(index) -> Section | None:
    """The section whose title shows above this row: on its first row, when the list shows
    more than one section (one alone needs no title)."""
    model, row = index.model(), index.row()
    if model is None:
        return None
    section = index.data(RoomRole.Section)
    first = model.index(0, 0).data(RoomRole.Section)
    last = model.index(model.rowCount() - 1, 0).data(RoomRole.Section)
    if section is None or first == last:
        return None
    if row > 0 and model.index(row - 1, 0).data(RoomRole.Section) == section:
        return None
    return Section(section)


def paint_quiet(painter: QPainter, mode: str, right: int, top: int, colour: QColor) -> int:
    """A small bell, struck through for "mute", followed by an @ for "mentions", ending at
    `right` on the name's line; returns its left edge."""
    at_width = 0
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if mode != "mute":  # mentions only: the @ after the bell
        font = QFont(painter.font())
        font.setPixelSize(11)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(colour)
        at_width = painter.fontMetrics().horizontalAdvance("@") + 1
        painter.drawText(
            QRect(right - at_width, top, at_width, 18), Qt.AlignmentFlag.AlignCenter, "@"
        )
    left = right - at_width - 13
    painter.setPen(QPen(colour, 1.3))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    cx, y = left + 6.5, top + 3.0
    bell = QPainterPath(QPointF(cx - 5.5, y + 10))
    bell.lineTo(cx - 4, y + 8.5)
    bell.lineTo(cx - 4, y + 5)
    bell.arcTo(QRectF(cx - 4, y + 1, 8, 8), 180, -180)
    bell.lineTo(cx + 4, y + 8.5)
    bell.lineTo(cx + 5.5, y + 10)
    bell.closeSubpath()
    painter.drawPath(bell)
    painter.drawLine(QPointF(cx - 1.2, y + 11.5), QPointF(cx + 1.2, y + 11.5))  # the clapper
    if mode == "mute":
        painter.drawLine(QPointF(left, y + 12.5), QPointF(left + 13, y))
    painter.restore()
    return left


class RoomDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # room id → "mute" or "mentions" (push rules; attention.py keeps it): drawn as a bell
        self.quiet: dict[str, str] = {}

    def quiet_text(self, mode: str) -> str:
        return self.tr("Muted") if mode == "mute" else self.tr("Mentions only")

    def helpEvent(self, event, view, option, index) -> bool:
        room = index.data(RoomRole.Summary) if index.isValid() else None
        mode = self.quiet.get(room.room_id) if room is not None else None
        if event.type() == QEvent.Type.ToolTip and mode is not None:
            QToolTip.showText(event.globalPos(), self.quiet_text(mode), view)
            return True
        return super().helpEvent(event, view, option, index)

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        # No width of its own: the row takes the viewport's, never wider (no sideways scrolling
        # after the list narrows); the text elides to fit.
        return QSize(0, ROW_HEIGHT + (HEADER if section_header(index) is not None else 0))

    def section_title(self, section: Section) -> str:
        return {
            Section.INVITATIONS: self.tr("Invitations"),
            Section.DIRECT: self.tr("Direct messages"),
            Section.ROOMS: self.tr("Rooms"),
        }[section]

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
        header = section_header(index)
        if header is not None:
            band = QRect(option.rect)
            band.setHeight(HEADER)
            title = QFont(option.font)
            title.setBold(True)
            title.setPointSizeF(option.font.pointSizeF() * 0.85)
            painter.setFont(title)
            colour = QColor(option.palette.color(QPalette.ColorRole.Text))
            colour.setAlphaF(0.7)
            painter.setPen(colour)
            painter.drawText(
                band.adjusted(PAD, 4, -PAD, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.section_title(header).upper(),
            )
            option.rect = option.rect.adjusted(0, HEADER, 0, 0)
        text_colour, dim = paint_row_background(painter, option, 0.65)

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
        badge_right = right - time_width - 6  # an invitation says so in its section and line
        mode = self.quiet.get(room.room_id)
        if mode is not None:
            badge_right = paint_quiet(painter, mode, badge_right, r.top() + 10, dim) - 4
        if room.external_servers:
            badge_right = (
                paint_badge(painter, badge_right, r.top() + 11, self.tr("External"), EXTERNAL) - 4
            )

        unread = room.unread_count > 0 or room.highlight_count > 0
        bold = QFont(option.font)
        bold.setBold(True)
        if unread:
            bold.setWeight(QFont.Weight.ExtraBold)
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
        line_right = right
        if room.highlight_count:
            line_right = paint_badge(
                painter, line_right, r.top() + 33, f"@ {room.highlight_count}", MENTIONED
            )
        elif room.unread_count:
            line_right = paint_badge(
                painter, line_right, r.top() + 33, str(room.unread_count), UNREAD
            )
        if unread:
            painter.setPen(text_colour)
        line_rect = QRect(left, r.top() + 32, line_right - left - 6, 18)
        painter.drawText(
            line_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, line_rect.width()),
        )
        painter.restore()

    def _second_line(self, room, communities: list[str]) -> str:
        if room.invited and room.is_space:
            return self.tr("Invitation to a community")
        if room.invited:
            return self.tr("You are invited to join")
        if room.last_message is not None:
            first_name = room.last_message.sender_name.split(" ")[0]
            last = room.last_message
            text = undecryptable_text(last.cause) if last.undecryptable else last.body
            line = self.tr("{name}: {text}").format(name=first_name, text=text)
            return line.replace("\n", " ")
        return " · ".join(communities) or room.topic
