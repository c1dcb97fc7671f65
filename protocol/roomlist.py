"""Room list rows and messages as the UI shows them, read from the encrypted store."""

from __future__ import annotations

from collections.abc import Iterable

from cercle.protocol.changes import Message, RoomSummary
from cercle.protocol.e2ee import UndecryptableCause
from cercle.storage.rooms import Room
from cercle.storage.store import Store
from cercle.storage.timeline import TimelineEvent

SHOWN_TYPES = ("m.room.message", "m.room.encrypted")
UNDECRYPTABLE_TEXT = {
    UndecryptableCause.NOT_YET_RECEIVED: (
        "Encrypted message: the key has not reached this device yet"
    ),
    UndecryptableCause.SENT_BEFORE_JOINED: "Encrypted message sent before you joined",
    UndecryptableCause.WITHHELD: "Encrypted message: the sender did not share its key with you",
    UndecryptableCause.UNKNOWN_DEVICE: "Encrypted message from a device that is not verified",
    UndecryptableCause.BAD_ENCRYPTION: "Encrypted message that cannot be read (malformed)",
}


def server_of(user_id: str) -> str:
    return user_id.split(":", 1)[1] if ":" in user_id else ""


def summaries(
    store: Store, own_user_id: str, room_ids: Iterable[str] | None = None
) -> list[RoomSummary]:
    """Rows for the given rooms (all joined and invited rooms when None), newest first; one
    read of the store whatever the number of rooms."""
    own = server_of(own_user_id)
    rows = []
    for item in store.overview.rooms(room_ids):
        room, members = item.room, item.members
        names = {m.user_id: m.display_name or m.user_id for m in members}
        last = to_message(store, item.last_event, names) if item.last_event else None
        rows.append(
            RoomSummary(
                room_id=room.room_id,
                name=display_name(room, members, own_user_id),
                topic=room.topic or "",
                is_space=room.is_space,
                encrypted=room.encryption is not None,
                member_count=len(members),
                parents=tuple(sorted(item.linked_spaces)),
                external_servers=tuple(sorted({server_of(m.user_id) for m in members} - {own, ""})),
                last_message=last,
                invited=room.join_state == "invite",
            )
        )
    return rows


def display_name(room: Room, members, own_user_id: str) -> str:
    """The spec's room naming: name, then canonical alias, then the other members' names."""
    if room.name:
        return room.name
    if room.canonical_alias:
        return room.canonical_alias
    others = [m.display_name or m.user_id for m in members if m.user_id != own_user_id]
    if not others:
        return "Empty room"
    if len(others) <= 2:
        return " and ".join(others)
    return f"{others[0]}, {others[1]} and {len(others) - 2} others"


def to_message(
    store: Store, event: TimelineEvent, names: dict[str, str] | None = None
) -> Message | None:
    """A stored event as a Message row, or None if a message list does not show it."""
    if event.type not in SHOWN_TYPES or event.redacted_by:
        return None
    undecryptable = event.decryption_error is not None
    if undecryptable:
        try:
            body = UNDECRYPTABLE_TEXT[UndecryptableCause(event.decryption_error or "")]
        except ValueError:
            body = UNDECRYPTABLE_TEXT[UndecryptableCause.NOT_YET_RECEIVED]
    else:
        raw_body = event.content.get("body")
        if not isinstance(raw_body, str):
            return None
        body = raw_body
        relates = event.content.get("m.relates_to")
        if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
            return None  # an edit shows as its original, edited (with the timeline work)
    if names is not None and event.sender in names:
        name = names[event.sender]
    else:
        member = store.rooms.member(event.room_id, event.sender)
        name = member.display_name if member and member.display_name else event.sender
        if names is not None:
            names[event.sender] = name
    return Message(
        event_id=event.event_id,
        room_id=event.room_id,
        sender=event.sender,
        sender_name=name,
        body=body,
        timestamp_ms=event.origin_server_ts,
        encrypted=event.encrypted,
        undecryptable=undecryptable,
        txn_id=event.txn_id,
    )


def messages(store: Store, events: Iterable[TimelineEvent]) -> list[Message]:
    names: dict[str, str] = {}
    return [m for e in events if (m := to_message(store, e, names)) is not None]
