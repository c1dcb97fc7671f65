"""End-to-end encryption upkeep: why a message cannot be read yet, repairing it later, and
keeping a fallback key on the server (MSC2732) so peers can always open an Olm session."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import nio

from cercle.protocol.changes import UndecryptableCause
from cercle.protocol.endpoints import CLIENT_V3, Request, _path

if TYPE_CHECKING:
    from cercle.protocol.client import MatrixClient

__all__ = [
    "FallbackKey",
    "Repaired",
    "UndecryptableCause",
    "cause_for",
    "fallback_keys_upload",
    "try_decrypt",
    "unused_fallback_key_types",
]

log = logging.getLogger(__name__)


def cause_for(event: nio.MegolmEvent, joined_at_ms: int | None = None) -> UndecryptableCause:
    """The likeliest cause, from the event and when we joined its room (None: unknown)."""
    if getattr(event, "algorithm", None) not in (None, "m.megolm.v1.aes-sha2"):
        return UndecryptableCause.BAD_ENCRYPTION
    if not getattr(event, "session_id", None):
        return UndecryptableCause.BAD_ENCRYPTION
    sent = getattr(event, "server_timestamp", None)
    if joined_at_ms is not None and isinstance(sent, int) and sent < joined_at_ms:
        # Room keys go to the members of the moment: a later member never got this one
        # (key backup from another of your devices can still bring it).
        return UndecryptableCause.SENT_BEFORE_JOINED
    return UndecryptableCause.NOT_YET_RECEIVED


@dataclass(frozen=True)
class Repaired:
    """An event that became readable: its decrypted type and content."""

    room_id: str
    event_id: str
    type: str
    content: dict


def try_decrypt(client: nio.AsyncClient, room_id: str, raw: dict) -> Repaired | None:
    """Decrypts a stored m.room.encrypted event with the keys this device has now."""
    source = dict(raw)
    source.setdefault("room_id", room_id)
    event = nio.Event.parse_encrypted_event(source)
    if not isinstance(event, nio.MegolmEvent):
        return None
    event.room_id = room_id
    try:
        decrypted = client.decrypt_event(event)
    except (nio.EncryptionError, nio.exceptions.OlmTrustError) as e:
        log.debug("still undecryptable %s: %s", event.event_id, e)
        return None
    clear = getattr(decrypted, "source", None)
    if not isinstance(clear, dict) or not isinstance(clear.get("type"), str):
        return None
    content = clear.get("content")
    return Repaired(
        room_id, event.event_id, clear["type"], dict(content) if isinstance(content, dict) else {}
    )


# -- fallback keys (MSC2732, spec v1.2) ------------------------------------------------------

SIGNED_CURVE25519 = "signed_curve25519"
_UNUSED = re.compile(rb'"device_unused_fallback_key_types"\s*:\s*\[([^\]]*)\]')
PARSE_WHOLE_BODY_UP_TO = 1 << 20  # bigger (initial) syncs: a scan of the bytes instead


def fallback_keys_upload(keys: Mapping[str, Mapping[str, Any]]) -> Request:
    """`POST /keys/upload` of signed fallback keys: `signed_curve25519:<id>` → key object."""
    return Request("POST", _path(CLIENT_V3, "keys", "upload"), {"fallback_keys": dict(keys)})


def unused_fallback_key_types(body: Any) -> frozenset[str] | None:
    """The `device_unused_fallback_key_types` of a /sync body (a dict, or its raw bytes);
    None when the server did not say (then nothing is known)."""
    if isinstance(body, Mapping):
        found = body.get("device_unused_fallback_key_types")
        if not isinstance(found, list):
            return None
        return frozenset(t for t in found if isinstance(t, str))
    if isinstance(body, bytes | bytearray):
        if len(body) <= PARSE_WHOLE_BODY_UP_TO:
            try:
                return unused_fallback_key_types(json.loads(body))
            except ValueError:
                return None
        matches = _UNUSED.findall(body)
        if not matches:
            return None
        return frozenset(re.findall(r'"([^"\\]+)"', matches[-1].decode("utf-8", "replace")))
    return None


async def _unused_types_of(reply: nio.SyncResponse) -> frozenset[str] | None:
    """Read from nio's response; nio 0.26 drops the field, so from the raw body it keeps."""
    direct = getattr(reply, "device_unused_fallback_key_types", None)
    if isinstance(direct, list | tuple | set | frozenset):
        return frozenset(t for t in direct if isinstance(t, str))
    transport = getattr(reply, "transport_response", None)
    if transport is None:
        return None
    try:
        body = await transport.read()  # aiohttp keeps the body it read for nio
    except Exception as e:  # connection released without a kept body
        log.debug("sync body not readable again: %s", e)
        return None
    return await asyncio.to_thread(unused_fallback_key_types, body)  # a big body: off the loop


class FallbackKey:
    """Keeps one unused fallback key on the server: uploaded once per start (nio 0.26 never
    does), and again whenever a sync says ours was used (a peer found no one-time key)."""

    def __init__(self, client: MatrixClient) -> None:
        self.client = client
        self.published = False  # by this process

    async def upkeep(self, reply: nio.SyncResponse | None = None) -> bool:
        """Uploads a new fallback key when needed; True when it did."""
        olm = self.client.nio.olm
        if olm is None or not olm.account.shared:
            return False  # the device keys go first (nio's keys_upload)
        unused = await _unused_types_of(reply) if reply is not None else None
        if self.published and (unused is None or SIGNED_CURVE25519 in unused):
            return False
        await self.publish_new()
        return True

    async def publish_new(self) -> None:
        from cercle.protocol.rooms import send_request  # rooms imports the client module

        olm = self.client.nio.olm
        assert olm is not None
        account = olm.account._account  # nio's OlmAccount wraps vodozemac's Account
        account.generate_fallback_key()
        keys = {}
        for key_id, key in account.fallback_key.items():
            signed: dict[str, Any] = {"key": key.to_base64(), "fallback": True}
            signature = olm.sign_json(signed)
            signed["signatures"] = {
                self.client.user_id: {f"ed25519:{self.client.nio.device_id}": signature}
            }
            keys[f"{SIGNED_CURVE25519}:{key_id}"] = signed
        await send_request(self.client, fallback_keys_upload(keys), what="fallback key upload")
        account.mark_keys_as_published()
        olm.save_account()
        self.published = True
        log.info("fallback key uploaded")
