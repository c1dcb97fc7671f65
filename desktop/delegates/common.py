"""Painting helpers shared by delegates: avatar colours, initials, badges, times."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter

# Readable on light and dark backgrounds alike.
AVATAR_COLOURS = ["#0b7285", "#5f3dc4", "#c2255c", "#2b8a3e", "#d9480f", "#1864ab", "#862e9c"]


def colour_for(user_id: str) -> QColor:
    digest = hashlib.sha1(user_id.encode(), usedforsecurity=False).digest()
    return QColor(AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)])


def initials(name: str) -> str:
    words = [w for w in name.replace("@", " ").replace(".", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def paint_avatar(painter: QPainter, rect: QRect, name: str, key: str) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour_for(key))
    painter.drawEllipse(rect)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(max(8, rect.height() * 2 // 5))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials(name))
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
