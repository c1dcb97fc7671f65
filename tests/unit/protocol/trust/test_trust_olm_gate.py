"""Secrets and room keys only inside Olm (CVE-2022-39251/39255): real nio Olm machines offline,
events as a homeserver would deliver them, in clear, Megolm-encrypted or Olm-encrypted."""

from __future__ import annotations

import nio
import pytest
from olm_pair import (
    deliver,
    device_of,
    forwarded_content,
    machine,
    olm_to_device,
    room_key_content,
)

from cercle.protocol.trust.olm_gate import OlmGate, OlmPayload, log_dropped, outside_olm

ME = "@moi:velotech.test"
EVE = "@eve:velotech.test"


@pytest.fixture
def pair():
    sender, receiver = machine(ME, "PHONE"), machine(ME, "LAPTOP")
    received: list[OlmPayload] = []
    gate = OlmGate(receiver)
    for kind in ("m.secret.send", "m.forwarded_room_key", "m.secret.request"):
        gate.on(kind, received.append)
    return sender, receiver, received


def test_a_secret_inside_olm_reaches_cercle_with_the_real_sending_keys(pair):
    sender, receiver, received = pair
    raw = olm_to_device(sender, receiver, "m.secret.send", {"request_id": "r1", "secret": "s"})
    assert deliver(receiver, raw) is None  # nio gets nothing to act on
    (payload,) = received
    assert payload.type == "m.secret.send"
    assert payload.sender == ME
    assert payload.sender_key == sender.account.identity_keys["curve25519"]
    assert payload.sender_ed25519 == sender.account.identity_keys["ed25519"]
    assert payload.content == {"request_id": "r1", "secret": "s"}


def test_without_the_gate_nio_throws_a_decrypted_secret_away():
    sender, receiver = machine(ME, "PHONE"), machine(ME, "LAPTOP")
    raw = olm_to_device(sender, receiver, "m.secret.send", {"request_id": "r1", "secret": "s"})
    assert deliver(receiver, raw) is None  # "unsupported Olm event": why the gate exists


def nio_would_import(sender, receiver, content) -> None:
    """Everything nio's own forward rules ask for: its request, and its trust in the device."""
    receiver.outgoing_key_requests[content["session_id"]] = nio.crypto.OutgoingKeyRequest(
        "req", content["session_id"], content["room_id"], "m.megolm.v1.aes-sha2"
    )
    device = device_of(sender)
    receiver.device_store.add(device)
    device.trust_state = nio.crypto.TrustState.verified  # as olm.verify_device would


def knows(receiver, forwarded) -> bool:
    found = receiver.inbound_group_store.get(
        forwarded["room_id"], forwarded["sender_key"], forwarded["session_id"]
    )
    return found is not None


def test_without_the_gate_nio_imports_a_forward_by_its_own_rules():
    sender, receiver = machine(ME, "PHONE"), machine(ME, "LAPTOP")
    forwarded = forwarded_content(sender, room_key_content(sender))
    nio_would_import(sender, receiver, forwarded)
    deliver(receiver, olm_to_device(sender, receiver, "m.forwarded_room_key", forwarded))
    assert knows(receiver, forwarded)  # what the gate takes away from nio


def test_a_forwarded_room_key_never_reaches_nios_own_import(pair):
    sender, receiver, received = pair
    forwarded = forwarded_content(sender, room_key_content(sender))
    nio_would_import(sender, receiver, forwarded)
    deliver(receiver, olm_to_device(sender, receiver, "m.forwarded_room_key", forwarded))
    assert [p.type for p in received] == ["m.forwarded_room_key"]
    assert not knows(receiver, forwarded)


def test_a_forwarded_room_key_without_a_handler_is_dropped_not_given_to_nio():
    sender, receiver = machine(ME, "PHONE"), machine(ME, "LAPTOP")
    OlmGate(receiver)
    forwarded = forwarded_content(sender, room_key_content(sender))
    nio_would_import(sender, receiver, forwarded)
    raw = olm_to_device(sender, receiver, "m.forwarded_room_key", forwarded)
    assert deliver(receiver, raw) is None
    assert not knows(receiver, forwarded)


def test_a_room_key_inside_olm_still_goes_to_nio(pair):
    sender, receiver, received = pair
    content = room_key_content(sender)
    event = deliver(receiver, olm_to_device(sender, receiver, "m.room_key", content))
    assert isinstance(event, nio.RoomKeyEvent)
    assert received == []
    curve = sender.account.identity_keys["curve25519"]
    assert receiver.inbound_group_store.get(content["room_id"], curve, content["session_id"])


@pytest.mark.parametrize("event_type", ["m.room_key", "m.forwarded_room_key", "m.secret.send"])
def test_secrets_and_room_keys_in_clear_are_dropped(pair, event_type, caplog):
    sender, receiver, received = pair
    content = room_key_content(sender)
    clear = {
        **content,
        "sender_key": sender.account.identity_keys["curve25519"],
        "sender_claimed_ed25519_key": sender.account.identity_keys["ed25519"],
        "forwarding_curve25519_key_chain": [],
        "request_id": "r1",
        "secret": "s",
    }
    raw = {"type": event_type, "sender": ME, "content": clear}
    event = nio.ToDeviceEvent.parse_event(raw)
    assert isinstance(event, nio.UnknownToDeviceEvent)  # nio does not take it as a key
    assert receiver.handle_to_device_event(event) is None
    assert received == []
    assert (
        receiver.inbound_group_store.get(
            content["room_id"], clear["sender_key"], content["session_id"]
        )
        is None
    )
    assert outside_olm(event) == f"{event_type} in clear from {ME}: only valid inside Olm"
    reply = nio.SyncResponse.from_dict(sync_with([raw]))
    assert log_dropped(reply) == [outside_olm(event)]
    assert "to-device event dropped" in caplog.text


def test_a_megolm_encrypted_to_device_event_is_dropped_while_parsing(pair):
    sender, receiver, received = pair
    room_key_content(sender)
    sender.outbound_group_sessions["!salle:velotech.test"].shared = True
    megolm = sender.group_encrypt(
        "!salle:velotech.test",
        {"type": "m.secret.send", "content": {"request_id": "r1", "secret": "s"}},
    )
    raw = {"type": "m.room.encrypted", "sender": ME, "content": megolm}
    assert deliver(receiver, raw) == "dropped while parsing"
    reply = nio.SyncResponse.from_dict(sync_with([raw]))
    # What Cercle relies on: nio parses it to None (kept in the list), never to an event.
    assert reply.to_device_events == [None]
    assert log_dropped(reply) == []
    assert received == []


def test_an_olm_payload_for_another_recipient_never_reaches_cercle(pair):
    sender, receiver, received = pair
    eve = machine(EVE, "EVE")
    raw = olm_to_device(sender, eve, "m.secret.send", {"request_id": "r1", "secret": "s"})
    assert deliver(receiver, raw) is None
    assert received == []


def sync_with(to_device: list[dict]) -> dict:
    return {
        "next_batch": "s1",
        "rooms": {"join": {}, "invite": {}, "leave": {}},
        "to_device": {"events": to_device},
    }


def test_a_room_key_nio_decrypted_from_olm_is_not_reported_as_in_clear():
    # nio puts the decrypted event back into the sync's list, its source the decrypted payload.
    payload = {
        "type": "m.room_key",
        "sender": ME,
        "content": {"room_id": "!r:x", "session_id": "s"},
    }
    decrypted = nio.RoomKeyEvent(payload, ME, "curve", "!r:x", "s", "m.megolm.v1.aes-sha2")
    assert outside_olm(decrypted) is None
    assert outside_olm(nio.ToDeviceEvent.parse_event(payload)) is not None  # the same, in clear
