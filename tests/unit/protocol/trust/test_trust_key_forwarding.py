"""Forwarded room keys: imported only when we asked, over Olm, from our own verified device —
real nio Olm machines offline, the device list and the server faked."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import nio
import pytest
from olm_pair import (
    ROOM,
    deliver,
    device_of,
    forwarded_content,
    machine,
    olm_to_device,
    room_key_content,
)

from cercle.protocol.trust.key_forwarding import (
    KEY_REQUEST,
    KeyForwarding,
    KeyRequest,
    cancel_content,
    forward_content,
    judge_forward,
    parse_key_request,
    request_content,
)
from cercle.protocol.trust.olm_gate import OlmGate, OlmPayload

ME = "@moi:velotech.test"
EVE = "@eve:velotech.test"


class Devices:
    """Our other devices: `trusted` are the Curve25519 keys of the verified ones."""

    def __init__(self, *trusted: str) -> None:
        self.trusted = set(trusted)

    async def find(self, *, curve25519=None, ed25519=None, device_id=None):
        if curve25519 in self.trusted:
            return SimpleNamespace(device_id="PHONE"), "cross-signed by our identity"
        return None, "not verified (neither cross-signed by our identity nor by emoji here)"


class Setup:
    def __init__(self, *, trust_phone: bool = True) -> None:
        self.phone, self.laptop = machine(ME, "PHONE"), machine(ME, "LAPTOP")
        self.sent: list[nio.ToDeviceMessage] = []
        self.repaired = 0

        async def call(request):
            return await request

        async def to_device(message):
            self.sent.append(message)

        async def repair():
            self.repaired += 1

        client = SimpleNamespace(
            user_id=ME,
            call=call,
            nio=SimpleNamespace(olm=self.laptop, device_id="LAPTOP", to_device=to_device),
        )
        account = SimpleNamespace(client=client, engine=SimpleNamespace(repair_undecrypted=repair))
        phone_curve = self.phone.account.identity_keys["curve25519"]
        devices = Devices(*([phone_curve] if trust_phone else []))
        self.forwarding = KeyForwarding(account, devices, OlmGate(self.laptop))  # type: ignore[arg-type]

    def known(self, room_key: dict) -> bool:
        curve = self.phone.account.identity_keys["curve25519"]
        return bool(self.laptop.inbound_group_store.get(ROOM, curve, room_key["session_id"]))

    async def forward_from(self, sender: nio.crypto.Olm, content: dict) -> str:
        deliver(self.laptop, olm_to_device(sender, self.laptop, "m.forwarded_room_key", content))
        async with asyncio.timeout(5):
            while not self.forwarding.outcomes:  # noqa: ASYNC110 (the worker notes, we look)
                await asyncio.sleep(0.01)
        return self.forwarding.outcomes[-1][1]


def test_a_key_we_asked_for_from_our_verified_device_is_imported_and_decrypts():
    async def scenario():
        s = Setup()
        room_key = room_key_content(s.phone)
        request = await s.forwarding.request(
            ROOM, room_key["session_id"], s.phone.account.identity_keys["curve25519"]
        )
        (asked,) = s.sent
        assert asked.type == KEY_REQUEST
        assert (asked.recipient, asked.recipient_device) == (ME, "*")
        assert asked.content["body"]["session_id"] == room_key["session_id"]

        outcome = await s.forward_from(s.phone, forwarded_content(s.phone, room_key))
        assert outcome == "imported from our verified device PHONE"
        assert s.known(room_key)
        assert s.repaired == 1
        cancel = s.sent[-1].content
        assert cancel == {
            "action": "request_cancellation",
            "request_id": request.request_id,
            "requesting_device_id": "LAPTOP",
        }
        # The imported session really decrypts the phone's message.
        message = {"type": "m.room.message", "content": {"msgtype": "m.text", "body": "x"}}
        encrypted = s.phone.group_encrypt(ROOM, message)
        event = nio.MegolmEvent.from_dict(
            {
                "type": "m.room.encrypted",
                "event_id": "$1",
                "sender": ME,
                "origin_server_ts": 1,
                "room_id": ROOM,
                "content": encrypted,
            }
        )
        decrypted = s.laptop.decrypt_megolm_event(event, ROOM)
        assert decrypted.body == "x"
        session = s.laptop.inbound_group_store.get(
            ROOM, s.phone.account.identity_keys["curve25519"], room_key["session_id"]
        )
        assert session.forwarding_chain == [s.phone.account.identity_keys["curve25519"]]

    asyncio.run(scenario())


def test_a_key_we_did_not_ask_for_is_dropped():
    async def scenario():
        s = Setup()
        room_key = room_key_content(s.phone)
        outcome = await s.forward_from(s.phone, forwarded_content(s.phone, room_key))
        assert outcome == "dropped: a key we did not ask for"
        assert not s.known(room_key)

    asyncio.run(scenario())


def test_a_key_from_our_unverified_device_is_dropped():
    async def scenario():
        s = Setup(trust_phone=False)
        room_key = room_key_content(s.phone)
        curve = s.phone.account.identity_keys["curve25519"]
        await s.forwarding.request(ROOM, room_key["session_id"], curve)
        outcome = await s.forward_from(s.phone, forwarded_content(s.phone, room_key))
        assert outcome.startswith("dropped: the forwarding device is not verified")
        assert not s.known(room_key)
        assert s.repaired == 0

    asyncio.run(scenario())


def test_a_key_from_another_user_is_dropped_even_when_asked():
    async def scenario():
        s = Setup()
        eve = machine(EVE, "EVE")
        room_key = room_key_content(s.phone)
        curve = s.phone.account.identity_keys["curve25519"]
        await s.forwarding.request(ROOM, room_key["session_id"], curve)
        outcome = await s.forward_from(eve, forwarded_content(s.phone, room_key))
        assert outcome == f"dropped: forwarded by another user {EVE}"
        assert not s.known(room_key)

    asyncio.run(scenario())


REQUEST = KeyRequest("r1", ROOM, "S1", "CURVE")


def _payload(**content) -> OlmPayload:
    base = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "room_id": ROOM,
        "session_id": "S1",
        "sender_key": "CURVE",
        "session_key": "k",
        "sender_claimed_ed25519_key": "ed",
        "forwarding_curve25519_key_chain": [],
    }
    return OlmPayload(ME, "FORWARDER", "ed", "m.forwarded_room_key", {**base, **content})


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ({}, "asked for"),
        ({"room_id": "!autre:velotech.test"}, "room or session sender differs from what we asked"),
        ({"sender_key": "OTHER"}, "room or session sender differs from what we asked"),
        ({"session_id": "S2"}, "a key we did not ask for"),
        ({"algorithm": "m.olm.v1.curve25519-aes-sha2"}, "algorithm 'm.olm.v1.curve25519-aes-sha2'"),
        ({"forwarding_curve25519_key_chain": "x"}, "no forwarding chain"),
        ({"session_key": None}, "no session_key"),
    ],
)
def test_judge_forward(content, why):
    request, reason = judge_forward(_payload(**content), {"S1": REQUEST}, own_user_id=ME)
    assert reason == why
    assert (request is REQUEST) == (why == "asked for")


def test_key_requests_round_trip_and_malformed_ones_are_nothing():
    asked = KeyRequest("r1", ROOM, "S1", "CURVE")
    assert parse_key_request(request_content(asked, "LAPTOP")) == ("request", "LAPTOP", asked)
    assert parse_key_request(cancel_content(asked, "LAPTOP")) == (
        "request_cancellation",
        "LAPTOP",
        None,
    )
    # Without the deprecated sender_key, any session sender is taken.
    content = request_content(asked, "LAPTOP")
    del content["body"]["sender_key"]
    assert parse_key_request(content)[2] == KeyRequest("r1", ROOM, "S1", "")
    for broken in (None, {**content, "action": "give"}, {**content, "body": {"room_id": ROOM}}):
        assert parse_key_request(broken) == ("", "", None)


def test_a_forward_of_our_own_session_exports_it_from_its_first_index():
    phone = machine(ME, "PHONE")
    room_key = room_key_content(phone)
    curve = phone.account.identity_keys["curve25519"]
    session = phone.inbound_group_store.get(ROOM, curve, room_key["session_id"])
    content = forward_content(session)
    assert content == forwarded_content(phone, room_key) | {"session_key": content["session_key"]}
    imported = nio.crypto.Olm._import_group_session(
        content["session_key"], content["sender_claimed_ed25519_key"], curve, ROOM, []
    )
    assert imported is not None
    assert imported.id == room_key["session_id"]


def _nio_would_forward(laptop, phone) -> dict:
    """The laptop holds a session, knows and (by nio's own DB) trusts the phone, has an Olm
    session with it; the phone asks for the session, in clear."""
    room_key = room_key_content(laptop)
    device = device_of(phone)
    device.trust_state = nio.crypto.TrustState.verified
    laptop.device_store.add(device)
    olm_to_device(laptop, phone, "m.dummy", {})  # an Olm session laptop → phone
    asked = KeyRequest(
        "r1", ROOM, room_key["session_id"], laptop.account.identity_keys["curve25519"]
    )
    raw = {"type": KEY_REQUEST, "sender": ME, "content": request_content(asked, "PHONE")}
    laptop.handle_to_device_event(nio.ToDeviceEvent.parse_event(raw))
    return room_key


def test_left_alone_nio_forwards_to_a_device_its_own_db_trusts():
    laptop, phone = machine(ME, "LAPTOP"), machine(ME, "PHONE")
    _nio_would_forward(laptop, phone)
    laptop.collect_key_requests()
    assert [m.type for m in laptop.outgoing_to_device_messages] == ["m.room.encrypted"]


def test_nios_own_forwarding_is_off_cercles_rules_decide():
    s = Setup()
    _nio_would_forward(s.laptop, s.phone)
    s.laptop.collect_key_requests()
    assert s.laptop.outgoing_to_device_messages == []
