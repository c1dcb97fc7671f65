"""Opening the SQLCipher database: keys, pragmas, damage, disk full, one writer and readers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from cercle.storage.db import PAGE_SIZE, Database, raw_key_pragma
from cercle.storage.errors import CannotUnlock, DatabaseCorrupt, DiskFull
from cercle.storage.schema import LATEST


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def fill(db: Database, rows: int = 50) -> None:
    with db.write() as conn:
        conn.execute("INSERT INTO rooms (room_id) VALUES ('!r:x')")
        conn.executemany(
            "INSERT INTO events (event_id, room_id, pos, sender, type, origin_server_ts, content)"
            " VALUES (?, '!r:x', ?, '@a:x', 'm.room.message', 0, ?)",
            [(f"$e{i}", i, '{"body": "' + "word " * 200 + '"}') for i in range(rows)],
        )


def test_new_database_is_migrated_and_configured(tmp_path):
    db, report = Database.open(tmp_path / "a.db", os.urandom(32))
    with db:
        assert report.created
        assert (report.version_before, report.version_after) == (0, LATEST)
        with db.read() as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
            assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
            assert conn.execute("PRAGMA cipher_page_size").fetchone()[0] == str(PAGE_SIZE)
            assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_file_is_not_sqlite_in_clear(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    fill(db)
    db.close()
    assert not (tmp_path / "a.db").read_bytes().startswith(b"SQLite format 3")


def test_reopen_with_same_key(tmp_path):
    key = os.urandom(32)
    db, _ = Database.open(tmp_path / "a.db", key)
    fill(db, 3)
    db.close()
    db, report = Database.open(tmp_path / "a.db", key)
    with db, db.read() as conn:
        assert not report.created
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 3


def test_wrong_key_is_cannot_unlock_and_leaves_files_untouched(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    fill(db)
    db.close()
    before = snapshot(tmp_path)
    with pytest.raises(CannotUnlock):
        Database.open(tmp_path / "a.db", os.urandom(32))
    assert snapshot(tmp_path) == before


def test_wrong_key_with_a_live_wal_leaves_it_untouched(tmp_path):
    key = os.urandom(32)
    db, _ = Database.open(tmp_path / "a.db", key)
    fill(db)  # committed into the WAL, not yet checkpointed: the writer stays open
    before = snapshot(tmp_path)
    assert (tmp_path / "a.db-wal").stat().st_size > 0
    with pytest.raises(CannotUnlock):
        Database.open(tmp_path / "a.db", os.urandom(32))
    after = snapshot(tmp_path)
    # -shm is SQLite's shared-memory lock and index (no data): any reader updates its read marks
    assert {n: after[n] for n in ("a.db", "a.db-wal")} == {
        n: before[n] for n in ("a.db", "a.db-wal")
    }
    assert set(after) == set(before)
    db.close()


def test_undecryptable_file_with_verified_key_is_corrupt(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    db.close()
    with pytest.raises(DatabaseCorrupt):
        Database.open(tmp_path / "a.db", os.urandom(32), key_verified=True)


def test_truncated_database_is_corrupt(tmp_path):
    key = os.urandom(32)
    db, _ = Database.open(tmp_path / "a.db", key)
    fill(db, 200)
    db.checkpoint()
    db.close()
    path = tmp_path / "a.db"
    size = path.stat().st_size
    assert size > 8 * PAGE_SIZE
    with open(path, "r+b") as handle:  # a whole number of pages, so only SQLite can tell
        handle.truncate(size // 2 // PAGE_SIZE * PAGE_SIZE)
    with pytest.raises(DatabaseCorrupt):
        Database.open(path, key, key_verified=True)


def test_database_cut_mid_page_is_corrupt(tmp_path):
    key = os.urandom(32)
    db, _ = Database.open(tmp_path / "a.db", key)
    fill(db, 20)
    db.checkpoint()
    db.close()
    path = tmp_path / "a.db"
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size - 100)
    with pytest.raises(DatabaseCorrupt):
        Database.open(path, key, key_verified=True)


def test_damaged_page_is_corrupt(tmp_path):
    key = os.urandom(32)
    db, _ = Database.open(tmp_path / "a.db", key)
    fill(db, 200)
    db.checkpoint()
    db.close()
    path = tmp_path / "a.db"
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // PAGE_SIZE * PAGE_SIZE + 100
    data[middle : middle + 64] = os.urandom(64)
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorrupt):
        Database.open(path, key, key_verified=True)


def test_failed_write_rolls_back(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    with db:

        def failing_write() -> None:
            with db.write() as conn:
                conn.execute("INSERT INTO rooms (room_id) VALUES ('!r:x')")
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            failing_write()
        with db.read() as conn:
            assert conn.execute("SELECT count(*) FROM rooms").fetchone()[0] == 0


def test_nested_writes_join_one_transaction(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    with db:

        def nested() -> None:
            with db.write() as outer:
                outer.execute("INSERT INTO rooms (room_id) VALUES ('!a:x')")
                with db.write() as inner:
                    inner.execute("INSERT INTO rooms (room_id) VALUES ('!b:x')")
                raise RuntimeError("the outer transaction fails after the inner one finished")

        with pytest.raises(RuntimeError):
            nested()
        with db.read() as conn:
            assert conn.execute("SELECT count(*) FROM rooms").fetchone()[0] == 0


def test_disk_full_is_typed_and_commits_nothing(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    with db:
        with db.write() as conn:
            conn.execute("INSERT INTO rooms (room_id) VALUES ('!r:x')")
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + 2}")

        def big_write() -> None:
            with db.write() as conn:
                conn.execute("INSERT INTO rooms (room_id, name) VALUES ('!big:x', 'kept?')")
                conn.executemany(
                    "INSERT INTO account_data (type, content) VALUES (?, ?)",
                    [(f"t{i}", "x" * 3000) for i in range(100)],
                )

        with pytest.raises(DiskFull):
            big_write()
        with db.read() as conn:
            assert conn.execute("SELECT room_id FROM rooms").fetchall() == [("!r:x",)]
            assert conn.execute("SELECT count(*) FROM account_data").fetchone()[0] == 0


def test_readers_see_committed_snapshots_while_one_writer_writes(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    with db.write() as conn:
        conn.execute("INSERT INTO rooms (room_id) VALUES ('!r:x')")
    errors: list[BaseException] = []
    seen: list[int] = []

    def writer(base: int) -> None:
        try:
            for i in range(100):
                with db.write() as conn:  # two rows per transaction: readers see pairs only
                    for j in (0, 1):
                        conn.execute(
                            "INSERT INTO events (event_id, room_id, pos, sender, type, "
                            "origin_server_ts, content) "
                            "VALUES (?, '!r:x', ?, '@a:x', 't', 0, '{}')",
                            (f"$w{base}-{i}-{j}", base + 2 * i + j),
                        )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def reader() -> None:
        try:
            for _ in range(200):
                with db.read() as conn:
                    seen.append(conn.execute("SELECT count(*) FROM events").fetchone()[0])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(b,)) for b in (0, 10_000)]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(count % 2 == 0 for count in seen)
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 400
    db.close()


def test_readers_cannot_write(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    with db, pytest.raises(Exception, match="readonly"), db.read() as conn:
        conn.execute("INSERT INTO rooms (room_id) VALUES ('!r:x')")


def test_raw_key_pragma_wants_32_bytes():
    with pytest.raises(ValueError, match="32 bytes"):
        raw_key_pragma(b"short")


CHILD = textwrap.dedent(
    """
    import sys
    from cercle.storage.db import Database
    db, _ = Database.open(sys.argv[1], bytes.fromhex(sys.argv[2]))
    with db.write() as conn:
        conn.execute("INSERT INTO rooms (room_id) VALUES ('!r:x')")
    i = 0
    while True:
        with db.write() as conn:
            conn.execute(
                "INSERT INTO outbox (txn_id, room_id, event_type, content, created_ts, "
                "updated_ts) VALUES (?, '!r:x', 'm.room.message', ?, 0, 0)",
                (f"t{i}", '{"body": "' + 'x' * (i % 3000) + '"}'),
            )
        print(i, flush=True)
        i += 1
    """
)


def test_sigkill_mid_write_loses_no_committed_row(tmp_path):
    key = os.urandom(32)
    path = tmp_path / "a.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), key.hex()],
        stdout=subprocess.PIPE,
        text=True,
    )
    reported = []
    assert child.stdout is not None
    for line in child.stdout:
        reported.append(int(line))
        if len(reported) >= 300:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    reported += [int(line) for line in child.stdout.read().split()]
    db, _ = Database.open(path, key, key_verified=True)
    with db, db.read() as conn:
        stored = {r[0] for r in conn.execute("SELECT txn_id FROM outbox")}
    assert {f"t{i}" for i in reported} <= stored
    assert len(stored) >= 300


def test_quick_check_at_open_only_for_small_files(tmp_path, monkeypatch):
    import cercle.storage.db as dbmod

    key = os.urandom(32)
    db, _ = Database.open(tmp_path / "a.db", key)
    fill(db, 50)
    db.checkpoint()
    db.close()
    calls = []
    monkeypatch.setattr(dbmod, "check_integrity", lambda conn, path: calls.append(path))
    db = Database.open(tmp_path / "a.db", key)[0]
    db.close()
    assert (len(calls), db.unchecked) == (1, False)
    monkeypatch.setattr(dbmod, "QUICK_CHECK_MAX_BYTES", PAGE_SIZE)
    db = Database.open(tmp_path / "a.db", key)[0]
    assert (len(calls), db.unchecked) == (1, True)  # too big: the owner checks it later
    db.integrity_check()
    db.close()
    assert len(calls) == 2
    db = Database.open(tmp_path / "a.db", key, quick_check=True)[0]
    db.close()
    assert (len(calls), db.unchecked) == (3, False)
    assert not Database.open(tmp_path / "new.db", key)[0].unchecked  # nothing to check yet


def test_durable_writes_fsync_and_ordinary_ones_do_not(tmp_path):
    db, _ = Database.open(tmp_path / "a.db", os.urandom(32))
    with db:
        with db.write() as conn:
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        with db.write(durable=True) as conn:
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            with db.write(durable=True) as inner:  # joining a durable one is fine
                inner.execute("INSERT INTO rooms (room_id) VALUES ('!r:x')")
        with db.write() as conn:
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1

        def durable_inside_ordinary() -> None:
            with db.write(), db.write(durable=True):
                pass

        with pytest.raises(RuntimeError, match="durable"):
            durable_inside_ordinary()
