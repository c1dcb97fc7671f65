"""One signed-in account on the protocol loop: its client, its sync engine, what the UI may ask."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable

from cercle.protocol.changes import Change, Message, TimelineAppended
from cercle.protocol.client import MatrixClient
from cercle.protocol.profiles import Profile, crypto_for
from cercle.protocol.sync import SyncEngine, to_message

log = logging.getLogger(__name__)

RECENT_PER_ROOM = 200


class Account:
    """Owns a MatrixClient and its sync task; every change is handed to `publish`."""

    def __init__(
        self,
        client: MatrixClient,
        publish: Callable[[Change], None],
        profile: Profile | None = None,
    ) -> None:
        self.client = client
        self.profile = profile
        self._publish = publish
        self._recent: dict[str, deque[Message]] = {}
        self.engine = SyncEngine(client, self._on_change)
        self._sync_task: asyncio.Task[None] | None = None

    @classmethod
    async def sign_in(
        cls,
        homeserver: str,
        user: str,
        password: str,
        publish: Callable[[Change], None],
        *,
        profile: Profile | None = None,
    ) -> Account:
        """Logs in a new device; with a profile, its keys and session are kept, encrypted."""
        crypto = crypto_for(profile) if profile else None
        client = await MatrixClient.login(homeserver, user, password, crypto=crypto)
        if profile is not None:
            await asyncio.to_thread(profile.store.session.save, client.session)
        return cls(client, publish, profile)

    @classmethod
    async def resume(cls, profile: Profile, publish: Callable[[Change], None]) -> Account | None:
        """The account saved in `profile`, signed in again without a password; None if none."""
        session = await asyncio.to_thread(profile.store.session.load)
        if session is None:
            return None
        client = MatrixClient.restore(session, crypto=crypto_for(profile))
        return cls(client, publish, profile)

    @property
    def user_id(self) -> str:
        return self.client.user_id

    def start(self) -> None:
        """Starts syncing in the background (on the current loop)."""
        if self._sync_task is None:
            self._sync_task = asyncio.create_task(self.engine.run(), name="sync")
            self._sync_task.add_done_callback(_log_crash)

    async def recent_messages(self, room_id: str, want: int = 30) -> list[Message]:
        """The room's latest messages, oldest first, fetching older ones if fewer than `want`
        arrived with syncs (a room joined over federation often comes with its join alone)."""
        recent = self._recent.setdefault(room_id, deque(maxlen=RECENT_PER_ROOM))
        tokens = self.engine.history_token
        room = self.client.nio.rooms.get(room_id)
        while len(recent) < want and tokens.get(room_id) and room is not None:
            events, tokens[room_id] = await self.client.history(room_id, tokens[room_id], want)
            older = [m for e in events if (m := to_message(room, e)) is not None]
            known = {m.event_id for m in recent}
            recent.extendleft(m for m in older if m.event_id not in known)  # newest first in
        return list(recent)

    async def send_text(self, room_id: str, body: str) -> str:
        return await self.client.send_text(room_id, body)

    async def close(self) -> None:
        if self._sync_task is not None:
            self._sync_task.cancel()
            await asyncio.gather(self._sync_task, return_exceptions=True)
            self._sync_task = None
        await self.client.close()
        if self.profile is not None:
            await asyncio.to_thread(self.profile.close)
            self.profile = None

    def _on_change(self, change: Change) -> None:
        if isinstance(change, TimelineAppended):
            recent = self._recent.setdefault(change.room_id, deque(maxlen=RECENT_PER_ROOM))
            recent.extend(change.messages)
        self._publish(change)


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("sync loop crashed", exc_info=task.exception())
