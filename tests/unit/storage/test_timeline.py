"""Timelines: order, gaps and back-pagination, relations, decryption later, redaction."""

from __future__ import annotations

from cercle.storage.timeline import GAP_SPAN, NewEvent, relations_of


def ev(n: int, body: str | None = None, **extra) -> NewEvent:
    content = {"msgtype": "m.text", "body": body if body is not None else f"message {n}"}
    content.update(extra.pop("content", {}))
    return NewEvent(
        f"$e{n}",
        extra.pop("sender", "@a:x"),
        extra.pop("type", "m.room.message"),
        1000 + n,
        content,
        **extra,
    )


def ids(events) -> list[str]:
    return [e.event_id for e in events]


def test_append_and_page_oldest_first(store):
    store.timeline.append("!r:x", [ev(i) for i in range(10)])
    page = store.timeline.page("!r:x", limit=4)
    assert ids(page.events) == ["$e6", "$e7", "$e8", "$e9"]
    older = store.timeline.page("!r:x", before=page.events[0].pos, limit=4)
    assert ids(older.events) == ["$e2", "$e3", "$e4", "$e5"]
    oldest = store.timeline.page("!r:x", before=older.events[0].pos, limit=4)
    assert ids(oldest.events) == ["$e0", "$e1"]
    assert oldest.at_start
    assert not page.at_start
    assert store.timeline.page_after("!r:x", older.events[-1].pos, limit=2) == page.events[:2]


def test_duplicates_are_ignored(store):
    assert len(store.timeline.append("!r:x", [ev(1), ev(2)])) == 2
    assert store.timeline.append("!r:x", [ev(2)]) == []
    assert len(store.timeline.page("!r:x").events) == 2


def test_limited_sync_opens_a_gap_that_backfill_fills(store):
    store.timeline.append("!r:x", [ev(1), ev(2)])
    store.timeline.append("!r:x", [ev(8), ev(9)], limited=True, prev_batch="t8")
    (gap,) = store.timeline.gaps("!r:x")
    assert gap.token == "t8"
    page = store.timeline.page("!r:x", limit=10)
    assert ids(page.events) == ["$e1", "$e2", "$e8", "$e9"]
    assert page.gaps == [gap]
    assert page.events[2].pos - page.events[1].pos >= GAP_SPAN

    # /messages dir=b from t8: newest first, with more to come
    store.timeline.backfill("!r:x", gap.pos, [ev(7), ev(6)], end_token="t5")
    (gap2,) = store.timeline.gaps("!r:x")
    assert gap2.token == "t5"
    # next page reaches history we have: the gap closes
    store.timeline.backfill("!r:x", gap2.pos, [ev(5), ev(4), ev(3), ev(2)], end_token="t1")
    assert store.timeline.gaps("!r:x") == []
    assert ids(store.timeline.page("!r:x", limit=20).events) == [f"$e{i}" for i in range(1, 10)]


def test_history_gap_at_the_start_of_a_room(store):
    store.timeline.append("!r:x", [ev(5)], limited=True, prev_batch="p5")
    (gap,) = store.timeline.gaps("!r:x")
    first = store.timeline.page("!r:x")
    assert not first.at_start
    assert first.gaps == [gap]
    store.timeline.backfill("!r:x", gap.pos, [ev(4), ev(3)], end_token=None)  # start reached
    page = store.timeline.page("!r:x")
    assert ids(page.events) == ["$e3", "$e4", "$e5"]
    assert page.at_start


def test_state_events_in_the_timeline_update_state(store):
    store.timeline.append(
        "!r:x", [NewEvent("$n", "@a:x", "m.room.name", 1, {"name": "Café"}, state_key="")]
    )
    assert store.rooms.get("!r:x").name == "Café"
    assert store.rooms.state("!r:x", "m.room.name") == {"name": "Café"}


def test_last_activity_follows_the_newest_event(store):
    store.timeline.append("!a:x", [ev(1)])
    store.timeline.append("!b:x", [ev(2)])
    assert [r.room_id for r in store.rooms.list()] == ["!b:x", "!a:x"]
    store.timeline.append("!a:x", [ev(3)])
    assert [r.room_id for r in store.rooms.list()] == ["!a:x", "!b:x"]


def test_relations_edits_reactions_threads_replies(store):
    edit = {
        "m.new_content": {"body": "fixed"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": "$e1"},
    }
    store.timeline.append(
        "!r:x",
        [
            ev(1, "typo"),
            ev(2, "* fixed", content=edit),
            ev(3, "* hijack", content=edit, sender="@mallory:x"),
            ev(
                4,
                type="m.reaction",
                content={
                    "m.relates_to": {"rel_type": "m.annotation", "event_id": "$e1", "key": "👍"}
                },
            ),
            ev(
                5,
                type="m.reaction",
                sender="@b:x",
                content={
                    "m.relates_to": {"rel_type": "m.annotation", "event_id": "$e1", "key": "👍"}
                },
            ),
            ev(
                6,
                type="m.reaction",
                content={
                    "m.relates_to": {"rel_type": "m.annotation", "event_id": "$e1", "key": "🎉"}
                },
            ),
            ev(
                7,
                "in thread",
                content={"m.relates_to": {"rel_type": "m.thread", "event_id": "$e1"}},
            ),
            ev(8, "reply", content={"m.relates_to": {"m.in_reply_to": {"event_id": "$e1"}}}),
        ],
    )
    assert store.timeline.latest_edit("$e1").event_id == "$e2"  # not mallory's
    reactions = store.timeline.reactions("$e1")
    assert [(r.key, r.count, r.senders) for r in reactions] == [
        ("👍", 2, ["@a:x", "@b:x"]),
        ("🎉", 1, ["@a:x"]),
    ]
    assert ids(store.timeline.thread("$e1")) == ["$e7"]
    assert ids(store.timeline.replies("$e1")) == ["$e8"]
    # a redacted reaction no longer counts
    store.timeline.redact("$e6", "$red")
    assert [r.key for r in store.timeline.reactions("$e1")] == ["👍"]
    # one read tells which events of a page have relations at all (the others need no reads)
    assert store.timeline.related_to(["$e1", "$e2", "$e8", "$nowhere"]) == {"$e1"}
    assert store.timeline.related_to([f"$x{n}" for n in range(1200)] + ["$e1"]) == {"$e1"}


def test_redaction_event_in_a_sync_strips_the_target(store):
    store.timeline.append("!r:x", [ev(1, "secret words")])
    store.timeline.append(
        "!r:x", [NewEvent("$red", "@a:x", "m.room.redaction", 9, {"redacts": "$e1"})]
    )
    target = store.timeline.get("$e1")
    assert target.content == {}
    assert target.redacted_by == "$red"
    assert store.search.search("secret") == []


def test_decrypt_later(store):
    raw = {"type": "m.room.encrypted", "content": {"ciphertext": "abc"}}
    store.timeline.append(
        "!r:x",
        [
            NewEvent(
                "$x",
                "@a:x",
                "m.room.encrypted",
                1,
                {},
                encrypted=True,
                decryption_error="missing key",
                raw=raw,
            )
        ],
    )
    assert ids(store.timeline.undecrypted()) == ["$x"]
    assert store.timeline.raw("$x") == raw
    assert store.timeline.set_decrypted("$x", "m.room.message", {"body": "hello later"})
    event = store.timeline.get("$x")
    assert (event.type, event.content, event.encrypted) == (
        "m.room.message",
        {"body": "hello later"},
        True,
    )
    assert store.timeline.undecrypted() == []
    assert [h.event_id for h in store.search.search("hello")] == ["$x"]
    assert not store.timeline.set_decrypted("$unknown", "m.room.message", {})


def test_relations_of_ignores_malformed_content():
    assert relations_of({"m.relates_to": "nope"}) == []
    assert relations_of({"m.relates_to": {"rel_type": "m.replace", "event_id": 3}}) == []
    assert relations_of(
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$a", "key": "x"}}
    ) == [("m.annotation", "$a", "x")]
