"""Creating a community from a template: its space, rooms, power levels, charter and editorial line.

Layout: the space holds `org.cercle.community`, `org.cercle.charter` (version 1) and
`org.cercle.editorial`; each room of the template is a child of the space with a restricted
join rule (members of the space may join it, from any server) and a canonical `m.space.parent`.
A moderators' room (see moderation.py) is created too, restricted to space members but not
listed as a child; its id is in `org.cercle.community.moderation_room`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cercle.protocol.community import roles, schema
from cercle.protocol.community.templates import RoomSpec, Template, template
from cercle.protocol.endpoints import server_name_of
from cercle.protocol.errors import MatrixError
from cercle.protocol.event_types import SPACE_CHILD, SPACE_PARENT
from cercle.protocol.rooms import path, request_json, restricted_join_rules

if TYPE_CHECKING:  # nio loads only once the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient


@dataclass(frozen=True)
class CreatedCommunity:
    space_id: str
    template: str
    rooms: dict[str, str]  # RoomSpec.key → room id
    moderation_room: str


def _state(event_type: str, content: dict[str, Any], key: str = "") -> dict[str, Any]:
    return {"type": event_type, "state_key": key, "content": content}


async def create_community(
    client: MatrixClient,
    name: str,
    template_key: str,
    *,
    purpose: str = "",
    kind: str | None = None,
    invite: Sequence[str] = (),
    moderators: Sequence[str] = (),
    charter_text: str | None = None,
    tone: str | None = None,
    language: str = "en",
    room_names: dict[str, str] | None = None,
) -> CreatedCommunity:
    """Creates the community (the caller becomes its manager); invitees are invited to the
    space and join its rooms themselves (restricted join). Raises ValueError on bad input."""
    spec: Template = template(template_key)
    kind = kind or spec.kind
    partner = kind == "partner"
    info = schema.community_content(kind, purpose, template=spec.key)
    charter = schema.charter_content(1, charter_text or spec.charter)
    editorial = schema.editorial_content(tone or spec.tone, spec.allowed_post_types, language)
    me = client.user_id
    listed = not roles.creators_rank_above_levels(await default_room_version(client))
    space_levels = roles.power_levels(
        me, creator_listed=listed, moderators=moderators, space=True, partner=partner
    )
    space_id = await client.create_room(
        name,
        topic=purpose or None,
        space=True,
        public=kind == "public",
        invite=invite,
        initial_state=[
            _state(roles.POWER_LEVELS, space_levels),
            _state(schema.COMMUNITY, info),
            _state(schema.CHARTER, charter),
            _state(schema.EDITORIAL, editorial),
            # the manager wrote the charter: they accept it (and are not asked to before posting)
            _state(schema.ACCEPTANCE, schema.acceptance_content(1), me),
        ],
    )
    via = [server_name_of(me) or ""]
    restricted = _state("m.room.join_rules", restricted_join_rules([space_id]))
    parent = _state(SPACE_PARENT, {"via": via, "canonical": True}, space_id)

    async def room(room: RoomSpec) -> str:
        levels = roles.power_levels(
            me,
            creator_listed=listed,
            moderators=moderators,
            announcements=room.announcements,
            partner=partner,
        )
        room_id = await client.create_room(
            (room_names or {}).get(room.key, room.name),
            topic=room.topic,
            encrypted=room.encrypted,
            initial_state=[_state(roles.POWER_LEVELS, levels), restricted, parent],
        )
        suggested = room.key in ("general", "announcements")
        await client.put_state(space_id, SPACE_CHILD, {"via": via, "suggested": suggested}, room_id)
        return room_id

    async def moderation_room() -> str:
        levels = roles.power_levels(me, creator_listed=listed, moderators=moderators, partner=True)
        levels["events_default"] = 50  # moderators talk; members only file reports
        levels["events"][schema.REPORT] = 0
        return await client.create_room(
            f"{name} — moderation",
            topic="Reports and the moderation log (moderators only)",
            initial_state=[
                _state(roles.POWER_LEVELS, levels),
                restricted,
                _state("m.room.history_visibility", {"history_visibility": "joined"}),
            ],
        )

    ids = await asyncio.gather(moderation_room(), *(room(r) for r in spec.rooms))
    moderation, room_ids = ids[0], ids[1:]
    info = schema.community_content(kind, purpose, template=spec.key, moderation_room=moderation)
    await client.put_state(space_id, schema.COMMUNITY, info)
    rooms = {r.key: room_id for r, room_id in zip(spec.rooms, room_ids, strict=True)}
    return CreatedCommunity(space_id, spec.key, rooms, moderation)


async def default_room_version(client: MatrixClient) -> str:
    """The room version our server gives new rooms (`/capabilities`), "10" if it does not say."""
    try:
        reply = await request_json(client, "GET", path("capabilities"), what="capabilities")
    except MatrixError:
        return "10"
    versions = reply.get("capabilities", {}).get("m.room_versions", {})
    default = versions.get("default") if isinstance(versions, dict) else None
    return default if isinstance(default, str) else "10"
