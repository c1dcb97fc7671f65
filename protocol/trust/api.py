"""Pure request builders and response parsers for the cross-signing, backup and 4S endpoints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cercle.protocol.endpoints import CLIENT_V3, Request, _path
from cercle.protocol.trust.backup import BACKUP_ALGORITHM
from cercle.protocol.trust.crosssigning import KeysQueryResult

PASSWORD = "m.login.password"


class MalformedResponse(ValueError):
    """The server's answer lacks what the spec says it holds."""


# -- cross-signing -----------------------------------------------------------------------------


def password_auth(user_id: str, password: str, session: str | None) -> dict[str, Any]:
    """The `m.login.password` stage of user-interactive auth, for the challenge's `session`."""
    auth: dict[str, Any] = {
        "type": PASSWORD,
        "identifier": {"type": "m.id.user", "user": user_id},
        "password": password,
    }
    if session:
        auth["session"] = session
    return auth


def device_signing_upload(
    keys: Mapping[str, Mapping[str, Any]], *, auth: Mapping[str, Any] | None = None
) -> Request:
    """`POST /keys/device_signing/upload` with any of `master_key`, `self_signing_key`,
    `user_signing_key` (e.g. CrossSigningSecrets.key_objects). First without `auth`: a 401
    with a UIA challenge (parse_uia) tells which stages to complete, then again with `auth`."""
    allowed = {"master_key", "self_signing_key", "user_signing_key"}
    unknown = set(keys) - allowed
    if unknown:
        raise ValueError(f"not cross-signing keys: {sorted(unknown)}")
    body: dict[str, Any] = {name: dict(obj) for name, obj in keys.items()}
    if auth is not None:
        body["auth"] = dict(auth)
    return Request("POST", _path(CLIENT_V3, "keys", "device_signing", "upload"), body)


def _upload_key(obj: Mapping[str, Any]) -> str:
    """Where a signed object goes in `/keys/signatures/upload`: its device id, or for a
    cross-signing key its public key."""
    if isinstance(obj.get("device_id"), str):
        return str(obj["device_id"])
    keys = obj.get("keys")
    if "usage" in obj and isinstance(keys, Mapping) and len(keys) == 1:
        return str(next(iter(keys.values())))
    raise ValueError("neither device keys nor a cross-signing key")


def signatures_upload(objects: Iterable[Mapping[str, Any]]) -> Request:
    """`POST /keys/signatures/upload` for signed device keys and master keys."""
    body: dict[str, dict[str, Any]] = {}
    for obj in objects:
        user_id = obj.get("user_id")
        if not isinstance(user_id, str):
            raise ValueError("a signed key object names its user")
        body.setdefault(user_id, {})[_upload_key(obj)] = dict(obj)
    return Request("POST", _path(CLIENT_V3, "keys", "signatures", "upload"), body)


@dataclass(frozen=True)
class SignatureFailure:
    user_id: str
    key_id: str
    errcode: str | None
    error: str | None


def parse_signatures_upload(body: Any) -> list[SignatureFailure]:
    """The `failures` of a signatures upload (empty when every signature was accepted)."""
    failures = body.get("failures") if isinstance(body, Mapping) else None
    out = []
    for user_id, keys in (failures or {}).items():
        for key_id, err in (keys if isinstance(keys, Mapping) else {}).items():
            err = err if isinstance(err, Mapping) else {}
            code, text = err.get("errcode"), err.get("error")
            out.append(
                SignatureFailure(
                    user_id,
                    key_id,
                    code if isinstance(code, str) else None,
                    text if isinstance(text, str) else None,
                )
            )
    return out


def keys_query(
    users: Mapping[str, Iterable[str]] | Iterable[str], *, timeout_ms: int = 10_000
) -> Request:
    """`POST /keys/query`; the answer carries master, self-signing and (for ourselves)
    user-signing keys beside the devices. Users map to device ids, or [] for all."""
    wanted = (
        {u: list(d) for u, d in users.items()}
        if isinstance(users, Mapping)
        else {u: [] for u in users}
    )
    return Request(
        "POST", _path(CLIENT_V3, "keys", "query"), {"device_keys": wanted, "timeout": timeout_ms}
    )


def parse_keys_query(body: Any) -> KeysQueryResult:
    return KeysQueryResult.from_json(body)


# -- user-interactive auth ---------------------------------------------------------------------


@dataclass(frozen=True)
class UiaChallenge:
    """A 401 user-interactive-auth answer: the flows, what is done, and the session."""

    session: str | None
    flows: tuple[tuple[str, ...], ...]
    completed: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    errcode: str | None = None  # set when the last attempt failed (e.g. M_FORBIDDEN)
    error: str | None = None

    def remaining(self, flow: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for s in flow if s not in self.completed)

    @property
    def password_suffices(self) -> bool:
        """Some flow needs nothing more than the account password."""
        return any(set(self.remaining(f)) <= {PASSWORD} for f in self.flows)


def parse_uia(status: int, body: Any) -> UiaChallenge | None:
    """The challenge from a 401 answer, or None if the answer is not one."""
    if status != 401 or not isinstance(body, Mapping) or not isinstance(body.get("flows"), list):
        return None
    flows = []
    for flow in body["flows"]:
        stages = flow.get("stages") if isinstance(flow, Mapping) else None
        if isinstance(stages, list) and all(isinstance(s, str) for s in stages):
            flows.append(tuple(stages))
    completed = body.get("completed")
    params = body.get("params")
    session = body.get("session")
    errcode, error = body.get("errcode"), body.get("error")
    return UiaChallenge(
        session=session if isinstance(session, str) else None,
        flows=tuple(flows),
        completed=tuple(s for s in completed if isinstance(s, str))
        if isinstance(completed, list)
        else (),
        params=dict(params) if isinstance(params, Mapping) else {},
        errcode=errcode if isinstance(errcode, str) else None,
        error=error if isinstance(error, str) else None,
    )


# -- key backup --------------------------------------------------------------------------------


def backup_version_create(
    auth_data: Mapping[str, Any], *, algorithm: str = BACKUP_ALGORITHM
) -> Request:
    body = {"algorithm": algorithm, "auth_data": dict(auth_data)}
    return Request("POST", _path(CLIENT_V3, "room_keys", "version"), body)


def backup_version_get(version: str | None = None) -> Request:
    """The latest backup (404 M_NOT_FOUND when there is none), or one version."""
    segments = ("room_keys", "version", *((version,) if version is not None else ()))
    return Request("GET", _path(CLIENT_V3, *segments))


def backup_version_update(
    version: str, auth_data: Mapping[str, Any], *, algorithm: str = BACKUP_ALGORITHM
) -> Request:
    """Only `auth_data` may change (e.g. to add a signature)."""
    body = {"algorithm": algorithm, "auth_data": dict(auth_data), "version": version}
    return Request("PUT", _path(CLIENT_V3, "room_keys", "version", version), body)


def backup_version_delete(version: str) -> Request:
    return Request("DELETE", _path(CLIENT_V3, "room_keys", "version", version))


def _keys_path(version: str, room_id: str | None, session_id: str | None) -> str:
    if session_id is not None and room_id is None:
        raise ValueError("a session id needs its room id")
    segments = [s for s in (room_id, session_id) if s is not None]
    return _path(CLIENT_V3, "room_keys", "keys", *segments, query=[("version", version)])


def backup_keys_put(version: str, rooms: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Request:
    """`PUT /room_keys/keys?version=` with `{room_id: {session_id: KeyBackupData}}`."""
    body = {
        "rooms": {
            room_id: {"sessions": {sid: dict(data) for sid, data in sessions.items()}}
            for room_id, sessions in rooms.items()
        }
    }
    return Request("PUT", _keys_path(version, None, None), body)


def backup_session_put(
    version: str, room_id: str, session_id: str, data: Mapping[str, Any]
) -> Request:
    return Request("PUT", _keys_path(version, room_id, session_id), dict(data))


def backup_keys_get(
    version: str, room_id: str | None = None, session_id: str | None = None
) -> Request:
    return Request("GET", _keys_path(version, room_id, session_id))


def backup_keys_delete(
    version: str, room_id: str | None = None, session_id: str | None = None
) -> Request:
    return Request("DELETE", _keys_path(version, room_id, session_id))


@dataclass(frozen=True)
class BackupVersion:
    version: str
    algorithm: str
    auth_data: Mapping[str, Any]
    count: int = 0
    etag: str = ""


def parse_backup_version(body: Any) -> BackupVersion:
    if not isinstance(body, Mapping):
        raise MalformedResponse("the backup version is not an object")
    version, algorithm, auth_data = (
        body.get("version"),
        body.get("algorithm"),
        body.get("auth_data"),
    )
    if not isinstance(version, str) or not isinstance(algorithm, str):
        raise MalformedResponse("a backup version needs `version` and `algorithm`")
    if not isinstance(auth_data, Mapping):
        raise MalformedResponse("a backup version needs `auth_data`")
    count, etag = body.get("count", 0), body.get("etag", "")
    return BackupVersion(
        version,
        algorithm,
        dict(auth_data),
        count if isinstance(count, int) and not isinstance(count, bool) else 0,
        etag if isinstance(etag, str) else "",
    )


def parse_backup_created(body: Any) -> str:
    version = body.get("version") if isinstance(body, Mapping) else None
    if not isinstance(version, str):
        raise MalformedResponse("the new backup has no version")
    return version


@dataclass(frozen=True)
class RoomKeysUpdate:
    etag: str
    count: int


def parse_room_keys_update(body: Any) -> RoomKeysUpdate:
    if not isinstance(body, Mapping):
        raise MalformedResponse("not an object")
    etag, count = body.get("etag"), body.get("count")
    if not isinstance(etag, str) or not isinstance(count, int) or isinstance(count, bool):
        raise MalformedResponse("a keys update answer carries `etag` and `count`")
    return RoomKeysUpdate(etag, count)


@dataclass(frozen=True)
class KeyBackupData:
    first_message_index: int
    forwarded_count: int
    is_verified: bool
    session_data: Mapping[str, Any]


def parse_key_backup_data(obj: Any) -> KeyBackupData:
    if not isinstance(obj, Mapping) or not isinstance(obj.get("session_data"), Mapping):
        raise MalformedResponse("backed-up key without `session_data`")
    first, forwarded = obj.get("first_message_index"), obj.get("forwarded_count")
    if not isinstance(first, int) or not isinstance(forwarded, int):
        raise MalformedResponse("backed-up key without its indices")
    if isinstance(first, bool) or isinstance(forwarded, bool):
        raise MalformedResponse("backed-up key indices are integers")
    return KeyBackupData(
        first, forwarded, obj.get("is_verified") is True, dict(obj["session_data"])
    )


def parse_backup_keys(body: Any) -> tuple[dict[str, dict[str, KeyBackupData]], list[str]]:
    """`GET /room_keys/keys` → ({room_id: {session_id: data}}, malformed entries skipped)."""
    rooms = body.get("rooms") if isinstance(body, Mapping) else None
    if not isinstance(rooms, Mapping):
        raise MalformedResponse("backed-up keys without `rooms`")
    out: dict[str, dict[str, KeyBackupData]] = {}
    skipped: list[str] = []
    for room_id, room in rooms.items():
        parsed, bad = parse_room_backup_keys(room)
        out[room_id] = parsed
        skipped += [f"{room_id}/{s}" for s in bad]
    return out, skipped


def parse_room_backup_keys(body: Any) -> tuple[dict[str, KeyBackupData], list[str]]:
    """`GET /room_keys/keys/{roomId}` → ({session_id: data}, session ids skipped)."""
    sessions = body.get("sessions") if isinstance(body, Mapping) else None
    if not isinstance(sessions, Mapping):
        raise MalformedResponse("backed-up room without `sessions`")
    out: dict[str, KeyBackupData] = {}
    skipped: list[str] = []
    for session_id, data in sessions.items():
        try:
            out[session_id] = parse_key_backup_data(data)
        except MalformedResponse:
            skipped.append(session_id)
    return out, skipped


# -- account data ------------------------------------------------------------------------------


def account_data_get(user_id: str, event_type: str) -> Request:
    """`m.secret_storage.default_key`, `m.secret_storage.key.<id>`, `m.cross_signing.*`,
    `m.megolm_backup.v1` … (404 M_NOT_FOUND when unset)."""
    return Request("GET", _path(CLIENT_V3, "user", user_id, "account_data", event_type))


def account_data_put(user_id: str, event_type: str, content: Mapping[str, Any]) -> Request:
    return Request(
        "PUT", _path(CLIENT_V3, "user", user_id, "account_data", event_type), dict(content)
    )
