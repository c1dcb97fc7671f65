"""Rooms and spaces: DMs, joins by id/alias/link, knocks, restricted joins, hierarchy, directory."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from cercle.protocol import endpoints, links
from cercle.protocol.endpoints import InvalidMatrixLink, Request
from cercle.protocol.errors import MatrixError
from cercle.protocol.event_types import MEGOLM, SPACE_CHILD

if TYPE_CHECKING:  # nio loads only once the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient

log = logging.getLogger(__name__)

CLIENT_V3 = "/_matrix/client/v3"
M_DIRECT = "m.direct"


# -- errors ---------------------------------------------------------------------------------


class RoomError(MatrixError):
    """A room operation failed for a reason the user can act on (the message says how)."""


class InvalidRoomLink(RoomError, ValueError):
    """The text is not a room id, alias, matrix.to link or matrix: URI."""


class RoomNotFound(RoomError):
    """No server knows this room or alias (or none of the `via` servers answered)."""


class JoinRefused(RoomError):
    """The room exists but does not let this user in (invite, knock or space membership needed)."""


class PublishRefused(RoomError):
    """The server does not let this user list the room in its directory."""


# -- plumbing for endpoints nio lacks --------------------------------------------------------


def path(*segments: str, prefix: str = CLIENT_V3) -> str:
    """`prefix/seg1/seg2…` with every segment percent-encoded (ids contain `!`, `#`, `:`)."""
    return prefix + "".join("/" + quote(s, safe="") for s in segments)


def error_from(status: int, payload: Any, what: str) -> MatrixError:
    """A MatrixError from a non-2xx reply: the server's `error` text, else a plain sentence."""
    body = payload if isinstance(payload, dict) else {}
    errcode = body.get("errcode") if isinstance(body.get("errcode"), str) else None
    message = body.get("error") if isinstance(body.get("error"), str) else None
    return MatrixError(
        message or f"{what} failed (HTTP {status})", errcode=errcode, status=status, body=body
    )


async def request_json(
    client: MatrixClient,
    method: str,
    url_path: str,
    *,
    query: Mapping[str, Any] | None = None,
    body: Any = None,
    what: str = "request",
    attempts: int = 3,
) -> dict[str, Any]:
    """An authenticated JSON request through nio's session; non-2xx becomes a MatrixError.

    429s are retried (up to `attempts`) after the server's `retry_after_ms`.
    """
    full = url_path + ("?" + urlencode(query, doseq=True) if query else "")
    headers = {"Content-Type": "application/json"}
    if client.nio.access_token:
        headers["Authorization"] = f"Bearer {client.nio.access_token}"
    data = json.dumps(body) if body is not None else None
    for attempt in range(attempts):

        async def once() -> tuple[int, Any]:
            async with await client.nio.send(method, full, data, headers) as resp:
                try:
                    payload = await resp.json(content_type=None)
                except ValueError:
                    payload = None
                return resp.status, payload

        status, payload = await client.call(once())
        if 200 <= status < 300:
            return payload if isinstance(payload, dict) else {}
        error = error_from(status, payload, what)
        if status == 429 and attempt + 1 < attempts:
            delay = payload.get("retry_after_ms", 1000) if isinstance(payload, dict) else 1000
            await asyncio.sleep(min(float(delay) / 1000, 10.0))
            continue
        raise error
    raise AssertionError("unreachable")


async def send_request(client: MatrixClient, request: Request, *, what: str) -> dict[str, Any]:
    """Runs one of endpoints' pure Request builders (see request_json)."""
    return await request_json(client, request.method, request.path, body=request.body, what=what)


# -- typed results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomLink:
    """Where a link points: a room id or alias, servers to join through, maybe an event."""

    target: str
    via: tuple[str, ...] = ()
    event_id: str | None = None

    @property
    def is_alias(self) -> bool:
        return self.target.startswith("#")


@dataclass(frozen=True)
class SpaceChild:
    """One `m.space.child` link of a space, as the hierarchy reports it."""

    room_id: str
    via: tuple[str, ...]
    suggested: bool = False
    order: str | None = None
    origin_server_ts: int = 0


@dataclass(frozen=True)
class SpaceRoom:
    """A room (or sub-space) of a space hierarchy; `children` ordered suggested first."""

    room_id: str
    name: str | None
    topic: str | None
    canonical_alias: str | None
    avatar_url: str | None
    num_joined_members: int
    join_rule: str | None
    room_type: str | None
    world_readable: bool
    guest_can_join: bool
    children: tuple[SpaceChild, ...] = ()

    @property
    def is_space(self) -> bool:
        return self.room_type == "m.space"


@dataclass(frozen=True)
class Hierarchy:
    """One page of `/hierarchy`: the space first (on the first page), then its rooms."""

    rooms: tuple[SpaceRoom, ...]
    next_batch: str | None


@dataclass(frozen=True)
class PublicRoom:
    room_id: str
    name: str | None
    topic: str | None
    canonical_alias: str | None
    avatar_url: str | None
    num_joined_members: int
    join_rule: str | None
    room_type: str | None


@dataclass(frozen=True)
class DirectoryPage:
    rooms: tuple[PublicRoom, ...]
    next_batch: str | None
    total_estimate: int | None


@dataclass(frozen=True)
class UserResult:
    user_id: str
    display_name: str | None
    avatar_url: str | None


@dataclass(frozen=True)
class UserSearch:
    results: tuple[UserResult, ...]
    limited: bool


@dataclass(frozen=True)
class Profile:
    user_id: str
    display_name: str | None
    avatar_url: str | None


# -- pure helpers ----------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_room_link(text: str) -> RoomLink:
    """A room id, alias, `https://matrix.to/#/…` link or `matrix:` URI → where to join
    (endpoints' grammar). A link to a person or junk raises InvalidRoomLink in words."""
    try:
        link = links.parse_matrix_link(text)
    except InvalidMatrixLink as e:
        raise InvalidRoomLink(str(e)) from None
    if not link.is_room:
        raise InvalidRoomLink("This link points to a person, not a room")
    return RoomLink(link.identifier, link.via, link.event_id)


def restricted_join_rules(space_ids: Sequence[str]) -> dict[str, Any]:
    """`m.room.join_rules` content letting members of any of these spaces join."""
    return {
        "join_rule": "restricted",
        "allow": [{"type": "m.room_membership", "room_id": s} for s in space_ids],
    }


def clean_direct(m_direct: Mapping[str, Any]) -> dict[str, list[str]]:
    """`m.direct` content with junk dropped: user id → list of room ids."""
    return {
        user: [r for r in rooms if isinstance(r, str)]
        for user, rooms in m_direct.items()
        if isinstance(user, str) and user.startswith("@") and isinstance(rooms, list)
    }


def with_direct_room(m_direct: Mapping[str, Any], user_id: str, room_id: str) -> dict[str, Any]:
    """`m.direct` account data with `room_id` added for `user_id` (junk values dropped)."""
    updated = clean_direct(m_direct)
    rooms = updated.setdefault(user_id, [])
    if room_id not in rooms:
        rooms.append(room_id)
    return updated


def _child_sort_key(child: SpaceChild) -> tuple[bool, bool, str, int, str]:
    # the spec's order (`order` strings first, then timestamp, then room id), suggested ahead
    return (not child.suggested, child.order is None, child.order or "", child.origin_server_ts,
            child.room_id)  # fmt: skip


def ordered_children(children: Iterable[SpaceChild]) -> tuple[SpaceChild, ...]:
    return tuple(sorted(children, key=_child_sort_key))


def _valid_order(value: Any) -> str | None:
    # the spec: at most 50 printable ASCII characters, else ignored
    if isinstance(value, str) and len(value) <= 50 and all(0x20 <= ord(c) <= 0x7E for c in value):
        return value
    return None


def parse_space_room(raw: Mapping[str, Any]) -> SpaceRoom | None:
    """One `/hierarchy` chunk entry, or None if it has no room id."""
    room_id = _str(raw.get("room_id"))
    if not room_id:
        return None
    children = []
    for event in raw.get("children_state") or ():
        if not isinstance(event, dict) or event.get("type") != SPACE_CHILD:
            continue
        raw_content = event.get("content")
        content = raw_content if isinstance(raw_content, dict) else {}
        via = content.get("via")
        child_id = _str(event.get("state_key"))
        if not child_id or not isinstance(via, list) or not via:
            continue  # a child without `via` is a removed link
        children.append(
            SpaceChild(
                room_id=child_id,
                via=tuple(v for v in via if isinstance(v, str)),
                suggested=content.get("suggested") is True,
                order=_valid_order(content.get("order")),
                origin_server_ts=_int(event.get("origin_server_ts")),
            )
        )
    return SpaceRoom(
        room_id=room_id,
        name=_str(raw.get("name")),
        topic=_str(raw.get("topic")),
        canonical_alias=_str(raw.get("canonical_alias")),
        avatar_url=_str(raw.get("avatar_url")),
        num_joined_members=_int(raw.get("num_joined_members")),
        join_rule=_str(raw.get("join_rule")),
        room_type=_str(raw.get("room_type")),
        world_readable=raw.get("world_readable") is True,
        guest_can_join=raw.get("guest_can_join") is True,
        children=ordered_children(children),
    )


def parse_hierarchy(payload: Mapping[str, Any]) -> Hierarchy:
    rooms = [parse_space_room(r) for r in payload.get("rooms") or () if isinstance(r, dict)]
    return Hierarchy(tuple(r for r in rooms if r), _str(payload.get("next_batch")))


def parse_public_rooms(payload: Mapping[str, Any]) -> DirectoryPage:
    rooms = []
    for raw in payload.get("chunk") or ():
        if isinstance(raw, dict) and _str(raw.get("room_id")):
            rooms.append(
                PublicRoom(
                    room_id=raw["room_id"],
                    name=_str(raw.get("name")),
                    topic=_str(raw.get("topic")),
                    canonical_alias=_str(raw.get("canonical_alias")),
                    avatar_url=_str(raw.get("avatar_url")),
                    num_joined_members=_int(raw.get("num_joined_members")),
                    join_rule=_str(raw.get("join_rule")),
                    room_type=_str(raw.get("room_type")),
                )
            )
    total = payload.get("total_room_count_estimate")
    estimate = total if _int(total) else None
    return DirectoryPage(tuple(rooms), _str(payload.get("next_batch")), estimate)


def parse_user_search(payload: Mapping[str, Any]) -> UserSearch:
    results = tuple(
        UserResult(r["user_id"], _str(r.get("display_name")), _str(r.get("avatar_url")))
        for r in payload.get("results") or ()
        if isinstance(r, dict) and _str(r.get("user_id"))
    )
    return UserSearch(results, payload.get("limited") is True)


def parse_profile(user_id: str, payload: Mapping[str, Any]) -> Profile:
    return Profile(user_id, _str(payload.get("displayname")), _str(payload.get("avatar_url")))


def _join_error(error: MatrixError, target: str, verb: str) -> MatrixError:
    """A join/knock failure in words the user can act on."""
    code, status = error.errcode, error.status
    if code == "M_NOT_FOUND" or (status == 404 and code != "M_FORBIDDEN"):
        return RoomNotFound(
            f"Could not find {target}: check the address, or ask for a link that names a"
            " server to join through",
            errcode=code,
            status=status,
        )
    if code == "M_FORBIDDEN" or status == 403:
        detail = f" ({error})" if str(error) else ""
        return JoinRefused(
            f"You cannot {verb} {target}: ask a member for an invitation, knock if the room"
            f" allows it, or join the space it belongs to first{detail}",
            errcode=code,
            status=status,
        )
    return error


# -- creating ---------------------------------------------------------------------------------


async def create_room(client: MatrixClient, name: str, **options: Any) -> str:
    """A room (see MatrixClient.create_room for the options); returns its id."""
    return await client.create_room(name, **options)


async def create_space(
    client: MatrixClient, name: str, *, topic: str | None = None, public: bool = False,
    invite: Sequence[str] = (),
) -> str:  # fmt: skip
    return await client.create_room(name, topic=topic, space=True, public=public, invite=invite)


async def add_child(
    client: MatrixClient, space_id: str, room_id: str, *, suggested: bool = False
) -> None:
    await client.add_to_space(space_id, room_id, suggested=suggested)


def _encryption_state() -> dict[str, Any]:
    return {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}}


async def create_dm(client: MatrixClient, user_id: str, *, encrypted: bool = True) -> str:
    """A direct chat with anyone on any server; recorded in our `m.direct` account data."""
    import nio

    reply = await client.call(
        client.nio.room_create(
            is_direct=True,
            invite=[user_id],
            preset=nio.RoomPreset.trusted_private_chat,
            initial_state=[_encryption_state()] if encrypted else [],
        )
    )
    await mark_direct(client, reply.room_id, user_id)
    return reply.room_id


async def direct_rooms(client: MatrixClient) -> dict[str, list[str]]:
    """Our `m.direct` account data: user id → DM room ids ({} when never set)."""
    url = path("user", client.user_id, "account_data", M_DIRECT)
    try:
        data = await request_json(client, "GET", url, what="reading direct chats")
    except MatrixError as e:
        if e.errcode == "M_NOT_FOUND" or e.status == 404:
            return {}
        raise
    return clean_direct(data)


async def mark_direct(client: MatrixClient, room_id: str, user_id: str) -> None:
    """Adds `room_id` as a DM with `user_id` to `m.direct` (the invitee does it on joining)."""
    current = await direct_rooms(client)
    url = path("user", client.user_id, "account_data", M_DIRECT)
    updated = with_direct_room(current, user_id, room_id)
    await request_json(client, "PUT", url, body=updated, what="saving direct chats")


async def create_restricted_room(
    client: MatrixClient,
    name: str,
    space_id: str,
    *,
    encrypted: bool = False,
    topic: str | None = None,
    suggested: bool = False,
) -> str:
    """A room any member of `space_id` may join (from any server), linked under the space."""
    content = restricted_join_rules([space_id])
    rules = {"type": "m.room.join_rules", "state_key": "", "content": content}
    room_id = await client.create_room(
        name, topic=topic, encrypted=encrypted, initial_state=[rules]
    )
    await client.add_to_space(space_id, room_id, suggested=suggested)
    return room_id


async def create_knockable_room(
    client: MatrixClient, name: str, *, encrypted: bool = False, topic: str | None = None
) -> str:
    """A room people may ask to enter (`join_rule: knock`); members accept by inviting."""
    rules = {"type": "m.room.join_rules", "state_key": "", "content": {"join_rule": "knock"}}
    return await client.create_room(name, topic=topic, encrypted=encrypted, initial_state=[rules])


# -- membership ------------------------------------------------------------------------------


async def invite(client: MatrixClient, room_id: str, user_id: str) -> None:
    """Invites a user of any server."""
    await client.invite(room_id, user_id)


async def join(client: MatrixClient, room: str, *, via: Sequence[str] = ()) -> str:
    """Joins by room id, alias, matrix.to link or matrix: URI; returns the room id.

    Servers named in the link (`via`) and in `via` are asked to help the join.
    """
    link = parse_room_link(room)
    request = endpoints.join(link.target, via=[*link.via, *via])
    try:
        reply = await send_request(client, request, what="joining")
    except MatrixError as e:
        raise _join_error(e, link.target, "join") from e
    room_id = _str(reply.get("room_id"))
    if not room_id:
        raise RoomError(f"The server did not say which room {link.target} is")
    return room_id


async def knock(
    client: MatrixClient, room: str, *, reason: str | None = None, via: Sequence[str] = ()
) -> str:
    """Asks to enter a room whose join rule is `knock`; a member accepts by inviting."""
    link = parse_room_link(room)
    request = endpoints.knock(link.target, via=[*link.via, *via], reason=reason)
    try:
        reply = await send_request(client, request, what="knocking")
    except MatrixError as e:
        raise _join_error(e, link.target, "knock on") from e
    return _str(reply.get("room_id")) or link.target


async def leave(client: MatrixClient, room_id: str, *, forget: bool = False) -> None:
    """Leaves (or declines an invite); with `forget`, the room also leaves our room list."""
    await client.call(client.nio.room_leave(room_id))
    if forget:
        await client.call(client.nio.room_forget(room_id))


async def forget(client: MatrixClient, room_id: str) -> None:
    await client.call(client.nio.room_forget(room_id))


# -- spaces and directories ------------------------------------------------------------------


async def hierarchy(
    client: MatrixClient,
    space_id: str,
    *,
    from_token: str | None = None,
    limit: int | None = None,
    max_depth: int | None = None,
    suggested_only: bool = False,
) -> Hierarchy:
    """One page of the space's hierarchy (`/v1/rooms/{id}/hierarchy`)."""
    request = endpoints.space_hierarchy(
        space_id,
        from_token=from_token,
        limit=limit,
        max_depth=max_depth,
        suggested_only=suggested_only,
    )
    return parse_hierarchy(await send_request(client, request, what="space hierarchy"))


async def full_hierarchy(
    client: MatrixClient, space_id: str, *, page_size: int = 50, max_pages: int = 20, **opts: Any
) -> tuple[SpaceRoom, ...]:
    """Every page of the hierarchy (bounded by `max_pages`), the space itself first."""
    rooms: list[SpaceRoom] = []
    token = None
    for _ in range(max_pages):
        page = await hierarchy(client, space_id, from_token=token, limit=page_size, **opts)
        rooms.extend(page.rooms)
        token = page.next_batch
        if not token:
            break
    return tuple(rooms)


async def public_rooms(
    client: MatrixClient,
    search: str | None = None,
    *,
    server: str | None = None,
    limit: int = 20,
    since: str | None = None,
) -> DirectoryPage:
    """The room directory of our server (or of `server`, if it publishes over federation)."""
    request = endpoints.public_rooms(server=server, limit=limit, since=since, search_term=search)
    reply = await send_request(client, request, what="room directory")
    return parse_public_rooms(reply)


async def publish_room(client: MatrixClient, room_id: str, *, published: bool = True) -> None:
    """Lists the room in (or removes it from) our server's room directory."""
    body = {"visibility": "public" if published else "private"}
    url = path("directory", "list", "room", room_id)
    try:
        await request_json(client, "PUT", url, body=body, what="publishing the room")
    except MatrixError as e:
        if e.status == 403:
            raise PublishRefused(
                "Your server does not let you list this room in its directory (its"
                " administrators restrict publishing, or you are not a moderator here)",
                errcode=e.errcode,
                status=e.status,
            ) from e
        raise


async def search_users(client: MatrixClient, term: str, *, limit: int = 10) -> UserSearch:
    """The server's user directory: people sharing a room with us, or all local users."""
    request = endpoints.user_directory_search(term, limit=limit)
    reply = await send_request(client, request, what="user search")
    return parse_user_search(reply)


# -- profiles --------------------------------------------------------------------------------


async def get_profile(client: MatrixClient, user_id: str | None = None) -> Profile:
    """A user's display name and avatar (ours by default), from any server."""
    user_id = user_id or client.user_id
    reply = await send_request(client, endpoints.profile_get(user_id), what="profile")
    return parse_profile(user_id, reply)


async def set_display_name(client: MatrixClient, name: str) -> None:
    await client.set_display_name(name)


async def set_avatar(client: MatrixClient, mxc: str) -> None:
    """Sets our avatar to an uploaded image (see media.upload)."""
    if not mxc.startswith("mxc://"):
        raise ValueError(f"an avatar must be an mxc:// URI, not {mxc!r}")
    await client.call(client.nio.set_avatar(mxc))
