"""Migrations are append-only once on main: a shipped one is never edited, a new one is added."""

from __future__ import annotations

import hashlib
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[3] / "storage" / "migrations"

# A database at version N ran exactly these files; editing one would leave such databases with
# a schema no migration describes. Change the schema in a new numbered file, then add it here.
FROZEN = {
    "0001_initial.sql": "f6296344fa9b2b28159341a03d30ac4a228c686d8064d4d255c4b17769ba27c9",
    "0002_room_list_snapshot.sql": (
        "1c5c464a86f150ff56c677c53abad2972a2335900e317b2ed2be3695e4119488"
    ),
}


def test_shipped_migrations_are_unchanged():
    for name, digest in FROZEN.items():
        assert hashlib.sha256((MIGRATIONS / name).read_bytes()).hexdigest() == digest, (
            f"{name} changed: write a new migration instead"
        )


def test_every_migration_is_listed_here():
    assert sorted(p.name for p in MIGRATIONS.glob("*.sql")) == sorted(FROZEN)
