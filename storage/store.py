"""The store facade: one object holding the repositories, and the one-transaction sync writer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .db import Database
from .media import MediaCache
from .outbox import OutboxRepo
from .overview import OverviewRepo
from .receipts import Receipt, ReceiptsRepo, save_account_data, save_receipts
from .rooms import RoomsRepo, RoomUpdate, StateEvent, apply_state, upsert_room
from .search import SearchRepo
from .session import SessionRepo, save_sync_token
from .snapshot import RoomListSnapshot
from .timeline import NewEvent, TimelineRepo, append_events


@dataclass(frozen=True)
class RoomBatch:
    """Everything one /sync response says about one room."""

    room_id: str
    join_state: str = "join"
    state: Sequence[StateEvent] = ()  # the `state` block (before the timeline)
    timeline: Sequence[NewEvent] = ()  # oldest first; state events in it update state too
    limited: bool = False
    prev_batch: str | None = None
    unread_count: int | None = None
    highlight_count: int | None = None
    is_direct: bool | None = None
    receipts: Sequence[Receipt] = ()
    account_data: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncBatch:
    """One /sync response, ready to store; `next_batch` is saved with it or not at all."""

    next_batch: str
    rooms: Sequence[RoomBatch] = ()
    account_data: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchResult:
    """What the batch changed: new timeline positions per room (for the UI's change events)."""

    appended: dict[str, list[int]]


class Store:
    """A profile's repositories over one open database. Thread-safe; synchronous calls."""

    def __init__(self, db: Database, media_dir: Path) -> None:
        self.db = db
        self.session = SessionRepo(db)
        self.rooms = RoomsRepo(db)
        self.timeline = TimelineRepo(db)
        self.receipts = ReceiptsRepo(db)
        self.outbox = OutboxRepo(db)
        self.media = MediaCache(db, media_dir)
        self.search = SearchRepo(db)
        self.overview = OverviewRepo(db)
        self.room_list = RoomListSnapshot(db)

    def write_sync_batch(self, batch: SyncBatch) -> BatchResult:
        """Store a whole sync response and its next_batch in ONE transaction.

        If anything fails (disk full, a bad row) nothing of the batch is kept and the token
        stays where it was, so the same /sync is simply fetched again.
        """
        appended: dict[str, list[int]] = {}
        with self.db.write() as conn:
            for room in batch.rooms:
                upsert_room(
                    conn,
                    RoomUpdate(
                        room.room_id,
                        join_state=room.join_state,
                        is_direct=room.is_direct,
                        unread_count=room.unread_count,
                        highlight_count=room.highlight_count,
                    ),
                )
                if room.state:
                    apply_state(conn, room.room_id, room.state)
                if room.timeline:
                    appended[room.room_id] = append_events(
                        conn,
                        room.room_id,
                        room.timeline,
                        limited=room.limited,
                        prev_batch=room.prev_batch,
                    )
                if room.receipts:
                    save_receipts(conn, room.receipts)
                if room.account_data:
                    save_account_data(conn, room.account_data, room.room_id)
            if batch.account_data:
                save_account_data(conn, batch.account_data)
            save_sync_token(conn, batch.next_batch)
        return BatchResult(appended)

    def close(self) -> None:
        self.db.close()
