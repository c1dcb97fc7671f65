"""Benchmark: full-text search over 1M messages — p50/p95 per kind of query (prefixes included)."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path

from _corpus import MessageMaker, vocabulary

from cercle.storage.db import Database
from cercle.storage.store import Store, SyncBatch

DEFAULT_DIR = Path("/tmp/cercle-bench-search")
ROOMS = 500

QUERIES = {
    "full word": ["réunion", "budget", "projet", "meeting", "security", "facture", "planning"],
    "accents folded": ["reunion", "ecole", "securite", "evenement", "deploiement", "idee"],
    "prefix 2": ["pr", "se", "bu", "ré", "fa", "co"],
    "prefix 3": ["pro", "reu", "bud", "sec", "fac", "cli"],
    "prefix 4-6": ["proj", "budg", "secu", "chiff", "deplo", "présen"],
    "two words": ["budget prev", "réunion équipe", "projet client", "code rev", "server sec"],
    "rare word": [],  # filled from the vocabulary's tail
    "no match": ["zzqxw", "qwertyuiop", "xylophonique"],
    "one room": [],  # common words restricted to one room
}


def build(folder: Path, total: int) -> tuple[Path, bytes]:
    """Make the database once; later runs reuse it (delete the folder to rebuild)."""
    path, key_file, done = folder / "search.db", folder / "key.hex", folder / "complete"
    if done.exists():
        return path, bytes.fromhex(key_file.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    key = os.urandom(32)
    key_file.write_text(key.hex())  # a throw-away benchmark database, nothing secret in it
    db, _ = Database.open(path, key)
    store = Store(db, folder / "media")
    start = time.perf_counter()
    maker = MessageMaker(seed=11)
    for i, rooms in enumerate(maker.batches(total, 5000, rooms=ROOMS)):
        store.write_sync_batch(SyncBatch(f"s{i}", rooms))
        if (i + 1) % 20 == 0:
            done_n = (i + 1) * 5000
            print(f"  built {done_n} ({done_n / (time.perf_counter() - start):.0f} ev/s)")
    store.db.checkpoint()
    store.close()
    elapsed = time.perf_counter() - start
    print(f"built {total} messages in {elapsed:.0f} s ({total / elapsed:.0f} ev/s)")
    done.write_text(str(total))
    return path, key


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()
    path, key = build(args.dir, args.messages)
    print(f"database: {path.stat().st_size / 2**20:.0f} MiB for {args.messages} messages")
    db, _ = Database.open(path, key, key_verified=True)
    store = Store(db, args.dir / "media")
    QUERIES["rare word"] = vocabulary()[-6:]
    room_queries = ["projet", "réunion", "budget", "the", "pro"]
    store.search.search("warm the page cache up", limit=args.limit)
    timings: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    for _ in range(args.repeat):
        for kind, queries in QUERIES.items():
            for n, text in enumerate(room_queries if kind == "one room" else queries):
                room = f"!room{n * 37 % ROOMS}:bench.example" if kind == "one room" else None
                start = time.perf_counter()
                result = store.search.search(text, room_id=room, limit=args.limit)
                timings.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
                hits.setdefault(kind, []).append(len(result))
    store.close()
    every = [t for values in timings.values() for t in values]
    print(f"top {args.limit}, newest first, {args.repeat} runs of each query:")
    for kind, values in timings.items():
        print(
            f"  {kind:15s} p50 {pct(values, 0.5):7.1f} ms  p95 {pct(values, 0.95):7.1f} ms  "
            f"max {max(values):7.1f} ms  (hits/query {statistics.mean(hits[kind]):.0f})"
        )
    print(
        f"ALL {len(every)} queries: p50 {pct(every, 0.5):.1f} ms, p95 {pct(every, 0.95):.1f} ms "
        "(target p95 <= 50 ms)"
    )


if __name__ == "__main__":
    main()
