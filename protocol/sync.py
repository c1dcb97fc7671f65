"""The sync loop: long-polls /sync, stores each response with its token, publishes the changes."""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Awaitable, Callable, Iterable, Sequence, Set

import nio

from cercle.protocol import crypto_feed, roomlist
from cercle.protocol.changes import (
    Change,
    Message,
    RoomsChanged,
    RoomSummary,
    SessionEnded,
    SyncStateChanged,
    TimelineAppended,
    TimelineReplaced,
)
from cercle.protocol.client import MatrixClient, MatrixError, ServerUnreachable
from cercle.protocol.decode import decode, finish
from cercle.protocol.e2ee import try_decrypt
from cercle.protocol.ingest import own_join_times, to_batch
from cercle.protocol.session import classify_matrix_error
from cercle.storage.rooms import StateEvent
from cercle.storage.store import Store, SyncBatch
from cercle.storage.timeline import TimelineEvent, relations_of

log = logging.getLogger(__name__)

LONG_POLL_MS = 30_000
# Lazy-loaded members: big rooms sync fast, and Synapse then also syncs rooms joined over
# federation while their state is still partial (without it they stay hidden for a while).
SYNC_FILTER = {"room": {"state": {"lazy_load_members": True}, "timeline": {"limit": 20}}}
MEMBER_LOADS_AT_ONCE = 4
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 60.0
KEY_EVENTS = (nio.RoomKeyEvent, nio.ForwardedRoomKeyEvent)
UPDATING = ("m.replace", "m.annotation", "m.thread")  # relations that change their target's row
# Cercle decodes /sync itself (protocol/decode.py) and hands nio only its crypto part;
# CERCLE_SYNC_DECODER=nio goes back to nio's from_dict for everything (protocol/ingest.py).
OWN_DECODER = os.environ.get("CERCLE_SYNC_DECODER", "own") != "nio"


class SyncEngine:
    """Runs /sync until cancelled. Every response goes to the store first, with its next_batch
    in the same transaction; what changed is then read back and handed to `publish`."""

    def __init__(
        self,
        client: MatrixClient,
        store: Store,
        publish: Callable[[Change], None],
        *,
        on_synced: Callable[[], None] = lambda: None,
    ) -> None:
        self.client = client
        self.store = store
        self.publish = publish
        self.on_synced = on_synced  # e.g. the outbox: the server answers again, try now
        self._member_loads: dict[str, asyncio.Task[None]] = {}
        self.joined_at: dict[str, int] = {}  # room → when we joined, as seen in syncs
        self._member_slots = asyncio.Semaphore(MEMBER_LOADS_AT_ONCE)
        # Told of each stored response (e.g. trust/verification.py picks its events from it).
        self.observers: list[Callable[[nio.SyncResponse, SyncBatch], None]] = []
        # Rewrite a batch before it is stored (e.g. megolm_withheld.py: undecryptable causes).
        self.adjusters: list[Callable[[nio.SyncResponse, SyncBatch], Awaitable[SyncBatch]]] = []
        # The store's first sync publishes no message rows (nothing is open, nothing is news)
        # unless a consumer wants every event as it is stored (cercle-cli tail).
        self.publishes_history = False

    async def restore(self, published: Sequence[RoomSummary] | None = None) -> None:
        """Before the first sync: publishes the cached rooms and resumes from the stored token,
        so a restart shows the room list at once and never repeats the initial sync.
        `published`: the cached rooms someone already read and published (startup.resume)."""
        summaries = published
        if summaries is None:
            summaries = await asyncio.to_thread(roomlist.summaries, self.store, self.client.user_id)
            if summaries:
                self.publish(RoomsChanged(tuple(summaries)))
        token = await asyncio.to_thread(self.store.session.sync_token)
        if token:
            self.client.nio.next_batch = token
        # nio encrypts only for rooms it knows: make the stored encrypted rooms known to it.
        for room in summaries:
            if room.encrypted and room.room_id not in self.client.nio.rooms:
                self.client.nio.rooms[room.room_id] = nio.MatrixRoom(
                    room.room_id, self.client.user_id, encrypted=True
                )

    async def run(self) -> None:
        delay = BACKOFF_FIRST_S
        first = True
        while True:
            timeout = 0 if first else LONG_POLL_MS
            try:
                if OWN_DECODER:
                    reply: nio.SyncResponse | dict = await self.client.sync_raw(
                        timeout, SYNC_FILTER
                    )
                else:
                    reply = await self.client.sync_once(timeout, SYNC_FILTER)
            except MatrixError as e:
                ended = classify_matrix_error(e)  # SoftLoggedOut, LoggedOut, or None
                if ended is not None:
                    self.publish(SessionEnded(str(ended), soft_logout=ended.soft_logout))
                    return
                # Full jitter keeps a fleet of clients from hammering a server that comes back.
                wait = random.uniform(0, delay)
                kind = "unreachable" if isinstance(e, ServerUnreachable) else "error"
                log.warning("sync %s, retrying in %.1f s: %s", kind, wait, e)
                self.publish(SyncStateChanged("retrying", str(e), wait))
                await asyncio.sleep(wait)
                delay = min(delay * 2, BACKOFF_MAX_S)
                continue
            except Exception as e:  # nio raises TypeError on some malformed responses
                log.exception("sync response could not be parsed; retrying")
                self.publish(SyncStateChanged("retrying", f"unreadable response: {e}", delay))
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX_S)
                continue
            if delay != BACKOFF_FIRST_S or first:
                self.publish(SyncStateChanged("syncing"))
                self.on_synced()
            first = False
            fed: nio.SyncResponse | None = None
            try:
                if isinstance(reply, dict):
                    fed = await self.ingest_body(reply)
                else:
                    await self.ingest(reply)
            except Exception as e:  # disk full, or a bug: keep syncing, the batch comes again
                log.exception("could not store a sync response")
                self.publish(SyncStateChanged("retrying", str(e), delay))
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX_S)
                continue
            if fed is not None:
                try:  # what nio's sync_forever does after each sync (sync_once does it itself)
                    await self.client.upkeep_keys(fed)
                except MatrixError as e:  # the batch is stored: the next round tries again
                    log.warning("key upkeep failed: %s", e)
            delay = BACKOFF_FIRST_S

    async def sync_round(self, timeout_ms: int = 0) -> None:
        """One sync, stored and published, keys kept up (cercle-cli; `run` does it in a loop)."""
        if OWN_DECODER:
            fed = await self.ingest_body(await self.client.sync_raw(timeout_ms, SYNC_FILTER))
            await self.client.upkeep_keys(fed)
        else:
            await self.ingest(await self.client.sync_once(timeout_ms, SYNC_FILTER))

    async def ingest_body(self, body: dict) -> nio.SyncResponse:
        """Stores one raw /sync response (with its token) and publishes what it changed: decoded
        by Cercle, nio given its crypto part first (it decrypts what it can). Returns what nio
        was given, for MatrixClient.upkeep_keys."""
        decoded = decode(body, self.client.user_id)
        try:
            reply = await crypto_feed.feed(self.client.nio, decoded)
            room_keys = getattr(self.client, "room_keys", None)
            if room_keys is not None:  # what MatrixClient.sync_once does after nio's sync
                room_keys.observe(reply)
        except Exception:  # nio moved its token first: rewind it, the response comes again
            self.client.nio.next_batch = await asyncio.to_thread(self.store.session.sync_token)
            raise
        self.joined_at.update(decoded.joined_at)
        batch = finish(decoded, crypto_feed.decrypted(reply), self.joined_at)
        await self._store_and_publish(
            reply, batch, [*decoded.joined, *decoded.invited], decoded.left, decoded.joined
        )
        return reply

    async def ingest(self, reply: nio.SyncResponse) -> None:
        """Stores one response parsed by nio (with its token) and publishes what it changed."""
        self.joined_at.update(own_join_times(reply, self.client.user_id))
        batch = to_batch(reply, self.client.user_id, self.joined_at)
        changed = [*reply.rooms.join, *reply.rooms.invite]
        await self._store_and_publish(reply, batch, changed, list(reply.rooms.leave), changed)

    async def _store_and_publish(
        self,
        reply: nio.SyncResponse,
        batch: SyncBatch,
        changed: list[str],
        removed: list[str],
        joined: list[str],
    ) -> None:
        for adjust in self.adjusters:
            batch = await adjust(reply, batch)
        # Disk full or a bug: nothing of the batch is kept, nio's token is rewound, and the
        # same response is fetched again by the next sync.
        # What redactions in this batch strip: read before, since their relations go with it.
        redacted, initial = await asyncio.to_thread(self._before_write, batch)
        try:
            result = await asyncio.to_thread(self.store.write_sync_batch, batch)
        except Exception:
            self.client.nio.next_batch = await asyncio.to_thread(self.store.session.sync_token)
            raise
        for observe in self.observers:
            observe(reply, batch)
        own = self.client.user_id
        # The room list first: on a first login it is what the user waits for.
        if changed or removed:
            await self._publish_rooms(changed, removed=tuple(removed))
        if initial and not self.publishes_history:
            # The first sync of a store: no room is open and nothing in it is news (no
            # notification for history). Building its ~20 rows per room only to drop them was a
            # third of a 1,000-room first sync's CPU (bench/sync_ingest.py); a room opened
            # later reads its rows from the store.
            await self._after_write(reply, joined)
            return

        def appended() -> list[tuple[str, list[TimelineEvent], list[Message]]]:
            found = []
            with self.store.db.read():  # one snapshot: the reads below nest in it (cheaper)
                for room_id, positions in result.appended.items():
                    if positions:
                        events = self.store.timeline.page_after(
                            room_id, min(positions) - 1, len(positions)
                        )
                        messages = roomlist.messages(self.store, events, own)
                        found.append((room_id, events, messages))
            return found

        rows = await asyncio.to_thread(appended)  # one hop, not 2 per room
        for room_id, _, messages in rows:
            if messages:
                self.publish(TimelineAppended(room_id, tuple(messages)))
        # Rows just published were read after the write: their edits, reactions and
        # redactions from this batch are in them already.
        fresh = {e.event_id for _, events, _ in rows for e in events}
        await self._publish_targets([e for _, events, _ in rows for e in events], redacted, fresh)
        await self._after_write(reply, joined)

    async def _after_write(self, reply: nio.SyncResponse, joined: list[str]) -> None:
        if any(isinstance(e, KEY_EVENTS) for e in reply.to_device_events):
            await self.repair_undecrypted()
        for room_id in joined:
            room = self.client.nio.rooms.get(room_id)
            if room is not None and not room.members_synced:
                self._load_members_later(room_id)

    def _before_write(self, batch: SyncBatch) -> tuple[dict[str, list[str]], bool]:
        """What the batch's redactions strip, and whether it is the store's first sync."""
        return self._redaction_targets(batch), self.store.session.sync_token() is None

    def _redaction_targets(self, batch: SyncBatch) -> dict[str, list[str]]:
        """Redacted event id → the ids whose rows change with it (itself, what it related to)."""
        found: dict[str, list[str]] = {}
        for room in batch.rooms:
            for event in room.timeline:
                target = event.content.get("redacts") if event.type == "m.room.redaction" else None
                if not isinstance(target, str):
                    continue
                stored = self.store.timeline.get(target)
                related = relations_of(stored.content) if stored is not None else []
                found[target] = [target, *(t for kind, t, _ in related if kind in UPDATING)]
        return found

    async def _publish_targets(
        self,
        events: Iterable[TimelineEvent],
        redacted: dict[str, list[str]],
        fresh: Set[str] = frozenset(),
    ) -> None:
        """New edits, reactions, thread replies and redactions change rows already shown: their
        targets (but the `fresh` rows, just published) are read again as TimelineReplaced."""
        targets: dict[str, None] = {}
        for event in events:
            if event.type == "m.room.redaction":
                target = event.content.get("redacts")
                ids = redacted.get(target, [target]) if isinstance(target, str) else []
            else:
                ids = [t for kind, t, _ in relations_of(event.content) if kind in UPDATING]
            targets.update(dict.fromkeys(i for i in ids if i not in fresh))

        def read() -> list[Message]:
            rows = []
            for event_id in targets:
                stored = self.store.timeline.get(event_id)
                message = (
                    roomlist.to_message(self.store, stored, own_user_id=self.client.user_id)
                    if stored is not None
                    else None
                )
                if message is not None:
                    rows.append(message)
            return rows

        for message in await asyncio.to_thread(read) if targets else []:
            self.publish(TimelineReplaced(message.room_id, message))

    async def _publish_rooms(self, room_ids: Iterable[str], removed: tuple[str, ...] = ()) -> None:
        def read() -> list:
            rows = roomlist.summaries(self.store, self.client.user_id, room_ids)
            # A space's row depends on its children: a changed child refreshes its spaces too.
            spaces = {p for row in rows for p in row.parents} - {row.room_id for row in rows}
            if spaces:
                rows += roomlist.summaries(self.store, self.client.user_id, spaces)
            return rows

        summaries = await asyncio.to_thread(read)
        if summaries or removed:
            self.publish(RoomsChanged(tuple(summaries), removed))

    async def repair_undecrypted(self) -> None:
        """Keys arrived: re-decrypt the stored messages that waited for them."""
        waiting = await asyncio.to_thread(self.store.timeline.undecrypted)
        for event in waiting:
            raw = await asyncio.to_thread(self.store.timeline.raw, event.event_id)
            repaired = try_decrypt(self.client.nio, event.room_id, raw) if raw else None
            if repaired is None:
                continue
            await asyncio.to_thread(
                self.store.timeline.set_decrypted,
                repaired.event_id,
                repaired.type,
                repaired.content,
            )
            stored = await asyncio.to_thread(self.store.timeline.get, repaired.event_id)
            message = (
                roomlist.to_message(self.store, stored, own_user_id=self.client.user_id)
                if stored
                else None
            )
            if message is not None:
                log.info("repaired %s once its key arrived", repaired.event_id)
                self.publish(TimelineReplaced(event.room_id, message))
                await self._publish_rooms([event.room_id])

    def _load_members_later(self, room_id: str) -> None:
        """Fetches a room's full member list in the background, stores it and republishes the
        room: lazy-loaded syncs name only recent speakers, and the external badge needs all."""
        if room_id in self._member_loads:
            return

        async def load() -> None:
            async with self._member_slots:
                try:
                    reply = await self.client.call(self.client.nio.joined_members(room_id))
                except MatrixError as e:
                    log.info("members of %s not loaded: %s", room_id, e)
                    return
                finally:
                    self._member_loads.pop(room_id, None)
            members = [
                StateEvent(
                    "m.room.member",
                    m.user_id,
                    {
                        "membership": "join",
                        "displayname": m.display_name,
                        "avatar_url": m.avatar_url,
                    },
                )
                for m in reply.members
            ]
            await asyncio.to_thread(self.store.rooms.apply_state, room_id, members)
            await self._publish_rooms([room_id])

        self._member_loads[room_id] = asyncio.create_task(load(), name=f"members {room_id}")
