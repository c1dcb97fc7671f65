"""Images and files in a message row: their boxes, thumbnails kept in memory, and painting."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyleOptionViewItem

from cercle.protocol.changes import Attachment, Message

MAX_IMAGE = QSize(360, 270)
DEFAULT_IMAGE = QSize(240, 160)  # no info.w/h: a placeholder of this size
FILE_CARD = 52
THUMBNAILS_KEPT = 60  # decoded thumbnails in memory (each at most MAX_IMAGE)

Role = QPalette.ColorRole


def shows_image(attachment: Attachment | None) -> bool:
    return attachment is not None and (
        attachment.kind == "image" or (attachment.kind == "video" and attachment.has_thumbnail)
    )


def image_size(attachment: Attachment, width_available: int) -> QSize:
    """The box an image takes in the timeline, from its info.w/h, fitted; known before the
    thumbnail arrives so the row never jumps."""
    if attachment.width and attachment.height:
        size = QSize(attachment.width, attachment.height)
    else:
        size = QSize(DEFAULT_IMAGE)
    box = QSize(min(MAX_IMAGE.width(), width_available), MAX_IMAGE.height())
    if size.width() > box.width() or size.height() > box.height():
        size = size.scaled(box, Qt.AspectRatioMode.KeepAspectRatio)
    return QSize(max(size.width(), 24), max(size.height(), 24))


def caption_of(message: Message) -> str:
    """The text shown with an attachment: its caption, or nothing when the body is its name."""
    attachment = message.attachment
    if attachment is None:
        return message.body
    return "" if message.body in ("", attachment.filename) else message.body


class Thumbnails(QObject):
    """Decoded thumbnails by event id (a small LRU); asks once for each one it lacks."""

    wanted = Signal(object)  # the Message whose thumbnail to load
    arrived = Signal(str)  # event id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._asked: set[str] = set()
        self.failed: set[str] = set()

    def get(self, message: Message) -> QImage | None:
        image = self._images.get(message.event_id)
        if image is not None:
            self._images.move_to_end(message.event_id)
            return image
        if message.event_id not in self._asked and message.pos is not None:
            self._asked.add(message.event_id)
            self.wanted.emit(message)
        return None

    def put(self, event_id: str, data: bytes | None) -> None:
        """The thumbnail's bytes (decoded here, scaled to the largest box kept)."""
        image = QImage.fromData(data) if data else QImage()
        if image.isNull():
            self.failed.add(event_id)
        else:
            if image.width() > MAX_IMAGE.width() or image.height() > MAX_IMAGE.height():
                image = image.scaled(
                    MAX_IMAGE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self._images[event_id] = image
            while len(self._images) > THUMBNAILS_KEPT:
                gone, _ = self._images.popitem(last=False)
                self._asked.discard(gone)  # asked again if it scrolls back into view
        self.arrived.emit(event_id)

    def __len__(self) -> int:
        return len(self._images)


def paint_image(
    painter: QPainter,
    rect: QRect,
    image: QImage | None,
    failed: bool,
    palette: QPalette,
    waiting_text: str,
) -> None:
    """The thumbnail in its box, or a placeholder of the same size while it loads."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if image is not None:
        painter.drawImage(rect, image)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(Role.AlternateBase))
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(palette.color(Role.PlaceholderText))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, waiting_text if not failed else "⚠")
    painter.restore()


def paint_file_card(
    painter: QPainter,
    option: QStyleOptionViewItem,
    rect: QRect,
    attachment: Attachment,
    size_text: str,
    links: list[tuple[QRect, str, str]],
) -> None:
    """A file: a badge with its extension, its name and size, and its links (Download, Open)."""
    palette: QPalette = option.palette
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    border = QColor(palette.color(Role.PlaceholderText))
    border.setAlphaF(0.35)
    painter.setPen(border)
    painter.setBrush(palette.color(Role.AlternateBase))
    painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 6, 6)
    badge = QRect(rect.left() + 8, rect.top() + 8, 36, rect.height() - 16)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(palette.color(Role.Highlight))
    painter.drawRoundedRect(badge, 4, 4)
    extension = (
        attachment.filename.rsplit(".", 1)[-1][:4].upper() if "." in attachment.filename else ""
    )
    small = QFont(option.font)
    small.setPointSizeF(option.font.pointSizeF() * 0.75)
    small.setBold(True)
    painter.setFont(small)
    painter.setPen(palette.color(Role.HighlightedText))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, extension or "…")
    links_left = min((r.left() for r, _k, _t in links), default=rect.right())
    text = QRect(badge.right() + 10, rect.top() + 6, links_left - badge.right() - 18, 20)
    bold = QFont(option.font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(palette.color(Role.Text))
    name = painter.fontMetrics().elidedText(
        attachment.filename, Qt.TextElideMode.ElideMiddle, text.width()
    )
    painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
    small.setBold(False)
    small.setPointSizeF(option.font.pointSizeF() * 0.85)
    painter.setFont(small)
    painter.setPen(palette.color(Role.PlaceholderText))
    painter.drawText(
        text.translated(0, 20),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        size_text,
    )
    painter.setFont(option.font)
    painter.setPen(palette.color(Role.Link))
    for link_rect, _kind, label in links:
        painter.drawText(link_rect, Qt.AlignmentFlag.AlignCenter, label)
    painter.restore()
