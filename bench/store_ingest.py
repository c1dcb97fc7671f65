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


def ingest(path: Path, total: int, per_batch: int) -> tuple[float, float, int]:
    db, _ = Database.open(path, os.urandom(32))
    store = Store(db, path.parent / "media")
    maker = MessageMaker(seed=3)
    batches = list(maker.batches(total, per_batch, rooms=200))  # text made before the clock
    start, cpu = time.perf_counter(), time.process_time()
    for i, rooms in enumerate(batches):
        store.write_sync_batch(SyncBatch(f"s{i}", rooms))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    store.close()
    return elapsed, cpu, size


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
    parser.add_argument("--rounds", type=int, default=2, help="alternate runs, keep the best")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cercle-bench-ingest-"))
    try:
        best: dict[str, tuple[float, float, int]] = {}
        for round_ in range(args.rounds):
            for label in ("sqlite", "sqlcipher"):
                folder = work / f"{label}{round_}"
                folder.mkdir()
                if label == "sqlite":
                    with plain_sqlite():
                        result = ingest(folder / "t.db", args.events, args.batch)
                else:
                    result = ingest(folder / "t.db", args.events, args.batch)
                shutil.rmtree(folder)
                elapsed, cpu, size = result
                print(
                    f"ingest {label:9s}: {args.events} events in {elapsed:6.2f} s "
                    f"(CPU {cpu:6.2f} s) = {args.events / elapsed:7.0f} events/s  "
                    f"(batches of {args.batch}, {size / 2**20:.0f} MiB on disk)"
                )
                if label not in best or elapsed < best[label][0]:
                    best[label] = result
        ratio = best["sqlcipher"][0] / best["sqlite"][0]
        cpu_ratio = best["sqlcipher"][1] / best["sqlite"][1]
        print(
            f"SQLCipher overhead (best of {args.rounds}): {ratio:.2f}x wall time, "
            f"{cpu_ratio:.2f}x CPU time of plain SQLite (target <= 1.2x)"
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
