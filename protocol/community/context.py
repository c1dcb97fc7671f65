"""Around an open room: its community, members with roles, guides, invites, rooms to browse."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cercle.protocol.community.errors import CommunityError
from cercle.protocol.community.roles import Role, role_of
from cercle.protocol.community.state import Community, load_community
from cercle.protocol.endpoints import server_name_of
from cercle.protocol.errors import MatrixError
from cercle.protocol.rooms import SpaceRoom, full_hierarchy, join, knock, path, request_json

if TYPE_CHECKING:  # nio loads only once the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient

log = logging.getLogger(__name__)

PINNED = "m.room.pinned_events"


@dataclass(frozen=True)
class Member:
    user_id: str
    display_name: str
    role: Role
    external: bool  # on another server than the community's
    accepted_version: int  # charter version accepted (0: never)


@dataclass(frozen=True)
class Guide:
    """A pinned message of one of the community's rooms, shown as a good-practice guide."""

    room_id: str
    event_id: str
    sender: str
    body: str  # empty when it could not be read (encrypted, deleted)


async def community_of(
    client: MatrixClient, room_id: str, parents: Iterable[str] = (), *, is_space: bool = False
) -> Community | None:
    """The Cercle community `room_id` belongs to (or is), None for a room outside any.

    A parent space without `org.cercle.community` state is skipped (a plain space)."""
    candidates = [room_id] if is_space else []
    candidates += [p for p in parents if p not in candidates]
    for space_id in candidates:
        try:
            community = await load_community(client, space_id)
        except CommunityError as e:
            log.info("space %s not readable as a community: %s", space_id, e)
            continue
        if community.info is not None or community.charter is not None:
            return community
    return None


def members_from(
    community: Community, joined: Mapping[str, Any], display: Mapping[str, str] | None = None
) -> list[Member]:
    """Pure: the space's joined members with their role, managers first, then by name."""
    home = community.home_server
    names = display or {}
    members = [
        Member(
            user_id,
            names.get(user_id) or user_id,
            role_of(community.power_levels, user_id, home, community.creators),
            server_name_of(user_id) != home,
            community.acceptances.get(user_id, 0),
        )
        for user_id in joined
    ]
    rank = {Role.MANAGER: 0, Role.MODERATOR: 1, Role.MEMBER: 2, Role.PARTNER_GUEST: 3}
    return sorted(members, key=lambda m: (rank[m.role], m.display_name.casefold(), m.user_id))


async def members(client: MatrixClient, community: Community) -> list[Member]:
    """Who is in the community (the space's joined members), with roles and charter versions."""
    url = path("rooms", community.space_id, "joined_members")
    reply = await request_json(client, "GET", url, what="reading the members")
    raw = reply.get("joined")
    joined: dict[str, Any] = raw if isinstance(raw, dict) else {}
    display = {
        u: info["display_name"]
        for u, info in joined.items()
        if isinstance(info, dict) and isinstance(info.get("display_name"), str)
    }
    return members_from(community, joined, display)


def pinned_ids(content: Any) -> tuple[str, ...]:
    """Pure: the event ids of an `m.room.pinned_events` content (malformed entries dropped)."""
    pinned = content.get("pinned") if isinstance(content, Mapping) else None
    if not isinstance(pinned, list):
        return ()
    return tuple(dict.fromkeys(p for p in pinned if isinstance(p, str) and p.startswith("$")))


def guide_from(room_id: str, event: Any) -> Guide | None:
    """Pure: a pinned event as a guide (its text body when it is a readable message)."""
    if not isinstance(event, Mapping) or not isinstance(event.get("event_id"), str):
        return None
    content = event.get("content")
    body = ""
    if event.get("type") == "m.room.message" and isinstance(content, Mapping):
        text = content.get("body")
        body = text if isinstance(text, str) else ""
    sender = event.get("sender")
    return Guide(room_id, event["event_id"], sender if isinstance(sender, str) else "", body)


async def guides(client: MatrixClient, community: Community, *, limit: int = 20) -> list[Guide]:
    """The pinned messages of the space and its rooms, in room order (the community's guides)."""
    moderation = community.info.moderation_room if community.info else None
    rooms = [r for r in community.all_rooms if r != moderation]

    async def of_room(room_id: str) -> list[Guide]:
        try:
            state = await request_json(
                client, "GET", path("rooms", room_id, "state", PINNED, ""), what="pins"
            )
        except MatrixError:
            return []  # nothing pinned, or not joined

        async def one(event_id: str) -> Guide | None:
            try:
                url = path("rooms", room_id, "event", event_id)
                return guide_from(room_id, await request_json(client, "GET", url, what="a pin"))
            except MatrixError:
                return None

        found = await asyncio.gather(*(one(e) for e in pinned_ids(state)))
        return [g for g in found if g is not None]

    per_room = await asyncio.gather(*(of_room(r) for r in rooms))
    return [g for room in per_room for g in room][:limit]


def external_to(community: Community, user_id: str) -> bool:
    """Pure: whether `user_id` is on another server than the community's own."""
    server = server_name_of(user_id)
    return bool(server) and server != community.home_server


def invite_needs_warning(community: Community, user_id: str) -> bool:
    """Pure: inviting an external person into an internal community deserves a warning."""
    kind = community.info.kind if community.info else "internal"
    return kind == "internal" and external_to(community, user_id)


async def invite(client: MatrixClient, community: Community, user_id: str) -> None:
    """Invites `user_id` to the community's space (its rooms are then open to them: restricted
    join). Raises CommunityError with the server's words when refused."""
    try:
        await client.invite(community.space_id, user_id)
    except MatrixError as e:
        raise CommunityError(
            f"Could not invite {user_id}: {e}", errcode=e.errcode, status=e.status
        ) from e


@dataclass(frozen=True)
class BrowseEntry:
    room: SpaceRoom
    suggested: bool
    joined: bool


def browse_order(
    hierarchy: Iterable[SpaceRoom], space_id: str, joined: Iterable[str] = ()
) -> list[BrowseEntry]:
    """Pure: the space's rooms from its hierarchy, suggested first, then by name."""
    rooms = list(hierarchy)
    mine = set(joined)
    suggested: set[str] = set()
    for room in rooms:
        if room.room_id == space_id:
            suggested = {c.room_id for c in room.children if c.suggested}
    entries = [
        BrowseEntry(r, r.room_id in suggested, r.room_id in mine)
        for r in rooms
        if r.room_id != space_id
    ]
    return sorted(entries, key=lambda e: (not e.suggested, (e.room.name or "").casefold()))


async def browse(
    client: MatrixClient, space_id: str, joined: Iterable[str] = ()
) -> list[BrowseEntry]:
    """The community's rooms as its hierarchy lists them (suggested first)."""
    return browse_order(await full_hierarchy(client, space_id, max_depth=1), space_id, joined)


async def enter(client: MatrixClient, room: SpaceRoom, via: str) -> str:
    """Joins a room of the community (restricted join for members), or knocks when it asks for
    that; returns "joined" or "knocked"."""
    if room.join_rule == "knock":
        await knock(client, room.room_id, via=[via], reason=None)
        return "knocked"
    await join(client, room.room_id, via=[via])
    return "joined"


CONVERSATION = ("text", "question", "idea")  # post types a written message can be


def message_allowed(editorial: Any, *, manager: bool = False) -> bool:
    """Pure: may a written message be posted under this editorial line (None: no line, yes)?
    Text, questions and ideas are messages; announcements too, from managers; a line of
    documents only takes files."""
    if editorial is None:
        return True
    types = set(editorial.allowed_post_types)
    return bool(types & set(CONVERSATION)) or (manager and "announcement" in types)
