"""The side panel's reads: members with server and role, thread roots, files, pinned messages."""

from __future__ import annotations

from cercle.protocol import panels
from cercle.storage.rooms import StateEvent
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent

ME = "@camille:company.test"
ELODIE = "@elodie:partner.test"
HUGO = "@hugo:company.test"
ROOM = "!r:company.test"


def member(user_id, name):
    return StateEvent("m.room.member", user_id, {"membership": "join", "displayname": name})


def text(event_id, body, ts, sender=ELODIE, **extra):
    return NewEvent(
        event_id, sender, "m.room.message", ts, {"msgtype": "m.text", "body": body, **extra}
    )


def in_thread(root):
    return {"m.relates_to": {"rel_type": "m.thread", "event_id": root}}


def write(store, state=(), timeline=()):
    store.write_sync_batch(
        SyncBatch("s", rooms=[RoomBatch(ROOM, state=list(state), timeline=list(timeline))])
    )


def test_members_carry_their_server_external_flag_and_role(store):
    write(
        store,
        state=[
            StateEvent("m.room.create", "", {"room_version": "10"}, sender=ME),
            StateEvent("m.room.power_levels", "", {"users": {ME: 100, HUGO: 50}}),
            member(ME, "Camille"),
            member(HUGO, "Hugo"),
            member(ELODIE, "Élodie"),
            member("@zoe:company.test", "Zoé"),
        ],
    )

    rows = panels.members(store, ROOM, ME)

    assert [(m.display_name, m.server, m.external, m.power_level, m.role) for m in rows] == [
        ("Camille", "company.test", False, 100, "manager"),
        ("Hugo", "company.test", False, 50, "moderator"),
        ("Élodie", "partner.test", True, 0, "partner_guest"),
        ("Zoé", "company.test", False, 0, "member"),
    ]


def test_a_v12_rooms_creator_outranks_every_level(store):
    write(
        store,
        state=[
            StateEvent("m.room.create", "", {"room_version": "12"}, sender=HUGO),
            StateEvent("m.room.power_levels", "", {"users": {ME: 100}}),
            member(ME, "Camille"),
            member(HUGO, "Hugo"),
        ],
    )
    rows = panels.members(store, ROOM, ME)
    assert [m.display_name for m in rows] == ["Hugo", "Camille"]
    assert rows[0].role == "manager"


def test_threads_list_their_roots_latest_reply_first(store):
    write(
        store,
        state=[member(ME, "Camille"), member(ELODIE, "Élodie")],
        timeline=[
            text("$a", "Premier sujet", 1_000),
            text("$b", "Second sujet", 2_000),
            text("$a1", "réponse", 3_000, **in_thread("$a")),
            text("$b1", "réponse", 4_000, **in_thread("$b")),
            text("$a2", "encore", 5_000, **in_thread("$a")),
            text("$x1", "root unknown", 6_000, **in_thread("$unknown")),
        ],
    )

    rows = panels.threads(store, ROOM)

    assert [(t.root.event_id, t.root.body, t.replies, t.latest_ts) for t in rows] == [
        ("$a", "Premier sujet", 2, 5_000),
        ("$b", "Second sujet", 1, 4_000),
    ]
    assert rows[0].root.sender_name == "Élodie"


def test_files_newest_first_with_name_size_and_kind(store):
    image = {
        "msgtype": "m.image",
        "body": "stand.png",
        "url": "mxc://c/1",
        "info": {"mimetype": "image/png", "size": 2048},
    }
    document = {"msgtype": "m.file", "body": "plan.pdf", "filename": "Plan du stand.pdf"}
    write(
        store,
        state=[member(ELODIE, "Élodie")],
        timeline=[
            NewEvent("$img", ELODIE, "m.room.message", 1_000, image),
            text("$t", "pas un fichier", 2_000),
            NewEvent("$doc", ME, "m.room.message", 3_000, document),
            NewEvent("$gone", ME, "m.room.message", 4_000, dict(document)),
        ],
    )
    store.timeline.redact("$gone", "$r")

    rows = panels.files(store, ROOM)

    assert [(f.event_id, f.name, f.kind, f.mimetype, f.size, f.sender_name) for f in rows] == [
        ("$doc", "Plan du stand.pdf", "m.file", "", 0, ME),
        ("$img", "stand.png", "m.image", "image/png", 2048, "Élodie"),
    ]


def test_pinned_messages_resolve_newest_pin_first_and_unknown_ones_stay(store):
    write(
        store,
        state=[
            member(ELODIE, "Élodie"),
            StateEvent("m.room.pinned_events", "", {"pinned": ["$1", "$missing", "$2", 7, "$1"]}),
        ],
        timeline=[text("$1", "Les règles", 1_000), text("$2", "Le planning", 2_000)],
    )

    rows = panels.pinned(store, ROOM)

    assert [(p.event_id, p.message.body if p.message else None) for p in rows] == [
        ("$2", "Le planning"),
        ("$missing", None),
        ("$1", "Les règles"),
    ]


def test_no_pins_or_malformed_pins_give_nothing(store):
    write(store, state=[StateEvent("m.room.pinned_events", "", {"pinned": "nope"})])
    assert panels.pinned(store, ROOM) == []
    assert panels.pinned(store, "!other:c") == []
