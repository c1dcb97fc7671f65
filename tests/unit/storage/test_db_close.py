"""Closing the database waits for reads on other threads (closing under them crashed)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from cercle.storage.db import Database
from cercle.storage.errors import StorageError


def test_close_waits_for_a_read_in_progress_then_refuses_new_reads(tmp_path):
    db, _ = Database.open(tmp_path / "t.db", os.urandom(32))
    inside, release, finished = threading.Event(), threading.Event(), []

    def reader() -> None:
        with db.read() as conn:
            inside.set()
            release.wait(5)
            finished.append(conn.execute("SELECT count(*) FROM rooms").fetchone()[0])

    thread = threading.Thread(target=reader)
    thread.start()
    inside.wait(5)
    closer = threading.Thread(target=db.close)
    closer.start()
    time.sleep(0.2)
    assert closer.is_alive()  # waiting for the reader, not closing under it
    release.set()
    thread.join(5)
    closer.join(5)
    assert finished == [0]  # the read completed on an open connection
    assert not closer.is_alive()
    with pytest.raises(StorageError), db.read():
        pass


def test_a_stuck_read_does_not_block_close_forever(tmp_path, caplog):
    db, _ = Database.open(tmp_path / "t.db", os.urandom(32))
    inside, release = threading.Event(), threading.Event()

    def reader() -> None:
        with db.read() as conn:
            inside.set()
            release.wait(5)
            conn.execute("SELECT 1").fetchone()  # its connection was left open: no crash

    thread = threading.Thread(target=reader)
    thread.start()
    inside.wait(5)
    db.close(wait_s=0.1)
    assert "reads still running" in caplog.text
    release.set()
    thread.join(5)
