"""Paints a message: day separator, avatar and sender, reply quote, rich body, reactions, states."""

from __future__ import annotations

import html as htmllib
from collections import OrderedDict
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QToolTip

from cercle.desktop.delegates import richtext
from cercle.desktop.delegates.attachments import (
    FILE_CARD,
    Thumbnails,
    caption_of,
    image_size,
    paint_file_card,
    paint_image,
    shows_image,
)
from cercle.desktop.delegates.common import colour_for, paint_avatar, undecryptable_text
from cercle.desktop.models.messages import MessageRole, day_of
from cercle.desktop.theme import error_colour, readable
from cercle.protocol.changes import Message, ReactionChip

AVATAR = 36
PAD = 12
TEXT_LEFT = PAD + AVATAR + PAD
HEADER = 20
DAY = 34
QUOTE = 24
CHIP = 24
CHIP_GAP = 6
LINE = 18  # the thread summary, the sending state
LAYOUTS_KEPT = 300  # row geometries (and documents) cached: the ~240 rows loaded, and some
RECEIPT = 16  # a read avatar
RECEIPTS_SHOWN = 3  # read avatars under a message, then "+N"
RECEIPT_STEP = RECEIPT - 3  # read avatars overlap a little, each ringed in the background
RECEIPTS_W = (RECEIPTS_SHOWN - 1) * RECEIPT_STEP + RECEIPT + 28  # the column they sit in
# Undecryptable causes and the action that fixes them: verifying this device makes senders
# share their keys with it; the recovery key opens the key backup that holds older ones.
FIXES = {
    "not_yet_received": "recover",
    "sent_before_joined": "recover",
    "withheld": "verify",
    "withheld_unverified": "verify",
    "withheld_blacklisted": "verify",
    "unknown_device": "verify",
}

Index = QModelIndex | QPersistentModelIndex
Role = QPalette.ColorRole


@dataclass
class Layout:
    """Where each part of a row goes, relative to the row's top-left corner."""

    height: int = 0
    day: QRect | None = None
    header_top: int | None = None
    quote: QRect | None = None
    body: QRect = field(default_factory=QRect)
    document: object = None  # the QTextDocument of the body
    chips: list[tuple[QRect, ReactionChip]] = field(default_factory=list)
    thread: QRect | None = None
    state: QRect | None = None
    image: QRect | None = None
    file: QRect | None = None
    file_links: list[tuple[QRect, str, str]] = field(default_factory=list)  # rect, kind, label
    fix: QRect | None = None
    receipts: QRect | None = None
    name_width: int = -1  # the sender's name in the header's bold font, measured at first paint


@dataclass(frozen=True)
class Hit:
    """What a point of a row holds: "link" (value: href), "chip" (key), "quote" (event id),
    "thread" (root id), "image" (event id), "save"/"open" (event id), "fix" (the action)."""

    kind: str
    value: str


def small_font(font: QFont, italic: bool = False) -> QFont:
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * 0.85)
    small.setItalic(italic)
    return small


def time_of(timestamp_ms: int) -> str:
    moment = QDateTime.fromMSecsSinceEpoch(timestamp_ms)
    return QLocale().toString(moment.time(), QLocale.FormatType.ShortFormat)


def dim_colour(palette: QPalette) -> QColor:
    return palette.color(Role.PlaceholderText)  # secondary text, readable in both themes


class MessageDelegate(QStyledItemDelegate):
    reactionToggled = Signal(str, str)  # event id, reaction key
    replyClicked = Signal(str)  # the replied-to event id
    linkActivated = Signal(str)  # an http(s) or mailto link in a body
    threadClicked = Signal(str)  # the thread root's event id
    imageClicked = Signal(object)  # the Message whose image to show full size
    saveClicked = Signal(object)  # the Message whose file to save
    openClicked = Signal(str)  # the path a file of this session was saved to
    fixClicked = Signal(str)  # "verify" (this device) or "recover" (enter the recovery key)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.documents = richtext.DocumentCache(LAYOUTS_KEPT)
        self.thumbnails = Thumbnails(self)
        self.saved: dict[str, str] = {}  # event id → where its file was saved, this session
        self._layouts: OrderedDict[tuple, Layout] = OrderedDict()
        self.show_thread_summaries = True  # not inside the thread panel: it shows the thread
        self._avatars: dict[tuple, QPixmap] = {}
        self._name_colours: dict[tuple[str, int], QColor] = {}
        self._times: dict[int, str] = {}  # timestamp → its time in the locale: every header
        self._font = QFont()  # the rows' font (the view's) and its key(), which costs ~8 µs
        self._font_key = self._font.key()

    # -- geometry ------------------------------------------------------------------------------

    def forget_layouts(self) -> None:
        """The language changed (texts and their widths): rows are laid out again."""
        self._layouts.clear()
        self.documents.clear()
        self._times.clear()

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        width = option.rect.width()
        if width <= 0 and option.widget is not None:
            width = option.widget.width()
        return max(100, width - TEXT_LEFT - PAD - RECEIPTS_W)

    def _body_html(self, message: Message, palette: QPalette) -> str:
        dim = dim_colour(palette).name()
        if message.redacted:
            return f'<i style="color:{dim}">{htmllib.escape(self.tr("Message deleted"))}</i>'
        if message.undecryptable:
            text = undecryptable_text(message.cause)
            return f'<i style="color:{dim}">{htmllib.escape(text)}</i>'
        if message.attachment is not None:
            body = richtext.plain_to_html(caption_of(message))
        else:
            body = (
                message.html if message.html is not None else richtext.plain_to_html(message.body)
            )
        if message.edited:
            marker = htmllib.escape(self.tr("(edited)"))
            body += f' <span style="color:{dim}; font-size:small">{marker}</span>'
        return body

    def _document(self, option: QStyleOptionViewItem, message: Message):
        html = self._body_html(message, option.palette)
        return self.documents.document(
            (html,), html, option.font, self._text_width(option), option.palette
        )

    def layout(self, option: QStyleOptionViewItem, index: Index) -> Layout | None:
        """The row's geometry, cached: sizeHint and paint ask for it often while scrolling."""
        row = index.data(MessageRole.Row)
        if row is None:
            return None
        message, starts_day, grouped, read_by = row
        width = self._text_width(option)
        if option.font != self._font:
            self._font, self._font_key = QFont(option.font), option.font.key()
        key = (
            message,
            starts_day,
            grouped,
            read_by,
            width,
            option.rect.width(),
            self._font_key,
            option.palette.cacheKey(),
            message.event_id in self.saved,
        )
        found = self._layouts.get(key)
        if found is not None:
            self._layouts.move_to_end(key)
            return found
        found = self._layout(option, message, starts_day, grouped, read_by, width)
        self._layouts[key] = found
        if len(self._layouts) > LAYOUTS_KEPT:
            self._layouts.popitem(last=False)
        return found

    def _layout(
        self,
        option: QStyleOptionViewItem,
        message: Message,
        starts_day: bool,
        grouped: bool,
        read_by: tuple[str, ...],
        width: int,
    ) -> Layout:
        out = Layout()
        y = 0
        if starts_day:
            out.day = QRect(0, 0, max(option.rect.width(), TEXT_LEFT + width + PAD), DAY)
            y = DAY
        top = y
        if grouped:
            y += 2
        else:
            y += 8
            out.header_top = y
            y += HEADER + 2
        if message.reply_to is not None and not message.redacted:
            out.quote = QRect(TEXT_LEFT, y, width, QUOTE)
            y += QUOTE + 4
        attachment = message.attachment if not message.redacted else None
        if attachment is not None and shows_image(attachment):
            size = image_size(attachment, width)
            out.image = QRect(TEXT_LEFT, y, size.width(), size.height())
            y += size.height() + 4
        elif attachment is not None:
            out.file = QRect(TEXT_LEFT, y, min(width, 420), FILE_CARD)
            out.file_links = self._file_links(option, out.file, message)
            y += FILE_CARD + 4
        if attachment is None or caption_of(message):
            doc = self._document(option, message)
            height = int(doc.size().height() + 0.999)
            out.document, out.body = doc, QRect(TEXT_LEFT, y, width, height)
            y += height
        else:
            out.body = QRect(TEXT_LEFT, y, width, 0)
        if message.undecryptable and FIXES.get(message.cause or "") is not None:
            out.fix = QRect(TEXT_LEFT, y + 2, width, LINE)
            y += LINE + 2
        if message.reactions and not message.redacted:
            y += 4
            metrics = QFontMetrics(option.font)
            x = TEXT_LEFT
            for chip in message.reactions:
                chip_width = metrics.horizontalAdvance(f"{chip.key} {chip.count}") + 18
                if x > TEXT_LEFT and x + chip_width > TEXT_LEFT + width:
                    x, y = TEXT_LEFT, y + CHIP + 4
                out.chips.append((QRect(x, y, chip_width, CHIP), chip))
                x += chip_width + CHIP_GAP
            y += CHIP
        if message.thread_count and not message.redacted and self.show_thread_summaries:
            out.thread = QRect(TEXT_LEFT, y + 2, width, LINE)
            y += LINE + 2
        if message.state != "sent":
            out.state = QRect(TEXT_LEFT, y, width, LINE)
            y += LINE
        y += 4
        if not grouped:
            y = max(y, top + 8 + AVATAR + 4)
        if read_by:
            y = max(y, top + RECEIPT + 6)
            right = max(option.rect.width(), TEXT_LEFT + width + PAD + RECEIPTS_W) - PAD
            out.receipts = QRect(right - RECEIPTS_W + 4, y - RECEIPT - 3, RECEIPTS_W - 4, RECEIPT)
        out.height = y
        return out

    def _file_links(
        self, option: QStyleOptionViewItem, card: QRect, message: Message
    ) -> list[tuple[QRect, str, str]]:
        metrics = QFontMetrics(option.font)
        links = [("save", self.tr("Download"))]
        if message.event_id in self.saved:
            links.append(("open", self.tr("Open")))
        out, right = [], card.right() - 8
        for kind, label in reversed(links):
            width = metrics.horizontalAdvance(label) + 12
            out.append((QRect(right - width, card.top(), width, card.height()), kind, label))
            right -= width + 4
        return list(reversed(out))

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        layout = self.layout(option, index)
        if layout is None:
            return QSize(0, 0)
        return QSize(option.rect.width(), layout.height)

    def hit(self, option: QStyleOptionViewItem, index: Index, pos: QPoint) -> Hit | None:
        """What lies under `pos` (view coordinates) in the row at `option.rect`."""
        layout = self.layout(option, index)
        message: Message | None = index.data(MessageRole.Message)
        if layout is None or message is None:
            return None
        point = pos - option.rect.topLeft()
        for rect, chip in layout.chips:
            if rect.contains(point):
                return Hit("chip", chip.key)
        for rect, kind, _label in layout.file_links:
            if rect.contains(point):
                return Hit(kind, message.event_id)
        if layout.image is not None and layout.image.contains(point):
            return Hit("image", message.event_id)
        if layout.thread is not None and self._thread_rect(option, layout, message).contains(point):
            return Hit("thread", message.event_id)
        if layout.fix is not None and self._fix_rect(option, layout, message).contains(point):
            return Hit("fix", FIXES[message.cause or ""])
        if layout.quote is not None and layout.quote.contains(point) and message.reply_to:
            return Hit("quote", message.reply_to.event_id)
        if layout.document is not None and layout.body.contains(point):
            href = richtext.anchor_at(
                layout.document,  # type: ignore[arg-type]
                point.x() - layout.body.left(),
                point.y() - layout.body.top(),
            )
            if href and richtext.openable(href) is not None:
                return Hit("link", href)
        return None

    # -- events --------------------------------------------------------------------------------

    def editorEvent(self, event: QEvent, model, option: QStyleOptionViewItem, index: Index) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return super().editorEvent(event, model, option, index)
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        hit = self.hit(option, index, event.position().toPoint())
        message: Message | None = index.data(MessageRole.Message)
        if hit is None or message is None:
            return False
        if hit.kind == "chip":
            self.reactionToggled.emit(message.event_id, hit.value)
        elif hit.kind == "quote":
            self.replyClicked.emit(hit.value)
        elif hit.kind == "thread":
            self.threadClicked.emit(hit.value)
        elif hit.kind == "image":
            self.imageClicked.emit(message)
        elif hit.kind == "save":
            self.saveClicked.emit(message)
        elif hit.kind == "open":
            self.openClicked.emit(self.saved.get(message.event_id, ""))
        elif hit.kind == "fix":
            self.fixClicked.emit(hit.value)
        else:
            self.linkActivated.emit(hit.value)
        return True

    def helpEvent(
        self, event: QHelpEvent, view, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        hit = self.hit(option, index, event.pos())
        if hit is None:
            return super().helpEvent(event, view, option, index)
        message: Message = index.data(MessageRole.Message)
        if hit.kind == "chip":
            chip = next(c for c in message.reactions if c.key == hit.value)
            text = (
                self.tr("Remove your {key} reaction") if chip.mine else self.tr("React with {key}")
            ).format(key=chip.key)
        elif hit.kind == "quote":
            text = self.tr("Show the original message")
        elif hit.kind == "thread":
            text = self.tr("Open the thread")
        elif hit.kind == "image":
            text = self.tr("Show full size")
        elif hit.kind == "save":
            text = self.tr("Save this file where you choose")
        elif hit.kind == "open":
            text = self.saved.get(message.event_id, "")
        elif hit.kind == "fix":
            text = self._fix_text(hit.value)
        else:
            text = hit.value
        QToolTip.showText(event.globalPos(), text, view)
        return True

    # -- painting ------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        message: Message | None = index.data(MessageRole.Message)
        layout = self.layout(option, index)
        if message is None or layout is None:
            return
        painter.save()
        painter.translate(option.rect.topLeft())
        palette: QPalette = option.palette
        if layout.day is not None:
            self._paint_day(painter, option, layout.day, message)
        if layout.header_top is not None:
            self._paint_header(painter, option, layout, message)
        if layout.quote is not None and message.reply_to is not None:
            self._paint_quote(painter, option, layout.quote, message)
        if layout.image is not None and message.attachment is not None:
            paint_image(
                painter,
                layout.image,
                self.thumbnails.get(message),
                message.event_id in self.thumbnails.failed,
                palette,
                self.tr("Loading…"),
            )
        if layout.file is not None and message.attachment is not None:
            size = message.attachment.size
            paint_file_card(
                painter,
                option,
                layout.file,
                message.attachment,
                QLocale().formattedDataSize(size) if size else "",
                layout.file_links,
            )
        if layout.document is not None:
            richtext.draw(
                painter,
                layout.document,  # type: ignore[arg-type]
                layout.body.left(),
                layout.body.top(),
                palette,
            )
        if layout.fix is not None:
            painter.setFont(small_font(option.font))
            painter.setPen(palette.color(Role.Link))
            painter.drawText(
                self._fix_rect(option, layout, message),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._fix_text(FIXES[message.cause or ""]),
            )
        if layout.receipts is not None:
            self._paint_receipts(painter, layout.receipts, index.data(MessageRole.ReadBy), option)
        for rect, chip in layout.chips:
            self._paint_chip(painter, option, rect, chip)
        if layout.thread is not None:
            painter.setFont(small_font(option.font))
            painter.setPen(palette.color(Role.Link))
            painter.drawText(
                self._thread_rect(option, layout, message),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._thread_text(message),
            )
        if layout.state is not None:
            painter.setFont(small_font(option.font, italic=True))
            painter.setPen(
                error_colour(palette) if message.state == "failed" else dim_colour(palette)
            )
            painter.drawText(
                layout.state,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._state_text(message),
            )
        painter.restore()

    def _paint_day(self, painter: QPainter, option, rect: QRect, message: Message) -> None:
        text = self.day_label(day_of(message.timestamp_ms))
        font = small_font(option.font)
        font.setBold(True)
        painter.setFont(font)
        width = painter.fontMetrics().horizontalAdvance(text) + 24
        middle = rect.center().y() + 2
        line = QColor(dim_colour(option.palette))
        line.setAlphaF(0.4)
        painter.setPen(line)
        label_left = rect.center().x() - width // 2
        painter.drawLine(PAD, middle, label_left, middle)
        painter.drawLine(label_left + width, middle, rect.right() - PAD, middle)
        painter.setPen(dim_colour(option.palette))
        painter.drawText(
            QRect(label_left, rect.top() + 4, width, rect.height() - 4),
            Qt.AlignmentFlag.AlignCenter,
            text,
        )

    def day_label(self, day: QDate, today: QDate | None = None) -> str:
        """ "Today", "Yesterday", else the date written out in the user's locale."""
        today = today or QDate.currentDate()
        if day == today:
            return self.tr("Today")
        if day == today.addDays(-1):
            return self.tr("Yesterday")
        return QLocale().toString(day, QLocale.FormatType.LongFormat)

    def _paint_avatar(self, painter: QPainter, rect: QRect, name: str, key: str) -> None:
        """An avatar drawn once into a pixmap, then copied: headers repaint on every frame."""
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        cache_key = (name, key, rect.width(), ratio)
        pixmap = self._avatars.get(cache_key)
        if pixmap is None:
            if len(self._avatars) > 500:
                self._avatars.clear()
            pixmap = QPixmap(int(rect.width() * ratio), int(rect.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            inner = QPainter(pixmap)
            inner.setFont(painter.font())
            paint_avatar(inner, QRect(0, 0, rect.width(), rect.height()), name, key)
            inner.end()
            self._avatars[cache_key] = pixmap
        painter.drawPixmap(rect.topLeft(), pixmap)

    def _name_colour(self, key: str, palette: QPalette) -> QColor:
        base = palette.color(Role.Base)
        cache_key = (key, base.rgba())
        colour = self._name_colours.get(cache_key)
        if colour is None:
            colour = self._name_colours[cache_key] = readable(colour_for(key), base)
        return colour

    def _paint_header(self, painter: QPainter, option, layout: Layout, message: Message) -> None:
        palette: QPalette = option.palette
        top = layout.header_top or 0
        self._paint_avatar(
            painter, QRect(PAD, top, AVATAR, AVATAR), message.sender_name, message.sender
        )
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(self._name_colour(message.sender, palette))
        if layout.name_width < 0:  # the layout is cached per font and message: so is this
            layout.name_width = painter.fontMetrics().horizontalAdvance(message.sender_name)
        name_width = layout.name_width
        painter.drawText(
            QRect(TEXT_LEFT, top, name_width, HEADER),
            Qt.AlignmentFlag.AlignVCenter,
            message.sender_name,
        )
        painter.setFont(small_font(option.font))
        painter.setPen(dim_colour(palette))
        painter.drawText(
            QRect(TEXT_LEFT + name_width + 8, top, 200, HEADER),
            Qt.AlignmentFlag.AlignVCenter,
            self._time_of(message.timestamp_ms),  # the day is on the separator above
        )

    def _time_of(self, timestamp_ms: int) -> str:
        text = self._times.get(timestamp_ms)
        if text is None:
            if len(self._times) >= LAYOUTS_KEPT:
                self._times.clear()
            text = self._times[timestamp_ms] = time_of(timestamp_ms)
        return text

    def _paint_quote(self, painter: QPainter, option, rect: QRect, message: Message) -> None:
        palette: QPalette = option.palette
        reply = message.reply_to
        assert reply is not None
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(Role.AlternateBase))
        painter.drawRoundedRect(rect, 4, 4)
        accent = self._name_colour(reply.sender or reply.event_id, palette)
        painter.setBrush(accent)
        painter.drawRect(QRect(rect.left(), rect.top(), 3, rect.height()))
        inner = rect.adjusted(10, 0, -8, 0)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        small = small_font(option.font)
        if not reply.sender_name:
            painter.setFont(small_font(option.font, italic=True))
            painter.setPen(dim_colour(palette))
            painter.drawText(inner, align, self.tr("In reply to a message that is not loaded"))
            return
        bold = QFont(small)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(accent)
        name_width = min(painter.fontMetrics().horizontalAdvance(reply.sender_name), inner.width())
        painter.drawText(
            QRect(inner.left(), inner.top(), name_width, inner.height()), align, reply.sender_name
        )
        painter.setFont(small)
        painter.setPen(palette.color(Role.Text))
        rest = inner.adjusted(name_width + 8, 0, 0, 0)
        body = reply.body or self.tr("Message deleted")
        elided = painter.fontMetrics().elidedText(body, Qt.TextElideMode.ElideRight, rest.width())
        painter.drawText(rest, align, elided)

    def _paint_chip(self, painter: QPainter, option, rect: QRect, chip: ReactionChip) -> None:
        palette: QPalette = option.palette
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if chip.mine:
            fill = QColor(palette.color(Role.Highlight))
            fill.setAlphaF(0.22)
            border = palette.color(Role.Highlight)
        else:
            fill = palette.color(Role.AlternateBase)
            border = QColor(dim_colour(palette))
            border.setAlphaF(0.5)
        painter.setPen(border)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), CHIP // 2, CHIP // 2)
        painter.setFont(option.font)
        painter.setPen(palette.color(Role.Text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{chip.key} {chip.count}")

    def _thread_text(self, message: Message) -> str:
        count = message.thread_count
        if count == 1:
            text = self.tr("1 reply")
        else:
            text = self.tr("{count} replies").format(count=QLocale().toString(count))
        if message.thread_last_sender:
            text = self.tr("{replies} · last from {name}").format(
                replies=text, name=message.thread_last_sender
            )
        return text

    def _thread_rect(self, option, layout: Layout, message: Message) -> QRect:
        """Only the words are clickable, not the whole line."""
        assert layout.thread is not None
        width = QFontMetrics(small_font(option.font)).horizontalAdvance(self._thread_text(message))
        return QRect(layout.thread.left(), layout.thread.top(), width + 4, layout.thread.height())

    def _fix_text(self, action: str) -> str:
        if action == "verify":
            return self.tr("Verify this device")
        return self.tr("Enter your recovery key")

    def _fix_rect(self, option, layout: Layout, message: Message) -> QRect:
        assert layout.fix is not None
        text = self._fix_text(FIXES[message.cause or ""])
        width = QFontMetrics(small_font(option.font)).horizontalAdvance(text)
        return QRect(layout.fix.left(), layout.fix.top(), width + 4, layout.fix.height())

    def _paint_receipts(self, painter: QPainter, rect: QRect, names, option) -> None:
        """Who read up to here: small initials, overlapping, right-aligned, then "+N"."""
        shown = list(names)[:RECEIPTS_SHOWN]
        more = len(names) - len(shown)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        right = rect.right()
        if more > 0:
            painter.setFont(small_font(option.font))
            painter.setPen(dim_colour(option.palette))
            plus = f"+{more}"
            width = painter.fontMetrics().horizontalAdvance(plus) + 2
            painter.drawText(
                QRect(right - width, rect.top(), width, RECEIPT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                plus,
            )
            right -= width + 3
        letter = QFont(option.font)
        letter.setBold(True)
        letter.setPixelSize(9)
        painter.setFont(letter)
        ring = QPen(option.palette.color(Role.Base), 1.5)
        # The first reader on the right and on top: drawn last.
        for i in range(len(shown) - 1, -1, -1):
            circle = QRect(right - RECEIPT - i * RECEIPT_STEP, rect.top(), RECEIPT, RECEIPT)
            painter.setPen(ring)
            painter.setBrush(colour_for(shown[i]))
            painter.drawEllipse(circle)
            painter.setPen(QColor("white"))
            painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, (shown[i][:1] or "?").upper())
        painter.restore()

    def _state_text(self, message: Message) -> str:
        if message.state == "failed":
            # The reason is the server's own words (English): quoted, after a sentence of ours.
            if not message.failure:
                return self.tr("Not sent. Right-click to retry or discard.")
            return self.tr(
                "Not sent: the server refused it ({reason}). Right-click to retry or discard."
            ).format(reason=message.failure)
        return self.tr("Sending…")
