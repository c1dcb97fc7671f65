"""Connects the timeline and the thread panel to the session: media, receipts, typing, threads."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from cercle.protocol.changes import Message

if TYPE_CHECKING:
    from cercle.desktop.session import SessionController
    from cercle.desktop.views.home import HomeView
    from cercle.desktop.views.timeline import TimelineView

log = logging.getLogger(__name__)


class ImageViewer(QDialog):
    """An image at full size, scrollable when larger than the screen."""

    def __init__(self, image: QImage, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.label = QLabel(self)
        self.label.setPixmap(QPixmap.fromImage(image))
        self.label.setAccessibleName(title)
        area = QScrollArea(self)
        area.setWidget(self.label)
        area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = image.width() + 24, image.height() + 24
        if screen is not None:
            width, height = (
                min(width, screen.width() * 9 // 10),
                min(height, screen.height() * 9 // 10),
            )
        self.resize(max(width, 200), max(height, 150))


async def _save(account, message: Message, path: str) -> str:
    """Downloads (and decrypts) a file, then writes it where the user chose: nowhere else."""
    assert message.attachment is not None
    data = await account.download(message.attachment)
    await asyncio.to_thread(Path(path).write_bytes, data)
    return path


class TimelineActions(QObject):
    """What the timeline asks of the account: paging is the session's; the rest is here."""

    def __init__(self, session: SessionController, home: HomeView, window: QWidget) -> None:
        super().__init__(window)
        self.session, self.home, self.window = session, home, window
        bridge = session.bridge
        timeline = home.timeline
        session.roomOpened.connect(lambda _room, read: timeline.room_opened(read))
        bridge.typingChanged.connect(
            lambda change: timeline.set_typing(change.room_id, change.names)
        )
        timeline.readUpTo.connect(self.send_receipt)
        timeline.fixRequested.connect(self.fix)
        panel = home.thread_panel
        panel.threadWanted.connect(self.load_thread)
        panel.sendRequested.connect(self.send_in_thread)
        bridge.timelineAppended.connect(
            lambda change: panel.messages.append(change.room_id, list(change.messages))
        )
        bridge.timelineReplaced.connect(lambda change: panel.messages.replace(change.message))
        bridge.outboxChanged.connect(lambda change: panel.messages.echo(change.echo))
        for view in (timeline, panel.timeline):
            self._connect_media(view)
        self._typing_room: str | None = None
        composer_typing = getattr(home.composer, "typingChanged", None)
        if composer_typing is not None:  # the composer says when we start and stop typing
            composer_typing.connect(self.typing)

    def _connect_media(self, view: TimelineView) -> None:
        thumbnails = view.delegate.thumbnails
        thumbnails.wanted.connect(lambda message: self.load_thumbnail(view, message))
        view.imageRequested.connect(self.show_image)
        view.saveRequested.connect(lambda message: self.save_file(view, message))

    def _run(self, coro, on_success=None) -> None:
        self.session.bridge.run(
            coro,
            on_success=on_success,
            on_failure=lambda e: self.session.operationFailed.emit(self.session.explain(e)),
        )

    # -- media ---------------------------------------------------------------------------------

    def load_thumbnail(self, view: TimelineView, message: Message) -> None:
        account = self.session.account
        if account is None or message.attachment is None:
            return

        def failed(error: BaseException) -> None:
            log.info("no thumbnail for %s: %s", message.event_id, error)
            view.delegate.thumbnails.put(message.event_id, None)

        self.session.bridge.run(
            account.thumbnail(message.attachment),
            on_success=lambda data: view.delegate.thumbnails.put(message.event_id, data),
            on_failure=failed,
        )

    def show_image(self, message: Message) -> None:
        account = self.session.account
        if account is None or message.attachment is None:
            return
        title = message.attachment.filename or self.tr("Image")

        def show(data: bytes) -> None:
            image = QImage.fromData(data)
            if image.isNull():
                self.session.operationFailed.emit(self.tr("This image cannot be shown."))
                return
            ImageViewer(image, title, self.window).show()

        self._run(account.download(message.attachment), show)

    def save_file(self, view: TimelineView, message: Message) -> None:
        """Asks where to save the file, then downloads it there (never to a temporary copy)."""
        account = self.session.account
        if account is None or message.attachment is None:
            return
        suggested = Path.home() / (message.attachment.filename or "file")
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save the file"), str(suggested))
        if not path:
            return

        def saved(where: str) -> None:
            view.delegate.saved[message.event_id] = where
            row = view.messages.row_of_event(message.event_id)
            if row is not None:  # "Open" appears
                view.delegate.sizeHintChanged.emit(view.messages.index(row))
                view.list.viewport().update()
            self.session.operationFailed.emit(self.tr("Saved to {path}").format(path=where))

        self._run(_save(account, message, path), saved)

    # -- receipts, typing, threads ---------------------------------------------------------------

    def send_receipt(self, room_id: str, event_id: str) -> None:
        account = self.session.account
        timeline = self.home.timeline
        if account is None:
            timeline.receipt_not_sent(event_id)
            return

        def failed(error: BaseException) -> None:
            log.warning("read receipt not sent, will retry: %s", error)
            timeline.receipt_not_sent(event_id)

        self.session.bridge.run(account.send_read_receipt(room_id, event_id), on_failure=failed)

    def typing(self, typing: bool) -> None:
        account, room_id = self.session.account, self.session.messages.room_id
        if account is None or room_id is None:
            return
        self.session.bridge.run(
            account.set_typing(room_id, typing),
            on_failure=lambda e: log.info("typing notice not sent: %s", e),
        )

    def load_thread(self, room_id: str, root_id: str) -> None:
        account = self.session.account
        if account is not None:
            self._run(
                account.thread_messages(room_id, root_id),
                lambda rows: self.home.thread_panel.show_thread(room_id, root_id, rows),
            )

    def send_in_thread(self, room_id: str, root_id: str, text: str) -> None:
        account = self.session.account
        if account is not None:
            self._run(account.send_in_thread(room_id, root_id, text))

    def fix(self, action: str) -> None:
        """An undecryptable message's action: the security dialog (this device's verification
        is there, and the recovery key restores the key backup)."""
        attention = getattr(self.window, "attention", None)
        open_security = getattr(attention, "open_security", None)
        if open_security is None:
            return
        dialog = open_security()
        if dialog is not None and action == "recover":
            restore = getattr(dialog, "restore_recovery", None)
            if restore is not None:
                restore()
