"""Read receipts, the read marker (m.fully_read) and account data, global and per room."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .db import Connection, Database
from .rooms import RoomUpdate, upsert_room
from .rows import dumps, loads

FULLY_READ = "m.fully_read"


@dataclass(frozen=True)
class Receipt:
    room_id: str
    receipt_type: str  # m.read or m.read.private
    user_id: str
    event_id: str
    ts: int | None = None
    thread_id: str = ""  # '' = unthreaded / main timeline


class ReceiptsRepo:
    """Receipts per (room, type, thread, user), the read marker and account data."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, receipts: Iterable[Receipt]) -> None:
        with self._db.write() as conn:
            save_receipts(conn, receipts)

    def for_room(self, room_id: str, receipt_type: str = "m.read") -> list[Receipt]:
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT room_id, receipt_type, user_id, event_id, ts, thread_id FROM receipts "
                "WHERE room_id = ? AND receipt_type = ? ORDER BY user_id, thread_id",
                (room_id, receipt_type),
            ).fetchall()
        return [Receipt(*r) for r in rows]

    def for_event(self, event_id: str) -> list[Receipt]:
        """Who has read up to exactly this event (for read avatars under it)."""
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT room_id, receipt_type, user_id, event_id, ts, thread_id FROM receipts "
                "WHERE event_id = ? ORDER BY ts",
                (event_id,),
            ).fetchall()
        return [Receipt(*r) for r in rows]

    def read_marker(self, room_id: str) -> str | None:
        """The event id of the room's fully-read marker."""
        content = self.account_data(FULLY_READ, room_id)
        marker = content.get("event_id") if content else None
        return marker if isinstance(marker, str) else None

    def set_read_marker(self, room_id: str, event_id: str) -> None:
        self.set_account_data(FULLY_READ, {"event_id": event_id}, room_id)

    def account_data(self, type: str, room_id: str = "") -> dict[str, Any] | None:
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT content FROM account_data WHERE room_id = ? AND type = ?", (room_id, type)
            ).fetchone()
        return loads(row[0]) if row else None

    def set_account_data(self, type: str, content: Mapping[str, Any], room_id: str = "") -> None:
        with self._db.write() as conn:
            save_account_data(conn, {type: content}, room_id)


def save_receipts(conn: Connection, receipts: Iterable[Receipt]) -> None:
    receipts = list(receipts)
    for room_id in {r.room_id for r in receipts}:
        upsert_room(conn, RoomUpdate(room_id))
    conn.executemany(
        "INSERT INTO receipts (room_id, receipt_type, thread_id, user_id, event_id, ts) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(room_id, receipt_type, thread_id, user_id) "
        "DO UPDATE SET event_id = excluded.event_id, ts = excluded.ts",
        [(r.room_id, r.receipt_type, r.thread_id, r.user_id, r.event_id, r.ts) for r in receipts],
    )


def save_account_data(
    conn: Connection, items: Mapping[str, Mapping[str, Any]], room_id: str = ""
) -> None:
    conn.executemany(
        "INSERT INTO account_data (room_id, type, content) VALUES (?, ?, ?) "
        "ON CONFLICT(room_id, type) DO UPDATE SET content = excluded.content",
        [(room_id, type, dumps(dict(content))) for type, content in items.items()],
    )
