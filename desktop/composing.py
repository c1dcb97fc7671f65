"""Connects the composer to the account: replies, edits, mentions, files and their progress."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject

from cercle.desktop.models.messages import MessageRole
from cercle.desktop.session import SessionController
from cercle.protocol.changes import Message, OutboxChanged, UploadProgress
from cercle.protocol.media import TooLarge

if TYPE_CHECKING:
    from cercle.desktop.views.home import HomeView


class ComposerController(QObject):
    """The composer's actions that go beyond "send this text", run through the session's bridge."""

    def __init__(
        self, session: SessionController, home: HomeView, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.home = home
        self.composer = composer = home.composer
        self._names: dict[str, str] = {}  # txn id → file name, for uploads in flight
        composer.replySendRequested.connect(lambda text, eid: self._send(text, reply_to=eid))
        composer.editSendRequested.connect(lambda text, eid: self._send(text, edit_of=eid))
        composer.editLastRequested.connect(self.edit_last)
        composer.membersWanted.connect(self._load_members)
        composer.filesChosen.connect(self.send_files)
        composer.pictureChosen.connect(self.send_picture)
        composer.uploadCancelRequested.connect(self._cancel_upload)
        home.roomSelected.connect(composer.set_room)
        home.timeline.replyRequested.connect(self.reply_to)
        home.timeline.editRequested.connect(self.edit)
        session.signedIn.connect(self._signed_in)
        session.bridge.uploadProgress.connect(self._progress)
        session.bridge.outboxChanged.connect(self._outbox_changed)

    def _signed_in(self, user_id: str) -> None:
        self.home.timeline.own_user_id = user_id  # type: ignore[attr-defined]

    @property
    def own_user_id(self) -> str:
        account = self.session.account
        return account.user_id if account is not None else ""

    # -- reply and edit ------------------------------------------------------------------------

    def _message(self, event_id: str) -> Message | None:
        model = self.session.messages
        row = model.row_of_event(event_id)
        return model.index(row).data(MessageRole.Message) if row is not None else None

    def reply_to(self, event_id: str) -> None:
        message = self._message(event_id)
        if message is not None:
            self.composer.start_reply(event_id, message.sender_name or message.sender, message.body)

    def edit(self, event_id: str) -> None:
        message = self._message(event_id)
        if message is not None and message.sender == self.own_user_id:
            self.composer.start_edit(event_id, message.body, message.html)

    def edit_last(self) -> bool:
        """Up in the empty composer: our latest message shown in the room goes into edit mode."""
        model, own = self.session.messages, self.own_user_id
        for row in range(model.rowCount() - 1, -1, -1):
            message: Message = model.index(row).data(MessageRole.Message)
            if (
                message.sender == own
                and message.state == "sent"
                and not message.redacted
                and not message.undecryptable
                and not getattr(message, "attachment", None)
            ):
                self.composer.start_edit(message.event_id, message.body, message.html)
                return True
        return False

    def _send(self, text: str, *, reply_to: str | None = None, edit_of: str | None = None) -> None:
        account, room_id = self.session.account, self.session.messages.room_id
        if account is None or not room_id:
            return

        def failed(error: BaseException) -> None:
            self.session.operationFailed.emit(self.session.explain(error))
            if not self.composer.text():  # not even queued: give the text back
                self.composer.set_text(text)

        self.session.bridge.run(
            account.send_text(room_id, text, reply_to=reply_to, edit_of=edit_of),
            on_failure=failed,
        )

    # -- mentions ------------------------------------------------------------------------------

    def _load_members(self, room_id: str) -> None:
        account = self.session.account
        if account is None:
            return
        self.session.bridge.run(
            account.mention_candidates(room_id),
            on_success=lambda members: self.composer.set_members(room_id, members),
        )

    # -- files ---------------------------------------------------------------------------------

    def send_files(self, paths: list[Path]) -> None:
        account, room_id = self.session.account, self.session.messages.room_id
        if account is None or not room_id:
            return
        for path in paths:
            if path.is_dir():
                continue
            self._queue(room_id, path.name, account.send_file(room_id, path))

    def send_picture(self, width: int, height: int, rgba: bytes, filename: str) -> None:
        account, room_id = self.session.account, self.session.messages.room_id
        if account is not None and room_id:
            work = account.send_picture(room_id, width, height, rgba, filename)
            self._queue(room_id, filename, work)

    def _queue(self, room_id: str, name: str, work) -> None:
        def queued(txn_id: str) -> None:
            self._names[txn_id] = name
            if self.composer.uploads.value(txn_id) is None:
                self.composer.uploads.add(txn_id, name, room_id)

        self.session.bridge.run(
            work, on_success=queued, on_failure=lambda error: self._refused(room_id, name, error)
        )

    def _refused(self, room_id: str, name: str, error: BaseException) -> None:
        """Nothing was queued: the row says why and stays until dismissed."""
        if isinstance(error, TooLarge):
            locale = QLocale()
            reason = self.tr(
                "Not sent: {name} is {size}, your server accepts files up to {limit}."
            ).format(
                name=name,
                size=locale.formattedDataSize(error.size),
                limit=locale.formattedDataSize(error.limit),
            )
        elif isinstance(error, OSError):
            reason = self.tr("Not sent: {name} cannot be read ({reason}).").format(
                name=name, reason=error.strerror or str(error)
            )
        else:
            reason = self.tr("Not sent: {reason}").format(reason=self.session.explain(error))
        self.composer.uploads.fail(f"refused:{name}", name, reason, room_id)

    def _progress(self, change: UploadProgress) -> None:
        self._names.setdefault(change.txn_id, change.filename)
        uploads = self.composer.uploads
        uploads.progress(change.txn_id, change.filename, change.sent, change.total, change.room_id)

    def _outbox_changed(self, change: OutboxChanged) -> None:
        echo = change.echo
        if echo.txn_id is None or echo.txn_id not in self._names:
            return
        if echo.state == "sent":
            self._names.pop(echo.txn_id, None)
            self.composer.uploads.remove(echo.txn_id)
        elif echo.state == "failed":
            name = self._names.pop(echo.txn_id, "")
            reason = self.tr("Not sent: {reason}").format(reason=echo.failure)
            self.composer.uploads.fail(echo.txn_id, name, reason, echo.room_id)

    def _cancel_upload(self, txn_id: str) -> None:
        self._names.pop(txn_id, None)
        self.session.discard(txn_id)
