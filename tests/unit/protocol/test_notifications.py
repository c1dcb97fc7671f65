"""Mentions, DMs and mute decide notifications; push rules and device requests as builders."""

from __future__ import annotations

import pytest

from cercle.protocol import notifications as n
from cercle.protocol import roomlist
from cercle.protocol.devices import OwnDevice, delete_device, order, rename_device
from cercle.protocol.trust.crosssigning import TrustLevel

ME = "@camille:velotech.example"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # Intentional mentions decide, and then the body is not read (spec v1.7).
        ({"body": "hi", "m.mentions": {"user_ids": [ME]}}, True),
        ({"body": "Camille, look", "m.mentions": {"user_ids": []}}, False),
        ({"body": "Camille, look", "m.mentions": {}}, False),
        ({"body": "hi", "m.mentions": {"user_ids": ["@other:x"]}}, False),
        ({"body": "hi", "m.mentions": {"user_ids": "not a list"}}, False),
        # Older clients: the display name, the localpart or the user id in the body.
        ({"body": "Camille Martin, tu peux relire ?"}, True),
        ({"body": "camille martin: ok"}, True),
        ({"body": "ping camille"}, True),
        ({"body": f"cc {ME}"}, True),
        ({"body": "Camillerie et camilles"}, False),  # not a word of its own
        ({"body": "nothing to see"}, False),
        ({"msgtype": "m.image"}, False),
    ],
)
def test_is_mention(content, expected):
    assert n.is_mention(content, ME, "Camille Martin") is expected


def test_a_display_name_with_regex_characters_is_matched_literally():
    assert n.is_mention({"body": "merci (Cam) !"}, ME, "(Cam)")
    assert not n.is_mention({"body": "merci Cam !"}, ME, "C.m")


def _kind(content, sender="@alex:partner.example", **room):
    return n.notice_kind(
        content,
        sender=sender,
        user_id=ME,
        display_name="Camille Martin",
        room=n.RoomContext(**room),
    )


def test_notice_kind():
    mention = {"body": "Camille Martin ?"}
    plain = {"body": "bonjour"}
    assert _kind(mention) == "mention"
    assert _kind(plain) is None
    assert _kind(plain, direct=True) == "dm"
    assert _kind(mention, direct=True) == "mention"
    assert _kind(mention, sender=ME) is None  # never our own messages
    assert _kind(mention, muted=True) is None
    assert _kind(plain, direct=True, muted=True) is None
    assert _kind(plain, direct=True, mentions_only=True) is None
    assert _kind(mention, mentions_only=True) == "mention"
    edit = {"body": "* Camille Martin ?", "m.relates_to": {"rel_type": "m.replace"}}
    assert _kind(edit) is None


def test_old_messages_never_notify():
    room = n.RoomContext(direct=True)
    kinds = n.should_notify_messages(
        [({"body": "a"}, "@x:y", 1_000_000), ({"body": "b"}, "@x:y", 1_000_000 - n.RECENT_MS - 1)],
        user_id=ME,
        display_name=None,
        room=room,
        now_ms=1_000_000,
    )
    assert kinds == ["dm", None]


def test_mute_builds_elements_override_rule():
    request = n.mute_room("!r:velotech.example")
    assert request.method == "PUT"
    assert request.path == "/_matrix/client/v3/pushrules/global/override/%21r%3Avelotech.example"
    assert request.body == {
        "conditions": [{"kind": "event_match", "key": "room_id", "pattern": "!r:velotech.example"}],
        "actions": ["dont_notify"],
    }
    unmute = n.unmute_room("!r:velotech.example")
    assert (unmute.method, unmute.path, unmute.body) == (
        "DELETE",
        "/_matrix/client/v3/pushrules/global/override/%21r%3Avelotech.example",
        None,
    )
    only = n.mentions_only("!r:x")
    assert (only.method, only.path, only.body) == (
        "PUT",
        "/_matrix/client/v3/pushrules/global/room/%21r%3Ax",
        {"actions": ["dont_notify"]},
    )
    assert n.all_messages("!r:x").method == "DELETE"


def _rule(rule_id, pattern=None, actions=("dont_notify",), enabled=True, key="room_id"):
    rule = {"rule_id": rule_id, "actions": list(actions), "enabled": enabled, "default": False}
    if pattern is not None:
        rule["conditions"] = [{"kind": "event_match", "key": key, "pattern": pattern}]
    return rule


def test_muted_rooms_read_as_element_writes_them():
    rules = {
        "global": {
            "override": [
                {"rule_id": ".m.rule.master", "enabled": False, "actions": [], "conditions": []},
                _rule("!muted:x", "!muted:x"),
                _rule("!new-style:x", "!new-style:x", actions=()),  # [] since v1.7
                _rule("!disabled:x", "!disabled:x", enabled=False),
                _rule("!loud:x", "!loud:x", actions=("notify",)),
                _rule("!other:x", "!not-the-same:x"),
                _rule("!sender:x", "!sender:x", key="sender"),
            ],
            "room": [_rule("!quiet:x"), _rule("!loud-room:x", actions=("notify",))],
        }
    }
    assert n.muted_rooms(rules) == {"!muted:x", "!new-style:x"}
    assert n.mentions_only_rooms(rules) == {"!quiet:x"}
    assert n.muted_rooms(None) == frozenset()
    assert n.muted_rooms({"global": "garbage"}) == frozenset()
    assert n.mentions_only_rooms({"global": {"room": ["garbage"]}}) == frozenset()


def test_direct_rooms():
    direct = {"@a:x": ["!1:x", "!2:x"], "@b:x": ["!3:x", 4], "@c:x": "garbage"}
    assert roomlist.direct_rooms(direct) == {"!1:x", "!2:x", "!3:x"}
    assert roomlist.direct_rooms(None) == frozenset()


def test_device_requests_and_order():
    assert rename_device("ABC", "Portable") == (
        "PUT",
        "/_matrix/client/v3/devices/ABC",
        {"display_name": "Portable"},
    )
    assert delete_device("A/B") == ("DELETE", "/_matrix/client/v3/devices/A%2FB", {})
    assert delete_device("A", {"type": "m.login.password"}).body == {
        "auth": {"type": "m.login.password"}
    }
    devices = [
        OwnDevice("Z", "b", TrustLevel.VERIFIED, False),
        OwnDevice("Y", "A", TrustLevel.UNSIGNED, False),
        OwnDevice("X", "z", TrustLevel.VERIFIED, True),
    ]
    assert [d.device_id for d in order(devices)] == ["X", "Y", "Z"]


def test_each_mode_is_reached_from_any_other():
    room = "!r:x"

    def kinds(mode):
        return [(r.method, r.path.split("/")[-2], ok) for r, ok in n.mode_requests(room, mode)]

    assert kinds("mute") == [("PUT", "override", False), ("DELETE", "room", True)]
    assert kinds("mentions") == [("DELETE", "override", True), ("PUT", "room", False)]
    assert kinds("all") == [("DELETE", "override", True), ("DELETE", "room", True)]
    with pytest.raises(ValueError, match="unknown"):
        n.mode_requests(room, "loud")
    modes = n.room_modes({"global": {"override": [_rule("!m:x", "!m:x")], "room": [_rule("!q:x")]}})
    assert (modes.mode("!m:x"), modes.mode("!q:x"), modes.mode("!other:x")) == (
        "mute",
        "mentions",
        "all",
    )
