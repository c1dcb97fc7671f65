"""The room list as last shown, kept for the next start: saved at a clean close, taken once."""

from __future__ import annotations

from .db import Database


class RoomListSnapshot:
    """One saved copy of the room list rows: opaque bytes in an `encoding` the protocol layer
    names (a copy in another one, from another version of Cercle, is never read)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, user_id: str, encoding: str, data: bytes) -> None:
        """Keeps `data` with the current sync position, replacing any earlier copy."""
        with self._db.write() as conn:
            row = conn.execute("SELECT next_batch FROM sync_token WHERE id = 1").fetchone()
            conn.execute(
                "INSERT OR REPLACE INTO room_list_snapshot (id, format, user_id, next_batch, data) "
                "VALUES (1, ?, ?, ?, ?)",
                (encoding, user_id, row[0] if row else None, data),
            )

    def take(self, user_id: str, encoding: str) -> bytes | None:
        """The saved copy if it was made for this user, in this format, at the current sync
        position (None otherwise); deleted either way, so that a run which ends without a
        clean close (a crash, a kill) leaves none behind to be shown stale."""
        with self._db.write() as conn:
            row = conn.execute(
                "SELECT s.format, s.user_id, s.next_batch IS t.next_batch, s.data "
                "FROM room_list_snapshot s LEFT JOIN sync_token t ON t.id = 1 WHERE s.id = 1"
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM room_list_snapshot")
        saved_format, saved_user, same_position, data = row
        if saved_format != encoding or saved_user != user_id or not same_position:
            return None
        return bytes(data)
