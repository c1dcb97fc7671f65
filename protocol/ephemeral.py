"""Typing notices and read receipts from each sync, published by name for the timeline."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import nio

from cercle.protocol.changes import Change, ReadReceipt, ReceiptsChanged, TypingChanged
from cercle.storage.store import Store

log = logging.getLogger(__name__)


def member_name(store: Store, room_id: str, user_id: str) -> str:
    member = store.rooms.member(room_id, user_id)
    return member.display_name if member and member.display_name else user_id


def read_receipts(store: Store, room_id: str) -> tuple[ReadReceipt, ...]:
    """Everyone's main-timeline m.read receipt in a room, named (a store read)."""
    return tuple(
        ReadReceipt(r.user_id, member_name(store, room_id, r.user_id), r.event_id)
        for r in store.receipts.for_room(room_id)
        if not r.thread_id
    )


class Ephemeral:
    """A SyncEngine observer: who types and who read what, in the rooms a response touched."""

    def __init__(self, store: Store, own_user_id: str, publish: Callable[[Change], None]) -> None:
        self.store = store
        self.own_user_id = own_user_id
        self.publish = publish
        self._tasks: set[asyncio.Task[None]] = set()

    def observe(self, reply: Any, _batch: Any) -> None:
        typing: dict[str, list[str]] = {}
        receipts: dict[str, list[tuple[str, str]]] = {}
        for room_id, info in getattr(getattr(reply, "rooms", None), "join", {}).items():
            for event in getattr(info, "ephemeral", ()):
                if isinstance(event, nio.TypingNoticeEvent):
                    typing[room_id] = [u for u in event.users if u != self.own_user_id]
                elif isinstance(event, nio.ReceiptEvent):
                    receipts.setdefault(room_id, []).extend(
                        (r.user_id, r.event_id)
                        for r in event.receipts
                        if str(r.receipt_type) == "m.read"
                        and getattr(r, "thread_id", None) in (None, "", "main")
                    )
        if typing or receipts:
            task = asyncio.get_running_loop().create_task(self._publish(typing, receipts))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _publish(
        self, typing: dict[str, list[str]], receipts: dict[str, list[tuple[str, str]]]
    ) -> None:
        def named() -> list[Change]:
            out: list[Change] = []
            for room_id, users in typing.items():
                names = tuple(member_name(self.store, room_id, u) for u in users)
                out.append(TypingChanged(room_id, names))
            for room_id, pairs in receipts.items():
                out.append(
                    ReceiptsChanged(
                        room_id,
                        tuple(
                            ReadReceipt(u, member_name(self.store, room_id, u), e) for u, e in pairs
                        ),
                    )
                )
            return out

        try:
            for change in await asyncio.to_thread(named):
                self.publish(change)
        except Exception:
            log.exception("typing notices and receipts not published")
