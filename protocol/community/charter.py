"""The versioned charter: publishing, a member's acceptance, and whether someone may post."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cercle.protocol.community import schema
from cercle.protocol.community.errors import CommunityError, is_refusal
from cercle.protocol.community.roles import can_send
from cercle.protocol.community.state import Community
from cercle.protocol.errors import MatrixError

if TYPE_CHECKING:  # nio loads only once the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient


class CharterRefused(CommunityError):
    """The server refused to record the charter or an acceptance (the message says why)."""


class PostBlock(StrEnum):
    CHARTER = "charter"  # accept the current charter first
    READ_ONLY = "read_only"  # the room's power levels (e.g. announcements: managers only)
    UNKNOWN_ROOM = "unknown_room"  # not a room of this community, or not joined


@dataclass(frozen=True)
class PostCheck:
    """Whether the composer may send; when not, why, in words the UI shows as is."""

    allowed: bool
    block: PostBlock | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def accepted_version(community: Community, user_id: str) -> int:
    return community.acceptances.get(user_id, 0)


def needs_acceptance(community: Community, user_id: str) -> bool:
    """True while the community has a charter whose current version `user_id` has not accepted."""
    if community.charter is None:
        return False  # no charter (or a malformed one): nothing to accept
    return accepted_version(community, user_id) < community.charter.version


def can_post(community: Community, user_id: str, room_id: str) -> PostCheck:
    """Pure: may `user_id` post a message in `room_id` of this community (UI composer gate)."""
    if needs_acceptance(community, user_id):
        assert community.charter is not None
        again = accepted_version(community, user_id) > 0
        return PostCheck(
            False,
            PostBlock.CHARTER,
            f"The charter has a new version ({community.charter.version}): read and accept it"
            " to post again"
            if again
            else "Read and accept the community's charter to start posting",
        )
    levels = community.room_power_levels.get(room_id)
    if levels is None:
        return PostCheck(
            False, PostBlock.UNKNOWN_ROOM, "Join this room of the community to post in it"
        )
    if not can_send(levels, user_id, "m.room.message", creators=community.creators):
        return PostCheck(
            False, PostBlock.READ_ONLY, "Only the community's managers post in this room"
        )
    return PostCheck(True)


def who_accepted(community: Community) -> dict[int, tuple[str, ...]]:
    """For managers: charter version → the users whose latest acceptance is that version."""
    by_version: dict[int, list[str]] = {}
    for user, version in sorted(community.acceptances.items()):
        by_version.setdefault(version, []).append(user)
    return {v: tuple(users) for v, users in sorted(by_version.items(), reverse=True)}


async def publish_charter(client: MatrixClient, community: Community, text: str) -> int:
    """Publishes `text` as the next charter version (every member is asked to accept again)."""
    version = (community.charter.version if community.charter else 0) + 1
    content = schema.charter_content(version, text)
    try:
        await client.put_state(community.space_id, schema.CHARTER, content)
    except MatrixError as e:
        if not is_refusal(e):
            raise  # unreachable, rate-limited…: said as such, not as a question of rights
        raise CharterRefused(
            f"Could not publish the charter: only community managers can ({e})",
            errcode=e.errcode,
            status=e.status,
        ) from e
    return version


async def accept_charter(client: MatrixClient, community: Community) -> int:
    """Records that we accept the current charter: a state event keyed by our own user id."""
    if community.charter is None:
        raise CharterRefused("This community has no charter to accept")
    version = community.charter.version
    try:
        await client.put_state(
            community.space_id,
            schema.ACCEPTANCE,
            schema.acceptance_content(version),
            client.user_id,
        )
    except MatrixError as e:
        if not is_refusal(e):
            raise
        raise CharterRefused(
            f"Could not record your acceptance of the charter: join the community first ({e})",
            errcode=e.errcode,
            status=e.status,
        ) from e
    return version
