"""Resuming an account fast: its cached room list first, the network stack (nio) after."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cercle.protocol import room_list_cache
from cercle.protocol.changes import Change, RoomsChanged, RoomSummary
from cercle.protocol.profiles import KeyOptions, Profile, ProfileLocation, open_profile
from cercle.storage.errors import StorageError

if TYPE_CHECKING:
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)

SHOWN_WAIT_S = 1.0  # the longest the network stack waits for the UI to show the cached rooms


@dataclass(frozen=True)
class Resumed:
    """The account saved in a profile, and the cached rooms already published for it (pass
    them to `account.start()` so they are not read and published a second time)."""

    account: Account
    published: tuple[RoomSummary, ...]


def cached_rooms(profile: Profile, user_id: str) -> list[RoomSummary]:
    """Every cached room's summary, read in one snapshot: its ~8 queries per room share one
    read transaction (1,000 rooms: 0.1 s instead of 0.2 s, bench/warm_start.py)."""
    from cercle.protocol import roomlist  # not needed when the saved list is there

    with profile.store.db.read():
        return roomlist.summaries(profile.store, user_id)


@dataclass(frozen=True)
class Opened:
    """An open profile, the user id of the session saved in it (None: nobody signed in), and
    that account's cached rooms, read but not yet published."""

    profile: Profile
    user_id: str | None
    rows: tuple[RoomSummary, ...]
    saved: bool = False  # the rows are the list saved at the last clean close, not rebuilt


async def open_cached(
    location: ProfileLocation,
    passphrase: str | None = None,
    options: KeyOptions | None = None,
) -> Opened:
    """Opens the profile (raises as `open_profile` does), then reads its saved session and
    cached rooms: all the UI needs to paint the room list."""
    profile = await open_profile(location, passphrase, options)
    try:
        return await read_cached(profile)
    except BaseException:
        profile.close()
        raise


async def read_cached(profile: Profile) -> Opened:
    session = await asyncio.to_thread(profile.store.session.load)
    if session is None:
        return Opened(profile, None, ())
    saved = await asyncio.to_thread(saved_rooms, profile, session.user_id)
    if saved is not None:
        return Opened(profile, session.user_id, saved, saved=True)
    rows = tuple(await asyncio.to_thread(cached_rooms, profile, session.user_id))
    return Opened(profile, session.user_id, rows)


def saved_rooms(profile: Profile, user_id: str) -> tuple[RoomSummary, ...] | None:
    """The rows saved when this account last closed cleanly, if nothing moved since (taken:
    the next start after a crash rebuilds them). One read and a decode instead of ~8 queries
    per room and their rows built again: 1,000 rooms in ~10 ms instead of ~0.1 s."""
    data = profile.store.room_list.take(user_id, room_list_cache.ENCODING)
    return room_list_cache.decode(data) if data is not None else None


def save_rooms(profile: Profile, user_id: str) -> None:
    """Saves the account's room list for the next start; called once nothing writes any more
    (the account closing). A failure is logged: the next start rebuilds the list."""
    try:
        data = room_list_cache.encode(cached_rooms(profile, user_id))
        profile.store.room_list.save(user_id, room_list_cache.ENCODING, data)
    except StorageError as error:
        log.warning("the room list was not saved for the next start: %s", error)


async def resume(
    opened: Opened,
    publish: Callable[[Change], None],
    shown: threading.Event | None = None,
    *,
    published: bool = False,
) -> Resumed | None:
    """The account saved in the opened profile (None if none), after publishing its cached
    rooms (`published`: the caller already showed them).

    The room list comes from the encrypted store alone, so the UI paints it before nio, its
    crypto store and the sync engine load (importing nio alone takes ~0.7 s). `shown`, set by
    the UI once it has shown the published rooms, holds that import back until then (at most
    SHOWN_WAIT_S): on the same GIL it would double the time the UI takes to insert and paint.
    """
    if opened.user_id is None:
        return None
    profile, rows = opened.profile, opened.rows
    if rows:
        if not published:
            publish(RoomsChanged(rows))
        if shown is not None:
            await asyncio.to_thread(shown.wait, SHOWN_WAIT_S)
    from cercle.protocol.account import Account

    account = await Account.resume(profile, publish)
    return Resumed(account, rows) if account is not None else None
