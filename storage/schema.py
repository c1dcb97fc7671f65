"""Find and parse the numbered schema migrations in storage/migrations/NNNN_name.sql."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_MIN_READER = re.compile(r"^--\s*min_reader:\s*(\d+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Migration:
    """One schema step. `min_reader` is the oldest schema a reader must know to use the result:

    a migration that only adds (tables, nullable columns, indexes) declares `-- min_reader: N`
    with the last breaking number, so an older Cercle still opens the database; by default a
    migration is breaking (min_reader = its own number), and older code refuses the file.
    """

    number: int
    name: str
    sql: str
    min_reader: int


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """All migrations in order; numbers must run 1, 2, 3 … without holes."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file {path.name} is not named NNNN_name.sql")
        number = int(match.group(1))
        sql = path.read_text(encoding="utf-8")
        declared = _MIN_READER.search(sql)
        min_reader = int(declared.group(1)) if declared else number
        if min_reader > number:
            raise ValueError(f"migration {path.name} declares a min_reader above its own number")
        found.append(Migration(number, match.group(2), sql, min_reader))
    if [m.number for m in found] != list(range(1, len(found) + 1)):
        raise ValueError("migrations must be numbered 0001, 0002, … without gaps")
    return found


LATEST = len(load_migrations()) if MIGRATIONS_DIR.is_dir() else 0
