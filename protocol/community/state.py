"""A community as read from its space's state: typed metadata, rooms, power levels, acceptances."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cercle.protocol.community import schema
from cercle.protocol.community.errors import NotACommunity
from cercle.protocol.community.roles import (
    POWER_LEVELS,
    creators_rank_above_levels,
    room_power_levels,
)
from cercle.protocol.endpoints import server_name_of
from cercle.protocol.errors import MatrixError
from cercle.protocol.event_types import SPACE_CHILD

if TYPE_CHECKING:  # nio stays unloaded until the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Community:
    """What Cercle knows of a community; any `org.cercle.*` piece may be None (malformed/absent)."""

    space_id: str
    name: str | None
    info: schema.CommunityInfo | None
    charter: schema.Charter | None
    editorial: schema.EditorialLine | None
    acceptances: Mapping[str, int]  # user id → charter version accepted
    rooms: tuple[str, ...]  # the space's children (room ids), in state order
    power_levels: Mapping[str, Any]  # the space's
    room_power_levels: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # room versions ≥ 12: the space's creators outrank any level (Cercle creates every room of
    # a community with the same account, so this holds for its rooms too)
    creators: tuple[str, ...] = ()
    creator: str | None = None  # who created the space (m.room.create's sender)

    @property
    def home_server(self) -> str:
        """The creating company's server (room ids of version ≥ 12 name no server)."""
        return server_name_of(self.creator or self.space_id) or ""

    @property
    def all_rooms(self) -> tuple[str, ...]:
        """The space, its rooms and the moderators' room: what community-wide actions cover."""
        extra = (self.info.moderation_room,) if self.info and self.info.moderation_room else ()
        return tuple(dict.fromkeys((self.space_id, *self.rooms, *extra)))


def community_from_state(
    space_id: str, events: Iterable[Any], room_power_levels: Mapping[str, Mapping] | None = None
) -> Community:
    """Pure: a space's state events (as `/state` returns them) → Community."""
    name = None
    info = charter = editorial = None
    acceptances: dict[str, int] = {}
    children: list[str] = []
    levels: Mapping[str, Any] = {}
    creators: tuple[str, ...] = ()
    creator = None
    for event in events:
        if not isinstance(event, Mapping):
            continue
        kind, key, content = event.get("type"), event.get("state_key"), event.get("content")
        if kind == "m.room.create" and isinstance(content, Mapping):
            creators = _creators(event, content)
            creator = event.get("sender") if isinstance(event.get("sender"), str) else None
        elif kind == "m.room.name" and isinstance(content, Mapping):
            name = content.get("name") if isinstance(content.get("name"), str) else None
        elif kind == SPACE_CHILD and isinstance(key, str) and isinstance(content, Mapping):
            if isinstance(content.get("via"), list) and content["via"]:
                children.append(key)
        elif kind == POWER_LEVELS and isinstance(content, Mapping):
            levels = content
        elif kind == schema.COMMUNITY:
            info = schema.parse_community(content, where=space_id)
        elif kind == schema.CHARTER:
            charter = schema.parse_charter(content, where=space_id)
        elif kind == schema.EDITORIAL:
            editorial = schema.parse_editorial(content, where=space_id)
        elif kind == schema.ACCEPTANCE:
            sender = event.get("sender")
            accepted = schema.parse_acceptance(
                key, content, sender=sender if isinstance(sender, str) else None, where=space_id
            )
            if accepted:
                acceptances[accepted.user_id] = accepted.version
    return Community(
        space_id,
        name,
        info,
        charter,
        editorial,
        acceptances,
        tuple(children),
        levels,
        dict(room_power_levels or {}),
        creators,
        creator,
    )


def _creators(event: Mapping[str, Any], content: Mapping[str, Any]) -> tuple[str, ...]:
    version = content.get("room_version", "1")
    if not isinstance(version, str) or not creators_rank_above_levels(version):
        return ()
    extra = content.get("additional_creators")
    more = [u for u in extra if isinstance(u, str)] if isinstance(extra, list) else []
    sender = event.get("sender")
    return tuple(dict.fromkeys([sender, *more] if isinstance(sender, str) else more))


async def load_community(
    client: MatrixClient, space_id: str, *, with_rooms: bool = True
) -> Community:
    """Reads the space's state (and each joined room's power levels, with `with_rooms`)."""
    try:
        raw = await _state_events(client, space_id)
    except MatrixError as e:
        raise NotACommunity(
            f"Cannot read the community {space_id}: join it first, or check the address ({e})",
            errcode=e.errcode,
            status=e.status,
        ) from e
    community = community_from_state(space_id, raw)
    if community.info is None and not community.rooms:
        log.info("%s has no org.cercle.community state: shown as a plain space", space_id)
    if not with_rooms:
        return community

    async def levels(room_id: str) -> tuple[str, Mapping[str, Any] | None]:
        try:
            return room_id, await room_power_levels(client, room_id)
        except MatrixError:
            return room_id, None  # not joined (yet): unknown

    pairs = await asyncio.gather(*(levels(r) for r in community.all_rooms[1:]))
    return community_from_state(space_id, raw, {r: pl for r, pl in pairs if pl is not None})


async def _state_events(client: MatrixClient, room_id: str) -> list[Any]:
    """`/state` as raw JSON: nio's schema check would refuse the whole list for one bad event."""
    from cercle.protocol.rooms import error_from, path

    headers = {"Authorization": f"Bearer {client.nio.access_token}"}

    async def once() -> tuple[int, Any]:
        url = path("rooms", room_id, "state")
        async with await client.nio.send("GET", url, None, headers) as r:
            return r.status, await r.json(content_type=None)

    status, payload = await client.call(once())
    if status != 200:
        raise error_from(status, payload, "reading the community")
    return payload if isinstance(payload, list) else []
