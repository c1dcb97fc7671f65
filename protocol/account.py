"""One signed-in account on the protocol loop: its client, its sync engine, what the UI may ask."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable

from cercle.protocol.changes import Change, Message, TimelineAppended
from cercle.protocol.client import CryptoStore, MatrixClient
from cercle.protocol.sync import SyncEngine

log = logging.getLogger(__name__)

RECENT_PER_ROOM = 200


class Account:
    """Owns a MatrixClient and its sync task; every change is handed to `publish`."""

    def __init__(self, client: MatrixClient, publish: Callable[[Change], None]) -> None:
        self.client = client
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
        crypto: CryptoStore | None = None,
    ) -> Account:
        client = await MatrixClient.login(homeserver, user, password, crypto=crypto)
        return cls(client, publish)

    @property
    def user_id(self) -> str:
        return self.client.user_id

    def start(self) -> None:
        """Starts syncing in the background (on the current loop)."""
        if self._sync_task is None:
            self._sync_task = asyncio.create_task(self.engine.run(), name="sync")
            self._sync_task.add_done_callback(_log_crash)

    async def recent_messages(self, room_id: str) -> list[Message]:
        """The room's latest messages seen this session, oldest first."""
        return list(self._recent.get(room_id, ()))

    async def send_text(self, room_id: str, body: str) -> str:
        return await self.client.send_text(room_id, body)

    async def close(self) -> None:
        if self._sync_task is not None:
            self._sync_task.cancel()
            await asyncio.gather(self._sync_task, return_exceptions=True)
            self._sync_task = None
        await self.client.close()

    def _on_change(self, change: Change) -> None:
        if isinstance(change, TimelineAppended):
            recent = self._recent.setdefault(change.room_id, deque(maxlen=RECENT_PER_ROOM))
            recent.extend(change.messages)
        self._publish(change)


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("sync loop crashed", exc_info=task.exception())
