"""End-to-end encryption upkeep: why a message cannot be read yet, and repairing it later."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import nio

from cercle.protocol.changes import UndecryptableCause

__all__ = ["Repaired", "UndecryptableCause", "cause_for", "try_decrypt"]

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
