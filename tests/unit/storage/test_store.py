"""The sync unit of work: a whole batch and its next_batch in one transaction, or nothing."""

from __future__ import annotations

import pytest

from cercle.storage.errors import DiskFull
from cercle.storage.receipts import Receipt
from cercle.storage.rooms import StateEvent
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent


def room_batch(room_id: str, n: int, body_size: int = 10, **kw) -> RoomBatch:
    return RoomBatch(
        room_id,
        state=[StateEvent("m.room.name", "", {"name": f"Room {room_id}"})],
        timeline=[
            NewEvent(f"${room_id}{i}", "@a:x", "m.room.message", i, {"body": "w" * body_size})
            for i in range(n)
        ],
        receipts=[Receipt(room_id, "m.read", "@a:x", f"${room_id}0", 1)],
        account_data={"m.fully_read": {"event_id": f"${room_id}0"}},
        unread_count=n,
        **kw,
    )


def test_batch_is_stored_with_its_token(store):
    result = store.write_sync_batch(
        SyncBatch(
            "s1",
            [room_batch("!a:x", 3), room_batch("!b:x", 2, limited=True, prev_batch="p")],
            account_data={"m.direct": {}},
        )
    )
    assert {room: len(pos) for room, pos in result.appended.items()} == {"!a:x": 3, "!b:x": 2}
    assert store.session.sync_token() == "s1"
    assert store.rooms.get("!a:x").name == "Room !a:x"
    assert store.rooms.get("!a:x").unread_count == 3
    assert store.receipts.read_marker("!a:x") == "$!a:x0"
    assert store.receipts.account_data("m.direct") == {}
    assert [g.token for g in store.timeline.gaps("!b:x")] == ["p"]


def test_a_bad_room_loses_the_whole_batch_and_keeps_the_old_token(store):
    store.write_sync_batch(SyncBatch("s1", [room_batch("!a:x", 1)]))
    with pytest.raises(ValueError, match="join state"):
        store.write_sync_batch(
            SyncBatch("s2", [room_batch("!b:x", 2), RoomBatch("!c:x", join_state="bogus")])
        )
    assert store.session.sync_token() == "s1"
    assert store.rooms.get("!b:x") is None


def test_disk_full_mid_batch_commits_nothing(store):
    store.write_sync_batch(SyncBatch("s1", [room_batch("!a:x", 1)]))
    with store.db.write() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 8}")
    with pytest.raises(DiskFull, match="disk is full"):
        store.write_sync_batch(
            SyncBatch("s2", [room_batch(f"!r{i}:x", 50, body_size=2000) for i in range(5)])
        )
    assert store.session.sync_token() == "s1"
    assert [r.room_id for r in store.rooms.list()] == ["!a:x"]
    store.db.integrity_check()
