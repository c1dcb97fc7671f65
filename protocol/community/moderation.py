"""Moderation: reports to the server and the moderators, community-wide kick/ban, the log.

Design. Each community has a moderators' room (created with it; its id is in
`org.cercle.community.moderation_room`). It is restricted to space members, with history
visible only from one's join, `events_default` 50 (moderators talk) and `org.cercle.report` at 0.
- A report goes to the server (`/report`, for its administrators) and, as an `org.cercle.report`
  event, to the moderators' room: a member who is not a moderator joins, files it and leaves,
  so they never read the room's history (and only what happens during that second).
- Kick and ban act on every room of the community (space, rooms, moderators' room) at once.
- The moderation log is on the server, not local: an `org.cercle.moderation` event in the
  moderators' room for each community-wide action, so every moderator sees the same log.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cercle.protocol import endpoints
from cercle.protocol.community import schema
from cercle.protocol.community.errors import CommunityError, raise_unless_refused
from cercle.protocol.community.roles import level_of
from cercle.protocol.community.state import Community
from cercle.protocol.errors import MatrixError
from cercle.protocol.rooms import join, leave, path, request_json, send_request

if TYPE_CHECKING:  # nio loads only once the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient

log = logging.getLogger(__name__)


class ModerationRefused(CommunityError):
    """A moderation action was refused everywhere (not a moderator, or the user is above us)."""


@dataclass(frozen=True)
class ModerationResult:
    action: str
    target: str
    rooms: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (room id, why)


@dataclass(frozen=True)
class LogEntry:
    event_id: str
    sender: str
    ts: int
    type: str  # schema.REPORT or schema.MODERATION
    content: dict[str, Any]


async def report(
    client: MatrixClient, community: Community, room_id: str, event_id: str, reason: str
) -> None:
    """Reports a message to our server's administrators and to the community's moderators."""
    await send_request(
        client, endpoints.report_event(room_id, event_id, reason=reason), what="reporting"
    )
    room = community.info.moderation_room if community.info else None
    if room is None:
        log.warning("%s has no moderators' room: reported to the server only", community.space_id)
        return
    content = {"room_id": room_id, "event_id": event_id, "reason": reason,
               "reporter": client.user_id}  # fmt: skip
    moderator = level_of(community.power_levels, client.user_id, community.creators) >= 50
    if not moderator:
        await join(client, room, via=[community.home_server])
    try:
        await client.send_event(room, schema.REPORT, content)
    finally:
        if not moderator:
            await leave(client, room)


async def _everywhere(
    client: MatrixClient, community: Community, action: str, user_id: str, reason: str | None
) -> ModerationResult:
    body: dict[str, Any] = {"user_id": user_id}
    if reason:
        body["reason"] = reason
    rooms = community.all_rooms

    async def one(room_id: str) -> MatrixError | None:
        try:
            url = path("rooms", room_id, action)
            await request_json(client, "POST", url, body=body, what=action)
        except MatrixError as e:
            return e
        return None

    outcomes = await asyncio.gather(*(one(r) for r in rooms))
    results = [str(e) if e is not None else None for e in outcomes]
    failed = tuple((r, why) for r, why in zip(rooms, results, strict=True) if why)
    done = tuple(r for r, why in zip(rooms, results, strict=True) if not why)
    if not done:
        raise_unless_refused(outcomes)
        raise ModerationRefused(
            f"Could not {action} {user_id} from any room of the community: only its moderators"
            f" can, and not someone of equal or higher rank ({failed[0][1] if failed else ''})"
        )
    result = ModerationResult(action, user_id, done, failed)
    await _log(client, community, result, reason)
    return result


async def _log(
    client: MatrixClient, community: Community, result: ModerationResult, reason: str | None
) -> None:
    room = community.info.moderation_room if community.info else None
    if room is None:
        return
    content = {"action": result.action, "target": result.target, "reason": reason or "",
               "rooms": list(result.rooms), "failed": [r for r, _ in result.failed]}  # fmt: skip
    try:
        await client.send_event(room, schema.MODERATION, content)
    except MatrixError as e:  # the action is done; a missing log line must not undo that
        log.warning("moderation log entry not written in %s: %s", room, e)


async def ban(
    client: MatrixClient, community: Community, user_id: str, *, reason: str | None = None
) -> ModerationResult:
    """Bans `user_id` from every room of the community at once (they cannot rejoin any)."""
    return await _everywhere(client, community, "ban", user_id, reason)


async def kick(
    client: MatrixClient, community: Community, user_id: str, *, reason: str | None = None
) -> ModerationResult:
    """Removes `user_id` from every room of the community (they may rejoin where allowed)."""
    return await _everywhere(client, community, "kick", user_id, reason)


async def unban(client: MatrixClient, community: Community, user_id: str) -> ModerationResult:
    return await _everywhere(client, community, "unban", user_id, None)


async def moderation_log(
    client: MatrixClient, community: Community, *, limit: int = 50
) -> list[LogEntry]:
    """The newest reports and actions first (moderators only: the room's members)."""
    room = community.info.moderation_room if community.info else None
    if room is None:
        return []
    url = path("rooms", room, "messages")
    reply = await request_json(
        client, "GET", url, query={"dir": "b", "limit": limit}, what="reading the log"
    )
    entries = []
    for event in reply.get("chunk") or ():
        kind, content = event.get("type"), event.get("content")
        if kind in (schema.REPORT, schema.MODERATION) and isinstance(content, dict):
            entries.append(
                LogEntry(
                    event.get("event_id", ""),
                    event.get("sender", ""),
                    event.get("origin_server_ts", 0),
                    kind,
                    content,
                )
            )
    return entries
