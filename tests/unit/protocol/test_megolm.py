"""Who gets a room key, when a session rotates, and the m.room_key.withheld format."""

from __future__ import annotations

import nio
import pytest

from cercle.protocol.changes import UndecryptableCause
from cercle.protocol.megolm import (
    DEFAULT_ROTATION_MS,
    MIN_ROTATION_MS,
    Candidate,
    OutboundState,
    Rotation,
    RotationPolicy,
    WithheldCode,
    departed_members,
    parse_withheld,
    rotation_policy,
    rotation_reason,
    send_to_device,
    share_set,
    withheld_cause,
    withheld_content,
)
from cercle.protocol.trust.crosssigning import TrustLevel

ME = ("@me:company", "MYDEVICE")
SIGNED, VERIFIED, UNSIGNED = TrustLevel.CROSS_SIGNED, TrustLevel.VERIFIED, TrustLevel.UNSIGNED

ROOM = [
    Candidate(*ME, trust=VERIFIED),
    Candidate("@me:company", "MYLAPTOP", trust=SIGNED),  # our other device, cross-signed
    Candidate("@me:company", "MYOLDPHONE", trust=UNSIGNED),  # ours, never signed
    Candidate("@ann:partner", "ANN1", trust=VERIFIED),
    Candidate("@ann:partner", "ANN2", trust=UNSIGNED),
    Candidate("@bob:partner", "BOB1", trust=None),  # not judged (its server did not answer)
    Candidate("@eve:partner", "EVE1", blacklisted=True, trust=SIGNED),
]


# -- the share set -------------------------------------------------------------------------------


def test_by_default_every_device_but_blacklisted_ones_and_ours_gets_the_key():
    decision = share_set(ROOM, own_device=ME, only_cross_signed=False)
    assert decision.share == {
        ("@me:company", "MYLAPTOP"),
        ("@me:company", "MYOLDPHONE"),
        ("@ann:partner", "ANN1"),
        ("@ann:partner", "ANN2"),
        ("@bob:partner", "BOB1"),
    }
    assert decision.withhold == {("@eve:partner", "EVE1"): WithheldCode.BLACKLISTED}


def test_excluding_insecure_devices_shares_only_with_cross_signed_ones_ours_included():
    decision = share_set(ROOM, own_device=ME, only_cross_signed=True)
    assert decision.share == {("@me:company", "MYLAPTOP"), ("@ann:partner", "ANN1")}
    assert decision.withhold == {
        ("@me:company", "MYOLDPHONE"): WithheldCode.UNVERIFIED,
        ("@ann:partner", "ANN2"): WithheldCode.UNVERIFIED,
        ("@bob:partner", "BOB1"): WithheldCode.UNVERIFIED,
        ("@eve:partner", "EVE1"): WithheldCode.BLACKLISTED,  # blacklisted wins over signed
    }


def test_a_verified_user_whose_identity_changed_gets_nothing_until_acknowledged():
    changed = ["@ann:partner"]
    strict = share_set(ROOM, own_device=ME, only_cross_signed=True, identity_changed=changed)
    assert strict.share == {("@me:company", "MYLAPTOP")}
    assert strict.withhold[("@ann:partner", "ANN1")] == WithheldCode.UNVERIFIED
    # All devices: Element's legacy mode ignores it (the change is still shown to the user).
    legacy = share_set(ROOM, own_device=ME, only_cross_signed=False, identity_changed=changed)
    assert ("@ann:partner", "ANN1") in legacy.share


def test_our_sending_device_is_never_a_recipient():
    decision = share_set([Candidate(*ME, blacklisted=True)], own_device=ME, only_cross_signed=True)
    assert decision.share == frozenset()
    assert decision.withhold == {}


# -- rotation ---------------------------------------------------------------------------------


def test_the_rooms_rotation_settings_are_honoured_within_elements_bounds():
    assert rotation_policy(None) == RotationPolicy(DEFAULT_ROTATION_MS, 100)
    assert rotation_policy({"rotation_period_ms": 86_400_000, "rotation_period_msgs": 3}) == (
        RotationPolicy(86_400_000, 3)
    )
    # A minute would make every message a key share: at least an hour. 0 messages: 1.
    assert rotation_policy({"rotation_period_ms": 60_000, "rotation_period_msgs": 0}) == (
        RotationPolicy(MIN_ROTATION_MS, 1)
    )
    assert rotation_policy({"rotation_period_msgs": 10**9}).max_messages == 10_000
    # Not integers: the defaults.
    assert rotation_policy({"rotation_period_ms": "1", "rotation_period_msgs": True}) == (
        RotationPolicy()
    )
    assert rotation_policy({"rotation_period_msgs": 2.5}).max_messages == 100


ANN, BOB = ("@ann:partner", "ANN1"), ("@bob:partner", "BOB1")
POLICY = RotationPolicy(max_age_ms=MIN_ROTATION_MS, max_messages=3)


@pytest.mark.parametrize(
    ("state", "recipients", "now_ms", "expected"),
    [
        (None, {ANN}, 0, Rotation.NONE_YET),
        (OutboundState(0, 2, frozenset({ANN})), {ANN}, 1000, None),
        (OutboundState(0, 3, frozenset({ANN})), {ANN}, 1000, Rotation.MESSAGES),
        (OutboundState(0, 0, frozenset({ANN})), {ANN}, MIN_ROTATION_MS, Rotation.AGE),
        # Bob left (or logged that device out, or was blacklisted): he had the key.
        (OutboundState(0, 1, frozenset({ANN, BOB})), {ANN}, 1000, Rotation.RECIPIENTS),
        # A newcomer does not force a rotation: the current key is shared with it.
        (OutboundState(0, 1, frozenset({ANN})), {ANN, BOB}, 1000, None),
    ],
)
def test_when_a_session_must_be_replaced(state, recipients, now_ms, expected):
    assert rotation_reason(state, POLICY, recipients, now_ms) == expected


def _member(user: str, membership: str, prev: str = "join") -> dict:
    return {
        "type": "m.room.member",
        "state_key": user,
        "sender": user,
        "event_id": f"$ev-{user}-{membership}",
        "origin_server_ts": 1,
        "content": {"membership": membership},
        "unsigned": {"prev_content": {"membership": prev}},
    }


def test_departures_in_a_sync_name_the_rooms_and_users():
    reply = nio.SyncResponse.from_dict(
        {
            "next_batch": "s1",
            "rooms": {
                "join": {
                    "!a:company": {
                        "timeline": {
                            "events": [
                                _member("@bob:partner", "leave"),
                                _member("@eve:partner", "ban"),
                                _member("@new:partner", "join", "invite"),
                            ]
                        }
                    },
                    "!b:company": {"state": {"events": [_member("@ann:partner", "leave")]}},
                    "!c:company": {"timeline": {"events": [_member("@zoe:partner", "join")]}},
                }
            },
        }
    )
    assert departed_members(reply) == {
        "!a:company": {"@bob:partner", "@eve:partner"},
        "!b:company": {"@ann:partner"},
    }


# -- m.room_key.withheld ------------------------------------------------------------------------


def test_withheld_content_names_the_session_and_the_code():
    content = withheld_content(
        WithheldCode.UNVERIFIED,
        room_id="!r:company",
        session_id="SESSION",
        sender_key="CURVE",
        from_device="MYDEVICE",
    )
    assert content["algorithm"] == "m.megolm.v1.aes-sha2"
    assert content["code"] == "m.unverified"
    assert (content["room_id"], content["session_id"], content["sender_key"]) == (
        "!r:company",
        "SESSION",
        "CURVE",
    )
    assert content["reason"]


def test_to_device_requests_are_puts_with_a_transaction_id():
    request = send_to_device("m.room_key.withheld", {"@a:b": {"D": {}}}, "txn1")
    assert request.method == "PUT"
    assert request.path == "/_matrix/client/v3/sendToDevice/m.room_key.withheld/txn1"
    assert request.body == {"messages": {"@a:b": {"D": {}}}}


def _withheld(**content) -> dict:
    return {"type": "m.room_key.withheld", "sender": "@ann:partner", "content": content}


def test_a_received_withheld_notice_is_understood():
    notice = parse_withheld(
        _withheld(
            algorithm="m.megolm.v1.aes-sha2",
            room_id="!r:company",
            session_id="S",
            sender_key="K",
            code="m.unverified",
            reason="no",
        )
    )
    assert notice is not None
    assert (notice.sender, notice.room_id, notice.session_id, notice.code) == (
        "@ann:partner",
        "!r:company",
        "S",
        "m.unverified",
    )
    # m.no_olm may leave the session out; the others may not.
    assert parse_withheld(_withheld(sender_key="K", code="m.no_olm")) is not None
    assert parse_withheld(_withheld(sender_key="K", code="m.unverified")) is None
    assert parse_withheld(_withheld(room_id="!r", session_id="S", code="m.unverified")) is None
    assert parse_withheld({"type": "m.room_key", "sender": "@a:b", "content": {}}) is None
    assert parse_withheld("garbage") is None


def test_withheld_codes_become_causes_the_interface_explains():
    assert withheld_cause("m.unverified") is UndecryptableCause.WITHHELD_UNVERIFIED
    assert withheld_cause("m.blacklisted") is UndecryptableCause.WITHHELD_BLACKLISTED
    assert withheld_cause("m.no_olm") is UndecryptableCause.WITHHELD_NO_OLM
    assert withheld_cause("m.unavailable") is UndecryptableCause.WITHHELD
    assert withheld_cause("org.example.new") is UndecryptableCause.WITHHELD
