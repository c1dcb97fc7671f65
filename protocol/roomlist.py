"""Room list rows and messages as the UI shows them, read from the encrypted store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from typing import Any

from cercle.protocol.changes import (
    Attachment,
    Message,
    ReactionChip,
    ReplyPreview,
    RoomSummary,
    UndecryptableCause,
)
from cercle.protocol.community import schema
from cercle.protocol.messages import display_body, display_html, relation_of, reply_target
from cercle.storage.rooms import Room
from cercle.storage.store import Store
from cercle.storage.timeline import TimelineEvent

SHOWN_TYPES = ("m.room.message", "m.room.encrypted")
DIRECT = "m.direct"
UNDECRYPTABLE_TEXT = {
    UndecryptableCause.NOT_YET_RECEIVED: (
        "Encrypted message: the key has not reached this device yet"
    ),
    UndecryptableCause.SENT_BEFORE_JOINED: "Encrypted message sent before you joined",
    UndecryptableCause.WITHHELD: "Encrypted message: the sender did not share its key with you",
    UndecryptableCause.WITHHELD_UNVERIFIED: (
        "Encrypted message: the sender shares keys only with verified devices"
    ),
    UndecryptableCause.WITHHELD_BLACKLISTED: (
        "Encrypted message: the sender has blocked this device"
    ),
    UndecryptableCause.WITHHELD_NO_OLM: (
        "Encrypted message: the sender’s device could not open a secure channel to this one"
    ),
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
    direct = direct_rooms(store.receipts.account_data(DIRECT))
    rows = []
    for item in store.overview.rooms(room_ids):
        room, members = item.room, item.members
        names = {m.user_id: m.display_name or m.user_id for m in members}
        last = to_message(store, item.last_event, names, details=False) if item.last_event else None
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
                is_direct=room.is_direct or room.room_id in direct,
                unread_count=room.unread_count,
                highlight_count=room.highlight_count,
                children=item.children,
                community_kind=community_kind(store, room.room_id) if room.is_space else "",
            )
        )
    return rows


def community_kind(store: Store, space_id: str) -> str:
    """The kind a Cercle community declares (org.cercle.community), "" if none or malformed."""
    content = store.rooms.state(space_id, schema.COMMUNITY)
    info = schema.parse_community(content, where=space_id) if content is not None else None
    return info.kind if info is not None else ""


def direct_rooms(content: Mapping[str, Any] | None) -> frozenset[str]:
    """Room ids that `m.direct` account data lists (user id → room ids); junk ignored."""
    return frozenset(
        room_id
        for ids in (content or {}).values()
        if isinstance(ids, list)
        for room_id in ids
        if isinstance(room_id, str)
    )


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
    store: Store,
    event: TimelineEvent,
    names: dict[str, str] | None = None,
    *,
    own_user_id: str | None = None,
    details: bool = True,
    related: Set[str] | None = None,
) -> Message | None:
    """A stored event as a Message row, or None if a message list does not show it. With
    `details` (timeline rows, not room-list previews) the latest edit, the quoted message,
    reactions (`own_user_id`'s marked mine) and the thread size are read from the store too.
    `related`: the events others relate to, when known (`messages` reads it once per page):
    an event outside it has no edit, reaction or thread to read."""
    if event.type not in SHOWN_TYPES:
        return None
    name = _name(store, event.room_id, event.sender, names)
    if event.redacted_by:
        if not details:
            return None
        return Message(
            event_id=event.event_id,
            room_id=event.room_id,
            sender=event.sender,
            sender_name=name,
            body="",
            timestamp_ms=event.origin_server_ts,
            encrypted=event.encrypted,
            txn_id=event.txn_id,
            redacted=True,
            pos=event.pos,
        )
    undecryptable = event.decryption_error is not None
    html: str | None = None
    edited = False
    thread_root: str | None = None
    has_relations = related is None or event.event_id in related
    if undecryptable:
        try:
            cause = UndecryptableCause(event.decryption_error or "")
        except ValueError:  # a cause this version does not know (a newer one stored it)
            cause = UndecryptableCause.NOT_YET_RECEIVED
        body = UNDECRYPTABLE_TEXT[cause]
    else:
        raw_body = event.content.get("body")
        if not isinstance(raw_body, str):
            return None
        relation = relation_of(event.content)
        if relation is not None and relation.rel_type == "m.replace":
            return None  # an edit shows as its original, edited
        if relation is not None and relation.rel_type == "m.thread":
            thread_root = relation.event_id  # the thread panel shows it, not the main timeline
        content: dict = event.content
        if details and has_relations:
            edit = store.timeline.latest_edit(event.event_id)
            new = edit.content.get("m.new_content") if edit else None
            if isinstance(new, dict) and isinstance(new.get("body"), str):
                content, edited = new, True
        body = display_body(content)
        html = display_html(content) if details else None
    reply_to = reactions = None
    thread_count = 0
    thread_last = ""
    if details and not undecryptable:
        if not _falls_back(event.content):
            reply_to = _reply_preview(store, event, names)
        reactions = _reactions(store, event.event_id, own_user_id) if has_relations else ()
        thread = store.timeline.thread(event.event_id) if has_relations else []
        thread_count = len(thread)
        if thread:
            thread_last = _name(store, event.room_id, thread[-1].sender, names)
    return Message(
        event_id=event.event_id,
        room_id=event.room_id,
        sender=event.sender,
        sender_name=name,
        body=body,
        timestamp_ms=event.origin_server_ts,
        encrypted=event.encrypted,
        undecryptable=undecryptable,
        cause=event.decryption_error if undecryptable else None,
        txn_id=event.txn_id,
        html=html,
        edited=edited,
        reply_to=reply_to,
        reactions=reactions or (),
        thread_count=thread_count,
        thread_last_sender=thread_last,
        thread_root=thread_root,
        attachment=None if undecryptable else attachment_of(event.content),
        pos=event.pos,
    )


MEDIA_KINDS = {"m.image": "image", "m.video": "video", "m.audio": "audio", "m.file": "file"}


def attachment_of(content: Mapping[str, Any]) -> Attachment | None:
    """The file a media message carries (read defensively), or None for other messages."""
    kind = MEDIA_KINDS.get(content.get("msgtype"))  # type: ignore[arg-type]
    if kind is None or not (isinstance(content.get("url"), str) or "file" in content):
        return None
    raw_info = content.get("info")
    info = raw_info if isinstance(raw_info, Mapping) else {}

    def number(key: str) -> int | None:
        value = info.get(key)
        return int(value) if isinstance(value, int | float) and value > 0 else None

    name = content.get("filename") or content.get("body")
    mimetype = info.get("mimetype")
    return Attachment(
        kind=kind,
        filename=name if isinstance(name, str) else "",
        size=number("size"),
        mimetype=mimetype if isinstance(mimetype, str) else None,
        width=number("w"),
        height=number("h"),
        has_thumbnail="thumbnail_file" in info or "thumbnail_url" in info,
        content=dict(content),
    )


def thread_root_of(content: Any) -> str | None:
    """The thread an event's content is in (m.thread relation), if any."""
    relation = relation_of(content) if isinstance(content, Mapping) else None
    if relation is not None and relation.rel_type == "m.thread":
        return relation.event_id
    return None


def _falls_back(content: Mapping[str, Any]) -> bool:
    """A thread reply's m.in_reply_to that is only the fallback for unthreaded clients."""
    relates = content.get("m.relates_to")
    return (
        isinstance(relates, Mapping)
        and relates.get("rel_type") == "m.thread"
        and relates.get("is_falling_back") is True
    )


def _name(store: Store, room_id: str, user_id: str, names: dict[str, str] | None) -> str:
    if names is not None and user_id in names:
        return names[user_id]
    member = store.rooms.member(room_id, user_id)
    name = member.display_name if member and member.display_name else user_id
    if names is not None:
        names[user_id] = name
    return name


def _reply_preview(
    store: Store, event: TimelineEvent, names: dict[str, str] | None
) -> ReplyPreview | None:
    target_id = reply_target(event.content)
    if target_id is None:
        return None
    target = store.timeline.get(target_id)
    if target is None or target.room_id != event.room_id:
        return ReplyPreview(target_id)
    quoted = to_message(store, target, names, details=False) if not target.redacted_by else None
    if quoted is None:
        return ReplyPreview(
            target_id, target.sender, _name(store, target.room_id, target.sender, names)
        )
    edit = store.timeline.latest_edit(target_id)
    new = edit.content.get("m.new_content") if edit else None
    body = display_body(new) if isinstance(new, dict) else quoted.body
    line = " ".join(body.split())
    return ReplyPreview(target_id, quoted.sender, quoted.sender_name, line[:200])


def _reactions(store: Store, event_id: str, own_user_id: str | None) -> tuple[ReactionChip, ...]:
    return tuple(
        ReactionChip(r.key, r.count, own_user_id is not None and own_user_id in r.senders)
        for r in store.timeline.reactions(event_id)
    )


def own_user_id_of(store: Store) -> str | None:
    session = store.session.load()
    return session.user_id if session is not None else None


def messages(
    store: Store, events: Iterable[TimelineEvent], own_user_id: str | None = None
) -> list[Message]:
    """Timeline rows for stored events (those a message list does not show are skipped)."""
    names: dict[str, str] = {}
    own = own_user_id if own_user_id is not None else own_user_id_of(store)
    events = list(events)
    related = store.timeline.related_to([e.event_id for e in events])
    return [
        m
        for e in events
        if (m := to_message(store, e, names, own_user_id=own, related=related)) is not None
    ]
