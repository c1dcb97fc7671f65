"""Received m.room_key.withheld notices: kept, and made the cause of the messages they name."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import nio

from cercle.protocol import roomlist
from cercle.protocol.changes import Change, TimelineReplaced, UndecryptableCause
from cercle.protocol.megolm import Withheld, WithheldCode, parse_withheld, withheld_cause
from cercle.protocol.trust.local import LocalTrust
from cercle.storage.store import Store, SyncBatch
from cercle.storage.timeline import NewEvent

log = logging.getLogger(__name__)

RECORDS = "org.cercle.local.withheld"  # local-only, sealed (trust/local.py)
KEEP = 2_000  # notices kept (the oldest go first)
# A withheld notice is more precise than these guesses; never over a malformed event's cause.
OVERRIDABLE = {
    UndecryptableCause.NOT_YET_RECEIVED,
    UndecryptableCause.SENT_BEFORE_JOINED,
    UndecryptableCause.UNKNOWN_DEVICE,
    UndecryptableCause.WITHHELD,
    UndecryptableCause.WITHHELD_UNVERIFIED,
    UndecryptableCause.WITHHELD_BLACKLISTED,
    UndecryptableCause.WITHHELD_NO_OLM,
}


def session_key(room_id: str, session_id: str) -> str:
    return f"{room_id}|{session_id}"


def device_key(sender: str, sender_key: str) -> str:
    return f"{sender}|{sender_key}"


class WithheldIndex:
    """Notices by what they name: a room's session, or (m.no_olm without a session) a sender's
    device. Pure: `cause_of` says what an encrypted event's cause becomes."""

    def __init__(
        self, sessions: Mapping[str, Any] | None = None, devices: Mapping[str, Any] | None = None
    ) -> None:
        self.sessions: dict[str, dict[str, str]] = {
            k: dict(v) for k, v in dict(sessions or {}).items() if _entry(v)
        }
        self.devices: dict[str, dict[str, str]] = {
            k: dict(v) for k, v in dict(devices or {}).items() if _entry(v)
        }

    def add(self, notice: Withheld) -> None:
        entry = {"code": notice.code, "sender": notice.sender, "sender_key": notice.sender_key}
        if notice.room_id and notice.session_id:
            self.sessions[session_key(notice.room_id, notice.session_id)] = entry
        elif notice.code == WithheldCode.NO_OLM:
            self.devices[device_key(notice.sender, notice.sender_key)] = entry
        for table in (self.sessions, self.devices):
            while len(table) > KEEP:
                del table[next(iter(table))]

    def cause_of(self, room_id: str, sender: str, content: Mapping[str, Any]) -> str | None:
        """The withheld cause of an m.room.encrypted event, or None when no notice names it.
        A notice counts only if it came from the event's sender (a to-device event's sender
        is vouched for by its server)."""
        session_id, sender_key = content.get("session_id"), content.get("sender_key")
        entry = self.sessions.get(session_key(room_id, session_id)) if session_id else None
        if entry is None and isinstance(sender_key, str):
            entry = self.devices.get(device_key(sender, sender_key))
        if entry is None or entry["sender"] != sender:
            return None
        if isinstance(sender_key, str) and entry["sender_key"] != sender_key:
            return None
        return withheld_cause(entry["code"]).value

    def to_json(self) -> dict[str, Any]:
        return {"sessions": self.sessions, "devices": self.devices}


def _entry(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(value.get(k), str) for k in ("code", "sender", "sender_key")
    )


def withheld_notices(events: Iterable[Any]) -> list[Withheld]:
    """The m.room_key.withheld notices among a sync's to-device events (nio parses them as
    UnknownToDeviceEvent, keeping the JSON in `source`)."""
    found = []
    for event in events:
        notice = parse_withheld(getattr(event, "source", None))
        if notice is not None:
            found.append(notice)
    return found


def with_causes(batch: SyncBatch, index: WithheldIndex) -> SyncBatch:
    """The batch with its undecryptable events' causes taken from the notices that name them."""
    rooms = []
    changed = False
    for room in batch.rooms:
        timeline = list(room.timeline)
        for i, event in enumerate(timeline):
            cause = _new_cause(room.room_id, event, index)
            if cause is not None:
                timeline[i] = replace(event, decryption_error=cause)
                changed = True
        rooms.append(replace(room, timeline=timeline))
    return replace(batch, rooms=rooms) if changed else batch


def _new_cause(room_id: str, event: NewEvent, index: WithheldIndex) -> str | None:
    if event.decryption_error not in OVERRIDABLE:
        return None
    cause = index.cause_of(room_id, event.sender, event.content)
    return cause if cause is not None and cause != event.decryption_error else None


class WithheldRecords(LocalTrust):
    """The notices this profile received, kept on this machine only. Blocking."""

    def load(self) -> WithheldIndex:
        body = self._read(RECORDS) or {}
        sessions, devices = body.get("sessions"), body.get("devices")
        return WithheldIndex(
            sessions if isinstance(sessions, Mapping) else {},
            devices if isinstance(devices, Mapping) else {},
        )

    def save(self, index: WithheldIndex) -> None:
        self._write(RECORDS, index.to_json())


class WithheldTracker:
    """A SyncEngine adjuster: keeps the notices a sync brings, gives the batch's undecryptable
    events their withheld cause before it is stored, and corrects (and republishes) stored
    messages that a new notice names."""

    def __init__(
        self,
        store: Store,
        profile_secret: str,
        own_user_id: str,
        publish: Callable[[Change], None],
    ) -> None:
        self._records = WithheldRecords(store, profile_secret)
        self._store = store
        self._own = own_user_id
        self._publish = publish
        self._index: WithheldIndex | None = None

    async def index(self) -> WithheldIndex:
        if self._index is None:
            self._index = await asyncio.to_thread(self._records.load)
        return self._index

    async def adjust(self, reply: nio.SyncResponse, batch: SyncBatch) -> SyncBatch:
        index = await self.index()
        notices = withheld_notices(getattr(reply, "to_device_events", ()) or ())
        if notices:
            for notice in notices:
                log.info("room key withheld by %s: %s", notice.sender, notice.code)
                index.add(notice)
            await asyncio.to_thread(self._records.save, index)
            await self._correct_stored(index)
        return with_causes(batch, index)

    async def _correct_stored(self, index: WithheldIndex) -> None:
        def correct() -> list:
            messages = []
            for event in self._store.timeline.undecrypted():
                raw = self._store.timeline.raw(event.event_id) or {}
                content = raw.get("content")
                if not isinstance(content, Mapping):
                    continue
                if event.decryption_error not in OVERRIDABLE:
                    continue
                cause = index.cause_of(event.room_id, event.sender, content)
                if cause is None or cause == event.decryption_error:
                    continue
                self._store.timeline.set_decryption_error(event.event_id, cause)
                stored = self._store.timeline.get(event.event_id)
                message = (
                    roomlist.to_message(self._store, stored, own_user_id=self._own)
                    if stored
                    else None
                )
                if message is not None:
                    messages.append(message)
            return messages

        for message in await asyncio.to_thread(correct):
            self._publish(TimelineReplaced(message.room_id, message))
