"""Open a profile's SQLCipher database: raw key, explicit cipher settings, one writer, readers."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TypeAlias

from sqlcipher3 import dbapi2 as sqlcipher

from .errors import CannotUnlock, DatabaseCorrupt, DiskFull, SchemaTooNew, StorageError
from .schema import Migration, load_migrations

log = logging.getLogger(__name__)
CLOSE_WAIT_S = 10.0  # how long close() waits for reads in progress on other threads

KEY_BYTES = 32
PAGE_SIZE = 4096
# 'Cerc' — marks the file as Cercle's in the (encrypted) header.
APPLICATION_ID = 0x43657263

# SQLCipher 4 defaults, written out so a library upgrade can never silently change the format.
CIPHER_SETTINGS = (
    f"PRAGMA cipher_page_size = {PAGE_SIZE}",
    "PRAGMA kdf_iter = 256000",
    "PRAGMA cipher_hmac_algorithm = HMAC_SHA512",
    "PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512",
    "PRAGMA cipher_use_hmac = ON",
    "PRAGMA cipher_plaintext_header_size = 0",
)
CONNECTION_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
    "PRAGMA temp_store = MEMORY",  # sorts and temp tables never spill to disk in clear
    # WAL + NORMAL: a commit survives a crash or kill and is never half-applied; only a power
    # cut can lose the latest ones. Sync data is fetched again (its token commits with it), so
    # that is fine for it; writes the server cannot give back use write(durable=True) = FULL.
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 10000",
)
# Page cache sizes (KiB, as negative cache_size). The writer's is larger: index merges re-read
# pages, and each page that falls out of the cache costs a decryption to read again.
WRITER_CACHE_KIB = 16384
READER_CACHE_KIB = 4096

# `PRAGMA quick_check` reads every page (~11 ms per MiB measured): run at open only below this
# size (≤ ~10 ms). Above it, truncation is still caught at open (SQLite compares the header's
# page count with the file), every page read checks its HMAC, and `Database.unchecked` tells
# the owner to run `integrity_check()` in the background once the app has started (a 1,000-room
# cache is ~14 MiB: its check at open was ~0.15 s of every cold start).
QUICK_CHECK_MAX_BYTES = 2**20

SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26

Connection: TypeAlias = sqlcipher.Connection
DatabaseError = sqlcipher.DatabaseError


@dataclass(frozen=True)
class OpenReport:
    """What happened while opening: schema versions before/after and whether the file was new."""

    created: bool
    version_before: int
    version_after: int


def raw_key_pragma(key: bytes) -> str:
    """The PRAGMA that hands SQLCipher a raw 256-bit key (no KDF on each open)."""
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is exactly 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def error_code(error: BaseException) -> int | None:
    """The primary SQLite result code of a driver error, if it carries one."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def translate(error: BaseException, path: str) -> BaseException:
    """Map driver errors the user can act on to typed ones; others pass through unchanged."""
    code = error_code(error)
    if code == SQLITE_FULL:
        return DiskFull()
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DatabaseCorrupt(path, str(error))
    return error


def _reraise(error: BaseException, path: str) -> NoReturn:
    typed = translate(error, path)
    if typed is error:
        raise error
    raise typed from error


def connect_raw(path: Path, key: bytes, *, check_same_thread: bool = False) -> Connection:
    """A keyed connection with the cipher settings applied; the key is not verified yet."""
    conn = sqlcipher.connect(
        str(path), isolation_level=None, check_same_thread=check_same_thread, timeout=10
    )
    try:
        # SQLCipher would print "hmac check failed" to stderr for a wrong key or a damaged page;
        # the store reports those as typed errors instead
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(raw_key_pragma(key))
        for pragma in CIPHER_SETTINGS:
            conn.execute(pragma)
    except BaseException:
        conn.close()
        raise
    return conn


class Database:
    """One profile's database: a single writer connection behind a lock, one reader per thread.

    Thread-safe and synchronous; the protocol layer calls it through `asyncio.to_thread`.
    Every write runs inside `with db.write() as conn:` — one IMMEDIATE transaction, committed on
    success and rolled back on any exception; `write(durable=True)` also fsyncs the commit (for
    what only this device has: the outbox, the session). Reads use `with db.read() as conn:`.
    """

    def __init__(self, path: Path, key: bytes, writer: Connection) -> None:
        self.path = path
        self._key = key
        self._writer = writer
        self._write_lock = threading.RLock()
        self._write_depth = 0
        self._durable = False
        self._local = threading.local()
        self._readers: list[Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self.unchecked = False  # opened without its full check: integrity_check() later
        # Reads in progress on any thread: close() waits for them, since closing a connection
        # another thread is reading with crashes the process (SQLite use-after-free).
        self._activity = threading.Condition()
        self._active_reads = 0

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        key: bytes,
        *,
        key_verified: bool = False,
        quick_check: bool | None = None,
        migrations: list[Migration] | None = None,
    ) -> tuple[Database, OpenReport]:
        """Open (or create) the database at `path` with a raw key and bring its schema up to date.

        A key that does not decrypt the file raises `CannotUnlock` and leaves it untouched — unless
        `key_verified` says the key is known to be right (checked against the profile's verifier),
        in which case an undecryptable file is `DatabaseCorrupt`. A truncated or damaged file raises
        `DatabaseCorrupt`; a schema whose minimum reader is newer than this code, `SchemaTooNew`.
        `quick_check=None` runs the full page check only on files up to QUICK_CHECK_MAX_BYTES.
        """
        path = Path(path)
        migrations = load_migrations() if migrations is None else migrations
        created = not path.exists() or path.stat().st_size == 0
        size = 0 if created else path.stat().st_size
        if size % PAGE_SIZE:
            raise DatabaseCorrupt(str(path), "the file is truncated")
        if quick_check is None:
            quick_check = size <= QUICK_CHECK_MAX_BYTES
        conn = connect_raw(path, key)
        try:
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher.DatabaseError as error:
                if error_code(error) == SQLITE_NOTADB and not key_verified:
                    raise CannotUnlock() from None
                raise DatabaseCorrupt(str(path), str(error)) from None
            if size and quick_check:
                check_integrity(conn, str(path))
            for pragma in CONNECTION_PRAGMAS:
                conn.execute(pragma)
            conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StorageError(f"cannot switch the database to WAL mode (got {mode})")
            if created:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            before = conn.execute("PRAGMA user_version").fetchone()[0]
            after = migrate(conn, migrations, str(path))
        except sqlcipher.Error as error:
            conn.close()
            _reraise(error, str(path))
        except BaseException:
            conn.close()
            raise
        for suffix in ("", "-wal", "-shm"):
            restrict(Path(str(path) + suffix))
        db = cls(path, key, conn)
        db.unchecked = bool(size) and not quick_check
        return db, OpenReport(created, before, after)

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def write(self, *, durable: bool = False) -> Iterator[Connection]:
        """The writer connection inside one IMMEDIATE transaction (nested calls join it).

        durable=True: the commit is fsynced before this returns (survives a power cut).
        """
        with self._write_lock:
            self._check_open()
            conn = self._writer
            if self._write_depth:
                if durable and not self._durable:
                    raise RuntimeError("a durable write cannot join an ordinary transaction")
                self._write_depth += 1
                try:
                    yield conn
                finally:
                    self._write_depth -= 1
                return
            self._write_depth = 1
            self._durable = durable
            try:
                if durable:  # the level can only change outside a transaction
                    conn.execute("PRAGMA synchronous = FULL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException as error:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    if isinstance(error, sqlcipher.Error):
                        _reraise(error, str(self.path))
                    raise
            except sqlcipher.Error as error:
                _reraise(error, str(self.path))
            finally:
                self._write_depth = 0
                if durable:
                    conn.execute("PRAGMA synchronous = NORMAL")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """This thread's reader connection inside a read snapshot (nested calls share it)."""
        depth = getattr(self._local, "depth", 0)
        if depth:
            conn = self._reader()
            self._local.depth = depth + 1
            try:
                yield conn
            finally:
                self._local.depth = depth
            return
        with self._activity:
            self._check_open()
            self._active_reads += 1
        try:
            conn = self._reader()
            self._local.depth = 1
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    conn.execute("ROLLBACK")
            except sqlcipher.Error as error:
                _reraise(error, str(self.path))
            finally:
                self._local.depth = 0
        finally:
            with self._activity:
                self._active_reads -= 1
                self._activity.notify_all()

    def _reader(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect_raw(self.path, self._key)
            for pragma in CONNECTION_PRAGMAS:
                conn.execute(pragma)
            conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
            conn.execute("PRAGMA query_only = ON")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("the database is closed")

    # -- upkeep ----------------------------------------------------------------------------

    def checkpoint(self) -> None:
        """Move the WAL into the main file and truncate it (e.g. before a backup or on idle)."""
        with self._write_lock:
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_check(self) -> None:
        """The full check (`PRAGMA quick_check`); raises `DatabaseCorrupt` on any finding."""
        with self.read() as conn:
            check_integrity(conn, str(self.path))

    def close(self, wait_s: float = CLOSE_WAIT_S) -> None:
        """Close every connection once reads in progress end; safe to call twice.

        New reads are refused at once; a read still running after `wait_s` (a stuck thread)
        keeps its connection open rather than crash the process, and is logged.
        """
        with self._activity:
            if self._closed:
                return
            self._closed = True
            drained = self._activity.wait_for(lambda: self._active_reads == 0, wait_s)
        with self._write_lock:
            with self._readers_lock:
                if drained:
                    for conn in self._readers:
                        conn.close()
                else:
                    log.warning(
                        "closing %s with reads still running: readers left open", self.path.name
                    )
                self._readers.clear()
            try:
                self._writer.execute("PRAGMA optimize")
            except sqlcipher.Error:
                log.debug("PRAGMA optimize failed at close", exc_info=True)
            self._writer.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_integrity(conn: Connection, path: str) -> None:
    """Raise `DatabaseCorrupt` unless `PRAGMA quick_check` reports ok."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlcipher.DatabaseError as error:
        raise DatabaseCorrupt(path, str(error)) from None
    if [tuple(r) for r in rows] != [("ok",)]:
        raise DatabaseCorrupt(path, "; ".join(str(r[0]) for r in rows[:3]))


def migrate(conn: Connection, migrations: list[Migration], path: str) -> int:
    """Apply pending migrations, each in its own transaction; return the resulting version."""
    latest = migrations[-1].number if migrations else 0
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > latest:
        min_reader = _min_reader(conn, current)
        if min_reader > latest:
            raise SchemaTooNew(current, latest)
        return current  # a newer, backwards-compatible schema: use it as it is
    for migration in migrations:
        if migration.number <= current:
            continue
        try:
            conn.executescript(
                "BEGIN IMMEDIATE;\n"
                f"{migration.sql}\n;"
                "INSERT INTO schema_meta(key, value) VALUES ('min_reader', "
                f"{migration.min_reader}) ON CONFLICT(key) DO UPDATE SET value = "
                f"max(CAST(value AS INTEGER), {migration.min_reader});\n"
                f"PRAGMA user_version = {migration.number};\n"
                "COMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("migrated %s to schema %d (%s)", path, migration.number, migration.name)
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _min_reader(conn: Connection, current: int) -> int:
    try:
        row = conn.execute("SELECT value FROM schema_meta WHERE key = 'min_reader'").fetchone()
    except sqlcipher.OperationalError:
        return current
    return int(row[0]) if row else current


def restrict(path: Path) -> None:
    """chmod 0600 a file the store owns, if it exists (umask already covers new files)."""
    with suppress(FileNotFoundError):
        os.chmod(path, 0o600)
