"""Real nio Olm machines offline, and to-device events as a homeserver would deliver them."""

from __future__ import annotations

from typing import Any

import nio
from nio.crypto import OlmDevice

ROOM = "!salle:velotech.test"


def machine(user_id: str, device_id: str) -> nio.crypto.Olm:
    return nio.crypto.Olm(user_id, device_id, nio.store.SqliteMemoryStore(user_id, device_id))


def device_of(olm: nio.crypto.Olm) -> OlmDevice:
    keys = olm.account.identity_keys
    return OlmDevice(
        olm.user_id,
        olm.device_id,
        {"ed25519": keys["ed25519"], "curve25519": keys["curve25519"]},
    )


def olm_to_device(
    sender: nio.crypto.Olm, receiver: nio.crypto.Olm, event_type: str, content: dict
) -> dict:
    """What the server delivers when `sender` Olm-encrypts `event_type` to `receiver`."""
    receiver_curve = receiver.account.identity_keys["curve25519"]
    session = sender.session_store.get(receiver_curve)
    if session is None:
        receiver.account.generate_one_time_keys(1)
        one_time = next(iter(receiver.account.one_time_keys["curve25519"].values()))
        receiver.account.mark_keys_as_published()
        session = sender.create_session(one_time, receiver_curve)
    encrypted = sender._olm_encrypt(session, device_of(receiver), event_type, content)
    return {"type": "m.room.encrypted", "sender": sender.user_id, "content": encrypted}


def deliver(receiver: nio.crypto.Olm, raw: dict) -> Any:
    """nio's path for one to-device event of a sync: parse, then the Olm machine."""
    event = nio.ToDeviceEvent.parse_event(raw)
    if event is None:
        return "dropped while parsing"
    return receiver.handle_to_device_event(event)


def room_key_content(olm: nio.crypto.Olm, room_id: str = ROOM) -> dict:
    """A new outbound Megolm session of `olm` in `room_id`, as an `m.room_key` content."""
    olm.create_outbound_group_session(room_id)
    session = olm.outbound_group_sessions[room_id]
    session.shared = True
    return {
        "algorithm": "m.megolm.v1.aes-sha2",
        "room_id": room_id,
        "session_id": session.id,
        "session_key": session.session_key,
    }


def forwarded_content(olm: nio.crypto.Olm, room_key: dict) -> dict:
    """`m.forwarded_room_key` of a session `olm` created (its own, so an empty chain): the
    session exported from its first index, as forwarding does."""
    curve = olm.account.identity_keys["curve25519"]
    inbound = olm.inbound_group_store.get(room_key["room_id"], curve, room_key["session_id"])
    return {
        **room_key,
        "session_key": inbound.export_session(inbound.first_known_index),
        "sender_key": curve,
        "sender_claimed_ed25519_key": olm.account.identity_keys["ed25519"],
        "forwarding_curve25519_key_chain": [],
    }
