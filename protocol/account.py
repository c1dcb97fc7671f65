"""One signed-in account on the protocol loop: its client, profile, sync engine, and actions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cercle.protocol import media, messages, roomlist, startup
from cercle.protocol.changes import (
    Attachment,
    Change,
    Message,
    MessagePage,
    ReadReceipt,
    RoomSummary,
)
from cercle.protocol.client import MatrixClient, MatrixError
from cercle.protocol.composing import (
    MentionCandidate,
    check_upload,
    composed_content,
    related_event,
    room_candidates,
)
from cercle.protocol.ephemeral import Ephemeral, read_receipts
from cercle.protocol.ingest import to_new_event
from cercle.protocol.megolm_share import SharingSettings
from cercle.protocol.megolm_withheld import WithheldTracker
from cercle.protocol.outbox import Outbox, echo_of
from cercle.protocol.profiles import Profile, crypto_for
from cercle.protocol.sync import SyncEngine
from cercle.protocol.trust.key_forwarding import KeyForwarding
from cercle.protocol.trust.keybackup import KeyBackup
from cercle.protocol.trust.local import LocalTrust
from cercle.protocol.trust.olm_gate import OlmGate
from cercle.protocol.trust.own_devices import OwnDevices
from cercle.protocol.trust.pins import IdentityMonitor, Pin
from cercle.protocol.trust.secret_sharing import SecretSharing
from cercle.protocol.trust.verifier import Verifications
from cercle.storage.errors import DatabaseCorrupt, StorageError
from cercle.storage.store import Store
from cercle.storage.timeline import NewEvent

if TYPE_CHECKING:
    from cercle.protocol.session import ServerInfo
    from cercle.protocol.sso import OpenBrowser

log = logging.getLogger(__name__)

STORE_CHECK_DELAY_S = 10.0  # a large cache's full check waits for start-up to settle
BACKFILL_ROUNDS = 5  # /messages requests at most per "show me this room"
PAGE_ROUNDS = 12  # store reads and /messages requests at most per page of a paging view
THUMBNAIL_BOX = (640, 480)  # what a server makes for an image without its own thumbnail
FULL_IMAGE_AS_THUMBNAIL = 16 * 1024 * 1024  # an encrypted image without thumbnail, shown whole
TIMELINE_BOX = (720, 540)  # the image shown whole, shrunk to twice the timeline's largest box
VIEWER_BOX = (2560, 1600)  # an image opened on its own: no screen shows more of it


class Account:
    """Owns a MatrixClient, the profile it stores into, and the sync task."""

    def __init__(
        self, client: MatrixClient, profile: Profile, publish: Callable[[Change], None]
    ) -> None:
        self.client = client
        self.profile = profile
        self.store = profile.store
        self.outbox = Outbox(client, profile.store, publish)
        self.engine = SyncEngine(client, profile.store, publish, on_synced=self.outbox.wake)
        # Room keys go to the key backup once recovery is set up (protocol/trust/bootstrap.py).
        self.key_backup = KeyBackup(client, LocalTrust(profile.store, profile.keys.pickle_key))
        # Emoji verification: requests arrive in syncs (protocol/trust/verifier.py).
        self.verifications = Verifications(self)
        self.engine.observers.append(self.verifications.observe)
        # Secrets and forwarded room keys: only inside Olm, only from our own verified devices.
        olm = client.nio.olm
        self.olm_gate = OlmGate(olm) if olm is not None else None
        if self.olm_gate is not None:
            self.verifications.listen(self.olm_gate)
        self.own_devices = OwnDevices(self)
        self.secret_sharing = SecretSharing(self, self.own_devices, self.olm_gate)
        self.key_forwarding = KeyForwarding(self, self.own_devices, self.olm_gate)
        self.engine.observers.append(self.secret_sharing.observe)
        self.verifications.mac_checked.append(self.own_devices.remember)
        self.verifications.own_device_verified.append(self.secret_sharing.after_verified)
        self.engine.observers.append(self.key_forwarding.observe)
        self.verifications.own_device_verified.append(self.key_forwarding.after_verified)
        # Other users' identities: pinned, and checked again when their keys change.
        self.identities = IdentityMonitor(self, publish)
        self.engine.observers.append(self.identities.observe)
        # Typing notices and read receipts reach the open timeline by name.
        self.ephemeral = Ephemeral(profile.store, client.user_id, publish)
        self.engine.observers.append(self.ephemeral.observe)
        # m.room_key.withheld notices become the cause of the messages they name.
        self.withheld = WithheldTracker(
            profile.store, profile.keys.pickle_key, client.user_id, publish
        )
        self.engine.adjusters.append(self.withheld.adjust)
        if client.room_keys is not None:  # no keys for a changed verified identity (strict mode)
            client.room_keys.identity_changed = self._unacknowledged_identities
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    async def sign_in(
        cls,
        homeserver: str,
        user: str,
        password: str,
        publish: Callable[[Change], None],
        *,
        profile: Profile,
    ) -> Account:
        """Logs in a new device whose keys and session the profile keeps, encrypted."""
        client = await MatrixClient.login(homeserver, user, password, crypto=crypto_for(profile))
        await asyncio.to_thread(profile.store.session.save, client.session)
        return cls(client, profile, publish)

    @classmethod
    async def from_client(
        cls, client: MatrixClient, publish: Callable[[Change], None], *, profile: Profile
    ) -> Account:
        """An account from a client signed in another way (single sign-on), its session saved
        to the profile as `sign_in` does. The client must use the profile's crypto store."""
        await asyncio.to_thread(profile.store.session.save, client.session)
        return cls(client, profile, publish)

    async def sign_in_again(self, password: str) -> None:
        """After a soft logout: a new token for this same device (cache and keys stay), saved,
        and syncing again."""
        from cercle.protocol.session import sign_in_again

        await sign_in_again(self.client, password)
        await self.resumed()

    async def sign_in_again_sso(
        self, server: ServerInfo, *, idp_id: str | None, open_browser: OpenBrowser
    ) -> None:
        """After a soft logout, through single sign-on: a token for this same device. The
        browser's client only lends its token (no crypto store: ours keeps the keys)."""
        from cercle.protocol.sso import SsoWrongUser, login_sso

        device_id = self.client.nio.device_id
        fresh = await login_sso(
            server, idp_id=idp_id, open_browser=open_browser, device_id=device_id
        )
        try:
            if fresh.user_id != self.user_id or fresh.nio.device_id != device_id:
                raise SsoWrongUser(f"signed in as {fresh.user_id}, not {self.user_id}")
            self.client.nio.access_token = fresh.nio.access_token
        finally:
            await fresh.close()
        await self.resumed()

    async def resumed(self) -> None:
        """The client holds a new token for this device (password or SSO again): saves it and
        starts syncing again (the sync task stopped when the server rejected the old one)."""
        await asyncio.to_thread(self.store.session.save, self.client.session)
        self._tasks = [task for task in self._tasks if not task.done()]
        if not any(task.get_name() == "sync" for task in self._tasks):
            task = asyncio.create_task(self.engine.run(), name="sync")
            task.add_done_callback(_log_crash)
            self._tasks.append(task)

    @classmethod
    async def resume(cls, profile: Profile, publish: Callable[[Change], None]) -> Account | None:
        """The account saved in `profile`, signed in again without a password; None if none."""
        session = await asyncio.to_thread(profile.store.session.load)
        if session is None:
            return None
        return cls(MatrixClient.restore(session, crypto=crypto_for(profile)), profile, publish)

    @property
    def user_id(self) -> str:
        return self.client.user_id

    async def start(self, published: Sequence[RoomSummary] | None = None) -> None:
        """Publishes the cached rooms (unless `published` already did), then syncs and delivers
        the outbox in the background."""
        if self._tasks:
            return
        if self.client.room_keys is not None:
            self.client.room_keys.only_cross_signed = await asyncio.to_thread(
                self._sharing_settings().only_cross_signed
            )
        await self.engine.restore(published)
        upkeep = [
            ("sync", self.engine.run()),
            ("outbox", self.outbox.run()),
            ("key-backup", self.key_backup.run()),
        ]
        if self.store.db.unchecked:  # too big to check while the user waited for the rooms
            upkeep.append(("integrity", self._check_store()))
        for name, work in upkeep:
            task = asyncio.create_task(work, name=name)
            task.add_done_callback(_log_crash)
            self._tasks.append(task)

    async def _check_store(self) -> None:
        """The local cache's full page check (`PRAGMA quick_check`), off the loop, once per run.
        A damaged cache is logged, not fatal: each page read still checks its HMAC."""
        await asyncio.sleep(STORE_CHECK_DELAY_S)  # after the first sync's burst of writes
        try:
            await asyncio.to_thread(self.store.db.integrity_check)
        except DatabaseCorrupt as error:
            log.error("the local cache failed its integrity check: %s", error)
        else:
            self.store.db.unchecked = False

    async def recent_messages(self, room_id: str, want: int = 30) -> list[Message]:
        """The room's latest messages, oldest first: from the store, and when it holds fewer
        than `want`, older ones fetched through /messages into the store's gap."""
        store = self.store
        for _ in range(BACKFILL_ROUNDS):
            page = await asyncio.to_thread(store.timeline.page, room_id, limit=want * 2)
            found = await asyncio.to_thread(roomlist.messages, store, page.events)
            if len(found) >= want or not page.gaps:
                break
            gap = max(page.gaps, key=lambda g: g.pos)  # the nearest hole below what we show
            try:
                events, end = await self.client.history(room_id, gap.token, want)
            except MatrixError as e:  # offline or refused: the cache is what there is
                log.info("history of %s not fetched: %s", room_id, e)
                break
            joined = self.engine.joined_at.get(room_id)
            fresh = [new for ev in events if (new := to_new_event(ev, self.user_id, joined))]
            fresh = await asyncio.to_thread(_without_known_top, store, fresh)
            await asyncio.to_thread(store.timeline.backfill, room_id, gap.pos, fresh, end)
        unsent = await asyncio.to_thread(store.outbox.unsent, room_id)
        return found[-want:] + [echo_of(entry, self.user_id) for entry in unsent]

    async def messages_before(
        self, room_id: str, before: int | None = None, want: int = 40
    ) -> MessagePage:
        """About `want` main-timeline messages stored below position `before` (the newest when
        None), oldest first; when the store runs out, older ones are fetched through /messages
        into its gap. `end`: the room's beginning is reached. Thread replies come too (a thread
        panel shows them) but do not count."""
        store = self.store
        found: list[Message] = []
        cursor, end = before, False
        for _ in range(PAGE_ROUNDS):
            page = await asyncio.to_thread(store.timeline.page, room_id, before=cursor, limit=want)
            gap = max(page.gaps, key=lambda g: g.pos, default=None)
            events = [e for e in page.events if gap is None or e.pos >= gap.pos]
            found = await asyncio.to_thread(roomlist.messages, store, events) + found
            if events:
                cursor = events[0].pos
            if sum(m.thread_root is None for m in found) >= want:
                break
            if gap is None:
                if len(page.events) < want:
                    end = True
                    break
                continue
            if not await self._backfill(room_id, gap.pos, gap.token, want):
                break
        return MessagePage(room_id, tuple(found), cursor, end)

    async def messages_after(self, room_id: str, after: int, want: int = 40) -> MessagePage:
        """Messages stored above position `after`, oldest first (a view paging back down);
        at the live end (`end`), the unsent ones' echoes follow."""
        events = await asyncio.to_thread(self.store.timeline.page_after, room_id, after, want)
        found = await asyncio.to_thread(roomlist.messages, self.store, events)
        end = len(events) < want
        if end:
            unsent = await asyncio.to_thread(self.store.outbox.unsent, room_id)
            found += [echo_of(entry, self.user_id) for entry in unsent]
        return MessagePage(room_id, tuple(found), events[-1].pos if events else after, end)

    async def unsent_echoes(self, room_id: str) -> list[Message]:
        """The local echoes of what waits in the outbox for this room."""
        unsent = await asyncio.to_thread(self.store.outbox.unsent, room_id)
        return [echo_of(entry, self.user_id) for entry in unsent]

    async def _backfill(self, room_id: str, gap_pos: int, token: str, want: int) -> bool:
        """Fills the gap below `gap_pos` from /messages; False when offline or refused."""
        try:
            events, end = await self.client.history(room_id, token, want)
        except MatrixError as e:  # offline or refused: the cache is what there is
            log.info("history of %s not fetched: %s", room_id, e)
            return False
        joined = self.engine.joined_at.get(room_id)
        fresh = [new for ev in events if (new := to_new_event(ev, self.user_id, joined))]
        fresh = await asyncio.to_thread(_without_known_top, self.store, fresh)
        await asyncio.to_thread(self.store.timeline.backfill, room_id, gap_pos, fresh, end)
        return True

    async def thread_messages(self, room_id: str, root_id: str) -> list[Message]:
        """A thread: its root, then its replies, oldest first."""

        def read() -> list[Message]:
            root = self.store.timeline.get(root_id)
            replies = self.store.timeline.thread(root_id, limit=1000)
            events = ([root] if root is not None else []) + replies
            return roomlist.messages(self.store, events, self.user_id)

        return await asyncio.to_thread(read)

    async def send_in_thread(self, room_id: str, root_id: str, body: str) -> str:
        """Queues a message in the thread of `root_id` (m.thread, with the spec's fallback)."""
        replies = await asyncio.to_thread(self.store.timeline.thread, root_id, 1000)
        latest = replies[-1].event_id if replies else root_id
        content = messages.thread_content(
            messages.text_content(body), root_event_id=root_id, latest_event_id=latest
        )
        return await self.send(room_id, "m.room.message", content)

    async def read_receipts(self, room_id: str) -> tuple[ReadReceipt, ...]:
        return await asyncio.to_thread(read_receipts, self.store, room_id)

    async def send_read_receipt(self, room_id: str, event_id: str) -> None:
        """Our m.read receipt and read marker: we have seen the room up to `event_id`."""
        await self.client.call(
            self.client.nio.room_read_markers(room_id, event_id, read_event=event_id)
        )

    async def set_typing(self, room_id: str, typing: bool) -> None:
        await self.client.call(self.client.nio.room_typing(room_id, typing, timeout=30_000))

    async def thumbnail(self, attachment: Attachment) -> bytes | None:
        """An image's thumbnail (decrypted, through the encrypted media cache): the one its
        event names, else the server's for plain media, else the image itself."""
        content, cache = attachment.content, self.store.media
        data = await media.download_thumbnail(self.client, content, cache=cache)
        if data is None and attachment.kind != "image":
            return None
        if data is None and isinstance(content.get("url"), str):
            width, height = THUMBNAIL_BOX
            data = await media.server_thumbnail(
                self.client, content["url"], width, height, cache=cache
            )
        if data is None and (attachment.size or 0) <= FULL_IMAGE_AS_THUMBNAIL:
            data = await media.download_content(self.client, content, cache=cache)
            # Shrunk here (Pillow, off the UI thread): the UI decodes a small image only.
            small = await asyncio.to_thread(media.make_thumbnail, data, TIMELINE_BOX)
            if small is not None:
                data = small.data
        return data

    async def download(self, attachment: Attachment) -> bytes:
        """A message's file, decrypted (through the encrypted media cache)."""
        return await media.download_content(self.client, attachment.content, cache=self.store.media)

    async def image_for_viewing(self, attachment: Attachment) -> bytes:
        """An image to open on its own: decrypted, and shrunk here (Pillow, off the UI thread)
        when it is larger than a screen, so the UI never decodes a 50-megapixel photo."""
        data = await self.download(attachment)
        small = await asyncio.to_thread(media.make_thumbnail, data, VIEWER_BOX)
        return small.data if small is not None else data

    async def send_text(
        self, room_id: str, body: str, *, reply_to: str | None = None, edit_of: str | None = None
    ) -> str:
        """Queues a message written in markdown (on disk when this returns); returns its txn id.
        `reply_to`: a rich reply to that event; `edit_of`: the new version of our event."""
        reply = await asyncio.to_thread(related_event, self.store, reply_to) if reply_to else None
        edit = await asyncio.to_thread(related_event, self.store, edit_of) if edit_of else None
        content = composed_content(body, own_user_id=self.user_id, reply_to=reply, edit_of=edit)
        return await self.send(room_id, "m.room.message", content)

    async def mention_candidates(self, room_id: str) -> list[MentionCandidate]:
        """The room's members the composer offers after `@` (from the store)."""
        return await asyncio.to_thread(room_candidates, self.store, room_id, self.user_id)

    async def send(self, room_id: str, event_type: str, content: Mapping[str, Any]) -> str:
        """Queues any room event (reply, edit, reaction; m.room.redaction with `redacts`)."""
        return await self.outbox.enqueue(room_id, event_type, content)

    async def send_file(self, room_id: str, path: Path, mimetype: str | None = None) -> str:
        """Queues a file (kept encrypted on disk until uploaded); returns its txn id. Raises
        media.TooLarge, with nothing queued, when the server's limit is known and exceeded."""
        await check_upload(self.client, (await asyncio.to_thread(path.stat)).st_size)
        data = await asyncio.to_thread(path.read_bytes)
        return await self.outbox.enqueue_file(room_id, data, path.name, mimetype)

    async def send_data(
        self, room_id: str, data: bytes, filename: str, mimetype: str | None = None
    ) -> str:
        """Queues pasted bytes as a file, like send_file."""
        await check_upload(self.client, len(data))
        return await self.outbox.enqueue_file(room_id, data, filename, mimetype)

    async def send_picture(
        self, room_id: str, width: int, height: int, rgba: bytes, filename: str
    ) -> str:
        """Queues a pasted picture's pixels (RGBA rows) as a PNG, compressed off the loop."""
        data = await asyncio.to_thread(media.png_from_rgba, width, height, rgba)
        return await self.send_data(room_id, data, filename, "image/png")

    async def _unacknowledged_identities(self) -> frozenset[str]:
        pins = await self.identities.pinned()
        return frozenset(user for user, pin in pins.items() if not pin.acknowledged)

    def _sharing_settings(self) -> SharingSettings:
        return SharingSettings(self.store, self.profile.keys.pickle_key)

    async def share_keys_only_with_cross_signed(self, value: bool | None = None) -> bool:
        """Element's "exclude insecure devices": room keys go only to devices their owner
        cross-signed (the others get m.room_key.withheld). Off by default; `value` sets it
        (kept in the profile), None reads it. Returns the setting in force."""
        settings = self._sharing_settings()
        if value is None:
            return await asyncio.to_thread(settings.only_cross_signed)
        await asyncio.to_thread(settings.set_only_cross_signed, value)
        if self.client.room_keys is not None:
            self.client.room_keys.only_cross_signed = value
        return value

    async def acknowledge_identity(self, user_id: str) -> Pin | None:
        """Accepts a verified user's changed identity: its new key is pinned, unverified.
        Raises NoIdentityChange when none waits."""
        return await self.identities.acknowledge(user_id)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self.identities.close()
        await asyncio.gather(
            self.verifications.close(), self.secret_sharing.close(), self.key_forwarding.close()
        )
        await self.client.close()
        try:
            signed_in = await asyncio.to_thread(self.store.session.load) is not None
        except StorageError:  # wiped: signed out of this computer
            signed_in = False
        if signed_in:  # nothing writes any more: the room list as it stands opens the next start
            await asyncio.to_thread(startup.save_rooms, self.profile, self.user_id)
        await asyncio.to_thread(self.profile.close)


def _without_known_top(store: Store, events: list[NewEvent]) -> list[NewEvent]:
    """A gap's token can be inclusive (Synapse's, for a room joined over federation): events
    we already have at the top of a /messages answer are not "met the stored history"."""
    start = 0
    while start < len(events) and store.timeline.get(events[start].event_id) is not None:
        start += 1
    return events[start:]


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s task crashed", task.get_name(), exc_info=task.exception())
