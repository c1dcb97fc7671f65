"""What a room's side panel shows (members, threads, files, pinned messages), read from the store.

Read on a worker thread. The community roles (their module imports nio) load on first use, so
the desktop can import the row types at start-up."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cercle.protocol.changes import Message
from cercle.protocol.roomlist import server_of, to_message
from cercle.storage.panels import PanelsRepo
from cercle.storage.store import Store

POWER_LEVELS = "m.room.power_levels"
PINNED = "m.room.pinned_events"


@dataclass(frozen=True)
class MemberInfo:
    """One person in the room: where they come from and what they may do."""

    user_id: str
    display_name: str
    server: str  # their homeserver: the organisation they belong to
    external: bool  # from another server than ours
    power_level: int
    role: str  # "manager" | "moderator" | "member" | "partner_guest" (community roles' names)
    avatar_url: str | None = None


@dataclass(frozen=True)
class ThreadInfo:
    """A thread of the room: its first message, how many replies, when the last one came."""

    root: Message
    replies: int
    latest_ts: int


@dataclass(frozen=True)
class FileInfo:
    """A file, image, video or sound posted in the room."""

    event_id: str
    sender: str
    sender_name: str
    name: str
    kind: str  # the msgtype: m.file, m.image, m.video, m.audio
    mimetype: str
    size: int  # bytes; 0 when the sender did not say
    timestamp_ms: int


@dataclass(frozen=True)
class PinnedInfo:
    """A pinned event; `message` is None while it is not in the store (or not a message)."""

    event_id: str
    message: Message | None


def folded(name: str) -> str:
    """A name for sorting: case and accents ignored (Élodie between Camille and Zoé)."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)
    )


def creators_of(sender: str | None, create: Mapping[str, Any]) -> tuple[str, ...]:
    """Who outranks every level: the create event's sender (+ additional_creators) in v12+."""
    from cercle.protocol.community.roles import creators_rank_above_levels

    version = create.get("room_version", "1")
    if not isinstance(version, str) or not creators_rank_above_levels(version):
        return ()
    extra = create.get("additional_creators")
    more = [u for u in extra if isinstance(u, str)] if isinstance(extra, list) else []
    return tuple(dict.fromkeys([sender, *more] if sender else more))


def members(store: Store, room_id: str, own_user_id: str) -> list[MemberInfo]:
    """Joined members, highest role first, then by name."""
    from cercle.protocol.community.roles import level_of, role_of

    own = server_of(own_user_id)
    levels = store.rooms.state(room_id, POWER_LEVELS) or {}
    creators = creators_of(*PanelsRepo(store.db).creation(room_id))
    rows = []
    for member in store.rooms.members(room_id):
        server = server_of(member.user_id)
        level = level_of(levels, member.user_id, creators)
        external = bool(server) and server != own
        rows.append(
            MemberInfo(
                member.user_id,
                member.display_name or member.user_id,
                server,
                external,
                level,
                role_of(levels, member.user_id, own, creators).value,
                member.avatar_url,
            )
        )
    rows.sort(key=lambda m: (-m.power_level, folded(m.display_name), m.user_id))
    return rows


def threads(store: Store, room_id: str, limit: int = 200) -> list[ThreadInfo]:
    """Thread roots, latest reply first (roots we cannot show are left out)."""
    names: dict[str, str] = {}
    rows = []
    for found in PanelsRepo(store.db).thread_roots(room_id, limit):
        root = to_message(store, found.root, names, details=False)
        if root is not None:
            rows.append(ThreadInfo(root, found.replies, found.latest_ts))
    return rows


def files(store: Store, room_id: str, limit: int = 200) -> list[FileInfo]:
    """Files posted in the room, newest first."""
    names: dict[str, str] = {}
    rows = []
    for event in PanelsRepo(store.db).files(room_id, limit):
        content = event.content
        raw_info = content.get("info")
        info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
        name = content.get("filename") or content.get("body")
        size = info.get("size")
        mimetype = info.get("mimetype")
        if event.sender not in names:
            member = store.rooms.member(room_id, event.sender)
            names[event.sender] = (member.display_name if member else None) or event.sender
        rows.append(
            FileInfo(
                event.event_id,
                event.sender,
                names[event.sender],
                name if isinstance(name, str) else "",
                str(content.get("msgtype")),
                mimetype if isinstance(mimetype, str) else "",
                size if type(size) is int and size >= 0 else 0,
                event.origin_server_ts,
            )
        )
    return rows


def pinned(store: Store, room_id: str) -> list[PinnedInfo]:
    """The room's pinned events, most recently pinned first (the list's end is the newest)."""
    from cercle.protocol.community.context import pinned_ids  # one parser of the pins

    names: dict[str, str] = {}
    rows = []
    for event_id in reversed(pinned_ids(store.rooms.state(room_id, PINNED))):
        event = store.timeline.get(event_id)
        message = None
        if event is not None and event.room_id == room_id and not event.redacted_by:
            message = to_message(store, event, names, details=False)
        rows.append(PinnedInfo(event_id, message))
    return rows
