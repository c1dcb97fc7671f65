"""Pure room helpers: links, m.direct, join rules, hierarchy/directory/profile parsing."""

from __future__ import annotations

import pytest

from cercle.protocol import rooms
from cercle.protocol.client import MatrixError

V12_ID = "!" + "A" * 43


@pytest.mark.parametrize(
    ("text", "target", "via", "event"),
    [
        ("#atelier:example.org", "#atelier:example.org", (), None),
        ("  !abc:example.org ", "!abc:example.org", (), None),
        (V12_ID, V12_ID, (), None),
        ("https://matrix.to/#/%23a%3Aexample.org?via=example.org", "#a:example.org",
         ("example.org",), None),
        ("https://matrix.to/#/!r:hs.org/$ev?via=a.org&via=b.org", "!r:hs.org", ("a.org", "b.org"),
         "$ev"),
        ("matrix:r/a:example.org", "#a:example.org", (), None),
        ("matrix:roomid/r:hs.org/e/ev?via=hs.org&action=join", "!r:hs.org", ("hs.org",), "$ev"),
    ],
)  # fmt: skip
def test_parse_room_link(text, target, via, event):
    link = rooms.parse_room_link(text)
    assert link == rooms.RoomLink(target, via, event)
    assert link.is_alias == target.startswith("#")


@pytest.mark.parametrize(
    "text",
    ["@bob:example.org", "https://matrix.to/#/@bob:example.org", "matrix:u/bob:example.org"],
)
def test_links_to_people_are_refused_in_words(text):
    with pytest.raises(rooms.InvalidRoomLink, match="person"):
        rooms.parse_room_link(text)


@pytest.mark.parametrize("text", ["", "hello", "#noserver", "https://example.org/#/!a:b"])
def test_junk_is_not_a_room(text):
    with pytest.raises(rooms.InvalidRoomLink) as caught:
        rooms.parse_room_link(text)
    assert isinstance(caught.value, ValueError)


def test_m_direct_update_is_idempotent_and_drops_junk():
    current = {"@a:x": ["!1:x", 5], "not-a-user": ["!2:x"], "@b:x": "junk"}
    updated = rooms.with_direct_room(current, "@a:x", "!3:x")
    assert updated == {"@a:x": ["!1:x", "!3:x"]}
    assert rooms.with_direct_room(updated, "@a:x", "!3:x") == updated
    assert rooms.with_direct_room({}, "@c:y", "!4:y") == {"@c:y": ["!4:y"]}


def test_restricted_join_rules():
    assert rooms.restricted_join_rules(["!s:x"]) == {
        "join_rule": "restricted",
        "allow": [{"type": "m.room_membership", "room_id": "!s:x"}],
    }


def _child(room_id, ts, **content):
    content.setdefault("via", ["x"])
    return {"type": "m.space.child", "state_key": room_id, "origin_server_ts": ts,
            "content": content}  # fmt: skip


def test_hierarchy_parsing_orders_suggested_first_then_spec_order():
    payload = {
        "rooms": [
            {
                "room_id": "!space:x",
                "name": "Space",
                "room_type": "m.space",
                "num_joined_members": 3,
                "world_readable": True,
                "children_state": [
                    _child("!late:x", 30),
                    _child("!early:x", 10),
                    _child("!ordered:x", 50, order="a"),
                    _child("!suggested:x", 40, suggested=True),
                    _child("!removed:x", 5, via=[]),
                    _child("!badorder:x", 20, order="\u00e9" * 3),
                    {"type": "m.room.name", "state_key": "", "content": {}},
                    "junk",
                ],
            },
            {"room_id": "!late:x", "name": 42, "num_joined_members": "many"},
            {"name": "no id"},
            "junk",
        ],
        "next_batch": "tok",
    }
    page = rooms.parse_hierarchy(payload)
    assert page.next_batch == "tok"
    space, child = page.rooms
    assert space.is_space
    assert space.world_readable
    assert [c.room_id for c in space.children] == [
        "!suggested:x", "!ordered:x", "!early:x", "!badorder:x", "!late:x"
    ]  # fmt: skip
    assert child.name is None
    assert child.num_joined_members == 0
    assert not child.is_space
    assert rooms.parse_hierarchy({}) == rooms.Hierarchy((), None)


def test_directory_user_search_and_profile_parsing():
    page = rooms.parse_public_rooms(
        {
            "chunk": [{"room_id": "!a:x", "name": "A", "num_joined_members": 4}, {"name": "x"}],
            "next_batch": "n",
            "total_room_count_estimate": 7,
        }
    )
    assert [r.room_id for r in page.rooms] == ["!a:x"]
    assert (page.next_batch, page.total_estimate) == ("n", 7)
    found = rooms.parse_user_search(
        {"results": [{"user_id": "@a:x", "display_name": "A"}, {"display_name": "?"}],
         "limited": True}
    )  # fmt: skip
    assert found == rooms.UserSearch((rooms.UserResult("@a:x", "A", None),), True)
    profile = rooms.parse_profile("@a:x", {"displayname": "A", "avatar_url": "mxc://x/y"})
    assert profile == rooms.Profile("@a:x", "A", "mxc://x/y")
    assert rooms.parse_profile("@a:x", {"displayname": 3}).display_name is None


def test_join_errors_become_actionable():
    missing = rooms._join_error(
        MatrixError("no", errcode="M_NOT_FOUND", status=404), "#a:x", "join"
    )
    assert isinstance(missing, rooms.RoomNotFound)
    assert "via" in str(missing) or "server" in str(missing)
    refused = rooms._join_error(MatrixError("no", errcode="M_FORBIDDEN", status=403), "!r", "join")
    assert isinstance(refused, rooms.JoinRefused)
    assert "invitation" in str(refused)
    other = MatrixError("boom", status=500)
    assert rooms._join_error(other, "!r", "join") is other


def test_error_from_reads_the_server_words():
    error = rooms.error_from(403, {"errcode": "M_FORBIDDEN", "error": "Nope"}, "joining")
    assert (str(error), error.errcode, error.status) == ("Nope", "M_FORBIDDEN", 403)
    assert str(rooms.error_from(502, "<html>", "joining")) == "joining failed (HTTP 502)"
