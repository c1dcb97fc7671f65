"""The room list read in one go: rooms, members, space links, and the message each row shows."""

from __future__ import annotations

from cercle.storage.rooms import StateEvent
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent

ME = "@camille:company.test"


def member(user_id, name):
    return StateEvent("m.room.member", user_id, {"membership": "join", "displayname": name})


def message(event_id, body, ts, **extra):
    return NewEvent(
        event_id,
        "@elodie:partner.test",
        "m.room.message",
        ts,
        {"msgtype": "m.text", "body": body, **extra},
    )


def test_rows_carry_members_space_links_and_the_latest_shown_message(store):
    space, room, quiet = "!space:company.test", "!room:company.test", "!quiet:company.test"
    store.write_sync_batch(
        SyncBatch(
            "s1",
            rooms=[
                RoomBatch(
                    space,
                    state=[
                        StateEvent("m.room.create", "", {"type": "m.space"}),
                        StateEvent("m.room.name", "", {"name": "Vélotech"}),
                        StateEvent("m.space.child", room, {"via": ["company.test"]}),
                        StateEvent("m.space.child", quiet, {}),  # a removed link: no via
                    ],
                ),
                RoomBatch(
                    room,
                    state=[
                        StateEvent("m.room.name", "", {"name": "Revendeurs"}),
                        member(ME, "Camille"),
                        member("@elodie:partner.test", "Élodie"),
                    ],
                    timeline=[
                        message("$1", "Bonjour", 1_000),
                        message("$2", "Prix confirmés", 2_000),
                        message(
                            "$3",
                            "* Prix confirmés !",
                            3_000,
                            **{"m.relates_to": {"rel_type": "m.replace", "event_id": "$2"}},
                        ),
                        NewEvent(
                            "$4",
                            "@elodie:partner.test",
                            "m.reaction",
                            4_000,
                            {
                                "m.relates_to": {
                                    "rel_type": "m.annotation",
                                    "event_id": "$2",
                                    "key": "👍",
                                }
                            },
                        ),
                    ],
                ),
                RoomBatch(
                    quiet,
                    state=[member(ME, "Camille")],
                    timeline=[
                        NewEvent(
                            "$e",
                            "@elodie:partner.test",
                            "m.room.encrypted",
                            5_000,
                            {},
                            encrypted=True,
                            decryption_error="not_yet_received",
                            raw={"type": "x"},
                        ),
                    ],
                ),
                RoomBatch("!invite:partner.test", join_state="invite"),
            ],
        )
    )

    rows = {row.room.room_id: row for row in store.overview.rooms()}
    assert list(rows)[-1] == "!invite:partner.test"  # invitations after joined rooms
    assert rows[room].linked_spaces == {space}
    assert rows[quiet].linked_spaces == frozenset()
    [alone] = store.overview.rooms([room])  # a sync's changed rooms: the same links
    assert alone.linked_spaces == {space}
    assert rows[space].children == (room,)  # the link without a via is a removed one
    assert rows[room].children == ()
    assert [m.display_name for m in rows[room].members] == ["Camille", "Élodie"]
    assert rows[room].last_event.event_id == "$2"  # not the edit, not the reaction
    assert rows[quiet].last_event.event_id == "$e"  # undecryptable still shows
    assert rows[space].last_event is None

    store.timeline.redact("$2", "$r")
    [again] = store.overview.rooms([room])
    assert again.last_event.event_id == "$1"
    assert store.overview.rooms([]) == []
