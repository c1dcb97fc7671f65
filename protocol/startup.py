"""Resuming an account fast: its cached room list first, the network stack (nio) after."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cercle.protocol import roomlist
from cercle.protocol.changes import Change, RoomsChanged, RoomSummary
from cercle.protocol.profiles import KeyOptions, Profile, ProfileLocation, open_profile

if TYPE_CHECKING:
    from cercle.protocol.account import Account

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
    with profile.store.db.read():
        return roomlist.summaries(profile.store, user_id)


@dataclass(frozen=True)
class Opened:
    """An open profile, the user id of the session saved in it (None: nobody signed in), and
    that account's cached rooms, read but not yet published."""

    profile: Profile
    user_id: str | None
    rows: tuple[RoomSummary, ...]


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
    rows = tuple(await asyncio.to_thread(cached_rooms, profile, session.user_id))
    return Opened(profile, session.user_id, rows)


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
