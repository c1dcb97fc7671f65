"""The sync loop: long-polls /sync, keeps keys up, and publishes what changed as typed changes."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Iterable

import nio

from cercle.protocol.changes import (
    Change,
    Message,
    RoomsChanged,
    RoomSummary,
    SessionEnded,
    SyncStateChanged,
    TimelineAppended,
)
from cercle.protocol.client import MatrixClient, MatrixError, ServerUnreachable

log = logging.getLogger(__name__)

LONG_POLL_MS = 30_000
# Lazy-loaded members: big rooms sync fast, and Synapse then also syncs rooms joined over
# federation while their state is still partial (without it they stay hidden for a while).
SYNC_FILTER = {"room": {"state": {"lazy_load_members": True}, "timeline": {"limit": 20}}}
MEMBER_LOADS_AT_ONCE = 4
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 60.0
UNDECRYPTABLE = "Encrypted message: the key has not reached this device yet"


class SyncEngine:
    """Runs /sync until cancelled; every change goes to `publish`, called on this loop."""

    def __init__(self, client: MatrixClient, publish: Callable[[Change], None]) -> None:
        self.client = client
        self.publish = publish
        self._last_message: dict[str, Message] = {}
        # Per room, where history before what this session has seen can be fetched from.
        self.history_token: dict[str, str | None] = {}
        self._member_loads: dict[str, asyncio.Task[None]] = {}
        self._member_slots = asyncio.Semaphore(MEMBER_LOADS_AT_ONCE)

    async def run(self) -> None:
        delay = BACKOFF_FIRST_S
        first = True
        while True:
            try:
                reply = await self.client.sync_once(0 if first else LONG_POLL_MS, SYNC_FILTER)
            except MatrixError as e:
                if e.errcode == "M_UNKNOWN_TOKEN":
                    self.publish(SessionEnded(str(e), soft_logout=False))
                    return
                # Full jitter keeps a fleet of clients from hammering a server that comes back.
                wait = random.uniform(0, delay)
                kind = "unreachable" if isinstance(e, ServerUnreachable) else "error"
                log.warning("sync %s, retrying in %.1f s: %s", kind, wait, e)
                self.publish(SyncStateChanged("retrying", str(e), wait))
                await asyncio.sleep(wait)
                delay = min(delay * 2, BACKOFF_MAX_S)
                continue
            if delay != BACKOFF_FIRST_S or first:
                self.publish(SyncStateChanged("syncing"))
            delay = BACKOFF_FIRST_S
            first = False
            try:
                self.apply(reply)
            except Exception:  # a bug must not stop syncing; the next response may be fine
                log.exception("could not apply sync response %s", reply.next_batch)

    def apply(self, reply: nio.SyncResponse) -> None:
        """Publishes the timelines and the room summaries one sync response changed."""
        rooms = self.client.nio.rooms
        changed: set[str] = set(reply.rooms.join) | set(reply.rooms.invite)
        for room_id, info in reply.rooms.join.items():
            room = rooms.get(room_id)
            if room is None:
                continue
            self.history_token.setdefault(room_id, info.timeline.prev_batch)
            messages = tuple(self._messages(room, info.timeline.events))
            if messages:
                self.publish(TimelineAppended(room_id, messages))
        removed = tuple(reply.rooms.leave)
        # A space's row depends on its children, so a changed child refreshes its spaces too.
        for room_id in list(changed):
            changed.update(self.parents_of(room_id))
        summaries = tuple(
            self.summary(rooms[r] if r in rooms else self.client.nio.invited_rooms[r])
            for r in sorted(changed)
            if r in rooms or r in self.client.nio.invited_rooms
        )
        if summaries or removed:
            self.publish(RoomsChanged(summaries, removed))
        for room_id in reply.rooms.join:
            room = rooms.get(room_id)
            if room is not None and not room.members_synced:
                self._load_members_later(room_id)

    def _load_members_later(self, room_id: str) -> None:
        """Fetches a room's full member list in the background, then republishes its summary:
        lazy-loaded syncs name only recent speakers, and the external badge needs everyone."""
        if room_id in self._member_loads:
            return

        async def load() -> None:
            async with self._member_slots:
                try:
                    await self.client.joined_members(room_id)
                except MatrixError as e:
                    log.info("members of %s not loaded: %s", room_id, e)
                    return
                finally:
                    self._member_loads.pop(room_id, None)
            room = self.client.nio.rooms.get(room_id)
            if room is not None:
                self.publish(RoomsChanged((self.summary(room),)))

        self._member_loads[room_id] = asyncio.create_task(load(), name=f"members {room_id}")

    # -- views of nio's state ----------------------------------------------------------------

    def summary(self, room: nio.MatrixRoom) -> RoomSummary:
        own_server = _server_of(self.client.user_id)
        # With lazy-loaded members, room.users holds only who spoke lately: the summary's heroes
        # fill in, so a small room with outsiders is flagged before they speak. (Complete member
        # lists come with the stored member cache.)
        people = set(room.users)
        if room.summary and room.summary.heroes:
            people.update(room.summary.heroes)
        servers = {_server_of(u) for u in people} - {own_server}
        last = self._last_message.get(room.room_id)
        return RoomSummary(
            room_id=room.room_id,
            name=room.display_name,
            topic=room.topic or "",
            is_space=room.room_type == "m.space",
            encrypted=room.encrypted,
            member_count=room.member_count,
            parents=tuple(sorted(self.parents_of(room.room_id))),
            external_servers=tuple(sorted(servers)),
            last_message=last,
            invited=room.room_id in self.client.nio.invited_rooms,
        )

    def parents_of(self, room_id: str) -> set[str]:
        rooms = self.client.nio.rooms
        parents = set(rooms[room_id].parents) if room_id in rooms else set()
        parents.update(s for s, r in rooms.items() if room_id in r.children)
        return parents & set(rooms)

    def _messages(self, room: nio.MatrixRoom, events: Iterable[nio.Event]) -> Iterable[Message]:
        for event in events:
            message = to_message(room, event)
            if message is not None:
                self._last_message[room.room_id] = message
                yield message


def to_message(room: nio.MatrixRoom, event: nio.Event) -> Message | None:
    """A timeline event as a Message, or None for events a message list does not show."""
    encrypted = isinstance(event, nio.MegolmEvent) or getattr(event, "decrypted", False)
    if isinstance(event, nio.MegolmEvent):
        body, undecryptable = UNDECRYPTABLE, True
    elif isinstance(event, nio.RoomMessage) and hasattr(event, "body"):
        body, undecryptable = event.body, False
    else:
        return None
    return Message(
        event_id=event.event_id,
        room_id=room.room_id,
        sender=event.sender,
        sender_name=room.user_name(event.sender) or event.sender,
        body=body,
        timestamp_ms=event.server_timestamp,
        encrypted=bool(encrypted),
        undecryptable=undecryptable,
    )


def _server_of(user_id: str) -> str:
    return user_id.split(":", 1)[1] if ":" in user_id else ""
