"""The media cache: each file AES-256-GCM encrypted under its own key, the key kept in the DB."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .db import Database
from .files import atomic_write, fsync_dir, private_dir, remove_quietly
from .rows import now_ms

log = logging.getLogger(__name__)

MAGIC = b"CMC1"  # Cercle media cache, format 1: MAGIC | 12-byte nonce | ciphertext+tag
NONCE_BYTES = 12


@dataclass(frozen=True)
class MediaInfo:
    mxc: str
    variant: str
    mime_type: str | None
    size: int
    created_ts: int
    last_access_ts: int


def thumbnail_variant(width: int, height: int, method: str = "scale") -> str:
    """The variant name of a server thumbnail, so originals and thumbnails share one cache."""
    return f"thumb:{width}x{height}:{method}"


def _aad(mxc: str, variant: str) -> bytes:
    # binds the ciphertext to its row: a file swapped under another mxc fails to decrypt
    return f"{mxc}\0{variant}".encode()


class MediaCache:
    """Originals and thumbnails, never a clear byte on disk; reads verify the GCM tag."""

    def __init__(self, db: Database, directory: Path) -> None:
        self._db = db
        self.directory = directory

    def put(
        self, mxc: str, data: bytes, *, variant: str = "", mime_type: str | None = None
    ) -> MediaInfo:
        """Encrypt and store `data`; replaces an earlier copy of the same (mxc, variant)."""
        private_dir(self.directory)
        key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(NONCE_BYTES)
        blob = MAGIC + nonce + AESGCM(key).encrypt(nonce, data, _aad(mxc, variant))
        file_name = secrets.token_hex(16)
        atomic_write(self.directory / file_name, blob)  # the file first: a crash leaves an orphan
        now = now_ms()
        try:
            with self._db.write() as conn:
                old = conn.execute(
                    "SELECT file_name FROM media WHERE mxc = ? AND variant = ?", (mxc, variant)
                ).fetchone()
                conn.execute(
                    "INSERT OR REPLACE INTO media (mxc, variant, file_name, key, mime_type, size,"
                    " created_ts, last_access_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (mxc, variant, file_name, key, mime_type, len(data), now, now),
                )
        except BaseException:
            remove_quietly(self.directory / file_name)
            raise
        if old:
            remove_quietly(self.directory / old[0])
        return MediaInfo(mxc, variant, mime_type, len(data), now, now)

    def get(self, mxc: str, variant: str = "") -> bytes | None:
        """The cached bytes, or None if absent; a damaged or missing file drops its row."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT file_name, key FROM media WHERE mxc = ? AND variant = ?", (mxc, variant)
            ).fetchone()
        if row is None:
            return None
        file_name, key = row
        try:
            blob = (self.directory / file_name).read_bytes()
            if not blob.startswith(MAGIC):
                raise InvalidTag
            nonce = blob[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
            data = AESGCM(key).decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES :], _aad(mxc, variant))
        except (FileNotFoundError, InvalidTag):
            log.warning("media cache entry unreadable; dropping it")
            self.delete(mxc, variant)
            return None
        with self._db.write() as conn:
            conn.execute(
                "UPDATE media SET last_access_ts = ? WHERE mxc = ? AND variant = ?",
                (now_ms(), mxc, variant),
            )
        return data

    def info(self, mxc: str, variant: str = "") -> MediaInfo | None:
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT mxc, variant, mime_type, size, created_ts, last_access_ts FROM media "
                "WHERE mxc = ? AND variant = ?",
                (mxc, variant),
            ).fetchone()
        return MediaInfo(*row) if row else None

    def delete(self, mxc: str, variant: str | None = None) -> int:
        """Drop one variant, or (variant=None) the original and all its thumbnails."""
        with self._db.write() as conn:
            if variant is None:
                rows = conn.execute(
                    "DELETE FROM media WHERE mxc = ? RETURNING file_name", (mxc,)
                ).fetchall()
            else:
                rows = conn.execute(
                    "DELETE FROM media WHERE mxc = ? AND variant = ? RETURNING file_name",
                    (mxc, variant),
                ).fetchall()
        for (file_name,) in rows:
            remove_quietly(self.directory / file_name)
        return len(rows)

    def total_size(self) -> int:
        with self._db.read() as conn:
            return conn.execute("SELECT coalesce(sum(size), 0) FROM media").fetchone()[0]

    def evict(self, max_bytes: int) -> int:
        """Drop least recently used entries until the cache holds at most `max_bytes`."""
        freed = 0
        with self._db.write() as conn:
            total = conn.execute("SELECT coalesce(sum(size), 0) FROM media").fetchone()[0]
            victims = []
            for mxc, variant, file_name, size in conn.execute(
                "SELECT mxc, variant, file_name, size FROM media ORDER BY last_access_ts, mxc"
            ).fetchall():
                if total - freed <= max_bytes:
                    break
                victims.append((mxc, variant, file_name))
                freed += size
            conn.executemany(
                "DELETE FROM media WHERE mxc = ? AND variant = ?", [(m, v) for m, v, _ in victims]
            )
        for _, _, file_name in victims:
            remove_quietly(self.directory / file_name)
        return freed

    def collect_orphans(self) -> int:
        """Delete files no row points at (a crash between file write and commit leaves one).

        Call it at start-up, before anything else writes media.
        """
        if not self.directory.is_dir():
            return 0
        with self._db.read() as conn:
            known = {r[0] for r in conn.execute("SELECT file_name FROM media")}
        removed = 0
        for path in self.directory.iterdir():
            if path.name not in known:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        if removed:
            fsync_dir(self.directory)
        return removed
