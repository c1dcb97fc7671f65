"""The logged-in session (user, device, access token, homeserver) and the /sync token."""

from __future__ import annotations

from dataclasses import dataclass, field

from .db import Connection, Database
from .rows import now_ms


@dataclass(frozen=True)
class Session:
    """What restores a login without a password."""

    user_id: str
    device_id: str
    access_token: str = field(repr=False)
    homeserver: str


class SessionRepo:
    """Reads and writes the single session row and the sync token."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, session: Session) -> None:
        with self._db.write(durable=True) as conn:  # the server cannot give this back
            conn.execute(
                "INSERT INTO session (id, user_id, device_id, access_token, homeserver, saved_ts) "
                "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                " user_id = excluded.user_id, device_id = excluded.device_id,"
                " access_token = excluded.access_token,"
                " homeserver = excluded.homeserver, saved_ts = excluded.saved_ts",
                (
                    session.user_id,
                    session.device_id,
                    session.access_token,
                    session.homeserver,
                    now_ms(),
                ),
            )

    def load(self) -> Session | None:
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT user_id, device_id, access_token, homeserver FROM session WHERE id = 1"
            ).fetchone()
        return Session(*row) if row else None

    def clear(self) -> None:
        """Forget the session and the sync token (logout keeps the cache of other data)."""
        with self._db.write() as conn:
            conn.execute("DELETE FROM session")
            conn.execute("DELETE FROM sync_token")

    def sync_token(self) -> str | None:
        with self._db.read() as conn:
            row = conn.execute("SELECT next_batch FROM sync_token WHERE id = 1").fetchone()
        return row[0] if row else None

    def set_sync_token(self, next_batch: str) -> None:
        """Prefer `Store.write_sync_batch`, which saves the token with the data it covers."""
        with self._db.write() as conn:
            save_sync_token(conn, next_batch)


def save_sync_token(conn: Connection, next_batch: str) -> None:
    conn.execute(
        "INSERT INTO sync_token (id, next_batch) VALUES (1, ?) "
        "ON CONFLICT(id) DO UPDATE SET next_batch = excluded.next_batch",
        (next_batch,),
    )
