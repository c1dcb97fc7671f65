"""To-device payloads valid only inside Olm: the gate that hands them to Cercle, and Olm sending."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import nio
from nio.crypto import OlmDevice

from cercle.protocol.client import MatrixClient, MatrixError
from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api
from cercle.protocol.trust.crosssigning import DeviceKeys, InvalidKeyObject

log = logging.getLogger(__name__)

OLM = "m.olm.v1.curve25519-aes-sha2"
ROOM_KEY = "m.room_key"
FORWARDED_ROOM_KEY = "m.forwarded_room_key"
SECRET_SEND = "m.secret.send"
# Secrets and room keys: anything else (in clear, or Megolm-encrypted to a device) is a forgery
# attempt of the CVE-2022-39251/39255 kind and is dropped with a log line.
OLM_ONLY = frozenset({ROOM_KEY, FORWARDED_ROOM_KEY, SECRET_SEND})


@dataclass(frozen=True)
class OlmPayload:
    """A to-device event as decrypted by Olm. `sender_key` is the Curve25519 key of the Olm
    session it came through (the real sending device); `sender_ed25519` the Ed25519 key the
    payload claims (to be checked against the device list)."""

    sender: str
    sender_key: str
    sender_ed25519: str | None
    type: str
    content: Mapping[str, Any]


Handler = Callable[[OlmPayload], None]


class OlmGate:
    """Sits inside nio's Olm machine, after decryption and nio's sender/recipient checks: the
    payload types Cercle handles itself (secrets, forwarded room keys) go to their handler and
    never to nio. Handlers are called on the sync's loop and must not block (queue the work)."""

    def __init__(self, olm: Any) -> None:
        self.handlers: dict[str, Handler] = {}
        self._original = olm._handle_olm_event
        olm._handle_olm_event = self._handle

    def on(self, event_type: str, handler: Handler) -> None:
        self.handlers[event_type] = handler

    def _handle(self, sender: str, sender_key: str, payload: dict[str, Any]) -> Any:
        event_type = payload.get("type")
        handler = self.handlers.get(event_type) if isinstance(event_type, str) else None
        if handler is None:
            if event_type == FORWARDED_ROOM_KEY:  # nobody to check it: never nio's own rules
                log.warning("forwarded room key from %s dropped: no handler", sender)
                return None
            return self._original(sender, sender_key, payload)
        keys = payload.get("keys")
        ed25519 = keys.get("ed25519") if isinstance(keys, Mapping) else None
        content = payload.get("content")
        if not isinstance(content, Mapping):
            log.warning("Olm %s from %s without content: dropped", event_type, sender)
            return None
        try:
            handler(
                OlmPayload(
                    sender,
                    sender_key,
                    ed25519 if isinstance(ed25519, str) else None,
                    str(event_type),
                    content,
                )
            )
        except Exception:  # one bad event never breaks nio's sync handling
            log.exception("Olm %s from %s not handled", event_type, sender)
        return None


def outside_olm(event: Any) -> str | None:
    """Why a to-device event from a sync must be dropped, or None. A secret or a room key in
    clear (nio keeps such events as UnknownToDeviceEvent) is always dropped; nio already drops
    `m.room.encrypted` to-device events that are not Olm (Megolm to a device) while parsing."""
    source = getattr(event, "source", None)
    if not isinstance(source, Mapping):
        return None
    event_type = source.get("type")
    # Only what nio kept as unknown came in clear: an Olm-decrypted room key is put back in the
    # sync's list as a RoomKeyEvent (its source the decrypted payload), and is legitimate.
    if event_type in OLM_ONLY and isinstance(event, nio.UnknownToDeviceEvent):
        return f"{event_type} in clear from {source.get('sender')}: only valid inside Olm"
    if event_type == "m.room.encrypted":
        content = source.get("content")
        algorithm = content.get("algorithm") if isinstance(content, Mapping) else None
        if algorithm != OLM and not isinstance(event, nio.OlmEvent):
            return f"to-device event encrypted with {algorithm!r} from {source.get('sender')}"
    return None


def log_dropped(reply: nio.SyncResponse) -> list[str]:
    """Logs (and returns) the to-device events of this sync that are dropped as outside Olm."""
    reasons = [r for e in reply.to_device_events if (r := outside_olm(e)) is not None]
    for reason in reasons:
        log.warning("to-device event dropped: %s", reason)
    return reasons


class NoOlmSession(MatrixError):
    """We could not set up an Olm session with the device (it has no one-time key left)."""


async def send_olm(
    client: MatrixClient,
    user_id: str,
    device_id: str,
    event_type: str,
    content: Mapping[str, Any],
) -> None:
    """Sends `event_type` to one device, Olm-encrypted (`m.room.encrypted`, never in clear):
    fetches the device's keys and claims a one-time key first when needed."""
    olm = client.nio.olm
    if olm is None:
        raise MatrixError("encryption is not set up on this device")
    device = olm.device_store[user_id].get(device_id)
    if device is None or device.deleted:
        device = await _fetch_device(client, user_id, device_id)
        olm.device_store.add(device)  # in memory: nio's own key queries persist devices
    session = olm.session_store.get(device.curve25519)
    if session is None:
        await client.call(client.nio.keys_claim({user_id: [device_id]}))
        session = olm.session_store.get(device.curve25519)
        if session is None:
            raise NoOlmSession(f"no Olm session with {user_id} {device_id}")
    encrypted = olm._olm_encrypt(session, device, event_type, dict(content))
    message = nio.ToDeviceMessage("m.room.encrypted", user_id, device_id, encrypted)
    await client.call(client.nio.to_device(message))


async def _fetch_device(client: MatrixClient, user_id: str, device_id: str) -> OlmDevice:
    """The device's keys from /keys/query, self-signature checked. Not through nio's
    keys_query: run next to the sync's own, its store can fail saving the same new device."""
    body = await send_request(client, api.keys_query([user_id]), what="keys query")
    obj = api.parse_keys_query(body).device_keys.get(user_id, {}).get(device_id)
    if obj is None:
        raise MatrixError(f"the server lists no device {device_id} for {user_id}")
    try:
        keys = DeviceKeys.from_json(obj, user_id=user_id, device_id=device_id)
    except InvalidKeyObject as e:
        raise MatrixError(
            f"device {device_id} of {user_id} has keys that do not check: {e}"
        ) from None
    return OlmDevice(user_id, device_id, {"ed25519": keys.ed25519, "curve25519": keys.curve25519})
