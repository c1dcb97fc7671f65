"""Pure helpers around a community: members' roles, guides, invites, browsing, own ACL entry."""

from __future__ import annotations

import logging

import pytest

from cercle.protocol.community import schema
from cercle.protocol.community.acl import AclRefused, allow_list_content, own_pattern
from cercle.protocol.community.context import (
    browse_order,
    guide_from,
    invite_needs_warning,
    members_from,
    pinned_ids,
)
from cercle.protocol.community.roles import Role
from cercle.protocol.community.state import community_from_state
from cercle.protocol.rooms import parse_space_room

MANAGER = "@julien:velotech.example"


def community(kind: str = "internal", extra: list | None = None):
    events = [
        {"type": "m.room.create", "sender": MANAGER, "state_key": "",
         "content": {"room_version": "10"}},
        {"type": schema.COMMUNITY, "state_key": "", "content": {"kind": kind, "purpose": "p"}},
        {"type": schema.CHARTER, "state_key": "", "content": schema.charter_content(2, "x")},
        {"type": "m.room.power_levels", "state_key": "",
         "content": {"users": {MANAGER: 100, "@mod:velotech.example": 50}}},
        {"type": schema.ACCEPTANCE, "state_key": "@lea:rouelibre.example",
         "sender": "@lea:rouelibre.example", "content": {"version": 2}},
        *(extra or []),
    ]  # fmt: skip
    return community_from_state("!space:velotech.example", events)


def test_members_have_roles_external_marks_and_their_charter_version():
    joined = {u: {} for u in ("@zoe:velotech.example", "@lea:rouelibre.example",
                              "@mod:velotech.example", MANAGER)}  # fmt: skip
    members = members_from(community("partner"), joined, {"@lea:rouelibre.example": "Léa"})
    assert [(m.user_id, m.role, m.external, m.accepted_version) for m in members] == [
        (MANAGER, Role.MANAGER, False, 0),
        ("@mod:velotech.example", Role.MODERATOR, False, 0),
        ("@zoe:velotech.example", Role.MEMBER, False, 0),
        ("@lea:rouelibre.example", Role.PARTNER_GUEST, True, 2),
    ]
    assert members[3].display_name == "Léa"


def test_an_outsider_invited_to_an_internal_community_is_warned_about_not_to_a_partner_one():
    assert invite_needs_warning(community("internal"), "@x:rouelibre.example")
    assert not invite_needs_warning(community("internal"), "@x:velotech.example")
    assert not invite_needs_warning(community("partner"), "@x:rouelibre.example")


def test_a_community_without_readable_kind_counts_as_internal(caplog):
    broken = {"type": schema.COMMUNITY, "state_key": "", "content": {"kind": "secret"}}
    with caplog.at_level(logging.WARNING):
        c = community(extra=[broken])
    assert c.info is None
    assert "org.cercle.community" in caplog.text
    assert invite_needs_warning(c, "@x:rouelibre.example")


def test_pins_and_guides_tolerate_malformed_input():
    assert pinned_ids({"pinned": ["$a", 3, "$a", "nope", "$b"]}) == ("$a", "$b")
    assert pinned_ids({"pinned": "x"}) == ()
    assert pinned_ids(None) == ()
    guide = guide_from("!r", {"event_id": "$a", "type": "m.room.message", "sender": "@s:x",
                              "content": {"body": "# Bien nommer un lot\n..."}})  # fmt: skip
    assert guide is not None
    assert guide.body.startswith("# Bien nommer")
    encrypted = guide_from("!r", {"event_id": "$b", "type": "m.room.encrypted", "content": {}})
    assert encrypted is not None
    assert encrypted.body == ""
    assert guide_from("!r", {"type": "m.room.message"}) is None


def test_browsing_lists_suggested_rooms_first():
    space = parse_space_room({
        "room_id": "!space", "name": "S", "num_joined_members": 3, "world_readable": False,
        "guest_can_join": False, "room_type": "m.space",
        "children_state": [
            {"type": "m.space.child", "state_key": "!b", "content": {"via": ["x"]}},
            {"type": "m.space.child", "state_key": "!z",
             "content": {"via": ["x"], "suggested": True}},
        ],
    })  # fmt: skip
    rooms = [
        parse_space_room({"room_id": r, "name": n, "num_joined_members": 1,
                          "world_readable": False, "guest_can_join": False})
        for r, n in (("!b", "Aardvark"), ("!z", "Zèbre"))
    ]  # fmt: skip
    entries = browse_order([space, *rooms], "!space", joined=["!b"])
    assert [(e.room.room_id, e.suggested, e.joined) for e in entries] == [
        ("!z", True, False),
        ("!b", False, True),
    ]


def test_own_pattern_keeps_a_server_with_a_port_in():
    assert own_pattern("velotech.example") == "velotech.example"
    assert own_pattern("localhost:8448") == "localhost*"
    allow_list_content("localhost:8448", [own_pattern("localhost:8448")])
    with pytest.raises(AclRefused) as refused:
        allow_list_content("velotech.example", ["rouelibre.example"])
    assert refused.value.server == "velotech.example"


def test_which_editorial_lines_take_a_written_message():
    from cercle.protocol.community.context import message_allowed
    from cercle.protocol.community.schema import EditorialLine

    assert message_allowed(None)
    assert message_allowed(EditorialLine("", ("question", "document"), "fr"))
    announcements = EditorialLine("", ("announcement", "document"), "fr")
    assert message_allowed(announcements, manager=True)
    assert not message_allowed(announcements)
    assert not message_allowed(EditorialLine("", ("document",), "fr"), manager=True)
