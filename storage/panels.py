"""Reads behind a room's side panel: thread roots, posted files, and who created the room."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .db import Database
from .rows import loads
from .timeline import _COLUMNS, TimelineEvent, _event

FILE_TYPES = ("m.file", "m.image", "m.video", "m.audio")
_IS_FILE = f"json_extract(content, '$.msgtype') IN ({','.join('?' * len(FILE_TYPES))})"


@dataclass(frozen=True)
class ThreadRoot:
    """A message that starts a thread, with how many replies we hold and the latest one's time."""

    root: TimelineEvent
    replies: int
    latest_ts: int


class PanelsRepo:
    """Room-scoped reads for the members, threads and files tabs; each one query, newest first."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def thread_roots(self, room_id: str, limit: int = 200) -> list[ThreadRoot]:
        """Roots of the room's threads (stored roots only), latest activity first."""
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT r.relates_to, count(*), max(e.origin_server_ts), max(e.pos) "
                "FROM relations r JOIN events e ON e.event_id = r.event_id "
                "WHERE r.rel_type = 'm.thread' AND e.room_id = ? AND e.redacted_by IS NULL "
                "GROUP BY r.relates_to ORDER BY max(e.pos) DESC LIMIT ?",
                (room_id, limit),
            ).fetchall()
            roots = {
                event.event_id: event
                for event in map(
                    _event,
                    conn.execute(
                        f"SELECT {_COLUMNS} FROM events WHERE room_id = ? AND event_id IN "
                        f"({','.join('?' * len(rows))})",
                        (room_id, *(r[0] for r in rows)),
                    ),
                )
            }
        return [
            ThreadRoot(roots[root_id], count, latest)
            for root_id, count, latest, _pos in rows
            if root_id in roots
        ]

    def files(self, room_id: str, limit: int = 200) -> list[TimelineEvent]:
        """Files, images, videos and audio posted in the room (not deleted), newest first."""
        with self._db.read() as conn:
            return [
                _event(row)
                for row in conn.execute(
                    f"SELECT {_COLUMNS} FROM events WHERE room_id = ? AND type = 'm.room.message' "
                    "AND redacted_by IS NULL "
                    f"AND {_IS_FILE} "
                    "AND json_extract(content, '$.\"m.relates_to\".rel_type') IS NOT 'm.replace' "
                    "ORDER BY pos DESC LIMIT ?",
                    (room_id, *FILE_TYPES, limit),
                )
            ]

    def creation(self, room_id: str) -> tuple[str | None, dict[str, Any]]:
        """The m.room.create event's sender and content (None and {} when not stored)."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT sender, content FROM room_state "
                "WHERE room_id = ? AND type = 'm.room.create' AND state_key = ''",
                (room_id,),
            ).fetchone()
        return (row[0], loads(row[1])) if row else (None, {})
