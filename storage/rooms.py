"""Rooms, their current state and their members; the room list ordered by last activity."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from .db import Connection, Database
from .rows import dumps, loads

JOIN_STATES = ("join", "invite", "leave", "knock", "ban")


@dataclass(frozen=True)
class Room:
    """One row of the room list."""

    room_id: str
    name: str | None
    topic: str | None
    avatar_url: str | None
    canonical_alias: str | None
    encryption: str | None
    join_state: str
    is_space: bool
    is_direct: bool
    unread_count: int
    highlight_count: int
    last_activity_ts: int


@dataclass(frozen=True)
class RoomUpdate:
    """A partial update of a room's row: fields left as None stay as they are."""

    room_id: str
    join_state: str | None = None
    is_direct: bool | None = None
    unread_count: int | None = None
    highlight_count: int | None = None
    last_activity_ts: int | None = None


@dataclass(frozen=True)
class StateEvent:
    """A state event as the store keeps it: the latest content per (type, state_key)."""

    type: str
    state_key: str
    content: Mapping[str, Any]
    event_id: str | None = None
    sender: str | None = None
    origin_server_ts: int | None = None


@dataclass(frozen=True)
class Member:
    user_id: str
    display_name: str | None
    avatar_url: str | None
    membership: str


_ROOM_COLUMNS = ", ".join(f.name for f in fields(Room))


class RoomsRepo:
    """Room rows, room state and membership."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, room_id: str) -> Room | None:
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {_ROOM_COLUMNS} FROM rooms WHERE room_id = ?", (room_id,)
            ).fetchone()
        return _room(row) if row else None

    def list(
        self, *, join_state: str | None = "join", limit: int = -1, offset: int = 0
    ) -> builtins.list[Room]:
        """Rooms by last activity, newest first (join_state=None: all of them)."""
        where, args = ("WHERE join_state = ?", [join_state]) if join_state else ("", [])
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_ROOM_COLUMNS} FROM rooms {where} "
                "ORDER BY last_activity_ts DESC, room_id LIMIT ? OFFSET ?",
                (*args, limit, offset),
            ).fetchall()
        return [_room(r) for r in rows]

    def update(self, update: RoomUpdate) -> None:
        with self._db.write() as conn:
            upsert_room(conn, update)

    def apply_state(self, room_id: str, events: Iterable[StateEvent]) -> None:
        with self._db.write() as conn:
            upsert_room(conn, RoomUpdate(room_id))
            apply_state(conn, room_id, events)

    def state(self, room_id: str, type: str, state_key: str = "") -> dict[str, Any] | None:
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT content FROM room_state WHERE room_id = ? AND type = ? AND state_key = ?",
                (room_id, type, state_key),
            ).fetchone()
        return loads(row[0]) if row else None

    def state_of_type(self, room_id: str, type: str) -> dict[str, dict[str, Any]]:
        """state_key → content for every state event of one type (e.g. m.space.child)."""
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT state_key, content FROM room_state WHERE room_id = ? AND type = ?",
                (room_id, type),
            ).fetchall()
        return {key: loads(content) for key, content in rows}

    def members(self, room_id: str, membership: str | None = "join") -> builtins.list[Member]:
        where = "AND membership = ?" if membership else ""
        args = (room_id, membership) if membership else (room_id,)
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT user_id, display_name, avatar_url, membership FROM members "
                f"WHERE room_id = ? {where} ORDER BY coalesce(display_name, user_id), user_id",
                args,
            ).fetchall()
        return [Member(*r) for r in rows]

    def member(self, room_id: str, user_id: str) -> Member | None:
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT user_id, display_name, avatar_url, membership FROM members "
                "WHERE room_id = ? AND user_id = ?",
                (room_id, user_id),
            ).fetchone()
        return Member(*row) if row else None

    def forget(self, room_id: str) -> None:
        """Drop a room and everything stored under it (state, members, timeline, receipts)."""
        with self._db.write() as conn:
            conn.execute("DELETE FROM account_data WHERE room_id = ?", (room_id,))
            conn.execute("DELETE FROM rooms WHERE room_id = ?", (room_id,))


def _room(row: tuple) -> Room:
    values = list(row)
    values[7] = bool(values[7])
    values[8] = bool(values[8])
    return Room(*values)


def upsert_room(conn: Connection, update: RoomUpdate) -> None:
    """Create the room row if needed, then apply the fields the update sets."""
    if update.join_state is not None and update.join_state not in JOIN_STATES:
        raise ValueError(f"unknown join state {update.join_state!r}")
    conn.execute("INSERT INTO rooms (room_id) VALUES (?) ON CONFLICT DO NOTHING", (update.room_id,))
    if update == RoomUpdate(update.room_id):
        return  # only making sure the row exists (a sync batch does it several times a room)
    conn.execute(
        "UPDATE rooms SET join_state = coalesce(?, join_state), is_direct = coalesce(?, is_direct),"
        " unread_count = coalesce(?, unread_count), highlight_count = coalesce(?, highlight_count),"
        " last_activity_ts = max(last_activity_ts, coalesce(?, 0)) WHERE room_id = ?",
        (
            update.join_state,
            update.is_direct,
            update.unread_count,
            update.highlight_count,
            update.last_activity_ts,
            update.room_id,
        ),
    )


# state event type → (rooms column, content key)
_SUMMARY = {
    "m.room.name": ("name", "name"),
    "m.room.topic": ("topic", "topic"),
    "m.room.avatar": ("avatar_url", "url"),
    "m.room.canonical_alias": ("canonical_alias", "alias"),
    "m.room.encryption": ("encryption", "algorithm"),
}


_UPSERT_STATE = (
    "INSERT INTO room_state (room_id, type, state_key, event_id, sender, origin_server_ts, "
    "content) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(room_id, type, state_key) DO UPDATE SET event_id = excluded.event_id, "
    "sender = excluded.sender, origin_server_ts = excluded.origin_server_ts, "
    "content = excluded.content"
)
_UPSERT_MEMBER = (
    "INSERT INTO members (room_id, user_id, display_name, avatar_url, membership) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(room_id, user_id) DO UPDATE SET "
    "display_name = excluded.display_name, avatar_url = excluded.avatar_url, "
    "membership = excluded.membership"
)


def apply_state(conn: Connection, room_id: str, events: Iterable[StateEvent]) -> None:
    """Store state events and keep the room row and member list in step with them (a few
    statements for the whole list: later events of the same key win, as one by one)."""
    state, members = [], []
    summary: dict[str, Any] = {}  # rooms column → value, the last event's
    for event in events:
        content = dict(event.content)
        state.append(
            (
                room_id,
                event.type,
                event.state_key,
                event.event_id,
                event.sender,
                event.origin_server_ts,
                dumps(content),
            )
        )
        if event.type in _SUMMARY and event.state_key == "":
            column, key = _SUMMARY[event.type]
            value = content.get(key)
            if event.type == "m.room.encryption" and value is None:
                continue  # encryption cannot be switched off
            summary[column] = value if isinstance(value, str) else None
        elif event.type == "m.room.create" and event.state_key == "":
            summary["is_space"] = content.get("type") == "m.space"
        elif event.type == "m.room.member":
            _str = _text_or_none
            members.append(
                (
                    room_id,
                    event.state_key,
                    _str(content.get("displayname")),
                    _str(content.get("avatar_url")),
                    _str(content.get("membership")) or "leave",
                )
            )
    if state:
        conn.executemany(_UPSERT_STATE, state)
    if members:
        conn.executemany(_UPSERT_MEMBER, members)
    if summary:
        assignments = ", ".join(f"{column} = ?" for column in summary)
        conn.execute(
            f"UPDATE rooms SET {assignments} WHERE room_id = ?", (*summary.values(), room_id)
        )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
