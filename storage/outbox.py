"""The outbox: events to send, durable before their network send, with their delivery state."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from .db import Database, connect_raw
from .rows import dumps, loads, now_ms


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    txn_id: str
    room_id: str
    event_type: str
    content: dict[str, Any] = field(repr=False)
    state: OutboxState
    failure_reason: str | None
    attempts: int
    event_id: str | None
    created_ts: int
    updated_ts: int


_COLUMNS = (
    "id, txn_id, room_id, event_type, content, state, failure_reason, attempts, event_id, "
    "created_ts, updated_ts"
)
_UNSENT = "('queued', 'sending', 'failed')"


def _entry(row: tuple) -> OutboxEntry:
    values = list(row)
    values[4] = loads(values[4])
    values[5] = OutboxState(values[5])
    return OutboxEntry(*values)


def new_txn_id() -> str:
    """A transaction id unique to this device: the server dedupes resends by it."""
    return f"cercle.{now_ms()}.{secrets.token_hex(8)}"


class OutboxRepo:
    """Queue, state changes and export of unsent events. Each call is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def enqueue(
        self,
        room_id: str,
        event_type: str,
        content: Mapping[str, Any],
        txn_id: str | None = None,
    ) -> OutboxEntry:
        """Store an event to send; when this returns the entry is on disk, fsynced."""
        txn_id = txn_id or new_txn_id()
        now = now_ms()
        with self._db.write(durable=True) as conn:
            conn.execute(
                "INSERT INTO outbox (txn_id, room_id, event_type, content, state, created_ts, "
                "updated_ts) VALUES (?, ?, ?, ?, 'queued', ?, ?)",
                (txn_id, room_id, event_type, dumps(dict(content)), now, now),
            )
            row = conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE txn_id = ?", (txn_id,))
            return _entry(row.fetchone())

    def get(self, txn_id: str) -> OutboxEntry | None:
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE txn_id = ?", (txn_id,)
            ).fetchone()
        return _entry(row) if row else None

    def unsent(self, room_id: str | None = None) -> list[OutboxEntry]:
        """Queued, sending and failed entries in the order they were queued."""
        where, args = ("AND room_id = ?", (room_id,)) if room_id else ("", ())
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE state IN {_UNSENT} {where} ORDER BY id",
                args,
            ).fetchall()
        return [_entry(r) for r in rows]

    def next_queued(self) -> OutboxEntry | None:
        with self._db.read() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE state = 'queued' ORDER BY id LIMIT 1"
            ).fetchone()
        return _entry(row) if row else None

    def mark_sending(self, txn_id: str) -> None:
        """Call before the HTTP request starts; counts the attempt."""
        self._set(txn_id, "state = 'sending', attempts = attempts + 1, failure_reason = NULL")

    def mark_sent(self, txn_id: str, event_id: str) -> None:
        self._set(txn_id, "state = 'sent', event_id = ?, failure_reason = NULL", event_id)

    def mark_failed(self, txn_id: str, reason: str) -> None:
        self._set(txn_id, "state = 'failed', failure_reason = ?", reason)

    def retry(self, txn_id: str) -> None:
        self._set(txn_id, "state = 'queued', failure_reason = NULL")

    def _set(self, txn_id: str, assignments: str, *args: object) -> None:
        with self._db.write() as conn:
            cursor = conn.execute(
                f"UPDATE outbox SET {assignments}, updated_ts = ? WHERE txn_id = ?",
                (*args, now_ms(), txn_id),
            )
            if not cursor.rowcount:
                raise LookupError(f"no outbox entry {txn_id}")

    def cancel(self, txn_id: str) -> bool:
        """Drop an unsent entry; False if it was already sent or unknown."""
        with self._db.write() as conn:
            cursor = conn.execute(
                f"DELETE FROM outbox WHERE txn_id = ? AND state IN {_UNSENT}", (txn_id,)
            )
            return bool(cursor.rowcount)

    def recover_interrupted(self) -> int:
        """At start-up: entries left 'sending' by a crash go back to 'queued' (the txn id makes
        the resend idempotent on the server). Returns how many."""
        with self._db.write() as conn:
            cursor = conn.execute(
                "UPDATE outbox SET state = 'queued', updated_ts = ? WHERE state = 'sending'",
                (now_ms(),),
            )
            return cursor.rowcount

    def prune_sent(self, older_than_ts: int) -> int:
        with self._db.write() as conn:
            cursor = conn.execute(
                "DELETE FROM outbox WHERE state = 'sent' AND updated_ts < ?", (older_than_ts,)
            )
            return cursor.rowcount

    def restore(self, entries: list[OutboxEntry]) -> int:
        """Re-queue salvaged entries (after a rebuild); known txn ids are skipped."""
        with self._db.write(durable=True) as conn:
            count = 0
            for e in entries:
                cursor = conn.execute(
                    "INSERT INTO outbox (txn_id, room_id, event_type, content, state, attempts, "
                    "created_ts, updated_ts) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?) "
                    "ON CONFLICT(txn_id) DO NOTHING",
                    (
                        e.txn_id,
                        e.room_id,
                        e.event_type,
                        dumps(e.content),
                        e.attempts,
                        e.created_ts,
                        now_ms(),
                    ),
                )
                count += cursor.rowcount
            return count

    def export_json(self) -> str:
        """Every unsent entry as JSON (in memory: writing it anywhere is the caller's choice)."""
        return export_json(self.unsent())


def export_json(entries: list[OutboxEntry]) -> str:
    return json.dumps(
        {"format": "org.cercle.outbox.v1", "entries": [asdict(e) for e in entries]},
        ensure_ascii=False,
        indent=1,
    )


def entries_from_json(text: str) -> list[OutboxEntry]:
    data = json.loads(text)
    if data.get("format") != "org.cercle.outbox.v1":
        raise ValueError("not a Cercle outbox export")
    return [
        OutboxEntry(**{**item, "state": OutboxState(item["state"])}) for item in data["entries"]
    ]


def salvage(path: Path, key: bytes) -> list[OutboxEntry]:
    """Best effort on a damaged database: read what can still be read of the unsent outbox.

    Rows come one at a time so a bad page loses only what it holds. Returns [] if the
    outbox itself is unreadable. Never writes to the file.
    """
    conn = connect_raw(path, key)
    found: list[OutboxEntry] = []
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        try:
            ids = [r[0] for r in conn.execute("SELECT id FROM outbox ORDER BY id").fetchall()]
        except Exception:
            return found
        for outbox_id in ids:
            try:
                row = conn.execute(
                    f"SELECT {_COLUMNS} FROM outbox WHERE id = ? AND state IN {_UNSENT}",
                    (outbox_id,),
                ).fetchone()
            except Exception:
                continue
            if row:
                try:
                    found.append(_entry(row))
                except (ValueError, TypeError):
                    continue
    finally:
        conn.close()
    return found
