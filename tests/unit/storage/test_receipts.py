"""Receipts, the read marker and account data."""

from __future__ import annotations

from cercle.storage.receipts import Receipt


def test_receipts_keep_the_latest_per_user_and_thread(store):
    store.receipts.save(
        [
            Receipt("!r:x", "m.read", "@a:x", "$1", 1),
            Receipt("!r:x", "m.read", "@a:x", "$2", 2),
            Receipt("!r:x", "m.read", "@a:x", "$t", 3, thread_id="$root"),
            Receipt("!r:x", "m.read.private", "@me:x", "$2", 4),
        ]
    )
    assert [(r.user_id, r.event_id, r.thread_id) for r in store.receipts.for_room("!r:x")] == [
        ("@a:x", "$2", ""),
        ("@a:x", "$t", "$root"),
    ]
    assert [r.user_id for r in store.receipts.for_event("$2")] == ["@a:x", "@me:x"]


def test_read_marker_and_account_data(store):
    assert store.receipts.read_marker("!r:x") is None
    store.receipts.set_read_marker("!r:x", "$5")
    assert store.receipts.read_marker("!r:x") == "$5"
    store.receipts.set_account_data("m.direct", {"@b:x": ["!r:x"]})
    assert store.receipts.account_data("m.direct") == {"@b:x": ["!r:x"]}
    assert store.receipts.account_data("m.direct", "!r:x") is None
