"""Benchmark: ingest 200k timeline events (rows + FTS), SQLCipher vs plain SQLite; open times."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from _corpus import MessageMaker

import cercle.storage.db as dbmod
from cercle.storage.db import Database
from cercle.storage.keys import KdfParams
from cercle.storage.profile import KeyOptions, Profile
from cercle.storage.store import Store, SyncBatch


@contextmanager
def plain_sqlite():
    """Baseline only: the same code and SQLite build (sqlcipher3) with no key, i.e. no cipher."""
    keyed = dbmod.connect_raw

    def unkeyed(path, key, *, check_same_thread=False):
        return dbmod.sqlcipher.connect(
            str(path), isolation_level=None, check_same_thread=check_same_thread, timeout=10
        )

    dbmod.connect_raw = unkeyed
    try:
        yield
    finally:
        dbmod.connect_raw = keyed


def open_store(path: Path, plain: bool) -> Store:
    if plain:
        with plain_sqlite():  # the writer connection is made here, unkeyed
            db, _ = Database.open(path, os.urandom(32))
    else:
        db, _ = Database.open(path, os.urandom(32))
    return Store(db, path.parent / "media")


def ingest_interleaved(work: Path, total: int, per_batch: int) -> dict[str, tuple[float, float]]:
    """Feed the same batches to a SQLCipher store and a plain one, alternating batch by batch,
    so both see the same load from the rest of the machine. Returns (wall s, CPU s) each."""
    stores = {}
    for label in ("sqlite", "sqlcipher"):
        (work / label).mkdir()
        stores[label] = open_store(work / label / "t.db", plain=label == "sqlite")
    spent = {label: [0.0, 0.0] for label in stores}
    maker = MessageMaker(seed=3)
    for i, rooms in enumerate(maker.batches(total, per_batch, rooms=200)):
        order = ("sqlite", "sqlcipher") if i % 2 else ("sqlcipher", "sqlite")
        for label in order:
            wall, cpu = time.perf_counter(), time.thread_time()
            stores[label].write_sync_batch(SyncBatch(f"s{i}", rooms))
            spent[label][0] += time.perf_counter() - wall
            spent[label][1] += time.thread_time() - cpu
    for store in stores.values():
        store.close()
    return {label: (wall, cpu) for label, (wall, cpu) in spent.items()}


def timed_open(path: Path, key: bytes, quick_check: bool) -> float:
    start = time.perf_counter()
    db, _ = Database.open(path, key, key_verified=True, quick_check=quick_check)
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cercle-bench-ingest-"))
    try:
        spent = ingest_interleaved(work, args.events, args.batch)
        for label, (wall, cpu) in spent.items():
            size = sum(p.stat().st_size for p in (work / label).glob("t.db*"))
            print(
                f"ingest {label:9s}: {args.events} events (rows + FTS), {wall:6.2f} s in the store "
                f"(CPU {cpu:6.2f} s) = {args.events / wall:7.0f} events/s, {size / 2**20:.0f} MiB"
            )
        wall_ratio = spent["sqlcipher"][0] / spent["sqlite"][0]
        cpu_ratio = spent["sqlcipher"][1] / spent["sqlite"][1]
        print(
            f"SQLCipher overhead: {wall_ratio:.2f}x wall time, {cpu_ratio:.2f}x CPU time of "
            f"plain SQLite (batches of {args.batch}, interleaved; target <= 1.2x)"
        )

        # open times on a database of that size
        key = os.urandom(32)
        path = work / "open" / "t.db"
        path.parent.mkdir()
        db, _ = Database.open(path, key)
        store = Store(db, path.parent / "media")
        for i, rooms in enumerate(MessageMaker(seed=5).batches(args.events, 5000, rooms=200)):
            store.write_sync_batch(SyncBatch(f"s{i}", rooms))
        store.db.checkpoint()
        store.close()
        for quick in (False, True):
            runs = sorted(timed_open(path, key, quick) for _ in range(5))
            print(
                f"Database.open, {args.events} events, quick_check={quick!s:5}: "
                f"median {runs[2] * 1000:7.1f} ms"
            )
        base = work / "profiles"
        options = KeyOptions(backend=_no_keyring())
        Profile.open("p", base=base, passphrase="bench", options=options).close()
        start = time.perf_counter()
        Profile.open("p", base=base, passphrase="bench", options=options).close()
        print(
            f"Profile.open (empty, passphrase mode, Argon2id {KdfParams().memory_kib // 1024} MiB "
            f"t={KdfParams().iterations}): {(time.perf_counter() - start) * 1000:.1f} ms"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _no_keyring():
    from keyring.backends.fail import Keyring

    return Keyring()


if __name__ == "__main__":
    main()
