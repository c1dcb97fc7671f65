"""Room list rows: DMs, unread and mention counts, and the rooms a space lists."""

from __future__ import annotations

from cercle.protocol.roomlist import direct_rooms, summaries
from cercle.storage.rooms import StateEvent
from cercle.storage.store import RoomBatch, SyncBatch

ME = "@camille:company.test"


def joined(name):
    return [
        StateEvent("m.room.name", "", {"name": name}),
        StateEvent("m.room.member", ME, {"membership": "join"}),
    ]


def test_rows_say_dm_unread_mentions_and_a_space_lists_its_children(store):
    space, sub, room, dm = "!s:c", "!sub:c", "!r:c", "!dm:c"
    store.write_sync_batch(
        SyncBatch(
            "s1",
            rooms=[
                RoomBatch(
                    space,
                    state=[
                        StateEvent("m.room.create", "", {"type": "m.space"}),
                        *joined("Vélotech"),
                        StateEvent("m.space.child", sub, {"via": ["c"]}),
                        StateEvent("m.space.child", "!gone:c", {}),
                        StateEvent("org.cercle.community", "", {"kind": "partner", "purpose": "x"}),
                    ],
                ),
                RoomBatch(
                    sub,
                    state=[
                        StateEvent("m.room.create", "", {"type": "m.space"}),
                        *joined("Atelier"),
                        StateEvent("m.space.child", room, {"via": ["c"]}),
                        StateEvent("org.cercle.community", "", {"kind": "secret"}),  # malformed
                    ],
                ),
                RoomBatch(room, state=joined("Général"), unread_count=4, highlight_count=1),
                RoomBatch(dm, state=joined("Hugo")),
            ],
            account_data={"m.direct": {"@hugo:c": [dm], "@x:c": "junk"}},
        )
    )

    rows = {r.room_id: r for r in summaries(store, ME)}

    assert rows[space].children == (sub,)
    assert rows[space].community_kind == "partner"
    assert rows[sub].community_kind == ""  # a malformed kind is ignored, the space still lists
    assert rows[room].community_kind == ""
    assert rows[sub].children == (room,)
    assert rows[sub].parents == (space,)
    assert rows[room].parents == (sub,)
    assert (rows[room].unread_count, rows[room].highlight_count) == (4, 1)
    assert rows[dm].is_direct
    assert not rows[room].is_direct
    assert (rows[dm].unread_count, rows[dm].highlight_count) == (0, 0)


def test_direct_rooms_ignore_junk():
    assert direct_rooms(None) == frozenset()
    assert direct_rooms({"@a:b": ["!1:b", 3], "@c:d": "!2:d", "@e:f": ["!3:f"]}) == {
        "!1:b",
        "!3:f",
    }


def test_every_undecryptable_cause_has_words_for_previews():
    """A cause without words made the room list raise on the room's latest message (a room key
    withheld from an unverified device stopped that account's sync from being published)."""
    from cercle.protocol.changes import UndecryptableCause
    from cercle.protocol.roomlist import UNDECRYPTABLE_TEXT

    assert set(UNDECRYPTABLE_TEXT) == set(UndecryptableCause)
