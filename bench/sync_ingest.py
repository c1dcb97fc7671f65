"""Benchmark: /sync ingest of a synthetic 1,000-room account, nio's parsing floor vs Cercle's."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

import nio
from keyring.backends.fail import Keyring as NoKeyring
from synthetic_sync import OWN_USER, SyntheticAccount, count_events

from cercle.protocol import crypto_feed, roomlist
from cercle.protocol.account import Account
from cercle.protocol.changes import RoomsChanged
from cercle.protocol.decode import decode, finish
from cercle.protocol.ingest import to_batch
from cercle.protocol.sync import SyncEngine
from cercle.storage.keys import KdfParams
from cercle.storage.profile import KeyOptions, Profile
from cercle.storage.session import Session

TARGET_EVENTS_PER_S = 20_000  # the project brief: ingest into the encrypted cache
CHEAP_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)  # KDF cost is warm_start's topic
PASSPHRASE = "correct horse battery staple"  # the bench profiles' passphrase (no keyring here)
HOMESERVER = "http://127.0.0.1:9"  # nothing listens: the cached account never reaches a server
SESSION = Session(OWN_USER, "BENCHDEVICE", "syt_bench_token", HOMESERVER)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def quiet() -> None:
    """nio logs every malformed event (and formats it first anyway); keep the terminal clean."""
    logging.disable(logging.CRITICAL)


def make_syncs(rooms: int, seed: int, live: int, catch_up: tuple[int, int]) -> dict:
    """The first sync, `live` small incremental ones, and one catch-up sync, as wire bytes."""
    account = SyntheticAccount(rooms, seed=seed)
    first = account.first_sync()
    lives = [account.incremental() for _ in range(live)]
    catch = account.incremental(*catch_up)
    caught = len(catch["rooms"]["join"])
    enc = lambda body: json.dumps(body, ensure_ascii=False).encode()  # noqa: E731
    return {
        "first": enc(first),
        "first_events": count_events(first)["total"],
        "live": [enc(b) for b in lives],
        "live_events": sum(count_events(b)["total"] for b in lives),
        "catch_up": enc(catch),
        "catch_up_events": count_events(catch)["total"],
        "catch_up_rooms": caught,
    }


def open_fresh(base: Path, name: str, kdf: KdfParams = CHEAP_KDF) -> Profile:
    """A new passphrase-mode profile (keyring's fail backend: what a headless machine has)."""
    options = KeyOptions(backend=NoKeyring(), kdf=kdf)
    profile = Profile.open(name, base=base, passphrase=PASSPHRASE, options=options)
    profile.store.session.save(SESSION)
    return profile


def clock() -> tuple[float, float]:
    """(wall, CPU of this process): the machine is shared, CPU time is the steadier figure."""
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


def read_messages(store, result) -> None:
    """What SyncEngine.ingest reads after the write, first part (without its to_thread hops):
    the new messages of each room."""
    with store.db.read():  # as the engine: one snapshot for all rooms
        for room_id, positions in result.appended.items():
            if positions:
                events = store.timeline.page_after(room_id, min(positions) - 1, len(positions))
                roomlist.messages(store, events, OWN_USER)


def read_summaries(store, reply) -> None:
    """Second part, as SyncEngine._publish_rooms: the changed rooms' summaries, then those of
    their spaces that did not change themselves."""
    ids = set(reply.rooms.join) | set(reply.rooms.invite)
    if ids or reply.rooms.leave:
        rows = roomlist.summaries(store, OWN_USER, list(ids))
        spaces = {p for row in rows for p in row.parents} - ids
        if spaces:
            roomlist.summaries(store, OWN_USER, spaces)


STAGES = ("json.loads", "decode", "nio's part", "write", "read messages", "read summaries")
NIO_STAGES = ("json.loads", "from_dict", "to_batch", "write", "read messages", "read summaries")


def nio_client() -> nio.AsyncClient:
    """A logged-in nio client without E2EE (no Olm account: its bookkeeping, not crypto)."""
    config = nio.AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False)
    client = nio.AsyncClient(HOMESERVER, OWN_USER, config=config)
    client.user_id, client.access_token = OWN_USER, "x"
    return client


def nio_part(client: nio.AsyncClient, decoded) -> nio.SyncResponse:
    """crypto_feed.feed as the engine awaits it. Not `return asyncio.run(feed(…))`: on
    CPython 3.11 asyncio.run costs ~0.2 s more when its coroutine returns a large object."""
    held = []

    async def go() -> None:
        held.append(await crypto_feed.feed(client, decoded))

    asyncio.run(go())
    return held[0]


def ingest_stages(store, data: bytes, decoder: str = "own") -> dict[str, tuple[float, float]]:
    """One response through Cercle's pipeline, stage by stage: (wall s, CPU s) each. `own`:
    protocol/decode.py + nio's crypto part (receive_response on it); `nio`: from_dict. As
    SyncEngine does, the store's first sync reads no message rows back (nothing is open yet)."""
    initial = store.session.sync_token() is None
    spans = {}
    client = nio_client()  # made beforehand: the app has one for the whole session
    t = clock()
    body = json.loads(data)
    spans["json.loads"], t = since(t), clock()
    if decoder == "own":
        decoded = decode(body, OWN_USER)
        spans["decode"], t = since(t), clock()
        reply = nio_part(client, decoded)
        batch = finish(decoded, crypto_feed.decrypted(reply))
        spans["nio's part"], t = since(t), clock()
    else:
        reply = nio.SyncResponse.from_dict(body)
        spans["from_dict"], t = since(t), clock()
        batch = to_batch(reply, OWN_USER)
        spans["to_batch"], t = since(t), clock()
    result = store.write_sync_batch(batch)
    spans["write"], t = since(t), clock()
    if not initial:
        read_messages(store, result)
    spans["read messages"], t = since(t), clock()
    read_summaries(store, reply)
    spans["read summaries"] = since(t)
    asyncio.run(client.close())
    return spans


def stub_client() -> types.SimpleNamespace:
    """The few MatrixClient attributes SyncEngine.ingest touches (no network)."""
    return types.SimpleNamespace(user_id=OWN_USER, nio=nio_client())


def engine_ingest(store, data: bytes, decoder: str = "own") -> tuple[float, float, float]:
    """The real SyncEngine on the raw response (decode or from_dict, nio's part, write,
    read-back, to_thread hops): (wall s, CPU s, wall s until the room list was published).
    Background member loads are left out (they go to the server)."""
    client = stub_client()
    published: list[float] = []

    def publish(change) -> None:
        if isinstance(change, RoomsChanged) and not published:
            published.append(time.perf_counter())

    engine = SyncEngine(client, store, publish)  # type: ignore[arg-type]
    engine._load_members_later = lambda room_id: None  # type: ignore[method-assign]

    async def go() -> tuple[float, float, float]:
        t = clock()
        body = json.loads(data)
        if decoder == "own":
            await engine.ingest_body(body)
        else:
            reply = nio.SyncResponse.from_dict(body)
            await client.nio.receive_response(reply)
            await engine.ingest(reply)
        wall, cpu = since(t)
        await client.nio.close()
        return wall, cpu, (published[0] - t[0]) if published else float("nan")

    return asyncio.run(go())


def receive_response_s(data: bytes) -> tuple[float, float]:
    """nio's AsyncClient.receive_response on the parsed response, E2EE off (room bookkeeping)."""
    reply = nio.SyncResponse.from_dict(json.loads(data))

    async def go() -> tuple[float, float]:
        config = nio.AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False)
        client = nio.AsyncClient(HOMESERVER, OWN_USER, config=config)
        client.user_id, client.access_token = OWN_USER, "x"
        t = clock()
        await client.receive_response(reply)
        spent = since(t)
        await client.close()
        return spent

    return asyncio.run(go())


def timed(fn: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    spans = []
    for _ in range(repeat):
        t = clock()
        fn()
        spans.append(since(t))
    return spans


def med(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return median([r[0] for r in runs]), median([r[1] for r in runs])


def rate(events: int, seconds: float) -> str:
    return f"{events / seconds:>10,.0f}" if seconds >= 1e-4 else "         -"  # not run


HEAD = f"    {'':<42}{'wall s':>8}{'CPU s':>8}{'ev/s CPU':>10}"


def line(label: str, span: tuple[float, float], events: int, extra: str = "") -> None:
    print(f"    {label:<42}{span[0]:8.3f}{span[1]:8.3f}{rate(events, span[1])}{extra}")


def print_floor(syncs: dict, repeat: int) -> None:
    data, events = syncs["first"], syncs["first_events"]
    loads = med(timed(lambda: json.loads(data), max(5, repeat)))
    bodies = [json.loads(data) for _ in range(repeat)]  # nio fills in defaults: fresh each run
    parse = med(timed(lambda: nio.SyncResponse.from_dict(bodies.pop()), repeat))
    receive = med([receive_response_s(data) for _ in range(repeat)])
    print(f"\n(a) Floor: bare nio on the first sync ({events:,} events), medians of {repeat}")
    print(HEAD)
    line("json.loads", loads, events)
    line("nio.SyncResponse.from_dict", parse, events)
    line("json.loads + from_dict = the floor", (loads[0] + parse[0], loads[1] + parse[1]), events)
    line("AsyncClient.receive_response, no E2EE", receive, events)


def stage_table(title: str, runs: list[dict], events: int) -> tuple[float, float]:
    print(f"\n{title}")
    print(HEAD + f"{'share':>7}")
    stages = list(runs[0])
    meds = {s: med([r[s] for r in runs]) for s in stages}
    total = (sum(m[0] for m in meds.values()), sum(m[1] for m in meds.values()))
    for s in stages:
        line(s, meds[s], events, f"{meds[s][1] / total[1]:7.0%}")
    line("total", total, events)
    return total


def summed(per_sync: list[dict]) -> dict:
    stages = list(per_sync[0])
    return {s: (sum(p[s][0] for p in per_sync), sum(p[s][1] for p in per_sync)) for s in stages}


def print_pipeline(work: Path, syncs: dict, repeat: int, decoder: str) -> None:
    events = syncs["first_events"]
    runs, live_runs, catch_runs, engine_runs = [], [], [], []
    latency: list[float] = []
    for i in range(repeat):
        profile = open_fresh(work, f"stages{i}")
        runs.append(ingest_stages(profile.store, syncs["first"], decoder))
        per_sync = [ingest_stages(profile.store, d, decoder) for d in syncs["live"]]
        live_runs.append(summed(per_sync))
        latency.extend(sum(w for w, _ in p.values()) for p in per_sync)
        catch_runs.append(ingest_stages(profile.store, syncs["catch_up"], decoder))
        db_mb = profile.paths.db.stat().st_size / 1e6
        profile.close()
        if i == 0:  # once: the stage-wise runs above are the medians; this shows the hops' cost
            profile = open_fresh(work, "engine")
            engine_runs.append(engine_ingest(profile.store, syncs["first"], decoder))
            profile.close()
    total = stage_table(
        f"(b) Cercle ingest ({decoder} decoder): first sync, {events:,} events into a fresh "
        f"SQLCipher profile, medians of {repeat}",
        runs,
        events,
    )
    engine = med([r[:2] for r in engine_runs])
    line("SyncEngine from raw bytes, 1 run", engine, events)
    print(
        "    first login, the 1,000-room first sync received → room list published: "
        f"{engine_runs[0][2]:.2f} s wall"
    )
    print(f"    database after the first sync: {db_mb:.1f} MB")
    n_live = syncs["live_events"]
    stage_table(
        f"(b') {len(syncs['live'])} live incremental syncs ({n_live} events), summed",
        live_runs,
        n_live,
    )
    lat = sorted(latency)
    print(
        f"    per-sync latency (wall): median {median(lat) * 1000:.1f} ms, "
        f"p95 {lat[int(len(lat) * 0.95)] * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms"
    )
    stage_table(
        f"(b'') one catch-up sync: {syncs['catch_up_rooms']} rooms, "
        f"{syncs['catch_up_events']} events",
        catch_runs,
        syncs["catch_up_events"],
    )
    parse = med([r[STAGES[1] if decoder == "own" else NIO_STAGES[1]] for r in runs])
    write = med([r["write"] for r in runs])
    print(f"\n(c) Target: ≥ {TARGET_EVENTS_PER_S:,} events/s into the encrypted cache (CPU time)")
    budget = events / TARGET_EVENTS_PER_S
    for label, cpu in (
        ("whole pipeline", total[1]),
        (f"pipeline without {'decode' if decoder == 'own' else 'from_dict'}", total[1] - parse[1]),
        ("write_sync_batch alone", write[1]),
    ):
        print(
            f"    {label:<30}{events / cpu:>9,.0f} ev/s "
            f"{TARGET_EVENTS_PER_S * cpu / events:5.1f}× short "
            f"({cpu:.2f} s for a {budget:.2f} s budget)"
        )


def cache_dir(rooms: int, seed: int, live: int) -> Path:
    name = f"account-{rooms}-s{seed}-l{live}"
    return Path(tempfile.gettempdir()) / f"cercle-bench-{os.getuid()}" / name


def ensure_cached_account(rooms: int = 1000, seed: int = 1, live: int = 200) -> Path:
    """A profile holding the synthetic account after its first sync and `live` later ones,
    keyed with the DEFAULT Argon2id cost (passphrase PASSPHRASE) and a saved session whose
    server does not answer; its Olm account exists. Built once; returns the profile folder."""
    folder = cache_dir(rooms, seed, live)
    marker = folder / "profile" / "bench-ready"
    if marker.exists():
        return folder / "profile"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    profile = open_fresh(folder, "profile", kdf=KdfParams())

    async def olm_account() -> None:  # nio creates and stores this device's Olm account
        account = await Account.resume(profile, lambda change: None)
        await account.client.close()

    asyncio.run(olm_account())
    account = SyntheticAccount(rooms, seed=seed)
    bodies = [account.first_sync()] + [account.incremental() for _ in range(live)]
    for body in bodies:
        profile.store.write_sync_batch(finish(decode(body, OWN_USER), {}))
    profile.close()
    marker.write_text(f"{rooms} rooms, seed {seed}, {live} live syncs\n")
    return folder / "profile"


def profile_first_sync(work: Path, syncs: dict, top: int, decoder: str) -> None:
    profile = open_fresh(work, "cprofile")
    profiler = cProfile.Profile()
    profiler.enable()
    ingest_stages(profile.store, syncs["first"], decoder)
    profiler.disable()
    profile.close()
    print("\ncProfile of one first-sync ingest (stage-wise), by own time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)
    print("… and by cumulative time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (medians)")
    parser.add_argument("--live", type=int, default=200, help="live incremental syncs")
    parser.add_argument("--profile", action="store_true", help="cProfile one first-sync ingest")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--decoder",
        choices=("own", "nio"),
        default="own",
        help="own: protocol/decode.py + nio's crypto part; nio: from_dict (before)",
    )
    args = parser.parse_args(argv)
    quiet()
    started = time.perf_counter()
    syncs = make_syncs(args.rooms, args.seed, args.live, (200, 10))
    print(
        f"Synthetic account: {args.rooms} rooms (seed {args.seed}); first sync "
        f"{syncs['first_events']:,} state+timeline events, {len(syncs['first']) / 1e6:.1f} MB; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="cercle-ingest-") as tmp:
        work = Path(tmp)
        if args.profile:
            profile_first_sync(work, syncs, args.top, args.decoder)
            return 0
        print_floor(syncs, args.repeat)
        print_pipeline(work, syncs, args.repeat, args.decoder)
    cached = ensure_cached_account(args.rooms, args.seed, args.live)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\ncached account for warm_start.py: {cached}")
    print(
        f"peak RSS {peak:.0f} MiB; {time.perf_counter() - started:.0f} s in all; "
        f"load average now {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
