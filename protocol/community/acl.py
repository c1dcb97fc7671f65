"""The partner-server allow-list, applied as `m.room.server_acl` to a community's every room."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cercle.protocol.community.errors import CommunityError
from cercle.protocol.community.state import Community
from cercle.protocol.endpoints import InvalidServerAcl, ServerAclLockout, server_acl_content
from cercle.protocol.endpoints import server_name_of as _server_of
from cercle.protocol.errors import MatrixError

if TYPE_CHECKING:  # nio stays unloaded until the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient

SERVER_ACL = "m.room.server_acl"


class AclRefused(CommunityError):
    """The allow-list was not applied: it would lock out a server that must stay, or is malformed.

    `explanation` says which rule and what to change; `server` is the server it would shut out.
    """

    def __init__(self, explanation: str, *, server: str | None = None) -> None:
        super().__init__(explanation)
        self.explanation = explanation
        self.server = server


@dataclass(frozen=True)
class AclApplied:
    content: dict[str, Any]
    rooms: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (room id, why)


def own_pattern(own_server: str) -> str:
    """Pure: the allow-list entry that keeps our own server in (`host*` when its name has a port,
    as Synapse matches its own name with the port)."""
    if ":" in own_server and not own_server.startswith("["):
        return own_server.split(":")[0] + "*"
    return own_server


def allow_list_content(
    own_server: str,
    allow: Sequence[str],
    *,
    deny: Sequence[str] = (),
    allow_ip_literals: bool = False,
) -> dict[str, Any]:
    """Pure: the ACL content for an allow-list (patterns, `*` and `?` globs, no ports).

    Our own server is never added silently: an allow-list that leaves it out is refused with an
    explanation (AclRefused), as is one that denies it.
    """
    try:
        content = server_acl_content(
            own_server=own_server, allow=allow, deny=deny, allow_ip_literals=allow_ip_literals
        )
    except ServerAclLockout as e:
        raise AclRefused(
            f"{e.explanation} Add {own_server.split(':')[0]} to the allow-list (or remove the"
            " rule that denies it) and apply it again.",
            server=e.server_name,
        ) from None
    except InvalidServerAcl as e:
        raise AclRefused(str(e)) from None
    if (
        ":" in own_server
        and not own_server.startswith("[")
        and not _matches_full_name(content["allow"], own_server)
    ):
        # Synapse checks its own name *with* the port (federation peers are matched without)
        host = own_server.split(":")[0]
        raise AclRefused(
            f"Your server's name includes a port ({own_server}) and Synapse matches the"
            f" allow-list against that full name: add “{host}*” to the allow-list.",
            server=own_server,
        )
    return content


def _matches_full_name(patterns: Sequence[str], server_name: str) -> bool:
    def glob(p: str) -> re.Pattern[str]:
        body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in p)
        return re.compile(body, re.IGNORECASE | re.DOTALL)

    return any(glob(p).fullmatch(server_name) for p in patterns)


async def apply_allow_list(
    client: MatrixClient,
    community: Community,
    allow: Sequence[str],
    *,
    deny: Sequence[str] = (),
    allow_ip_literals: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> AclApplied:
    """Applies the allow-list to the space, its rooms and the moderators' room at once;
    `progress(done, total)` is called as each room answers."""
    content = allow_list_content(
        _server_of(client.user_id) or "", allow, deny=deny, allow_ip_literals=allow_ip_literals
    )
    rooms = community.all_rooms

    answered = 0

    async def one(room_id: str) -> str | None:
        nonlocal answered
        try:
            await client.put_state(room_id, SERVER_ACL, content)
        except MatrixError as e:
            return str(e)
        finally:
            answered += 1
            if progress is not None:
                progress(answered, len(rooms))
        return None

    results = await asyncio.gather(*(one(r) for r in rooms))
    failed = tuple((r, why) for r, why in zip(rooms, results, strict=True) if why)
    if failed and len(failed) == len(rooms):
        raise CommunityError(
            f"The allow-list was applied to no room: only community managers can ({failed[0][1]})"
        )
    done = tuple(r for r, why in zip(rooms, results, strict=True) if not why)
    return AclApplied(content, done, failed)


async def current_allow_list(client: MatrixClient, space_id: str) -> tuple[str, ...]:
    """The space's allow-list as it stands (`("*",)`: no ACL, every server may take part)."""
    from cercle.protocol.rooms import path, request_json

    try:
        content = await request_json(
            client, "GET", path("rooms", space_id, "state", SERVER_ACL, ""), what="reading the ACL"
        )
    except MatrixError as e:
        if e.status == 404:
            return ("*",)
        raise
    allow = content.get("allow")
    if not isinstance(allow, list):
        return ()
    return tuple(p for p in allow if isinstance(p, str))
