"""The saved room list: read once, only by its user, in its encoding, at its sync position."""

from __future__ import annotations


def test_a_saved_list_is_taken_once(store):
    store.session.set_sync_token("s1")
    store.room_list.save("@me:a", "v1", b"rows")
    assert store.room_list.take("@me:a", "v1") == b"rows"
    assert store.room_list.take("@me:a", "v1") is None  # a crash before the next close: none


def test_another_user_encoding_or_sync_position_is_not_read_and_is_dropped(store):
    store.session.set_sync_token("s1")
    for user, encoding, moved in (
        ("@other:a", "v1", False),
        ("@me:a", "v2", False),
        ("", "", True),
    ):
        store.room_list.save("@me:a", "v1", b"rows")
        if moved:  # an older Cercle synced meanwhile, not knowing the saved list
            store.session.set_sync_token("s2")
        assert store.room_list.take(user, encoding) is None
        assert store.room_list.take("@me:a", "v1") is None  # and it is gone


def test_a_list_saved_before_any_sync_needs_none_either(store):
    store.room_list.save("@me:a", "v1", b"rows")
    assert store.room_list.take("@me:a", "v1") == b"rows"
