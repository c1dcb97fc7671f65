"""Decodes a raw /sync body into the store's SyncBatch, event by event, content exactly as sent.

Why not nio's `SyncResponse.from_dict`: it validates every event with jsonschema (~85 % of its
time, 4–5 s for a 1,000-room first sync), writes schema defaults into the content it hands on
(`m.federate`, power-level `notifications`…), and some malformed events make it raise, losing the
whole response. Here each event is checked by hand for what the store relies on; one bad event
is counted and skipped, never the batch. The events nio's crypto needs are set aside for
`crypto_feed` (membership, encryption, encrypted timeline events, to-device, key counts).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from cercle.protocol.changes import UndecryptableCause
from cercle.storage.receipts import Receipt
from cercle.storage.rooms import StateEvent
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent

log = logging.getLogger(__name__)

MEGOLM = "m.megolm.v1.aes-sha2"
ENCRYPTED = "m.room.encrypted"
MEMBER = "m.room.member"
# Account-data types Cercle keeps on this machine only (trust/local.py) share the store's
# account_data table with what syncs bring: a server must never overwrite them.
LOCAL_ONLY_PREFIX = "org.cercle.local."
# What nio's room bookkeeping needs for Olm/Megolm: who is in the room, whether it is encrypted.
CRYPTO_STATE_TYPES = frozenset({MEMBER, "m.room.encryption"})


class Refused(ValueError):
    """The response as a whole is unusable (not an object, no next_batch): nothing is stored."""


@dataclass
class CryptoRoom:
    """A joined room as nio sees it: its member/encryption state, then its timeline's
    member/encryption/encrypted events, in order (raw events that passed `_envelope`), and its
    ephemeral events (nio's rooms and ephemeral.py's observer read typing and receipts)."""

    state: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    unread: dict[str, Any] = field(default_factory=dict)
    ephemeral: list[dict[str, Any]] = field(default_factory=list)  # typing, receipts


@dataclass
class Decoded:
    """One /sync response: the batch to store (encrypted events still pending, see `finish`),
    what nio's crypto needs, and what was dropped, by reason."""

    batch: SyncBatch
    joined: list[str]
    invited: list[str]
    left: list[str]
    joined_at: dict[str, int]  # room → when we joined, from our own member events here
    crypto_rooms: dict[str, CryptoRoom]
    invite_state: dict[str, list[dict[str, Any]]]
    to_device: list[dict[str, Any]]
    device_lists_changed: list[str]
    device_lists_left: list[str]
    one_time_key_counts: dict[str, int]
    fallback_key_types: list[str] | None
    dropped: Counter[str]
    # (timeline list, index) of each m.room.encrypted event, to fill in by `finish`
    pending: list[tuple[str, list[NewEvent], int]] = field(default_factory=list)


def _user_id(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("@") and ":" in value


def _envelope(event: Any, dropped: Counter[str], state: bool) -> bool:
    """The fields every stored event needs, with the types the store relies on."""
    if type(event) is not dict:
        dropped["not an object"] += 1
        return False
    event_id = event.get("event_id")
    if type(event_id) is not str or not event_id.startswith("$"):
        dropped["bad event_id"] += 1
        return False
    if not _user_id(event.get("sender")):
        dropped["bad sender"] += 1
        return False
    if type(event.get("type")) is not str:
        dropped["bad type"] += 1
        return False
    ts = event.get("origin_server_ts")
    if type(ts) is not int or ts < 0:
        dropped["bad origin_server_ts"] += 1
        return False
    if type(event.get("content")) is not dict:
        dropped["bad content"] += 1
        return False
    if state and type(event.get("state_key")) is not str:
        dropped["state event without state_key"] += 1
        return False
    return True


def _txn_id(event: dict[str, Any]) -> str | None:
    unsigned = event.get("unsigned")
    txn = unsigned.get("transaction_id") if type(unsigned) is dict else None
    return txn if type(txn) is str else None


def _events(block: Any) -> list[Any]:
    events = block.get("events") if type(block) is dict else None
    return events if type(events) is list else []


def _dict(value: Any) -> dict[str, Any]:
    return value if type(value) is dict else {}


def _count(block: Any, name: str) -> int | None:
    value = block.get(name) if type(block) is dict else None
    return value if type(value) is int else None


def _own_join(event: dict[str, Any], own_user_id: str) -> bool:
    """Our own m.room.member turning into a join (a profile change is no join)."""
    if event["type"] != MEMBER or event.get("state_key") != own_user_id:
        return False
    if event["content"].get("membership") != "join":
        return False
    prev = _dict(_dict(event.get("unsigned")).get("prev_content"))
    return prev.get("membership") != "join"


def _state(events: list[Any], dropped: Counter[str]) -> list[StateEvent]:
    found = []
    for event in events:
        if _envelope(event, dropped, state=True):
            found.append(
                StateEvent(
                    event["type"],
                    event["state_key"],
                    event["content"],
                    event["event_id"],
                    event["sender"],
                    event["origin_server_ts"],
                )
            )
    return found


def _stripped_state(events: list[Any], dropped: Counter[str]) -> list[StateEvent]:
    """invite_state: stripped events carry type, state_key, sender and content only."""
    found = []
    for event in events:
        if (
            type(event) is dict
            and type(event.get("type")) is str
            and type(event.get("state_key")) is str
            and type(event.get("content")) is dict
        ):
            sender = event.get("sender")
            found.append(
                StateEvent(
                    event["type"],
                    event["state_key"],
                    event["content"],
                    None,
                    sender if type(sender) is str else None,
                    None,
                )
            )
        else:
            dropped["bad stripped state"] += 1
    return found


def _receipts(room_id: str, ephemeral: Any) -> list[Receipt]:
    found = []
    for event in _events(ephemeral):
        if type(event) is not dict or event.get("type") != "m.receipt":
            continue
        for event_id, kinds in _dict(event.get("content")).items():
            for kind, users in _dict(kinds).items():
                for user_id, info in _dict(users).items():
                    info = _dict(info)
                    ts, thread = info.get("ts"), info.get("thread_id")
                    found.append(
                        Receipt(
                            room_id,
                            kind,
                            user_id,
                            event_id,
                            ts if type(ts) is int else 0,
                            thread if type(thread) is str and thread != "main" else "",
                        )
                    )
    return found


def _account_data(block: Any, dropped: Counter[str]) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for event in _events(block):
        kind = event.get("type") if type(event) is dict else None
        content = event.get("content") if type(event) is dict else None
        if type(kind) is not str or type(content) is not dict:
            dropped["bad account data"] += 1
        elif kind.startswith(LOCAL_ONLY_PREFIX):
            log.warning("ignoring server account data of a local-only type %s", kind)
        else:
            found[kind] = content
    return found


def _strings(value: Any) -> list[str]:
    return [v for v in value if type(v) is str] if type(value) is list else []


class _Decoder:
    def __init__(self, own_user_id: str) -> None:
        self.own = own_user_id
        self.dropped: Counter[str] = Counter()
        self.joined_at: dict[str, int] = {}
        self.pending: list[tuple[str, list[NewEvent], int]] = []

    def timeline(
        self, room_id: str, events: list[Any], crypto: CryptoRoom | None
    ) -> list[NewEvent]:
        found: list[NewEvent] = []
        dropped, own = self.dropped, self.own
        for event in events:
            if not _envelope(event, dropped, state=False):
                continue
            kind, content = event["type"], event["content"]
            if kind == ENCRYPTED:
                # Kept undecrypted for now; `finish` puts nio's clear text or the cause here.
                self.pending.append((room_id, found, len(found)))
                if crypto is not None:
                    crypto.timeline.append(event)
                found.append(
                    NewEvent(
                        event["event_id"],
                        event["sender"],
                        ENCRYPTED,
                        event["origin_server_ts"],
                        content,
                        encrypted=True,
                        raw=event,
                        txn_id=_txn_id(event),
                    )
                )
                continue
            state_key = event.get("state_key")
            if type(state_key) is not str:
                state_key = None
            elif kind in CRYPTO_STATE_TYPES:
                if crypto is not None:
                    crypto.timeline.append(event)
                if kind == MEMBER and _own_join(event, own):
                    self.joined_at[room_id] = event["origin_server_ts"]
            found.append(
                NewEvent(
                    event["event_id"],
                    event["sender"],
                    kind,
                    event["origin_server_ts"],
                    content,
                    state_key=state_key,
                    txn_id=_txn_id(event),
                )
            )
        return found

    def joined_room(self, room_id: str, info: dict[str, Any], crypto: CryptoRoom) -> RoomBatch:
        state = []
        for event in _events(info.get("state")):
            if not _envelope(event, self.dropped, state=True):
                continue
            kind = event["type"]
            state.append(
                StateEvent(
                    kind,
                    event["state_key"],
                    event["content"],
                    event["event_id"],
                    event["sender"],
                    event["origin_server_ts"],
                )
            )
            if kind in CRYPTO_STATE_TYPES:
                crypto.state.append(event)
                if kind == MEMBER and _own_join(event, self.own):
                    self.joined_at[room_id] = event["origin_server_ts"]
        timeline = _dict(info.get("timeline"))
        prev = timeline.get("prev_batch")
        unread = _dict(info.get("unread_notifications"))
        crypto.summary = _dict(info.get("summary"))
        crypto.unread = unread
        crypto.ephemeral = [e for e in _events(info.get("ephemeral")) if type(e) is dict]
        return RoomBatch(
            room_id=room_id,
            join_state="join",
            state=state,
            timeline=self.timeline(room_id, _events(timeline), crypto),
            limited=timeline.get("limited") is True,
            prev_batch=prev if type(prev) is str else None,
            unread_count=_count(unread, "notification_count"),
            highlight_count=_count(unread, "highlight_count"),
            receipts=_receipts(room_id, info.get("ephemeral")),
            account_data=_account_data(info.get("account_data"), self.dropped),
        )


def decode(body: Any, own_user_id: str) -> Decoded:
    """The whole response, tolerant per event; raises Refused only without a next_batch."""
    if type(body) is not dict or type(body.get("next_batch")) is not str:
        raise Refused("the /sync response has no next_batch")
    d = _Decoder(own_user_id)
    rooms = _dict(body.get("rooms"))
    batches: list[RoomBatch] = []
    crypto_rooms: dict[str, CryptoRoom] = {}
    joined, invited, left = [], [], []
    for room_id, info in _dict(rooms.get("join")).items():
        if type(info) is not dict or not room_id.startswith("!"):
            d.dropped["bad joined room"] += 1
            continue
        crypto = crypto_rooms[room_id] = CryptoRoom()
        batches.append(d.joined_room(room_id, info, crypto))
        joined.append(room_id)
    invite_state: dict[str, list[dict[str, Any]]] = {}
    for room_id, info in _dict(rooms.get("invite")).items():
        if type(info) is not dict or not room_id.startswith("!"):
            d.dropped["bad invited room"] += 1
            continue
        raw = _events(info.get("invite_state"))
        state = _stripped_state(raw, d.dropped)
        invite_state[room_id] = [e for e in raw if type(e) is dict]
        batches.append(RoomBatch(room_id=room_id, join_state="invite", state=state))
        invited.append(room_id)
    for room_id, info in _dict(rooms.get("leave")).items():
        if type(info) is not dict or not room_id.startswith("!"):
            d.dropped["bad left room"] += 1
            continue
        batches.append(
            RoomBatch(
                room_id=room_id,
                join_state="leave",
                state=_state(_events(info.get("state")), d.dropped),
                timeline=d.timeline(room_id, _events(info.get("timeline")), None),
            )
        )
        left.append(room_id)
    to_device = []
    for event in _events(body.get("to_device")):
        if (
            type(event) is dict
            and type(event.get("type")) is str
            and type(event.get("sender")) is str
            and type(event.get("content")) is dict
        ):
            to_device.append(event)
        else:
            d.dropped["bad to-device event"] += 1
    lists = _dict(body.get("device_lists"))
    counts = _dict(body.get("device_one_time_keys_count"))
    fallback = body.get("device_unused_fallback_key_types")
    if d.dropped:
        log.warning("sync response: skipped malformed parts %s", dict(d.dropped))
    return Decoded(
        batch=SyncBatch(
            body["next_batch"], batches, _account_data(body.get("account_data"), d.dropped)
        ),
        joined=joined,
        invited=invited,
        left=left,
        joined_at=d.joined_at,
        crypto_rooms=crypto_rooms,
        invite_state=invite_state,
        to_device=to_device,
        device_lists_changed=_strings(lists.get("changed")),
        device_lists_left=_strings(lists.get("left")),
        one_time_key_counts={k: v for k, v in counts.items() if type(v) is int},
        fallback_key_types=_strings(fallback) if type(fallback) is list else None,
        dropped=d.dropped,
        pending=d.pending,
    )


def cause(content: Mapping[str, Any], sent_ms: int, joined_at_ms: int | None) -> str:
    """Why an encrypted event is unreadable: the rule of e2ee.cause_for, on the raw content."""
    if content.get("algorithm") != MEGOLM or not content.get("session_id"):
        return UndecryptableCause.BAD_ENCRYPTION.value
    if joined_at_ms is not None and sent_ms < joined_at_ms:
        # Room keys go to the members of the moment: a later member never got this one.
        return UndecryptableCause.SENT_BEFORE_JOINED.value
    return UndecryptableCause.NOT_YET_RECEIVED.value


def finish(
    decoded: Decoded,
    clear: Mapping[str, tuple[str, dict[str, Any]]],
    joined_at: Mapping[str, int] | None = None,
) -> SyncBatch:
    """Fills in the encrypted events: nio's clear text (event id → (type, content)) where it
    could decrypt, else the likeliest cause, with the raw event kept for a later retry.
    `joined_at`: when we joined each room (this response's joins included)."""
    joined_at = joined_at if joined_at is not None else decoded.joined_at
    for room_id, timeline, index in decoded.pending:
        event = timeline[index]
        found = clear.get(event.event_id)
        if found is not None:
            timeline[index] = replace(
                event, type=found[0], content=found[1], decryption_error=None, raw=None
            )
        else:
            timeline[index] = replace(
                event,
                decryption_error=cause(
                    event.content, event.origin_server_ts, joined_at.get(room_id)
                ),
            )
    decoded.pending = []
    return decoded.batch
