"""Paints the side panel's rows: an avatar or a kind icon, a title, a dim second line, a badge."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from cercle.desktop.delegates.common import (
    paint_avatar,
    paint_badge,
    paint_row_background,
    short_time,
)
from cercle.desktop.delegates.rooms import EXTERNAL
from cercle.desktop.models.keyed import SummaryRole
from cercle.desktop.models.panels import file_size, role_name
from cercle.protocol.panels import FileInfo, MemberInfo, PinnedInfo, ThreadInfo

ROW = 52
AVATAR = 32
PAD = 8
KIND_ICONS = {"m.image": "🖼", "m.video": "🎞", "m.audio": "🎵", "m.file": "📄"}


@dataclass(frozen=True)
class Look:
    avatar: str  # name for initials, or an icon character when `icon`
    key: str  # the avatar colour's seed
    title: str
    line: str
    badges: tuple[tuple[str, QColor], ...] = ()
    icon: bool = False


def look(row: object) -> Look | None:
    if isinstance(row, MemberInfo):
        badges = []
        if row.external:
            badges.append((QCoreApplication.translate("SidePanel", "External"), EXTERNAL))
        line = " · ".join([row.server, role_name(row.role)])
        return Look(row.display_name, row.user_id, row.display_name, line, tuple(badges))
    if isinstance(row, ThreadInfo):
        replies = QCoreApplication.translate("SidePanel", "{n} replies").format(n=row.replies)
        line = f"{replies} · {short_time(row.latest_ts)}"
        title = f"{row.root.sender_name}: {row.root.body}"
        return Look(row.root.sender_name, row.root.sender, title, line)
    if isinstance(row, FileInfo):
        parts = [row.sender_name, short_time(row.timestamp_ms)]
        if row.size:
            parts.append(file_size(row.size))
        icon = KIND_ICONS.get(row.kind, "📄")
        return Look(
            icon,
            row.event_id,
            row.name or QCoreApplication.translate("SidePanel", "Unnamed file"),
            " · ".join(parts),
            icon=True,
        )
    if isinstance(row, PinnedInfo):
        if row.message is None:
            return Look(
                "?",
                row.event_id,
                QCoreApplication.translate("SidePanel", "A message not loaded yet"),
                row.event_id,
            )
        m = row.message
        return Look(
            m.sender_name, m.sender, m.body, f"{m.sender_name} · {short_time(m.timestamp_ms)}"
        )
    return None


class PanelDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        return QSize(0, ROW)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        shown = look(index.data(SummaryRole))
        if shown is None:
            return
        painter.save()
        self.initStyleOption(option, index)
        option.text = ""
        text, dim = paint_row_background(painter, option, 0.7)
        r = option.rect
        avatar = QRect(r.left() + PAD, r.top() + (ROW - AVATAR) // 2, AVATAR, AVATAR)
        if shown.icon:
            font = QFont(option.font)
            font.setPixelSize(22)
            painter.setFont(font)
            painter.setPen(text)
            painter.drawText(avatar, Qt.AlignmentFlag.AlignCenter, shown.avatar)
        else:
            paint_avatar(painter, avatar, shown.avatar, shown.key)
        left = avatar.right() + PAD
        right = r.right() - PAD
        for label, colour in shown.badges:
            right = paint_badge(painter, right, r.top() + 9, label, colour) - 4
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        title = QRect(left, r.top() + 7, right - left, 20)
        painter.drawText(
            title,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(
                " ".join(shown.title.split()), Qt.TextElideMode.ElideRight, title.width()
            ),
        )
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.85)
        painter.setFont(small)
        painter.setPen(dim)
        line = QRect(left, r.top() + 28, r.right() - PAD - left, 18)
        painter.drawText(
            line,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(shown.line, Qt.TextElideMode.ElideRight, line.width()),
        )
        painter.restore()
