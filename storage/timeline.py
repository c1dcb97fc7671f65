"""Room timelines: events in order, gaps to back-paginate, relations, decryption and redaction."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .db import Connection, Database
from .rooms import RoomUpdate, StateEvent, apply_state, upsert_room
from .rows import dumps, loads

# Room positions are 64-bit: a limited sync opens a gap this wide above the newest event, which
# back-pagination fills downwards, so positions never need renumbering.
GAP_SPAN = 1 << 32


@dataclass(frozen=True)
class NewEvent:
    """An event to store, as the protocol layer hands it over (content already decrypted when
    possible; `raw` keeps the m.room.encrypted event for a later retry)."""

    event_id: str
    sender: str
    type: str
    origin_server_ts: int
    content: Mapping[str, Any]
    state_key: str | None = None
    encrypted: bool = False
    decryption_error: str | None = None
    raw: Mapping[str, Any] | None = None
    txn_id: str | None = None


@dataclass(frozen=True)
class TimelineEvent:
    """A stored event; `pos` orders it within its room."""

    pos: int
    event_id: str
    room_id: str
    sender: str
    type: str
    state_key: str | None
    origin_server_ts: int
    content: dict[str, Any] = field(repr=False)
    encrypted: bool
    decryption_error: str | None
    txn_id: str | None
    redacted_by: str | None


@dataclass(frozen=True)
class Gap:
    """Events are missing just below `pos`; paginate backwards from `token` to fill them."""

    room_id: str
    pos: int
    token: str


@dataclass(frozen=True)
class TimelinePage:
    """A page of events in ascending order, and the gaps that lie among or just below them."""

    events: list[TimelineEvent]
    gaps: list[Gap]
    at_start: bool  # nothing older is stored and no gap is pending: the room's beginning


@dataclass(frozen=True)
class Reaction:
    key: str
    count: int
    senders: list[str]


_COLUMNS = (
    "pos, event_id, room_id, sender, type, state_key, origin_server_ts, content, encrypted, "
    "decryption_error, txn_id, redacted_by"
)


def _event(row: tuple) -> TimelineEvent:
    values = list(row)
    values[7] = loads(values[7])
    values[8] = bool(values[8])
    return TimelineEvent(*values)


def searchable_text(type: str, content: Mapping[str, Any]) -> str | None:
    """The text the full-text index holds for an event: a message's body (an edit's new body)."""
    if type != "m.room.message":
        return None
    new = content.get("m.new_content")
    body = new.get("body") if isinstance(new, Mapping) else None
    if not isinstance(body, str):
        body = content.get("body")
    return body if isinstance(body, str) and body else None


def room_token(room_id: str) -> str:
    """The one full-text token standing for a room (letters and digits only, fixed length)."""
    return "r" + hashlib.sha256(room_id.encode()).hexdigest()[:24]


def relations_of(content: Mapping[str, Any]) -> list[tuple[str, str, str | None]]:
    """(rel_type, target event id, annotation key) found in an event's content."""
    found: list[tuple[str, str, str | None]] = []
    relates = content.get("m.relates_to")
    if not isinstance(relates, Mapping):
        return found
    rel_type, target = relates.get("rel_type"), relates.get("event_id")
    if isinstance(rel_type, str) and isinstance(target, str):
        key = relates.get("key") if rel_type == "m.annotation" else None
        found.append((rel_type, target, key if isinstance(key, str) else None))
    reply = relates.get("m.in_reply_to")
    if isinstance(reply, Mapping) and isinstance(reply.get("event_id"), str):
        found.append(("m.in_reply_to", reply["event_id"], None))
    return found


class TimelineRepo:
    """Reads and writes room timelines; every method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- writing -----------------------------------------------------------------------------

    def append(
        self,
        room_id: str,
        events: Sequence[NewEvent],
        *,
        limited: bool = False,
        prev_batch: str | None = None,
    ) -> list[int]:
        """Append events from a sync (oldest first); returns the positions given to new ones."""
        with self._db.write() as conn:
            return append_events(conn, room_id, events, limited=limited, prev_batch=prev_batch)

    def backfill(
        self, room_id: str, gap_pos: int, events: Sequence[NewEvent], end_token: str | None
    ) -> list[int]:
        """Fill the gap below `gap_pos` with events from /messages?dir=b (newest first).

        `end_token` is the response's `end` (None once the room's start is reached). The gap
        closes when an event is already stored or there is nothing older; otherwise it moves
        below the new events with the new token. Returns the new events' positions.
        """
        with self._db.write() as conn:
            return backfill_events(conn, room_id, gap_pos, events, end_token)

    def set_decrypted(self, event_id: str, type: str, content: Mapping[str, Any]) -> bool:
        """Replace an undecrypted event's content once its key arrives; False if unknown."""
        with self._db.write() as conn:
            row = conn.execute(
                "UPDATE events SET type = ?, content = ?, decryption_error = NULL "
                "WHERE event_id = ? RETURNING id, room_id",
                (type, dumps(dict(content)), event_id),
            ).fetchone()
            if row is None:
                return False
            _index(conn, row[0], row[1], type, content, replace=True)
            _store_relations(conn, event_id, content)
            return True

    def set_decryption_error(self, event_id: str, reason: str) -> None:
        with self._db.write() as conn:
            conn.execute(
                "UPDATE events SET decryption_error = ? WHERE event_id = ?", (reason, event_id)
            )

    def redact(self, event_id: str, redacted_by: str) -> bool:
        """Strip an event's content (and drop the relations it made) after a redaction."""
        with self._db.write() as conn:
            return redact_event(conn, event_id, redacted_by)

    # -- reading -----------------------------------------------------------------------------

    def get(self, event_id: str) -> TimelineEvent | None:
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE event_id = ?", (event_id,)
            ).fetchone()
        return _event(row) if row else None

    def page(self, room_id: str, *, before: int | None = None, limit: int = 50) -> TimelinePage:
        """Up to `limit` events below position `before` (newest when None), oldest first."""
        bound = before if before is not None else (1 << 62)
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE room_id = ? AND pos < ? "
                "ORDER BY pos DESC LIMIT ?",
                (room_id, bound, limit),
            ).fetchall()
            events = [_event(r) for r in reversed(rows)]
            low = events[0].pos if len(events) == limit else -(1 << 62)
            gaps = [
                Gap(room_id, pos, token)
                for pos, token in conn.execute(
                    "SELECT pos, token FROM timeline_gaps WHERE room_id = ? AND pos >= ? "
                    "AND pos <= ? ORDER BY pos",
                    (room_id, low, bound),
                )
            ]
        at_start = len(events) < limit and not any(
            g.pos <= (events[0].pos if events else bound) for g in gaps
        )
        return TimelinePage(events, gaps, at_start)

    def page_after(self, room_id: str, after: int, limit: int = 50) -> list[TimelineEvent]:
        """Up to `limit` events above position `after`, oldest first (to catch up a view)."""
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE room_id = ? AND pos > ? ORDER BY pos LIMIT ?",
                (room_id, after, limit),
            ).fetchall()
        return [_event(r) for r in rows]

    def gaps(self, room_id: str) -> list[Gap]:
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT pos, token FROM timeline_gaps WHERE room_id = ? ORDER BY pos", (room_id,)
            ).fetchall()
        return [Gap(room_id, pos, token) for pos, token in rows]

    def undecrypted(self, room_id: str | None = None, limit: int = 200) -> list[TimelineEvent]:
        """Events still waiting for their key (newest first), with the raw event kept."""
        where, args = ("AND room_id = ?", (room_id,)) if room_id else ("", ())
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM events WHERE decryption_error IS NOT NULL {where} "
                "ORDER BY id DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        return [_event(r) for r in rows]

    def raw(self, event_id: str) -> dict[str, Any] | None:
        """The original m.room.encrypted event kept for a decryption retry."""
        with self._db.read() as conn:
            row = conn.execute("SELECT raw FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return loads(row[0]) if row else None

    # -- relations ---------------------------------------------------------------------------

    def latest_edit(self, event_id: str) -> TimelineEvent | None:
        """The newest m.replace of an event by its own sender (others' edits are ignored)."""
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {', '.join('e.' + c.strip() for c in _COLUMNS.split(','))} "
                "FROM relations r JOIN events e ON e.event_id = r.event_id "
                "JOIN events o ON o.event_id = r.relates_to "
                "WHERE r.relates_to = ? AND r.rel_type = 'm.replace' AND e.sender = o.sender "
                "AND e.redacted_by IS NULL ORDER BY e.origin_server_ts DESC, e.id DESC LIMIT 1",
                (event_id,),
            ).fetchone()
        return _event(row) if row else None

    def reactions(self, event_id: str) -> list[Reaction]:
        """Annotation keys on an event with their counts, most used first."""
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT r.key, count(DISTINCT e.sender), group_concat(DISTINCT e.sender) "
                "FROM relations r JOIN events e ON e.event_id = r.event_id "
                "WHERE r.relates_to = ? AND r.rel_type = 'm.annotation' AND r.key IS NOT NULL "
                "AND e.redacted_by IS NULL GROUP BY r.key ORDER BY 2 DESC, min(e.id)",
                (event_id,),
            ).fetchall()
        return [Reaction(key, count, sorted(senders.split(","))) for key, count, senders in rows]

    def related_to(self, event_ids: Sequence[str]) -> set[str]:
        """Those of `event_ids` that other events relate to (edit, reaction, reply, thread):
        one read for a whole page, so rows without relations need no further reads."""
        found: set[str] = set()
        ids = list(event_ids)
        with self._db.read() as conn:
            for start in range(0, len(ids), 500):  # SQLite caps a statement's parameters
                chunk = ids[start : start + 500]
                found.update(
                    row[0]
                    for row in conn.execute(
                        "SELECT DISTINCT relates_to FROM relations "
                        f"WHERE relates_to IN ({','.join('?' * len(chunk))})",
                        chunk,
                    )
                )
        return found

    def thread(self, root_id: str, limit: int = 200) -> list[TimelineEvent]:
        """Events in a thread (without the root), oldest first."""
        return self._related(root_id, "m.thread", limit)

    def replies(self, event_id: str, limit: int = 200) -> list[TimelineEvent]:
        """Events that reply to this one, oldest first."""
        return self._related(event_id, "m.in_reply_to", limit)

    def _related(self, event_id: str, rel_type: str, limit: int) -> list[TimelineEvent]:
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {', '.join('e.' + c.strip() for c in _COLUMNS.split(','))} "
                "FROM relations r JOIN events e ON e.event_id = r.event_id "
                "WHERE r.relates_to = ? AND r.rel_type = ? ORDER BY e.pos LIMIT ?",
                (event_id, rel_type, limit),
            ).fetchall()
        return [_event(r) for r in rows]


# -- unit-of-work helpers (take the writer connection, used by the batch writer too) -----------


_INSERT_EVENT = (
    "INSERT INTO events (event_id, room_id, pos, sender, type, state_key, origin_server_ts, "
    "content, encrypted, decryption_error, raw, txn_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING"
)


def _insert(conn: Connection, room_id: str, pos: int, event: NewEvent) -> bool:
    cursor = conn.execute(
        _INSERT_EVENT,
        (
            event.event_id,
            room_id,
            pos,
            event.sender,
            event.type,
            event.state_key,
            event.origin_server_ts,
            dumps(dict(event.content)),
            event.encrypted,
            event.decryption_error,
            dumps(dict(event.raw)) if event.raw is not None else None,
            event.txn_id,
        ),
    )
    if not cursor.rowcount:
        return False
    _index(conn, cursor.lastrowid, room_id, event.type, event.content)
    _store_relations(conn, event.event_id, event.content)
    return True


def _unknown(conn: Connection, events: Sequence[NewEvent]) -> list[NewEvent]:
    """The events not stored yet (nor repeated earlier in `events`), in order: one read."""
    ids = [e.event_id for e in events]
    known: set[str] = set()
    for start in range(0, len(ids), 500):  # SQLite caps a statement's parameters
        chunk = ids[start : start + 500]
        known.update(
            row[0]
            for row in conn.execute(
                f"SELECT event_id FROM events WHERE event_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    fresh = []
    for event in events:
        if event.event_id not in known:
            known.add(event.event_id)
            fresh.append(event)
    return fresh


def _insert_many(conn: Connection, room_id: str, start: int, events: Sequence[NewEvent]) -> None:
    """Inserts new events at positions start, start + 1…, with their full-text rows and
    relations, a few statements for the whole list (what _insert does one by one)."""
    conn.executemany(
        _INSERT_EVENT,
        [
            (
                e.event_id,
                room_id,
                start + i,
                e.sender,
                e.type,
                e.state_key,
                e.origin_server_ts,
                dumps(dict(e.content)),
                e.encrypted,
                e.decryption_error,
                dumps(dict(e.raw)) if e.raw is not None else None,
                e.txn_id,
            )
            for i, e in enumerate(events)
        ],
    )
    texts = {
        e.event_id: text for e in events if (text := searchable_text(e.type, e.content)) is not None
    }
    if texts:
        token = room_token(room_id)
        rowids = conn.execute(
            "SELECT id, event_id FROM events WHERE room_id = ? AND pos >= ? AND pos < ?",
            (room_id, start, start + len(events)),
        ).fetchall()
        conn.executemany(
            "INSERT INTO events_fts (rowid, body, room) VALUES (?, ?, ?)",
            [(rowid, texts[event_id], token) for rowid, event_id in rowids if event_id in texts],
        )
    relations = [
        (e.event_id, rel_type, target, key)
        for e in events
        for rel_type, target, key in relations_of(e.content)
    ]
    if relations:
        conn.executemany(
            "INSERT OR REPLACE INTO relations (event_id, rel_type, relates_to, key) "
            "VALUES (?, ?, ?, ?)",
            relations,
        )


def _index(
    conn: Connection,
    rowid: int,
    room_id: str,
    type: str,
    content: Mapping[str, Any],
    replace: bool = False,
) -> None:
    if replace:
        conn.execute("DELETE FROM events_fts WHERE rowid = ?", (rowid,))
    text = searchable_text(type, content)
    if text is not None:
        conn.execute(
            "INSERT INTO events_fts (rowid, body, room) VALUES (?, ?, ?)",
            (rowid, text, room_token(room_id)),
        )


def _store_relations(conn: Connection, event_id: str, content: Mapping[str, Any]) -> None:
    rels = relations_of(content)
    if rels:
        conn.executemany(
            "INSERT OR REPLACE INTO relations (event_id, rel_type, relates_to, key) "
            "VALUES (?, ?, ?, ?)",
            [(event_id, rel_type, target, key) for rel_type, target, key in rels],
        )


def append_events(
    conn: Connection,
    room_id: str,
    events: Sequence[NewEvent],
    *,
    limited: bool = False,
    prev_batch: str | None = None,
) -> list[int]:
    """Append a sync's timeline above the newest stored event (see TimelineRepo.append)."""
    upsert_room(conn, RoomUpdate(room_id))
    top = conn.execute("SELECT max(pos) FROM events WHERE room_id = ?", (room_id,)).fetchone()[0]
    if top is None:
        start = 0
    elif limited:
        start = top + GAP_SPAN
    else:
        start = top + 1
    fresh = _unknown(conn, events)
    if not fresh:
        return []
    positions = list(range(start, start + len(fresh)))
    _insert_many(conn, room_id, start, fresh)
    if limited and prev_batch:
        conn.execute(
            "INSERT OR REPLACE INTO timeline_gaps (room_id, pos, token) VALUES (?, ?, ?)",
            (room_id, start, prev_batch),
        )
    state = [
        StateEvent(e.type, e.state_key, e.content, e.event_id, e.sender, e.origin_server_ts)
        for e in fresh
        if e.state_key is not None
    ]
    if state:
        apply_state(conn, room_id, state)
    for event in fresh:
        if event.type == "m.room.redaction":
            target = event.content.get("redacts")
            if isinstance(target, str):
                redact_event(conn, target, event.event_id)
    upsert_room(conn, RoomUpdate(room_id, last_activity_ts=max(e.origin_server_ts for e in fresh)))
    return positions


def backfill_events(
    conn: Connection,
    room_id: str,
    gap_pos: int,
    events: Sequence[NewEvent],
    end_token: str | None,
) -> list[int]:
    """Fill a gap downwards (see TimelineRepo.backfill)."""
    if not conn.execute(
        "SELECT 1 FROM timeline_gaps WHERE room_id = ? AND pos = ?", (room_id, gap_pos)
    ).fetchone():
        raise LookupError(f"no gap at {gap_pos} in {room_id}")
    below = conn.execute(
        "SELECT max(pos) FROM events WHERE room_id = ? AND pos < ?", (room_id, gap_pos)
    ).fetchone()[0]
    conn.execute("DELETE FROM timeline_gaps WHERE room_id = ? AND pos = ?", (room_id, gap_pos))
    positions: list[int] = []
    pos = gap_pos - 1
    closed = end_token is None
    for event in events:
        if (below is not None and pos <= below) or _known(conn, event.event_id):
            closed = True  # met the history we already have
            break
        _insert(conn, room_id, pos, event)
        positions.append(pos)
        pos -= 1
    if not closed and end_token:
        conn.execute(
            "INSERT OR REPLACE INTO timeline_gaps (room_id, pos, token) VALUES (?, ?, ?)",
            (room_id, pos + 1, end_token),
        )
    return positions


def _known(conn: Connection, event_id: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM events WHERE event_id = ?", (event_id,)).fetchone() is not None
    )


def redact_event(conn: Connection, event_id: str, redacted_by: str) -> bool:
    row = conn.execute(
        "UPDATE events SET content = '{}', raw = NULL, redacted_by = ? WHERE event_id = ? "
        "RETURNING id",
        (redacted_by, event_id),
    ).fetchone()
    conn.execute("DELETE FROM relations WHERE event_id = ?", (event_id,))
    if row is None:
        return False
    conn.execute("DELETE FROM events_fts WHERE rowid = ?", (row[0],))
    return True
