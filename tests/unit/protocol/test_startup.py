"""startup.resume: the cached rooms are published first, nio's account loads once they are shown."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import types

from cercle.protocol import account, roomlist, startup
from cercle.protocol.changes import RoomsChanged, RoomSummary

ROOMS = [RoomSummary("!a:example.org", "A"), RoomSummary("!b:example.org", "B")]


class FakeDb:
    """Counts the read snapshots open."""

    def __init__(self) -> None:
        self.reading = 0

    @contextlib.contextmanager
    def read(self):
        self.reading += 1
        try:
            yield None
        finally:
            self.reading -= 1


def fake_profile() -> types.SimpleNamespace:
    session = types.SimpleNamespace(user_id="@me:example.org")
    store = types.SimpleNamespace(
        session=types.SimpleNamespace(load=lambda: session),
        db=FakeDb(),
        room_list=types.SimpleNamespace(take=lambda user_id, encoding: None),  # none saved
    )
    return types.SimpleNamespace(store=store)


async def resume(profile, publish, shown):
    """What the session does: the profile's cached rooms read, then the account resumed."""
    return await startup.resume(await startup.read_cached(profile), publish, shown)


def test_a_profile_without_a_saved_session_resumes_nothing(monkeypatch):
    profile = fake_profile()
    profile.store.session.load = lambda: None
    opened = asyncio.run(startup.read_cached(profile))
    assert (opened.user_id, opened.rows) == (None, ())
    assert asyncio.run(startup.resume(opened, lambda change: None)) is None


def test_the_cached_rooms_are_read_in_one_snapshot(monkeypatch):
    profile = fake_profile()
    inside: list[int] = []

    def summaries(store, user_id):
        inside.append(store.db.reading)
        return ROOMS

    monkeypatch.setattr(roomlist, "summaries", summaries)
    assert startup.cached_rooms(profile, "@me:example.org") == ROOMS
    assert inside == [1]
    assert profile.store.db.reading == 0


def test_the_account_loads_only_once_the_published_rooms_are_shown(monkeypatch):
    shown = threading.Event()
    order: list[str] = []
    monkeypatch.setattr(roomlist, "summaries", lambda store, user_id: ROOMS)

    async def fake_resume(profile, publish):
        order.append("account" if shown.is_set() else "account before the rooms were shown")
        return object()

    monkeypatch.setattr(account.Account, "resume", staticmethod(fake_resume))

    def publish(change) -> None:
        assert isinstance(change, RoomsChanged)
        order.append(f"{len(change.rooms)} rooms")
        # The UI shows them a little later, on its own thread.
        threading.Timer(0.05, lambda: (order.append("shown"), shown.set())).start()

    resumed = asyncio.run(resume(fake_profile(), publish, shown))
    assert order == ["2 rooms", "shown", "account"]
    assert resumed is not None
    assert resumed.published == tuple(ROOMS)


def test_a_ui_that_never_says_shown_delays_the_account_by_at_most_the_cap(monkeypatch):
    monkeypatch.setattr(roomlist, "summaries", lambda store, user_id: ROOMS)
    monkeypatch.setattr(startup, "SHOWN_WAIT_S", 0.01)
    called: list[bool] = []

    async def fake_resume(profile, publish):
        called.append(True)
        return object()

    monkeypatch.setattr(account.Account, "resume", staticmethod(fake_resume))
    resumed = asyncio.run(resume(fake_profile(), lambda change: None, threading.Event()))
    assert called == [True]
    assert resumed is not None


def test_rooms_the_ui_already_showed_are_not_published_again(monkeypatch):
    monkeypatch.setattr(roomlist, "summaries", lambda store, user_id: ROOMS)

    async def fake_resume(profile, publish):
        return object()

    monkeypatch.setattr(account.Account, "resume", staticmethod(fake_resume))
    seen: list = []
    shown = threading.Event()
    shown.set()

    async def go():
        opened = await startup.read_cached(fake_profile())
        return await startup.resume(opened, seen.append, shown, published=True)

    resumed = asyncio.run(go())
    assert seen == []
    assert resumed is not None
    assert resumed.published == tuple(ROOMS)  # not read again either


def test_the_list_saved_at_the_last_clean_close_is_shown_without_rebuilding_it(monkeypatch):
    from cercle.protocol import room_list_cache

    def rebuilt(store, user_id):
        raise AssertionError("the saved list was there")

    monkeypatch.setattr(roomlist, "summaries", rebuilt)
    profile = fake_profile()
    taken: list[tuple[str, str]] = []

    def take(user_id, encoding):
        taken.append((user_id, encoding))
        return room_list_cache.encode(ROOMS)

    profile.store.room_list.take = take
    opened = asyncio.run(startup.read_cached(profile))
    assert (opened.rows, opened.saved) == (tuple(ROOMS), True)
    assert taken == [("@me:example.org", room_list_cache.ENCODING)]

    profile.store.room_list.take = lambda user_id, encoding: b"damaged"  # rebuilt instead
    monkeypatch.setattr(roomlist, "summaries", lambda store, user_id: ROOMS)
    opened = asyncio.run(startup.read_cached(profile))
    assert (opened.rows, opened.saved) == (tuple(ROOMS), False)
