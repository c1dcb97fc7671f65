"""The session row and the sync token."""

from __future__ import annotations

from cercle.storage.session import Session


def test_session_round_trip_and_repr_hides_the_token(store):
    assert store.session.load() is None
    session = Session("@a:x", "DEV", "syt_secret", "https://x")
    store.session.save(session)
    store.session.save(Session("@a:x", "DEV2", "syt_other", "https://x"))
    assert store.session.load() == Session("@a:x", "DEV2", "syt_other", "https://x")
    assert "syt_" not in repr(store.session.load())


def test_clear_forgets_session_and_token(store):
    store.session.save(Session("@a:x", "DEV", "t", "https://x"))
    store.session.set_sync_token("s1")
    assert store.session.sync_token() == "s1"
    store.session.clear()
    assert store.session.load() is None
    assert store.session.sync_token() is None
