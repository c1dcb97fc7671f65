"""org.cercle.* parsing: malformed events are ignored with a log line, the community still opens."""

from __future__ import annotations

import logging

import pytest

from cercle.protocol.community import acl, charter, roles, schema
from cercle.protocol.community.state import community_from_state

ME = "@ana:company.example"
PARTNER = "@bob:partner.example"
SPACE = "!space:company.example"
ROOM = "!general:company.example"


def _ev(kind: str, content, key: str = "", sender: str = ME) -> dict:
    return {"type": kind, "state_key": key, "content": content, "sender": sender}


GOOD = [
    _ev("m.room.create", {"room_version": "12", "type": "m.space"}),
    _ev("m.room.name", {"name": "Réseau"}),
    _ev(schema.COMMUNITY, {"kind": "partner", "purpose": "Nos revendeurs", "template": "partners"}),
    _ev(schema.CHARTER, {"version": 2, "text": "# Charte", "updated_ts": 1700000000000}),
    _ev(schema.EDITORIAL, {"tone": "courtois", "allowed_post_types": ["text"], "language": "fr"}),
    _ev(schema.ACCEPTANCE, {"version": 2}, PARTNER, PARTNER),
    _ev("m.space.child", {"via": ["company.example"]}, ROOM),
    _ev("m.space.child", {}, "!removed:company.example"),
]


def test_a_well_formed_community_parses_into_typed_values():
    c = community_from_state(SPACE, GOOD, {ROOM: {"users_default": 0, "events_default": 0}})
    assert c.name == "Réseau"
    assert c.info == schema.CommunityInfo("partner", "Nos revendeurs", "partners")
    assert c.charter == schema.Charter(2, "# Charte", 1700000000000)
    assert c.editorial == schema.EditorialLine("courtois", ("text",), "fr")
    assert c.acceptances == {PARTNER: 2}
    assert c.rooms == (ROOM,)
    assert c.creators == (ME,)
    assert c.home_server == "company.example"
    assert charter.can_post(c, PARTNER, ROOM)
    assert charter.needs_acceptance(c, "@new:partner.example")


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        (schema.COMMUNITY, {"kind": "secret", "purpose": "x"}),
        (schema.COMMUNITY, {"kind": "internal"}),
        (schema.COMMUNITY, "not an object"),
        (schema.CHARTER, {"version": "2", "text": "x", "updated_ts": 1}),
        (schema.CHARTER, {"version": 0, "text": "x", "updated_ts": 1}),
        (schema.CHARTER, {"version": True, "text": "x", "updated_ts": 1}),
        (schema.CHARTER, {"version": 1, "text": None, "updated_ts": 1}),
        (schema.CHARTER, {"version": 1, "text": "x"}),
        (schema.EDITORIAL, {"tone": "x", "allowed_post_types": ["poll"], "language": "fr"}),
        (schema.EDITORIAL, {"tone": "x", "allowed_post_types": [], "language": "fr"}),
        (schema.EDITORIAL, {"tone": "x", "allowed_post_types": "text", "language": "fr"}),
        (schema.EDITORIAL, {"tone": 3, "allowed_post_types": ["text"], "language": "fr"}),
        (schema.EDITORIAL, {"tone": "x", "allowed_post_types": ["text"]}),
        (schema.EDITORIAL, []),
    ],
)
def test_a_malformed_event_is_ignored_with_a_log_line(caplog, kind, content):
    events = [e for e in GOOD if e["type"] != kind] + [_ev(kind, content)]
    with caplog.at_level(logging.WARNING, logger="cercle.protocol.community.schema"):
        c = community_from_state(SPACE, events)
    assert f"ignoring a malformed {kind}" in caplog.text
    field = {schema.COMMUNITY: "info", schema.CHARTER: "charter", schema.EDITORIAL: "editorial"}
    assert getattr(c, field[kind]) is None
    assert c.name == "Réseau"  # the rest of the community still opens
    assert c.rooms == (ROOM,)


@pytest.mark.parametrize(
    ("key", "content", "sender"),
    [
        ("not-a-user", {"version": 1}, ME),
        (PARTNER, {"version": 1}, ME),  # someone else's record (servers refuse it anyway)
        (PARTNER, {"version": "1"}, PARTNER),
        (PARTNER, {}, PARTNER),
        (PARTNER, None, PARTNER),
    ],
)
def test_a_malformed_acceptance_counts_as_not_accepted(caplog, key, content, sender):
    events = [e for e in GOOD if e["type"] != schema.ACCEPTANCE]
    events.append(_ev(schema.ACCEPTANCE, content, key, sender))
    c = community_from_state(SPACE, events)
    assert c.acceptances == {}
    assert "ignoring a malformed org.cercle.charter.acceptance" in caplog.text
    assert charter.can_post(c, PARTNER, ROOM).block is charter.PostBlock.CHARTER


def test_no_charter_means_nothing_to_accept_and_read_only_rooms_are_said():
    events = [e for e in GOOD if e["type"] != schema.CHARTER]
    levels = {ROOM: roles.power_levels(ME, creator_listed=False, announcements=True)}
    c = community_from_state(SPACE, events, levels)
    assert not charter.needs_acceptance(c, PARTNER)
    assert charter.can_post(c, PARTNER, ROOM).block is charter.PostBlock.READ_ONLY
    assert charter.can_post(c, ME, ROOM)  # the creator outranks every level (v12)
    assert charter.can_post(c, PARTNER, "!other:x").block is charter.PostBlock.UNKNOWN_ROOM


def test_a_new_charter_version_asks_again():
    c = community_from_state(SPACE, [*GOOD, _ev(schema.ACCEPTANCE, {"version": 1}, ME, ME)])
    assert charter.needs_acceptance(c, ME)
    assert "new version" in charter.can_post(c, ME, ROOM).reason
    assert charter.who_accepted(c) == {2: (PARTNER,), 1: (ME,)}


def test_builders_validate_on_the_way_out():
    with pytest.raises(ValueError, match="kind"):
        schema.community_content("secret", "x")
    with pytest.raises(ValueError, match="post types"):
        schema.editorial_content("x", ["poll"], "fr")
    with pytest.raises(ValueError, match="text"):
        schema.charter_content(1, "   ")
    assert schema.parse_charter(schema.charter_content(3, "t", 5)) == schema.Charter(3, "t", 5)


def test_roles_map_to_levels_and_partners_are_guests():
    levels = roles.with_role(roles.power_levels(ME), PARTNER, roles.Role.MODERATOR)
    assert roles.role_of(levels, PARTNER, "company.example") is roles.Role.MODERATOR
    levels = roles.with_role(levels, PARTNER, roles.Role.PARTNER_GUEST)
    assert PARTNER not in levels["users"]
    assert roles.role_of(levels, PARTNER, "company.example") is roles.Role.PARTNER_GUEST
    assert roles.role_of(levels, "@c:company.example", "company.example") is roles.Role.MEMBER
    assert roles.power_levels(ME, partner=True)["invite"] == 50


def test_an_allow_list_that_locks_out_our_own_server_is_refused_with_an_explanation():
    with pytest.raises(acl.AclRefused) as refused:
        acl.allow_list_content("company.example", ["partner.example"])
    assert refused.value.server == "company.example"
    assert "your own server" in refused.value.explanation
    with pytest.raises(acl.AclRefused, match="deny rule"):
        acl.allow_list_content("company.example", ["*"], deny=["company.*"])
    content = acl.allow_list_content("company.example", ["company.example", "*.partner.example"])
    assert content["allow"] == ["company.example", "*.partner.example"]
