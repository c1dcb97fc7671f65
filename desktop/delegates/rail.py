"""Paints a rail entry: the community's initials (a house for Home) and its unread badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from cercle.desktop.delegates.common import (
    count_text,
    paint_avatar,
    paint_corner_badge,
    paint_tile_state,
)
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

        paint_tile_state(
            painter, option, tile, lambda rect: painter.drawRoundedRect(rect, 14, 14), 4
        )

        painter.setPen(Qt.PenStyle.NoPen)
        if node.space_id:
            radius = 12 if size == TOP else 9
            paint_avatar(painter, tile, node.name, node.space_id, radius=radius)
            if node.kind == "partner":  # partners from other servers: the "external" colour
                self._corner(painter, tile, palette)
        else:
            painter.setBrush(palette.color(QPalette.ColorRole.Button))
            painter.drawRoundedRect(tile, 12, 12)
            self._house(painter, tile, palette.color(QPalette.ColorRole.ButtonText))

        text = count_text(node.mentions, node.unread)
        if text:
            colour = MENTION if node.mentions else UNREAD
            paint_corner_badge(painter, tile, text, colour, palette, overhang=6)
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
