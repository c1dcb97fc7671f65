"""The outbox: durable queue, state changes, crash recovery and export."""

from __future__ import annotations

import os

import pytest

from cercle.storage.db import Database
from cercle.storage.outbox import OutboxState, entries_from_json, salvage


def test_lifecycle(store):
    entry = store.outbox.enqueue("!r:x", "m.room.message", {"body": "hi"})
    assert entry.state is OutboxState.QUEUED
    assert entry.txn_id.startswith("cercle.")
    assert store.outbox.next_queued() == entry
    store.outbox.mark_sending(entry.txn_id)
    store.outbox.mark_failed(entry.txn_id, "M_LIMIT_EXCEEDED")
    failed = store.outbox.get(entry.txn_id)
    assert (failed.state, failed.failure_reason, failed.attempts) == (
        OutboxState.FAILED,
        "M_LIMIT_EXCEEDED",
        1,
    )
    assert store.outbox.next_queued() is None
    store.outbox.retry(entry.txn_id)
    store.outbox.mark_sending(entry.txn_id)
    store.outbox.mark_sent(entry.txn_id, "$ev")
    sent = store.outbox.get(entry.txn_id)
    assert (sent.state, sent.event_id, sent.attempts) == (OutboxState.SENT, "$ev", 2)
    assert store.outbox.unsent() == []
    assert store.outbox.prune_sent(older_than_ts=sent.updated_ts + 1) == 1


def test_order_room_filter_and_cancel(store):
    a = store.outbox.enqueue("!a:x", "m.room.message", {"body": "1"})
    b = store.outbox.enqueue("!b:x", "m.room.message", {"body": "2"})
    c = store.outbox.enqueue("!a:x", "m.reaction", {"k": 3})
    assert [e.txn_id for e in store.outbox.unsent()] == [a.txn_id, b.txn_id, c.txn_id]
    assert [e.txn_id for e in store.outbox.unsent("!a:x")] == [a.txn_id, c.txn_id]
    assert store.outbox.cancel(b.txn_id)
    assert not store.outbox.cancel(b.txn_id)


def test_unknown_txn_is_an_error(store):
    with pytest.raises(LookupError):
        store.outbox.mark_sent("nope", "$x")


def test_sending_left_by_a_crash_goes_back_to_queued(store):
    entry = store.outbox.enqueue("!r:x", "m.room.message", {"body": "hi"})
    store.outbox.mark_sending(entry.txn_id)
    assert store.outbox.recover_interrupted() == 1
    assert store.outbox.get(entry.txn_id).state is OutboxState.QUEUED


def test_export_and_restore(store, tmp_path):
    store.outbox.enqueue("!r:x", "m.room.message", {"body": "é"})
    exported = store.outbox.export_json()
    entries = entries_from_json(exported)
    assert entries == store.outbox.unsent()
    db, _ = Database.open(tmp_path / "other.db", os.urandom(32))
    from cercle.storage.store import Store

    other = Store(db, tmp_path / "m2")
    assert other.outbox.restore(entries) == 1
    assert other.outbox.restore(entries) == 0
    assert [e.content for e in other.outbox.unsent()] == [{"body": "é"}]
    other.close()


def test_salvage_reads_without_writing(tmp_path):
    key = os.urandom(32)
    db, _ = Database.open(tmp_path / "s.db", key)
    from cercle.storage.store import Store

    s = Store(db, tmp_path / "m")
    s.outbox.enqueue("!r:x", "m.room.message", {"body": "keep me"})
    s.close()
    before = (tmp_path / "s.db").read_bytes()
    assert [e.content for e in salvage(tmp_path / "s.db", key)] == [{"body": "keep me"}]
    assert (tmp_path / "s.db").read_bytes() == before


def test_entries_from_json_rejects_other_documents():
    with pytest.raises(ValueError, match="outbox export"):
        entries_from_json('{"format": "other"}')
