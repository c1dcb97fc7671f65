"""Schema migrations: each one from a fixture database of the previous version; newer refused."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from cercle.storage.db import Connection, Database
from cercle.storage.errors import SchemaTooNew
from cercle.storage.schema import LATEST, load_migrations

MIGRATIONS = load_migrations()


# version N -> rows a database at version N holds before migration N+1 runs
def fixture_v0(conn: Connection) -> None:
    """Version 0 is a brand-new, empty file."""


def fixture_v1(conn: Connection) -> None:
    """An account that synced: its rows must come through 0002 untouched."""
    conn.execute("INSERT INTO sync_token (id, next_batch) VALUES (1, 's42')")
    conn.execute(
        "INSERT INTO rooms (room_id, name, last_activity_ts) VALUES ('!r:x', 'Atelier', 5)"
    )


FIXTURES: dict[int, Callable[[Connection], None]] = {0: fixture_v0, 1: fixture_v1}


# version N -> what must hold right after migration N ran on FIXTURES[N-1]
def check_v1(conn: Connection) -> None:
    conn.execute("INSERT INTO rooms (room_id, last_activity_ts) VALUES ('!r:x', 5)")
    conn.execute(
        "INSERT INTO events (event_id, room_id, pos, sender, type, origin_server_ts, content) "
        "VALUES ('$1', '!r:x', 0, '@a:x', 'm.room.message', 5, '{\"body\": \"Réunion école\"}')"
    )
    conn.execute("INSERT INTO events_fts (rowid, body, room) VALUES (1, 'Réunion école', 'r1')")
    hits = conn.execute("SELECT rowid FROM events_fts WHERE events_fts MATCH 'ecol*'").fetchall()
    assert hits == [(1,)]
    conn.execute("DELETE FROM events WHERE id = 1")  # the trigger keeps the index in step
    assert (
        conn.execute("SELECT rowid FROM events_fts WHERE events_fts MATCH 'ecol*'").fetchall() == []
    )
    assert conn.execute("SELECT value FROM schema_meta WHERE key = 'min_reader'").fetchone() == (
        "1",
    )


def check_v2(conn: Connection) -> None:
    assert conn.execute("SELECT name FROM rooms").fetchall() == [("Atelier",)]
    assert conn.execute("SELECT count(*) FROM room_list_snapshot").fetchone() == (0,)
    conn.execute(
        "INSERT INTO room_list_snapshot (id, format, user_id, next_batch, data) "
        "VALUES (1, 'f', '@me:x', 's42', x'00')"
    )
    with pytest.raises(Exception, match="CHECK constraint"):  # one saved list at most
        conn.execute(
            "INSERT INTO room_list_snapshot (id, format, user_id, data) VALUES (2, 'f', 'u', x'')"
        )
    # Only a table added: a Cercle that knows schema 1 still opens the file.
    assert conn.execute("SELECT value FROM schema_meta WHERE key = 'min_reader'").fetchone() == (
        "1",
    )


CHECKS: dict[int, Callable[[Connection], None]] = {1: check_v1, 2: check_v2}


def database_at(path: Path, key: bytes, version: int) -> None:
    db, report = Database.open(path, key, migrations=MIGRATIONS[:version])
    assert report.version_after == version
    with db.write() as conn:
        FIXTURES[version](conn)
    db.close()


def test_every_migration_has_a_fixture_and_a_check():
    numbers = {m.number for m in MIGRATIONS}
    assert numbers == set(range(1, LATEST + 1))
    assert {n - 1 for n in numbers} <= set(FIXTURES), "add FIXTURES[N-1] for a new migration"
    assert numbers <= set(CHECKS), "add CHECKS[N] for a new migration"


@pytest.mark.parametrize("migration", MIGRATIONS, ids=lambda m: f"{m.number:04d}_{m.name}")
def test_migration_from_previous_version(tmp_path, migration):
    key = os.urandom(32)
    path = tmp_path / "m.db"
    database_at(path, key, migration.number - 1)
    db, report = Database.open(path, key, migrations=MIGRATIONS[: migration.number])
    with db:
        assert report.version_before == migration.number - 1
        assert report.version_after == migration.number
        with db.write() as conn:
            CHECKS[migration.number](conn)
        db.integrity_check()


def test_latest_reopens_without_migrating(tmp_path):
    key = os.urandom(32)
    Database.open(tmp_path / "m.db", key)[0].close()
    db, report = Database.open(tmp_path / "m.db", key)
    db.close()
    assert report.version_before == report.version_after == LATEST


def bump(path: Path, key: bytes, version: int, min_reader: int) -> None:
    db, _ = Database.open(path, key)
    with db.write() as conn:
        conn.execute("UPDATE schema_meta SET value = ? WHERE key = 'min_reader'", (min_reader,))
    db._writer.execute(f"PRAGMA user_version = {version}")
    db.close()


def test_newer_breaking_schema_is_refused_untouched(tmp_path):
    key = os.urandom(32)
    path = tmp_path / "m.db"
    bump(path, key, LATEST + 1, LATEST + 1)
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="newer version of Cercle") as caught:
        Database.open(path, key)
    assert (caught.value.found, caught.value.supported) == (LATEST + 1, LATEST)
    assert path.read_bytes() == before


def test_newer_additive_schema_is_opened_as_is(tmp_path):
    key = os.urandom(32)
    path = tmp_path / "m.db"
    bump(path, key, LATEST + 1, LATEST)
    db, report = Database.open(path, key)
    db.close()
    assert report.version_after == LATEST + 1


def write_migrations(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir()
    for name, sql in files.items():
        (directory / name).write_text(sql, encoding="utf-8")
    return directory


FIRST = "CREATE TABLE schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"


def test_additive_migration_keeps_older_readers(tmp_path):
    folder = write_migrations(
        tmp_path / "mig",
        {
            "0001_base.sql": FIRST + "CREATE TABLE a (x);",
            "0002_more.sql": "-- min_reader: 1\nCREATE TABLE b (y);",
        },
    )
    key = os.urandom(32)
    Database.open(tmp_path / "m.db", key, migrations=load_migrations(folder))[0].close()
    db, report = Database.open(tmp_path / "m.db", key, migrations=load_migrations(folder)[:1])
    db.close()
    assert report.version_after == 2


def test_failed_migration_rolls_back_whole(tmp_path):
    folder = write_migrations(
        tmp_path / "mig",
        {
            "0001_base.sql": FIRST,
            "0002_broken.sql": "CREATE TABLE half (x);\nINSERT INTO missing VALUES (1);",
        },
    )
    key = os.urandom(32)
    path = tmp_path / "m.db"
    Database.open(path, key, migrations=load_migrations(folder)[:1])[0].close()
    with pytest.raises(Exception, match="no such table"):
        Database.open(path, key, migrations=load_migrations(folder))
    db, report = Database.open(path, key, migrations=load_migrations(folder)[:1])
    with db, db.read() as conn:
        assert report.version_after == 1
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchall() == []


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"0001_a.sql": "", "0003_c.sql": ""}, "without gaps"),
        ({"1_a.sql": ""}, "NNNN_name"),
        ({"0001_a.sql": "-- min_reader: 5\n"}, "min_reader above"),
    ],
)
def test_bad_migration_folders_are_rejected(tmp_path, files, message):
    folder = write_migrations(tmp_path / "mig", files)
    with pytest.raises(ValueError, match=message):
        load_migrations(folder)
