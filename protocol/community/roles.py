"""Community roles mapped to power levels, and applying a role across all of a community's rooms.

- manager (100): everything, including the charter, the ACL and posting announcements;
- moderator (50): kick, ban, redact, invite, change room names and topics;
- member (0): posts in the discussion rooms once the charter is accepted;
- partner guest (0, on another server than the community's): like a member, but Cercle's
  restrictions apply — no posting in announcements (level 100 there, as for every non-manager),
  no inviting in a partner community (`invite` is 50 there), and `can_post` checks the charter.
  Matrix has no per-user restriction below a level, so a guest is a level-0 user from another
  server; `role_of` reports them as such.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cercle.protocol.community import schema
from cercle.protocol.community.errors import CommunityError, raise_unless_refused
from cercle.protocol.endpoints import server_name_of
from cercle.protocol.errors import MatrixError
from cercle.protocol.rooms import path, request_json

if TYPE_CHECKING:  # nio loads only once the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient

log = logging.getLogger(__name__)

POWER_LEVELS = "m.room.power_levels"


class Role(StrEnum):
    MANAGER = "manager"
    MODERATOR = "moderator"
    MEMBER = "member"
    PARTNER_GUEST = "partner_guest"


LEVELS = {Role.MANAGER: 100, Role.MODERATOR: 50, Role.MEMBER: 0, Role.PARTNER_GUEST: 0}


CREATOR_LEVEL = 2**53  # room versions ≥ 12: creators rank above any power level


def level_of(power_levels: Mapping[str, Any], user_id: str, creators: Iterable[str] = ()) -> int:
    if user_id in creators:
        return CREATOR_LEVEL
    users = power_levels.get("users")
    if isinstance(users, Mapping) and isinstance(users.get(user_id), int):
        return int(users[user_id])
    default = power_levels.get("users_default", 0)
    return default if isinstance(default, int) else 0


def role_of(
    power_levels: Mapping[str, Any], user_id: str, home_server: str, creators: Iterable[str] = ()
) -> Role:
    """The role a user holds in a room, from its power levels and the community's server."""
    level = level_of(power_levels, user_id, creators)
    if level >= 100:
        return Role.MANAGER
    if level >= 50:
        return Role.MODERATOR
    return Role.MEMBER if server_name_of(user_id) == home_server else Role.PARTNER_GUEST


def can_send(
    power_levels: Mapping[str, Any],
    user_id: str,
    event_type: str,
    *,
    state: bool = False,
    creators: Iterable[str] = (),
) -> bool:
    """Whether the power levels let `user_id` send `event_type` (Matrix's rule)."""
    events = power_levels.get("events")
    needed = events.get(event_type) if isinstance(events, Mapping) else None
    if not isinstance(needed, int):
        key = "state_default" if state else "events_default"
        needed = power_levels.get(key, 50 if state else 0)
        needed = needed if isinstance(needed, int) else (50 if state else 0)
    return level_of(power_levels, user_id, creators) >= needed


def creators_rank_above_levels(room_version: str) -> bool:
    """Room versions 12 and later: creators are implicit top rank, absent from `users`."""
    return not (room_version.isdigit() and int(room_version) < 12)


def power_levels(
    creator: str,
    *,
    creator_listed: bool = True,
    moderators: Iterable[str] = (),
    announcements: bool = False,
    space: bool = False,
    partner: bool = False,
) -> dict[str, Any]:
    """`m.room.power_levels` content for a community room (or its space) from roles."""
    users = {m: LEVELS[Role.MODERATOR] for m in moderators}
    if creator_listed:  # False in room versions ≥ 12, which refuse the creator in `users`
        users[creator] = LEVELS[Role.MANAGER]
    events = {
        "m.room.name": 50,
        "m.room.topic": 50,
        "m.room.avatar": 50,
        "m.room.canonical_alias": 50,
        "m.room.pinned_events": 50,
        "m.room.power_levels": 100,
        "m.room.history_visibility": 100,
        "m.room.encryption": 100,
        "m.room.tombstone": 100,
        "m.room.server_acl": 100,
        "m.space.child": 100,
        "m.space.parent": 100,
        schema.COMMUNITY: 100,
        schema.CHARTER: 100,
        schema.EDITORIAL: 100,
        "m.reaction": 0,
        "m.room.redaction": 0,  # redacting one's own message; others' need `redact`
    }
    if space:
        events[schema.ACCEPTANCE] = 0  # members write their own record (state_key = user id)
    return {
        "users": users,
        "users_default": 0,
        "events": events,
        "events_default": 100 if announcements else 0,
        "state_default": 50,
        "ban": 50,
        "kick": 50,
        "redact": 50,
        "invite": 50 if partner else 0,
        "notifications": {"room": 50},
    }


def with_role(power_levels: Mapping[str, Any], user_id: str, role: Role) -> dict[str, Any]:
    """Power levels with `user_id` at `role`'s level (level 0 drops the entry)."""
    updated = copy.deepcopy(dict(power_levels))
    users = dict(updated.get("users") or {})
    level = LEVELS[role]
    if level == updated.get("users_default", 0):
        users.pop(user_id, None)
    else:
        users[user_id] = level
    updated["users"] = users
    return updated


@dataclass(frozen=True)
class RoleApplied:
    user_id: str
    role: Role
    rooms: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (room id, why)


class RoleRefused(CommunityError):
    """Changing the role was refused in some room (not a manager there, or an equal's level)."""


async def room_power_levels(client: MatrixClient, room_id: str) -> dict[str, Any]:
    url = path("rooms", room_id, "state", POWER_LEVELS, "")
    return await request_json(client, "GET", url, what="reading power levels")


async def apply_role(
    client: MatrixClient, room_ids: Iterable[str], user_id: str, role: Role
) -> RoleApplied:
    """Sets `user_id`'s level to `role` in every room at once (space included by the caller)."""
    rooms = tuple(dict.fromkeys(room_ids))

    async def one(room_id: str) -> MatrixError | None:
        try:
            current = await room_power_levels(client, room_id)
            await client.put_state(room_id, POWER_LEVELS, with_role(current, user_id, role))
        except MatrixError as e:
            log.warning("role %s for %s not applied in %s: %s", role, user_id, room_id, e)
            return e
        return None

    outcomes = await asyncio.gather(*(one(r) for r in rooms))
    results = [str(e) if e is not None else None for e in outcomes]
    failed = tuple((r, why) for r, why in zip(rooms, results, strict=True) if why)
    if failed and len(failed) == len(rooms):
        raise_unless_refused(outcomes)
        raise RoleRefused(
            f"Could not make {user_id} {role.value} in any room of the community: only a "
            f"community manager can change roles ({failed[0][1]})"
        )
    done = tuple(r for r, why in zip(rooms, results, strict=True) if not why)
    return RoleApplied(user_id, role, done, failed)
