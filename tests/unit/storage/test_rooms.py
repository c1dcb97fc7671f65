"""Rooms: the summary row follows state, members follow m.room.member, list by activity."""

from __future__ import annotations

import pytest

from cercle.storage.rooms import RoomUpdate, StateEvent


def test_state_fills_the_room_row(store):
    store.rooms.apply_state(
        "!r:x",
        [
            StateEvent("m.room.create", "", {"type": "m.space"}),
            StateEvent("m.room.name", "", {"name": "Équipe"}),
            StateEvent("m.room.topic", "", {"topic": "Tout"}),
            StateEvent("m.room.avatar", "", {"url": "mxc://x/a"}),
            StateEvent("m.room.canonical_alias", "", {"alias": "#e:x"}),
            StateEvent("m.room.encryption", "", {"algorithm": "m.megolm.v1.aes-sha2"}),
            StateEvent("m.space.child", "!c:x", {"via": ["x"]}),
        ],
    )
    room = store.rooms.get("!r:x")
    assert (room.name, room.topic, room.avatar_url, room.canonical_alias) == (
        "Équipe",
        "Tout",
        "mxc://x/a",
        "#e:x",
    )
    assert room.encryption == "m.megolm.v1.aes-sha2"
    assert room.is_space
    assert store.rooms.state_of_type("!r:x", "m.space.child") == {"!c:x": {"via": ["x"]}}
    # a later name change, and an attempt to switch encryption off, which is ignored
    store.rooms.apply_state(
        "!r:x", [StateEvent("m.room.name", "", {}), StateEvent("m.room.encryption", "", {})]
    )
    room = store.rooms.get("!r:x")
    assert room.name is None
    assert room.encryption == "m.megolm.v1.aes-sha2"


def test_members(store):
    store.rooms.apply_state(
        "!r:x",
        [
            StateEvent("m.room.member", "@b:x", {"membership": "join", "displayname": "Bea"}),
            StateEvent("m.room.member", "@a:x", {"membership": "join", "displayname": "Al"}),
            StateEvent("m.room.member", "@c:x", {"membership": "invite"}),
        ],
    )
    assert [m.user_id for m in store.rooms.members("!r:x")] == ["@a:x", "@b:x"]
    assert [m.user_id for m in store.rooms.members("!r:x", "invite")] == ["@c:x"]
    store.rooms.apply_state("!r:x", [StateEvent("m.room.member", "@b:x", {"membership": "leave"})])
    assert store.rooms.member("!r:x", "@b:x").membership == "leave"
    assert store.rooms.member("!r:x", "@b:x").display_name is None


def test_list_filters_by_join_state_and_orders_by_activity(store):
    store.rooms.update(RoomUpdate("!old:x", last_activity_ts=1))
    store.rooms.update(RoomUpdate("!new:x", last_activity_ts=9))
    store.rooms.update(RoomUpdate("!inv:x", join_state="invite", last_activity_ts=5))
    assert [r.room_id for r in store.rooms.list()] == ["!new:x", "!old:x"]
    assert [r.room_id for r in store.rooms.list(join_state="invite")] == ["!inv:x"]
    assert [r.room_id for r in store.rooms.list(join_state=None, limit=2)] == ["!new:x", "!inv:x"]
    store.rooms.update(RoomUpdate("!new:x", last_activity_ts=3))  # never goes backwards
    assert store.rooms.get("!new:x").last_activity_ts == 9


def test_counts_and_partial_updates(store):
    store.rooms.update(RoomUpdate("!r:x", unread_count=4, highlight_count=1, is_direct=True))
    store.rooms.update(RoomUpdate("!r:x", unread_count=0))
    room = store.rooms.get("!r:x")
    assert (room.unread_count, room.highlight_count, room.is_direct) == (0, 1, True)


def test_unknown_join_state_is_refused(store):
    with pytest.raises(ValueError, match="join state"):
        store.rooms.update(RoomUpdate("!r:x", join_state="lurking"))


def test_forget_removes_everything_under_the_room(store):
    from cercle.storage.timeline import NewEvent

    store.timeline.append("!r:x", [NewEvent("$1", "@a:x", "m.room.message", 1, {"body": "hi"})])
    store.rooms.apply_state("!r:x", [StateEvent("m.room.member", "@a:x", {"membership": "join"})])
    store.receipts.set_read_marker("!r:x", "$1")
    store.rooms.forget("!r:x")
    assert store.rooms.get("!r:x") is None
    assert store.timeline.get("$1") is None
    assert store.rooms.members("!r:x") == []
    assert store.receipts.read_marker("!r:x") is None
    assert store.search.search("hi") == []
