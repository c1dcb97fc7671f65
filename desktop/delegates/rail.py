"""Paints a rail entry: the community's initials (a house for Home) and its unread badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from cercle.desktop.delegates.common import colour_for, initials
from cercle.desktop.delegates.rooms import EXTERNAL
from cercle.desktop.models.spaces import SpaceRole

WIDTH = 64
TOP = 44  # a community's tile
SUB = 32  # a subspace's, smaller and set in
MENTION = QColor("#c92a2a")
UNREAD = QColor("#5c636e")


class RailDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        depth = index.data(SpaceRole.Depth) or 0
        return QSize(WIDTH, (SUB if depth else TOP) + 12)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        node = index.data(SpaceRole.Node)
        if node is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        size = SUB if node.depth else TOP
        r = option.rect
        tile = QRect(r.center().x() - size // 2 + 1, r.top() + 6, size, size)
        if node.depth:
            tile.translate(6, 0)
            guide = QColor(palette.color(QPalette.ColorRole.Text))
            guide.setAlphaF(0.35)
            painter.setPen(QPen(guide, 2))
            x = tile.left() - 8
            painter.drawLine(QPointF(x, r.top()), QPointF(x, tile.center().y()))
            painter.drawLine(
                QPointF(x, tile.center().y()), QPointF(tile.left() - 3, tile.center().y())
            )

        # The selected community: a bar on the left edge and a ring, like a tab.
        if selected:
            highlight = palette.color(QPalette.ColorRole.Highlight)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(highlight)
            painter.drawRoundedRect(QRect(r.left(), tile.top() + 4, 4, size - 8), 2, 2)
            painter.setPen(QPen(highlight, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(tile.adjusted(-3, -3, 3, 3), 14, 14)
        elif hovered:
            ring = QColor(palette.color(QPalette.ColorRole.Text))
            ring.setAlphaF(0.3)
            painter.setPen(QPen(ring, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(tile.adjusted(-3, -3, 3, 3), 14, 14)
        if focused and not selected:
            painter.setPen(
                QPen(palette.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DotLine)
            )
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(tile.adjusted(-4, -4, 4, 4), 14, 14)

        painter.setPen(Qt.PenStyle.NoPen)
        if node.space_id:
            painter.setBrush(colour_for(node.space_id))
            painter.drawRoundedRect(tile, 12 if size == TOP else 9, 12 if size == TOP else 9)
            font = painter.font()
            font.setBold(True)
            font.setPixelSize(max(9, size * 2 // 5))
            painter.setFont(font)
            painter.setPen(QColor("white"))
            painter.drawText(tile, Qt.AlignmentFlag.AlignCenter, initials(node.name))
            if node.kind == "partner":  # partners from other servers: the "external" colour
                self._corner(painter, tile, palette)
        else:
            painter.setBrush(palette.color(QPalette.ColorRole.Button))
            painter.drawRoundedRect(tile, 12, 12)
            self._house(painter, tile, palette.color(QPalette.ColorRole.ButtonText))

        text = f"@{node.mentions}" if node.mentions else (str(node.unread) if node.unread else "")
        if node.unread > 99 and not node.mentions:
            text = "99+"
        if text:
            font = painter.font()
            font.setBold(True)
            font.setPixelSize(10)
            painter.setFont(font)
            width = max(16, painter.fontMetrics().horizontalAdvance(text) + 8)
            badge = QRect(tile.right() - width + 6, tile.top() - 4, width, 16)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Window), 2))
            painter.setBrush(MENTION if node.mentions else UNREAD)
            painter.drawRoundedRect(badge, 8, 8)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    @staticmethod
    def _corner(painter: QPainter, tile: QRect, palette: QPalette) -> None:
        """A small orange disc at the bottom right: a community open to partners."""
        size = max(10, tile.width() // 3)
        disc = QRect(tile.right() - size + 4, tile.bottom() - size + 4, size, size)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Window), 2))
        painter.setBrush(EXTERNAL)
        painter.drawEllipse(disc)

    @staticmethod
    def _house(painter: QPainter, tile: QRect, colour: QColor) -> None:
        """A small house outline: Home, drawn so that no icon font is needed."""
        c = tile.center()
        s = tile.width() / 44
        path = QPainterPath()
        path.moveTo(c.x() - 11 * s, c.y() - 1 * s)
        path.lineTo(c.x(), c.y() - 11 * s)
        path.lineTo(c.x() + 11 * s, c.y() - 1 * s)
        path.moveTo(c.x() - 8 * s, c.y() - 3 * s)
        path.lineTo(c.x() - 8 * s, c.y() + 10 * s)
        path.lineTo(c.x() + 8 * s, c.y() + 10 * s)
        path.lineTo(c.x() + 8 * s, c.y() - 3 * s)
        pen = QPen(colour, 2.2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
