"""Painting helpers shared by delegates: avatar colours, initials, badges, times."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

# Readable on light and dark backgrounds alike.
AVATAR_COLOURS = ["#0b7285", "#5f3dc4", "#c2255c", "#2b8a3e", "#d9480f", "#1864ab", "#862e9c"]


def colour_for(user_id: str) -> QColor:
    digest = hashlib.sha1(user_id.encode(), usedforsecurity=False).digest()
    return QColor(AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)])


def initials(name: str) -> str:
    words = [w for w in name.replace("@", " ").replace(".", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def paint_avatar(
    painter: QPainter,
    rect: QRect,
    name: str,
    key: str,
    *,
    text: str | None = None,
    radius: int = 0,
    fill: QColor | None = None,
    ink: QColor | None = None,
) -> None:
    """A disc (or a rounded square when `radius`) in `key`'s colour with `name`'s initials
    (or `text`) in white; `fill` and `ink` replace those colours."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill if fill is not None else colour_for(key))
    if radius:
        painter.drawRoundedRect(rect, radius, radius)
    else:
        painter.drawEllipse(rect)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(max(8, rect.height() * 2 // 5))
    painter.setFont(font)
    painter.setPen(ink if ink is not None else QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials(name) if text is None else text)
    painter.restore()


def paint_row_background(
    painter: QPainter, option: QStyleOptionViewItem, dim: float
) -> tuple[QColor, QColor]:
    """Draws the style's row (its selection and hover) without text; returns the colour of
    text on it and that colour at `dim` opacity, for second lines."""
    style = option.widget.style() if option.widget else None
    if style:
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    palette: QPalette = option.palette
    text = palette.color(
        QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    )
    faint = QColor(text)
    faint.setAlphaF(dim)
    return text, faint


def count_text(mentions: int, unread: int) -> str:
    """A tile's badge: "@n" for mentions, else the unread count (99+ past 99), else nothing."""
    if mentions:
        return f"@{mentions}"
    if unread:
        return str(unread) if unread < 100 else "99+"
    return ""


def paint_corner_badge(
    painter: QPainter, tile: QRect, text: str, colour: QColor, palette: QPalette, overhang: int
) -> None:
    """A count over a tile's top right corner (`overhang` pixels past it), ringed in the
    window's colour so that it stands off the tile."""
    painter.save()
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(10)
    painter.setFont(font)
    width = max(16, painter.fontMetrics().horizontalAdvance(text) + 8)
    badge = QRect(tile.right() - width + overhang, tile.top() - 4, width, 16)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(palette.color(QPalette.ColorRole.Window), 2))
    painter.setBrush(colour)
    painter.drawRoundedRect(badge, 8, 8)
    painter.setPen(QColor("white"))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def paint_tile_state(
    painter: QPainter,
    option: QStyleOptionViewItem,
    tile: QRect,
    outline: Callable[[QRect], None],
    bar_inset: int,
) -> None:
    """A tile's state around it, like a tab: selected, a bar on the row's left edge and a ring;
    hovered, a faint ring; focused but not selected, a dotted ring. `outline(rect)` draws the
    tile's shape (a disc, a rounded square) with the painter's pen."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    palette: QPalette = option.palette
    state = option.state
    selected = bool(state & QStyle.StateFlag.State_Selected)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    if selected:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(highlight)
        bar = QRect(option.rect.left(), tile.top() + bar_inset, 4, tile.height() - 2 * bar_inset)
        painter.drawRoundedRect(bar, 2, 2)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if selected:
        painter.setPen(QPen(highlight, 3))
        outline(tile.adjusted(-3, -3, 3, 3))
    elif state & QStyle.StateFlag.State_MouseOver:
        ring = QColor(palette.color(QPalette.ColorRole.Text))
        ring.setAlphaF(0.3)
        painter.setPen(QPen(ring, 2))
        outline(tile.adjusted(-3, -3, 3, 3))
    if state & QStyle.StateFlag.State_HasFocus and not selected:
        painter.setPen(QPen(highlight, 2, Qt.PenStyle.DotLine))
        outline(tile.adjusted(-4, -4, 4, 4))
    painter.restore()


def paint_badge(painter: QPainter, right: int, top: int, text: str, colour: QColor) -> int:
    """Draws a small rounded label ending at x=`right`; returns its left edge."""
    painter.save()
    font = QFont(painter.font())
    font.setPixelSize(10)
    font.setBold(True)
    painter.setFont(font)
    width = painter.fontMetrics().horizontalAdvance(text) + 10
    rect = QRect(right - width, top, width, 16)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(rect, 8, 8)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
    return rect.left()


def short_time(timestamp_ms: int, now: QDateTime | None = None) -> str:
    """'14:05' today, '12 nov.' this year, '12/11/2025' before, in the user's locale."""
    if timestamp_ms <= 0:
        return ""
    moment = QDateTime.fromMSecsSinceEpoch(timestamp_ms)
    now = now or QDateTime.currentDateTime()
    locale = QLocale()
    if moment.date() == now.date():
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    if moment.date().year() == now.date().year():
        return locale.toString(moment.date(), "d MMM")
    return locale.toString(moment.date(), QLocale.FormatType.ShortFormat)


def undecryptable_text(cause: str | None) -> str:
    """Why a message cannot be read yet, in the interface's language (causes from protocol.e2ee)."""
    texts = {
        "sent_before_joined": QCoreApplication.translate(
            "Undecryptable", "Encrypted message sent before you joined"
        ),
        "withheld": QCoreApplication.translate(
            "Undecryptable", "Encrypted message: the sender did not share its key with you"
        ),
        "withheld_unverified": QCoreApplication.translate(
            "Undecryptable",
            "Encrypted message: the sender shares keys only with verified devices",
        ),
        "withheld_blacklisted": QCoreApplication.translate(
            "Undecryptable", "Encrypted message: the sender has blocked this device"
        ),
        "withheld_no_olm": QCoreApplication.translate(
            "Undecryptable",
            "Encrypted message: the sender’s device could not open a secure channel to this one",
        ),
        "unknown_device": QCoreApplication.translate(
            "Undecryptable", "Encrypted message from a device that is not verified"
        ),
        "bad_encryption": QCoreApplication.translate(
            "Undecryptable", "Encrypted message that cannot be read (malformed)"
        ),
    }
    return texts.get(cause or "") or QCoreApplication.translate(
        "Undecryptable", "Encrypted message: the key has not reached this device yet"
    )
