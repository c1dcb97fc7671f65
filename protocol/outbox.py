"""The durable outbox: each outgoing event is on disk before any network call, sent exactly once."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from cercle.protocol import media, messages
from cercle.protocol.changes import Change, Message, OutboxChanged, UploadProgress
from cercle.protocol.client import MatrixClient, MatrixError, ServerUnreachable
from cercle.protocol.roomlist import thread_root_of
from cercle.storage.outbox import OutboxEntry, OutboxState, new_txn_id
from cercle.storage.store import Store

log = logging.getLogger(__name__)

# A file waits in the encrypted media cache under this key until it is uploaded; the outbox
# entry's content names it, so an upload interrupted by a stop starts again from the disk.
PENDING_UPLOAD = "org.cercle.pending_upload"
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 60.0
# Refusals that a resend cannot fix: the entry fails with the reason, the user decides.
PERMANENT = {
    "M_FORBIDDEN",
    "M_TOO_LARGE",
    "M_BAD_JSON",
    "M_NOT_JSON",
    "M_UNKNOWN",
    "M_INVALID_PARAM",
    "M_NOT_FOUND",
}


def is_transient(error: MatrixError) -> bool:
    """Worth retrying with the same txn id: no answer, rate limits, server-side trouble."""
    if isinstance(error, ServerUnreachable) or error.errcode == "M_LIMIT_EXCEEDED":
        return True
    if error.status is not None and error.status >= 500:
        return True
    return error.errcode not in PERMANENT and error.status is None


class Outbox:
    """Sends queued events one at a time, in order; survives restarts and SIGKILL."""

    def __init__(
        self, client: MatrixClient, store: Store, publish: Callable[[Change], None]
    ) -> None:
        self.client = client
        self.store = store
        self.publish = publish
        self._wake = asyncio.Event()
        self._uploads: dict[str, asyncio.Future[Mapping[str, Any]]] = {}  # txn id → its upload
        self._cancelled: set[str] = set()  # uploads stopped by cancel()

    async def enqueue(self, room_id: str, event_type: str, content: Mapping[str, Any]) -> str:
        """Queues an event; when this returns it is on disk. Returns its transaction id."""
        entry = await asyncio.to_thread(self.store.outbox.enqueue, room_id, event_type, content)
        self._announce(entry)
        self._wake.set()
        return entry.txn_id

    async def enqueue_file(
        self, room_id: str, data: bytes, filename: str, mimetype: str | None = None
    ) -> str:
        """Queues a file: its bytes are kept encrypted on disk until the upload succeeds."""
        txn_id = new_txn_id()
        key = f"outbox:{txn_id}"
        await asyncio.to_thread(self.store.media.put, key, data, mime_type=mimetype)
        content = {
            "msgtype": "m.file",
            "body": filename,
            PENDING_UPLOAD: {"media": key, "filename": filename, "mimetype": mimetype},
        }
        entry = await asyncio.to_thread(
            self.store.outbox.enqueue, room_id, "m.room.message", content, txn_id
        )
        self._announce(entry)
        self._wake.set()
        return txn_id

    async def retry(self, txn_id: str) -> None:
        await asyncio.to_thread(self.store.outbox.retry, txn_id)
        await self._announce_txn(txn_id)
        self._wake.set()

    async def cancel(self, txn_id: str) -> bool:
        """Drops an unsent event; a file being uploaded stops at once and its copy is deleted.
        False when it was already sent."""
        entry = await asyncio.to_thread(self.store.outbox.get, txn_id)
        if not await asyncio.to_thread(self.store.outbox.cancel, txn_id):
            return False
        upload = self._uploads.get(txn_id)
        if upload is not None:
            self._cancelled.add(txn_id)
            upload.cancel()
        pending = entry.content.get(PENDING_UPLOAD) if entry is not None else None
        if isinstance(pending, dict):
            await asyncio.to_thread(self.store.media.delete, pending["media"])
        return True

    def wake(self) -> None:
        """The network seems back (a sync succeeded): try now instead of after the backoff."""
        self._wake.set()

    async def unsent(self) -> list[OutboxEntry]:
        return await asyncio.to_thread(self.store.outbox.unsent)

    async def run(self, *, until_empty: bool = False) -> None:
        """Delivers queued events until cancelled (or until none is left with until_empty)."""
        recovered = await asyncio.to_thread(self.store.outbox.recover_interrupted)
        if recovered:
            log.info("outbox: %d event(s) interrupted by a stop are queued again", recovered)
        delay = BACKOFF_FIRST_S
        while True:
            entry = await asyncio.to_thread(self.store.outbox.next_queued)
            if entry is None:
                if until_empty:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if await self._send(entry):
                delay = BACKOFF_FIRST_S
                continue
            wait = random.uniform(delay / 2, delay)
            delay = min(delay * 2, BACKOFF_MAX_S)
            self._wake.clear()
            try:
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _send(self, entry: OutboxEntry) -> bool:
        """One attempt; False when it should be tried again later."""
        await asyncio.to_thread(self.store.outbox.mark_sending, entry.txn_id)
        await self._announce_txn(entry.txn_id)
        try:
            upload = asyncio.ensure_future(self._with_upload(entry))
            self._uploads[entry.txn_id] = upload
            try:
                content = await upload
            finally:
                self._uploads.pop(entry.txn_id, None)
            if entry.txn_id in self._cancelled:
                self._cancelled.discard(entry.txn_id)
                return True  # cancelled between the upload and the send
            event_id = await self.client.send_event(
                entry.room_id, entry.event_type, content, txn_id=entry.txn_id
            )
        except asyncio.CancelledError:
            if entry.txn_id in self._cancelled:  # the user cancelled this upload, not a stop
                self._cancelled.discard(entry.txn_id)
                log.info("outbox: upload of %s cancelled", entry.txn_id)
                return True
            raise
        except MatrixError as e:
            if is_transient(e):
                log.info("outbox: %s not sent yet (%s); will retry", entry.txn_id, e)
                await asyncio.to_thread(self.store.outbox.retry, entry.txn_id)
                await self._announce_txn(entry.txn_id)
                return False
            log.warning("outbox: %s refused: %s", entry.txn_id, e)
            await asyncio.to_thread(self.store.outbox.mark_failed, entry.txn_id, str(e))
            await self._announce_txn(entry.txn_id)
            return True  # this one is settled; go on with the next
        except Exception as e:  # nio refused locally (a bug or an unusable room): say so
            log.exception("outbox: %s could not be sent", entry.txn_id)
            await asyncio.to_thread(self.store.outbox.mark_failed, entry.txn_id, str(e))
            await self._announce_txn(entry.txn_id)
            return True
        await asyncio.to_thread(self.store.outbox.mark_sent, entry.txn_id, event_id)
        pending = entry.content.get(PENDING_UPLOAD)
        if isinstance(pending, dict):
            await asyncio.to_thread(self.store.media.delete, pending["media"])
        await self._announce_txn(entry.txn_id)
        return True

    async def _with_upload(self, entry: OutboxEntry) -> Mapping[str, Any]:
        """The content to send: for a queued file, upload it now and describe the upload."""
        pending = entry.content.get(PENDING_UPLOAD)
        if not isinstance(pending, dict):
            return entry.content
        data = await asyncio.to_thread(self.store.media.get, pending["media"])
        if data is None:
            raise MatrixError(
                "the file to send is no longer on this computer", errcode="M_NOT_FOUND"
            )
        encrypted = await media.room_is_encrypted(self.client, entry.room_id)
        filename = str(pending.get("filename") or "file")
        shown = -1  # the last percentage published: one change per percent, not per chunk

        def progress(sent: int, total: int) -> None:
            nonlocal shown
            percent = sent * 100 // total if total else 100
            if percent != shown:
                shown = percent
                self.publish(UploadProgress(entry.room_id, entry.txn_id, filename, sent, total))

        progress(0, len(data))
        content, _ = await media.prepare_file(
            self.client,
            data,
            encrypted=encrypted,
            cache=self.store.media,
            filename=filename,
            mimetype=pending.get("mimetype"),
            on_progress=progress,
        )
        progress(len(data), len(data))
        return content

    async def _announce_txn(self, txn_id: str) -> None:
        entry = await asyncio.to_thread(self.store.outbox.get, txn_id)
        if entry is not None:
            self._announce(entry)

    def _announce(self, entry: OutboxEntry) -> None:
        self.publish(OutboxChanged(echo_of(entry, self.client.user_id)))


def echo_of(entry: OutboxEntry, own_user_id: str) -> Message:
    """The local echo row of an outgoing event."""
    body = entry.content.get("body") if isinstance(entry.content, dict) else None
    relation = messages.relation_of(entry.content)
    if relation is not None and relation.rel_type == "m.replace":
        body = None  # an edit has no row of its own: the original shows it once synced
    return Message(
        event_id=entry.event_id or entry.txn_id,
        room_id=entry.room_id,
        sender=own_user_id,
        sender_name=own_user_id,
        body=body if isinstance(body, str) else "",
        timestamp_ms=entry.created_ts or int(time.time() * 1000),
        txn_id=entry.txn_id,
        state=entry.state.value if isinstance(entry.state, OutboxState) else str(entry.state),
        failure=entry.failure_reason or "",
        thread_root=thread_root_of(entry.content),  # shown in its thread, not the timeline
    )
