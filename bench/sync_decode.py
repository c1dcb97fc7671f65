"""Benchmark: Cercle's /sync decoder (protocol/decode.py + crypto_feed) against nio's from_dict
on the same response: time, what the stored batches differ in, and hostile events."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import time
from collections import Counter
from collections.abc import Mapping

import nio
from synthetic_sync import OWN_USER, SyntheticAccount, count_events

from cercle.protocol import crypto_feed
from cercle.protocol.decode import decode, finish
from cercle.protocol.ingest import to_batch
from cercle.storage.store import SyncBatch


def decode_sync(body: dict) -> tuple[SyncBatch, Counter[str]]:
    """What SyncEngine.ingest_body does before the write: decode, nio's part, finish."""
    decoded = decode(body, OWN_USER)

    clear = {}

    async def feed() -> None:  # returns nothing: asyncio.run is slow to return big objects
        config = nio.AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False)
        client = nio.AsyncClient("http://127.0.0.1:9", OWN_USER, config=config)
        client.user_id = OWN_USER
        clear.update(crypto_feed.decrypted(await crypto_feed.feed(client, decoded)))
        await client.close()

    asyncio.run(feed())
    return finish(decoded, clear), decoded.dropped


# -- the comparison ------------------------------------------------------------------------


def _why(ours: Mapping, nios: Mapping, what: str) -> str:
    if ours != nios and all(nios.get(k) == v for k, v in ours.items()):
        added = sorted(nios.keys() - ours.keys())
        return f"{what}: nio wrote schema defaults into content {added}"
    if ours == nios:
        return f"{what}: same content, other fields differ (encrypted/decryption_error/raw)"
    return f"{what}: content differs"


def compare(ours: SyncBatch, nios: SyncBatch) -> Counter:
    """Differences between the two batches, by kind (same rooms, events, state, receipts?)."""
    diff: Counter = Counter()
    theirs = {r.room_id: r for r in nios.rooms}
    for room in ours.rooms:
        other = theirs.pop(room.room_id, None)
        if other is None:
            diff["room only in Cercle's"] += 1
            continue
        a = {e.event_id: e for e in room.timeline}
        b = {e.event_id: e for e in other.timeline}
        diff["timeline event only in nio path"] += len(b.keys() - a.keys())
        diff["timeline event only in Cercle's"] += len(a.keys() - b.keys())
        for key in a.keys() & b.keys():
            if a[key] != b[key]:
                diff[_why(a[key].content, b[key].content, f"timeline {a[key].type}")] += 1
        sa = {(s.type, s.state_key): s for s in room.state}
        sb = {(s.type, s.state_key): s for s in other.state}
        diff["state only in nio path"] += len(sb.keys() - sa.keys())
        diff["state only in Cercle's"] += len(sa.keys() - sb.keys())
        for key in sa.keys() & sb.keys():
            if sa[key] != sb[key]:
                diff[_why(sa[key].content, sb[key].content, f"state {key[0]}")] += 1
        diff["receipts differ"] += set(room.receipts) != set(other.receipts)
        diff["room fields differ"] += (room.limited, room.prev_batch, room.unread_count) != (
            other.limited,
            other.prev_batch,
            other.unread_count,
        )
    diff["room only in nio path"] += len(theirs)
    return +diff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    body = SyntheticAccount(args.rooms, seed=args.seed).first_sync()
    data = json.dumps(body, ensure_ascii=False).encode()
    events = count_events(body)["total"]

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    nio_runs, ours_runs = [], []
    for _ in range(args.repeat):
        parsed = json.loads(data)
        t = clock()
        nios = to_batch(nio.SyncResponse.from_dict(parsed), OWN_USER)
        nio_runs.append([b - a for a, b in zip(t, clock(), strict=True)])
        parsed = json.loads(data)
        t = clock()
        ours, report = decode_sync(parsed)
        ours_runs.append([b - a for a, b in zip(t, clock(), strict=True)])
    med = lambda runs, i: statistics.median(r[i] for r in runs)  # noqa: E731
    print(
        f"First sync of {args.rooms} rooms: {events:,} events, {len(data) / 1e6:.1f} MB, "
        f"medians of {args.repeat} (wall / CPU)"
    )
    print(f"    {'':<38}{'wall s':>8}{'CPU s':>8}{'ev/s CPU':>11}")
    for label, runs in (
        ("from_dict + to_batch (today)", nio_runs),
        ("decode + nio's part + finish", ours_runs),
    ):
        print(
            f"    {label:<38}{med(runs, 0):8.3f}{med(runs, 1):8.3f}{events / med(runs, 1):11,.0f}"
        )
    print(f"    speed-up (CPU): {med(nio_runs, 1) / med(ours_runs, 1):.0f}×")
    print(f"    dropped by the decoder: {dict(report) or 'nothing'}")
    print("    differences from today's batch (from_dict + to_batch):")
    for what, n in sorted(compare(ours, nios).items()):
        print(f"      {n:5} × {what}")

    hostile = SyntheticAccount(args.rooms, seed=args.seed, hostile=True).first_sync()
    try:
        outcome = type(nio.SyncResponse.from_dict(json.loads(json.dumps(hostile)))).__name__
    except Exception as error:  # what the sync loop would see: the whole batch lost
        outcome = f"raises {type(error).__name__}: {error}"
    batch, report = decode_sync(json.loads(json.dumps(hostile)))
    kept = sum(len(r.timeline) + len(r.state) for r in batch.rooms)
    print("\nWith 3 hostile events added (ts as a string, no content, an event that is a string):")
    print(f"    nio from_dict: {outcome}")
    total = count_events(hostile)["total"]
    print(f"    Cercle: batch kept, {kept:,} of {total:,} events stored, dropped {dict(report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
