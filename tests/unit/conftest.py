"""Fixtures the unit tests of several layers share."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def store(tmp_path):
    """A bare open Store on a fresh database (no profile, no keyring)."""
    from cercle.storage.db import Database
    from cercle.storage.store import Store

    db, _ = Database.open(tmp_path / "t.db", os.urandom(32))
    s = Store(db, tmp_path / "media")
    yield s
    s.close()
