"""matrix.to links and matrix: URIs: parsing what users paste, building permalinks (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from cercle.protocol.endpoints import (
    InvalidIdentifier,
    InvalidMatrixLink,
    is_valid_server_name,
    validate_event_id,
    validate_room_alias,
    validate_room_id,
    validate_user_id,
)


class LinkKind(StrEnum):
    USER = "user"
    ROOM_ID = "room_id"
    ROOM_ALIAS = "room_alias"


@dataclass(frozen=True)
class MatrixLink:
    """Where a link points: a user, or a room (by id or alias), optionally at one event."""

    kind: LinkKind
    identifier: str  # with its sigil: @user:server, !room:server or #alias:server
    event_id: str | None = None
    via: tuple[str, ...] = ()
    action: str | None = None  # "join" or "chat" (matrix: URIs), else None

    @property
    def is_room(self) -> bool:
        return self.kind is not LinkKind.USER


_SIGIL_KIND = {"@": LinkKind.USER, "!": LinkKind.ROOM_ID, "#": LinkKind.ROOM_ALIAS}
_URI_TYPES = {"u": "@", "user": "@", "r": "#", "room": "#", "roomid": "!"}
_EVENT_TYPES = ("e", "event")


def _link(identifier: str, event_id: str | None, query: str, text: str) -> MatrixLink:
    kind = _SIGIL_KIND.get(identifier[:1])
    if kind is None:
        raise InvalidMatrixLink(f"“{text}” does not point to a user or a room")
    try:
        {"@": lambda v: validate_user_id(v, historical=True), "!": validate_room_id}.get(
            identifier[0], validate_room_alias
        )(identifier)
        if event_id is not None:
            if kind is LinkKind.USER:
                raise InvalidIdentifier("a user link cannot point to an event")
            validate_event_id(event_id)
    except InvalidIdentifier as e:
        raise InvalidMatrixLink(f"“{text}”: {e}") from None
    params = parse_qsl(query, keep_blank_values=False)
    via = tuple(dict.fromkeys(v for k, v in params if k == "via" and is_valid_server_name(v)))
    actions = [v for k, v in params if k == "action" and v in ("join", "chat")]
    return MatrixLink(kind, identifier, event_id, via, actions[0] if actions else None)


def parse_matrix_to(url: str) -> MatrixLink:
    """`https://matrix.to/#/<id>[/<event>][?via=…]`, encoded or not (older clients did not)."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("https", "http") or parts.netloc.lower() != "matrix.to":
        raise InvalidMatrixLink(f"“{text}” is not a matrix.to link")
    fragment = parts.fragment
    if not fragment.startswith("/"):
        raise InvalidMatrixLink(f"“{text}” has nothing after matrix.to/#/")
    ident_part, _, query = fragment[1:].partition("?")
    first, sep, rest = ident_part.partition("/")
    identifier = unquote(first)
    # An event id may hold "/" (room v3 base64): everything after the identifier is the event.
    event = unquote(rest) if sep and rest else None
    if identifier.startswith("+"):
        raise InvalidMatrixLink("Links to groups (communities) no longer exist in Matrix")
    if not identifier:
        raise InvalidMatrixLink(f"“{text}” has nothing after matrix.to/#/")
    return _link(identifier, event, query, text)


def parse_matrix_uri(uri: str) -> MatrixLink:
    """`matrix:[//authority/]type/id[/e/event][?action=…&via=…]` (spec "Matrix URI scheme")."""
    text = uri.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() != "matrix":
        raise InvalidMatrixLink(f"“{text}” is not a matrix: URI")
    segments = parts.path.lstrip("/").split("/")
    if len(segments) not in (2, 4) or segments[0] not in _URI_TYPES or not segments[1]:
        raise InvalidMatrixLink(f"“{text}” is not a matrix: URI this version understands")
    identifier = _URI_TYPES[segments[0]] + unquote(segments[1])
    event = None
    if len(segments) == 4:
        if segments[2] not in _EVENT_TYPES or not segments[3]:
            raise InvalidMatrixLink(f"“{text}” is not a matrix: URI this version understands")
        event = "$" + unquote(segments[3])
    return _link(identifier, event, parts.query, text)


def parse_matrix_link(text: str) -> MatrixLink:
    """A bare `@user:server` / `!room:server` / `#alias:server`, a matrix.to link or a matrix:
    URI → MatrixLink. Raises InvalidMatrixLink with a sentence a user can read."""
    text = text.strip()
    if text[:1] in _SIGIL_KIND:
        return _link(text, None, "", text)
    if text.lower().startswith("matrix:"):
        return parse_matrix_uri(text)
    if "matrix.to" in text.lower():
        return parse_matrix_to(text)
    raise InvalidMatrixLink(f"“{text}” is not a Matrix address (like #name:server or a link)")


def matrix_to_url(identifier: str, *, event_id: str | None = None, via: Sequence[str] = ()) -> str:
    """The spec's percent-encoded matrix.to link (permalinks when `event_id` is given)."""
    url = "https://matrix.to/#/" + quote(identifier, safe="!")
    if event_id:
        url += "/" + quote(event_id, safe="")
    return url + ("?" + urlencode([("via", v) for v in via]) if via else "")


def matrix_uri(
    identifier: str,
    *,
    event_id: str | None = None,
    via: Sequence[str] = (),
    action: str | None = None,
) -> str:
    """The `matrix:` URI for an identifier (u/, r/, roomid/; /e/ for events)."""
    kind = {"@": "u", "#": "r", "!": "roomid"}.get(identifier[:1])
    if kind is None:
        raise InvalidIdentifier(f"{identifier!r} is not a user id, room id or alias")
    uri = f"matrix:{kind}/" + quote(identifier[1:], safe=":")
    if event_id:
        uri += "/e/" + quote(event_id[1:], safe=":")
    query = [("action", action)] if action else []
    query += [("via", v) for v in via]
    return uri + ("?" + urlencode(query) if query else "")
