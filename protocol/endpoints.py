"""Pure Matrix request builders, identifier grammar and server ACLs (no I/O; links: links.py)."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

CLIENT_V1 = "/_matrix/client/v1"
CLIENT_V3 = "/_matrix/client/v3"
MEDIA_V1 = "/_matrix/client/v1/media"
MAX_ID_BYTES = 255


class InvalidIdentifier(ValueError):
    """A user id, room id, alias, event id, server name or mxc URI breaks the spec's grammar."""


class InvalidMatrixLink(ValueError):
    """The text is not a matrix.to link, `matrix:` URI or bare identifier Cercle can follow."""


class InvalidServerAcl(ValueError):
    """An `m.room.server_acl` content that is malformed (not lists of non-empty patterns)."""


class ServerAclLockout(InvalidServerAcl):
    """The ACL would deny a server that must stay in the room (our own, by default)."""

    def __init__(self, server_name: str, explanation: str):
        super().__init__(explanation)
        self.server_name = server_name
        self.explanation = explanation


class Request(NamedTuple):
    """One HTTP request: method, path (query included, percent-encoded) and a JSON body or None.

    No access token in it: the caller sends it as an `Authorization` header, as nio does.
    """

    method: str
    path: str
    body: dict[str, Any] | None = None

    @property
    def data(self) -> str | None:
        """The body as compact JSON text (what nio's `_send` takes), or None."""
        return None if self.body is None else json.dumps(self.body, separators=(",", ":"))


def _path(prefix: str, *segments: str, query: Iterable[tuple[str, Any]] = ()) -> str:
    """`prefix/seg…?query`, each segment percent-encoded (ids hold `!#:$/`); None values skipped."""
    built = prefix + "".join("/" + quote(str(s), safe="") for s in segments)
    pairs = [(k, _qs_value(v)) for k, v in query if v is not None]
    return built + ("?" + urlencode(pairs) if pairs else "")


def _qs_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- identifier grammar (appendices: "Identifier Grammar") --------------------------------------

_DNS_NAME = re.compile(r"[A-Za-z0-9.-]{1,255}")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_USER_LOCALPART = re.compile(r"[a-z0-9._=\-/+]+")
_MEDIA_ID = re.compile(r"[A-Za-z0-9_-]+")
_V12_ROOM_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # room v12: url-safe hash of the create event


def split_server_name(server_name: str) -> tuple[str, int | None]:
    """`host[:port]` → (host, port); IPv6 stays bracketed. Raises InvalidIdentifier."""
    host, port = server_name, None
    if server_name.startswith("["):
        end = server_name.find("]")
        if end < 0:
            raise InvalidIdentifier(f"{server_name!r}: unclosed IPv6 literal")
        host, rest = server_name[: end + 1], server_name[end + 1 :]
        if rest and not rest.startswith(":"):
            raise InvalidIdentifier(f"{server_name!r}: junk after the IPv6 literal")
        port_text = rest[1:] if rest else None
    else:
        host, sep, port_text = server_name.partition(":")
        port_text = port_text if sep else None
    if port_text is not None:
        if not (port_text.isascii() and port_text.isdigit() and 1 <= len(port_text) <= 5):
            raise InvalidIdentifier(f"{server_name!r}: the port must be 1 to 5 digits")
        port = int(port_text)
        if port > 65535:
            raise InvalidIdentifier(f"{server_name!r}: port out of range")
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise InvalidIdentifier(f"{server_name!r}: not an IPv6 address") from None
    elif _IPV4.fullmatch(host):
        if any(int(octet) > 255 for octet in host.split(".")):
            raise InvalidIdentifier(f"{server_name!r}: not an IPv4 address")
    elif not _DNS_NAME.fullmatch(host) or host.startswith((".", "-")):
        raise InvalidIdentifier(f"{server_name!r}: not a host name")
    return host, port


def is_valid_server_name(server_name: str) -> bool:
    try:
        split_server_name(server_name)
    except InvalidIdentifier:
        return False
    return True


def is_ip_literal(server_name: str) -> bool:
    """True for `1.2.3.4[:port]` and `[v6][:port]`."""
    host, _ = split_server_name(server_name)
    return host.startswith("[") or bool(_IPV4.fullmatch(host))


def _sigil_id(value: str, sigil: str, *, domain_required: bool = True) -> tuple[str, str | None]:
    if not isinstance(value, str) or not value.startswith(sigil):
        raise InvalidIdentifier(f"{value!r} does not start with {sigil}")
    if len(value.encode("utf-8")) > MAX_ID_BYTES:
        raise InvalidIdentifier(f"{value[:40]!r}…: longer than {MAX_ID_BYTES} bytes")
    if "\x00" in value:
        raise InvalidIdentifier("identifiers cannot contain NUL")
    local, sep, server = value[1:].partition(":")
    if not sep:
        if domain_required:
            raise InvalidIdentifier(f"{value!r} has no :server part")
        return local, None
    split_server_name(server)
    return local, server


def validate_user_id(user_id: str, *, historical: bool = False) -> str:
    """Returns the user id, or raises InvalidIdentifier. `historical` accepts old localparts
    (any character but `:`) as found in existing rooms; new ids must use a-z 0-9 `._=-/+`."""
    local, _ = _sigil_id(user_id, "@")
    if not historical and not _USER_LOCALPART.fullmatch(local):
        raise InvalidIdentifier(f"{user_id!r}: a user name uses only a-z, 0-9 and ._=-/+")
    return user_id


def validate_room_id(room_id: str) -> str:
    """`!opaque:server`, or a room version 12 id (`!` + 43-char hash, no server part)."""
    local, server = _sigil_id(room_id, "!", domain_required=False)
    if not local or (server is None and not _V12_ROOM_ID.fullmatch(local)):
        raise InvalidIdentifier(f"{room_id!r} is not a room id")
    return room_id


def validate_room_alias(alias: str) -> str:
    local, _ = _sigil_id(alias, "#")
    if not local:
        raise InvalidIdentifier(f"{alias!r}: empty alias name")
    return alias


def validate_event_id(event_id: str) -> str:
    """`$opaque` (v3+) or `$opaque:server` (v1, v2); opaque, at most 255 bytes."""
    if not isinstance(event_id, str) or not event_id.startswith("$") or len(event_id) < 2:
        raise InvalidIdentifier(f"{event_id!r} is not an event id")
    if len(event_id.encode("utf-8")) > MAX_ID_BYTES or "\x00" in event_id:
        raise InvalidIdentifier(f"{event_id[:40]!r}: too long or holds NUL")
    return event_id


def _is(validator: Any, value: str, **kw: Any) -> bool:
    try:
        validator(value, **kw)
    except InvalidIdentifier:
        return False
    return True


def is_valid_user_id(user_id: str, *, historical: bool = False) -> bool:
    return _is(validate_user_id, user_id, historical=historical)


def is_valid_room_id(room_id: str) -> bool:
    return _is(validate_room_id, room_id)


def is_valid_room_alias(alias: str) -> bool:
    return _is(validate_room_alias, alias)


def is_valid_event_id(event_id: str) -> bool:
    return _is(validate_event_id, event_id)


def server_name_of(identifier: str) -> str | None:
    """The `:server` part of a user id, alias or room id (None for v12 room ids)."""
    _, sep, server = identifier.partition(":")
    return server if sep else None


# -- mxc:// --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MxcUri:
    server_name: str
    media_id: str

    def __str__(self) -> str:
        return f"mxc://{self.server_name}/{self.media_id}"


def parse_mxc(uri: str) -> MxcUri:
    """`mxc://server/media_id` → MxcUri; the media id must be `[A-Za-z0-9_-]+` (no traversal)."""
    if not isinstance(uri, str) or not uri.startswith("mxc://"):
        raise InvalidIdentifier(f"{uri!r} is not an mxc:// URI")
    server, sep, media_id = uri[len("mxc://") :].partition("/")
    if not sep or not _MEDIA_ID.fullmatch(media_id):
        raise InvalidIdentifier(f"{uri!r}: the media id must be letters, digits, _ or -")
    split_server_name(server)
    return MxcUri(server, media_id)


# -- m.room.server_acl -----------------------------------------------------------------------


def _glob(pattern: str) -> re.Pattern[str]:
    body = "".join(
        ".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern
    )  # spec "Glob-style matching"
    return re.compile(body, re.IGNORECASE | re.DOTALL)  # Synapse compares case-insensitively


def _acl_list(content: Mapping[str, Any], key: str) -> list[str]:
    value = content.get(key, [])
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise InvalidServerAcl(f"`{key}` must be a list of server name patterns")
    return value


def acl_decision(content: Mapping[str, Any], server_name: str) -> tuple[bool, str]:
    """Applies the spec's ACL order to a server (its port ignored) → (allowed, why)."""
    host = server_name
    try:
        host, _ = split_server_name(server_name)
        ip_literal = is_ip_literal(server_name)
    except InvalidIdentifier:
        ip_literal = False
    if ip_literal and content.get("allow_ip_literals", True) is False:
        return False, f"{host} is an IP address and the ACL refuses IP literals"
    for pattern in _acl_list(content, "deny"):
        if _glob(pattern).fullmatch(host):
            return False, f"{host} matches the deny rule “{pattern}”"
    for pattern in _acl_list(content, "allow"):
        if _glob(pattern).fullmatch(host):
            return True, f"{host} matches the allow rule “{pattern}”"
    return False, f"{host} matches no allow rule"


def acl_allows(content: Mapping[str, Any], server_name: str) -> bool:
    return acl_decision(content, server_name)[0]


def server_acl_content(
    *,
    own_server: str,
    allow: Sequence[str] = ("*",),
    deny: Sequence[str] = (),
    allow_ip_literals: bool = False,
    keep: Iterable[str] = (),
) -> dict[str, Any]:
    """`m.room.server_acl` content; refuses (ServerAclLockout) one that would shut out
    `own_server` or any server in `keep` (e.g. partners who must stay), saying which rule."""
    content: dict[str, Any] = {
        "allow": list(dict.fromkeys(p.strip() for p in allow)),
        "deny": list(dict.fromkeys(p.strip() for p in deny)),
        "allow_ip_literals": bool(allow_ip_literals),
    }
    for key in ("allow", "deny"):
        for pattern in content[key]:
            if not pattern or any(c.isspace() for c in pattern):
                raise InvalidServerAcl(f"“{pattern}” in `{key}` is not a server name pattern")
            if ":" in pattern and not pattern.startswith("["):
                raise InvalidServerAcl(
                    f"“{pattern}” in `{key}` has a port: ACLs match server names without ports"
                )
    for server in (own_server, *keep):
        allowed, why = acl_decision(content, server)
        if not allowed:
            whose = "your own server" if server == own_server else "a server that must stay"
            raise ServerAclLockout(
                server,
                f"This ACL would shut {whose} ({server}) out of the room: {why}. "
                "Its members could no longer send or receive anything there.",
            )
    return content


# -- request builders --------------------------------------------------------------------------


def space_hierarchy(
    room_id: str,
    *,
    from_token: str | None = None,
    limit: int | None = None,
    max_depth: int | None = None,
    suggested_only: bool = False,
) -> Request:
    query = [("from", from_token), ("limit", limit), ("max_depth", max_depth)]
    if suggested_only:
        query.append(("suggested_only", True))
    return Request("GET", _path(CLIENT_V1, "rooms", room_id, "hierarchy", query=query))


def _via_query(via: Iterable[str]) -> list[tuple[str, str]]:
    """`via` (spec ≥ 1.12) and the same values as the deprecated `server_name`, as the spec
    allows, so older servers route too (newer ones ignore `server_name` when `via` is there)."""
    servers = list(dict.fromkeys(via))
    return [("via", s) for s in servers] + [("server_name", s) for s in servers]


def join(room_id_or_alias: str, *, via: Iterable[str] = (), reason: str | None = None) -> Request:
    body = {"reason": reason} if reason else {}
    path = _path(CLIENT_V3, "join", room_id_or_alias, query=_via_query(via))
    return Request("POST", path, body)


def knock(room_id_or_alias: str, *, via: Iterable[str] = (), reason: str | None = None) -> Request:
    body = {"reason": reason} if reason else {}
    path = _path(CLIENT_V3, "knock", room_id_or_alias, query=_via_query(via))
    return Request("POST", path, body)


def report_event(
    room_id: str, event_id: str, *, reason: str | None = None, score: int | None = None
) -> Request:
    """Score: -100 (most offensive) to 0 (inoffensive)."""
    body: dict[str, Any] = {}
    if reason:
        body["reason"] = reason
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, int) or not -100 <= score <= 0:
            raise ValueError("a report score is an integer from -100 to 0")
        body["score"] = score
    return Request("POST", _path(CLIENT_V3, "rooms", room_id, "report", event_id), body)


def report_room(room_id: str, *, reason: str = "") -> Request:
    return Request("POST", _path(CLIENT_V3, "rooms", room_id, "report"), {"reason": reason})


def report_user(user_id: str, *, reason: str = "") -> Request:
    return Request("POST", _path(CLIENT_V3, "users", user_id, "report"), {"reason": reason})


def public_rooms(
    *,
    server: str | None = None,
    limit: int | None = None,
    since: str | None = None,
    search_term: str | None = None,
    room_types: Sequence[str | None] | None = None,
    include_all_networks: bool | None = None,
    third_party_instance_id: str | None = None,
) -> Request:
    """`POST /publicRooms` with a filter; `room_types` may hold None (plain rooms), "m.space"."""
    body: dict[str, Any] = {}
    if limit is not None:
        body["limit"] = limit
    if since:
        body["since"] = since
    filter_: dict[str, Any] = {}
    if search_term:
        filter_["generic_search_term"] = search_term
    if room_types is not None:
        filter_["room_types"] = list(room_types)
    if filter_:
        body["filter"] = filter_
    if include_all_networks is not None:
        body["include_all_networks"] = include_all_networks
    if third_party_instance_id:
        body["third_party_instance_id"] = third_party_instance_id
    return Request("POST", _path(CLIENT_V3, "publicRooms", query=[("server", server)]), body)


def user_directory_search(search_term: str, *, limit: int | None = None) -> Request:
    body: dict[str, Any] = {"search_term": search_term}
    if limit is not None:
        body["limit"] = limit
    return Request("POST", _path(CLIENT_V3, "user_directory", "search"), body)


_PROFILE_KEY = re.compile(r"[a-z][a-z0-9._-]*")


def _profile_key(key: str) -> str:
    """displayname, avatar_url, or a namespaced custom field (Common Namespaced Identifier)."""
    if key in ("displayname", "avatar_url"):
        return key
    if not _PROFILE_KEY.fullmatch(key) or len(key.encode()) > 255 or "." not in key:
        raise InvalidIdentifier(f"{key!r} is not a namespaced profile field (like org.cercle.x)")
    return key


def profile_get(user_id: str) -> Request:
    return Request("GET", _path(CLIENT_V3, "profile", user_id))


def profile_get_field(user_id: str, key: str) -> Request:
    return Request("GET", _path(CLIENT_V3, "profile", user_id, _profile_key(key)))


def profile_set_field(user_id: str, key: str, value: Any) -> Request:
    key = _profile_key(key)
    return Request("PUT", _path(CLIENT_V3, "profile", user_id, key), {key: value})


def profile_delete_field(user_id: str, key: str) -> Request:
    return Request("DELETE", _path(CLIENT_V3, "profile", user_id, _profile_key(key)))


def media_download(
    mxc: str | MxcUri, *, filename: str | None = None, timeout_ms: int | None = None
) -> Request:
    """Authenticated download (`/_matrix/client/v1/media/download/{server}/{id}[/{name}]`)."""
    ref = mxc if isinstance(mxc, MxcUri) else parse_mxc(mxc)
    extra = (filename,) if filename else ()
    query = [("timeout_ms", timeout_ms)]
    return Request(
        "GET", _path(MEDIA_V1, "download", ref.server_name, ref.media_id, *extra, query=query)
    )


def media_thumbnail(
    mxc: str | MxcUri,
    width: int,
    height: int,
    *,
    method: str = "scale",
    animated: bool | None = None,
    timeout_ms: int | None = None,
) -> Request:
    if method not in ("scale", "crop"):
        raise ValueError("a thumbnail method is 'scale' or 'crop'")
    if width <= 0 or height <= 0:
        raise ValueError("thumbnail sizes are positive")
    ref = mxc if isinstance(mxc, MxcUri) else parse_mxc(mxc)
    query = [
        ("width", int(width)),
        ("height", int(height)),
        ("method", method),
        ("animated", animated),
        ("timeout_ms", timeout_ms),
    ]
    return Request("GET", _path(MEDIA_V1, "thumbnail", ref.server_name, ref.media_id, query=query))


def media_config() -> Request:
    return Request("GET", _path(MEDIA_V1, "config"))


def joined_members(room_id: str) -> Request:
    return Request("GET", _path(CLIENT_V3, "rooms", room_id, "joined_members"))


def sso_redirect(redirect_url: str, *, idp_id: str | None = None) -> Request:
    """The page the system browser opens; the server sends it back with `?loginToken=`."""
    segments = ("login", "sso", "redirect", *((idp_id,) if idp_id else ()))
    return Request("GET", _path(CLIENT_V3, *segments, query=[("redirectUrl", redirect_url)]))


def token_login_body(
    token: str, *, device_id: str | None = None, initial_device_display_name: str | None = None
) -> dict[str, Any]:
    """The `m.login.token` body that exchanges an SSO `loginToken` for an access token."""
    body: dict[str, Any] = {"type": "m.login.token", "token": token}
    if device_id:
        body["device_id"] = device_id
    if initial_device_display_name:
        body["initial_device_display_name"] = initial_device_display_name
    return body


def token_login(
    token: str, *, device_id: str | None = None, initial_device_display_name: str | None = None
) -> Request:
    body = token_login_body(
        token, device_id=device_id, initial_device_display_name=initial_device_display_name
    )
    return Request("POST", _path(CLIENT_V3, "login"), body)


def well_known_url(server_name: str, *, scheme: str = "https") -> str:
    """`https://<hostname>/.well-known/matrix/client`: the spec drops the port of the server
    name. `scheme` exists only for loopback test servers."""
    host, _ = split_server_name(server_name)
    return f"{scheme}://{host}/.well-known/matrix/client"
