"""nio-parsed events into the store's: history pages, and /sync when CERCLE_SYNC_DECODER=nio."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import nio

from cercle.protocol.decode import LOCAL_ONLY_PREFIX
from cercle.protocol.e2ee import UndecryptableCause, cause_for
from cercle.storage.receipts import Receipt
from cercle.storage.rooms import StateEvent
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent

log = logging.getLogger(__name__)


def own_join_times(reply: nio.SyncResponse, own_user_id: str) -> dict[str, int]:
    """When we joined each room, from our own m.room.member events in this response."""
    found: dict[str, int] = {}
    for room_id, info in reply.rooms.join.items():
        for event in [*info.state, *info.timeline.events]:
            if (
                isinstance(event, nio.RoomMemberEvent)
                and event.state_key == own_user_id
                and event.membership == "join"
                and (event.prev_membership or "") != "join"  # a profile change is no join
            ):
                found[room_id] = event.server_timestamp
    return found


def to_batch(
    reply: nio.SyncResponse, own_user_id: str, joined_at: Mapping[str, int] | None = None
) -> SyncBatch:
    """Everything the store keeps from one response; one bad event is skipped, never the batch.
    `joined_at` (room → when we joined) tells apart messages sent before we were there."""
    joined_at = joined_at or {}
    rooms: list[RoomBatch] = []
    for room_id, info in reply.rooms.join.items():
        rooms.append(
            RoomBatch(
                room_id=room_id,
                join_state="join",
                state=list(_state_events(info.state)),
                timeline=list(
                    _timeline_events(info.timeline.events, own_user_id, joined_at.get(room_id))
                ),
                limited=bool(info.timeline.limited),
                prev_batch=info.timeline.prev_batch,
                unread_count=_count(info.unread_notifications, "notification_count"),
                highlight_count=_count(info.unread_notifications, "highlight_count"),
                receipts=list(_receipts(room_id, info.ephemeral)),
                account_data=_account_data(info.account_data),
            )
        )
    for room_id, invite in reply.rooms.invite.items():
        rooms.append(
            RoomBatch(
                room_id=room_id, join_state="invite", state=list(_state_events(invite.invite_state))
            )
        )
    for room_id, left in reply.rooms.leave.items():
        rooms.append(
            RoomBatch(
                room_id=room_id,
                join_state="leave",
                state=list(_state_events(left.state)),
                timeline=list(_timeline_events(left.timeline.events, own_user_id, None)),
            )
        )
    account_data = _account_data(getattr(reply, "account_data_events", []) or [])
    return SyncBatch(next_batch=reply.next_batch, rooms=rooms, account_data=account_data)


def to_new_event(
    event: nio.Event, own_user_id: str, joined_at_ms: int | None = None
) -> NewEvent | None:
    """One timeline event for the store, decrypted content first; None if it is unusable."""
    source = getattr(event, "source", None)
    if not isinstance(source, Mapping):
        return None
    try:
        event_id = source["event_id"]
        sender = source["sender"]
        ts = int(source.get("origin_server_ts") or 0)
    except (KeyError, TypeError, ValueError):
        log.warning("skipping an event without id or sender: %.200r", source)
        return None
    unsigned = source.get("unsigned")
    txn_id = unsigned.get("transaction_id") if isinstance(unsigned, Mapping) else None
    if isinstance(event, nio.MegolmEvent):  # still encrypted: keep it to retry when keys come
        cause: UndecryptableCause = cause_for(event, joined_at_ms)
        return NewEvent(
            event_id,
            sender,
            "m.room.encrypted",
            ts,
            _content(source),
            encrypted=True,
            decryption_error=cause.value,
            raw=dict(source),
            txn_id=txn_id if isinstance(txn_id, str) else None,
        )
    event_type = source.get("type")
    if not isinstance(event_type, str):
        log.warning("skipping event %s without a type", event_id)
        return None
    state_key = source.get("state_key")
    return NewEvent(
        event_id,
        sender,
        event_type,
        ts,
        _content(source),
        state_key=state_key if isinstance(state_key, str) else None,
        encrypted=bool(getattr(event, "decrypted", False)),
        txn_id=txn_id if isinstance(txn_id, str) else None,
    )


def _timeline_events(
    events: Iterable[nio.Event], own_user_id: str, joined_at_ms: int | None
) -> Iterable[NewEvent]:
    for event in events:
        new = to_new_event(event, own_user_id, joined_at_ms)
        if new is not None:
            yield new


def _state_events(events: Iterable[nio.Event]) -> Iterable[StateEvent]:
    for event in events:
        source = getattr(event, "source", None)
        if not isinstance(source, Mapping):
            continue
        event_type, state_key = source.get("type"), source.get("state_key")
        if isinstance(event_type, str) and isinstance(state_key, str):
            yield StateEvent(
                event_type,
                state_key,
                _content(source),
                source.get("event_id"),
                source.get("sender"),
                source.get("origin_server_ts"),
            )


def _receipts(room_id: str, ephemeral: Iterable[nio.Event]) -> Iterable[Receipt]:
    for event in ephemeral:
        if isinstance(event, nio.ReceiptEvent):
            for r in event.receipts:
                thread = getattr(r, "thread_id", None)
                yield Receipt(
                    room_id,
                    str(r.receipt_type),
                    r.user_id,
                    r.event_id,
                    int(r.timestamp or 0),
                    thread if thread and thread != "main" else "",
                )


def _account_data(events: Iterable[Any]) -> dict[str, Mapping[str, Any]]:
    """type → content. nio keeps no `source` on account-data events: unknown types carry
    `type`/`content`, and the two it knows (m.fully_read, m.tag) are rebuilt from their fields."""
    found: dict[str, Mapping[str, Any]] = {}
    for event in events:
        source = getattr(event, "source", None)
        kind: Any
        content: Any
        if isinstance(source, Mapping):
            kind, content = source.get("type"), _content(source)
        elif isinstance(event, nio.FullyReadEvent):
            kind, content = "m.fully_read", {"event_id": event.event_id}
        elif isinstance(event, nio.TagEvent):
            kind, content = "m.tag", {"tags": dict(event.tags)}
        else:
            kind, content = getattr(event, "type", None), getattr(event, "content", None)
        if not isinstance(kind, str) or not isinstance(content, Mapping):
            continue
        if kind.startswith(LOCAL_ONLY_PREFIX):
            log.warning("ignoring server account data of a local-only type %s", kind)
            continue
        found[kind] = dict(content)
    return found


def _content(source: Mapping[str, Any]) -> dict[str, Any]:
    content = source.get("content")
    return dict(content) if isinstance(content, Mapping) else {}


def _count(notifications: Any, name: str) -> int | None:
    value = getattr(notifications, name, None) if notifications is not None else None
    return value if isinstance(value, int) else None
