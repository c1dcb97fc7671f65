"""Benchmark: warm start of a cached 1,000-room account, headless and to a painted Qt window."""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import json
import logging
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LAUNCH = time.time()  # as early as possible: a child's imports count in its start-up

# A child imports only what the app itself does before its first paint: the harness's own
# helpers (sync_ingest pulls in nio, ~0.7 s) load in the parent, or lazily.
from keyring.backend import KeyringBackend  # noqa: E402

from cercle.protocol.profiles import KeyOptions, ProfileLocation, open_profile  # noqa: E402
from cercle.storage.keys import KEYRING_SERVICE, KdfParams, _argon2id, backend_name, verifier  # noqa: E402

TARGET_ROOM_LIST_S = 0.5  # the brief: room list on a warm start
TARGET_PAINTED_S = 1.0  # the desktop issue: cold start → room list painted (cold_start.py)
SECRET_ENV = "CERCLE_BENCH_SECRET"  # the synthetic profile's secret, parent → child, never argv
PASSPHRASE_ENV = "CERCLE_BENCH_PASSPHRASE"  # its passphrase, the same way


PYCACHE = Path(tempfile.gettempdir()) / "cercle-bench-pycache"


def child_env() -> dict[str, str]:
    """A child's environment: offscreen, and with its bytecode cached (under PYCACHE, not in the
    tree) as in an installed app — with PYTHONDONTWRITEBYTECODE, as on the dev machines, every
    start compiles ~130 cercle modules again (~0.3 s)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def bench_passphrase() -> str:
    """The bench profiles' passphrase: from the parent in a child (no sync_ingest import)."""
    if PASSPHRASE_ENV in os.environ:
        return os.environ[PASSPHRASE_ENV]
    from sync_ingest import PASSPHRASE

    return PASSPHRASE


def peak_rss_mib() -> float:
    """This process's own peak RSS (VmHWM): getrusage's ru_maxrss survives exec on Linux, so a
    child would report its parent's peak when that was higher."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemoryKeyring(KeyringBackend):
    """A secure keyring stand-in for this process only (headless machines have none): the
    keyring-mode code path with a ~0 ms round trip (a real Secret Service answers in ~40 ms)."""

    priority = 1.0

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def passphrase_secret(profile_dir: Path) -> tuple[bytes, dict, float]:
    """The profile secret behind the passphrase, its params, and what the Argon2id run took."""
    params = json.loads((profile_dir / "keys.json").read_text())
    kdf = params["kdf"]
    t0 = time.perf_counter()
    secret = _argon2id(
        bench_passphrase(),
        base64.b64decode(kdf["salt"]),
        KdfParams(kdf["memory_kib"], kdf["iterations"], kdf["lanes"]),
    )
    return secret, params, time.perf_counter() - t0


def keyring_copy(profile_dir: Path) -> Path:
    """The same profile in keyring mode (same secret, so the same database keys): a copy."""
    copy = profile_dir.parent / "profile-keyring"
    if (copy / "keys.json").exists():
        return copy
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(profile_dir, copy, ignore=shutil.ignore_patterns("profile.lock"))
    secret, params, _ = passphrase_secret(profile_dir)
    keyed = {
        "format": params["format"],
        "profile_id": params["profile_id"],
        "mode": "keyring",
        "verifier": verifier(secret),
    }
    (copy / "keys.json").write_text(json.dumps(keyed))
    return copy


def key_options(mode: str, profile_dir: Path) -> tuple[KeyOptions, str | None, float]:
    """KeyOptions for the mode, the passphrase to give, and the KDF time measured aside."""
    if mode == "passphrase":
        from keyring.backends.fail import Keyring as NoKeyring

        return KeyOptions(backend=NoKeyring()), bench_passphrase(), 0.0
    params = json.loads((profile_dir / "keys.json").read_text())
    if SECRET_ENV in os.environ:  # from the parent: no 64 MiB Argon2id run in this process
        secret, kdf_s = base64.b64decode(os.environ[SECRET_ENV]), 0.0
    else:
        secret, _, kdf_s = passphrase_secret(profile_dir.parent / "profile")
    backend = MemoryKeyring()
    backend.set_password(KEYRING_SERVICE, params["profile_id"], base64.b64encode(secret).decode())
    return KeyOptions(backend=backend, trusted=frozenset({backend_name(backend)})), None, kdf_s


# -- children: one fresh process per run ------------------------------------------------------


def child_headless(mode: str, profile_dir: Path, rooms: int) -> dict:
    """open_profile → Account.resume → engine.restore, until RoomsChanged holds every room."""
    from cercle.protocol.account import Account
    from cercle.protocol.changes import RoomsChanged

    options, passphrase, _ = key_options(mode, profile_dir)
    location = ProfileLocation(profile_dir.parent, profile_dir.name)
    marks: dict[str, float] = {"imports": time.time() - LAUNCH, "imports_cpu": time.process_time()}
    got: dict[str, float] = {}

    def publish(change) -> None:
        if isinstance(change, RoomsChanged) and len(change.rooms) >= rooms and "rooms" not in got:
            got["rooms"] = time.perf_counter()
            got["count"] = len(change.rooms)

    async def go() -> None:
        t0 = time.perf_counter()
        profile = await open_profile(location, passphrase, options)
        t1 = time.perf_counter()
        account = await Account.resume(profile, publish)
        t2 = time.perf_counter()
        await account.engine.restore()
        t3 = time.perf_counter()
        marks.update(
            open_profile=t1 - t0,
            resume=t2 - t1,
            restore_to_rooms=got.get("rooms", t3) - t2,
            restore=t3 - t2,
            to_room_list=got.get("rooms", t3) - t0,
            rooms=got.get("count", 0),
            since_launch=time.time() - LAUNCH - (t3 - got.get("rooms", t3)),
            cpu=time.process_time(),
        )
        marks["peak_rss_mib"] = peak_rss_mib()
        await account.close()

    asyncio.run(go())
    if mode == "passphrase":
        marks["kdf_alone"] = passphrase_secret(profile_dir)[2]
    return marks


def child_ui(mode: str, profile_dir: Path, rooms: int) -> dict:
    """The desktop app's wiring, offscreen: until the room list model holds every room and the
    window has painted with them."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from cercle.desktop.bridge import Bridge
    from cercle.desktop.session import SessionController
    from cercle.desktop.views.main_window import MainWindow
    from cercle.protocol.changes import RoomsChanged
    from cercle.protocol.runtime import ProtocolThread

    marks: dict[str, float] = {"imports": time.time() - LAUNCH, "imports_cpu": time.process_time()}
    options, passphrase, _ = key_options(mode, profile_dir)
    t0 = time.perf_counter()
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    protocol = ProtocolThread()
    protocol.start()
    bridge = Bridge(protocol, loop)
    location = ProfileLocation(profile_dir.parent, profile_dir.name)
    session = SessionController(bridge, location, options)
    window = MainWindow(session)
    publish = bridge.publish  # called on the protocol thread: note when the rooms leave it

    def timed_publish(change) -> None:
        if isinstance(change, RoomsChanged) and "published" not in marks:
            marks["published"] = time.perf_counter() - t1
        publish(change)

    bridge.publish = timed_publish
    session.rooms.rowsAboutToBeInserted.connect(
        lambda *_: marks.setdefault("insert_start", time.perf_counter() - t1)
    )
    window.show()
    app.processEvents()
    marks["window_shown"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    session.start(passphrase)

    arrived = asyncio.Event()

    def inserted(*_args) -> None:  # runs after the proxy has filtered and sorted the new rows
        if session.rooms.rowCount() >= rooms:
            marks.setdefault("inserted", time.perf_counter() - t1)
            arrived.set()

    session.rooms.rowsInserted.connect(inserted)

    async def rows_arrive() -> None:
        await arrived.wait()

    with loop:
        loop.run_until_complete(asyncio.wait_for(rows_arrive(), 60))
        marks["to_rows"] = time.perf_counter() - t1
        app.processEvents()
        image = window.grab()  # renders the whole window now, room list included
        marks["to_painted"] = time.perf_counter() - t1
        marks["since_launch"] = time.time() - LAUNCH
        marks["cpu"] = time.process_time()
        marks["rows"] = session.rooms.rowCount()
        marks["visible_rows"] = window.home.proxy.rowCount()
        marks["painted_px"] = image.width() * image.height()
        marks["peak_rss_mib"] = peak_rss_mib()
        session.close()
        bridge.close()
        protocol.stop()
    return marks


# -- the parent -------------------------------------------------------------------------------


def run_child(kind: str, mode: str, profile_dir: Path, rooms: int) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--mode", mode]
    cmd += ["--profile-dir", str(profile_dir), "--rooms", str(rooms), "--launched"]
    cmd.append(repr(time.time()))  # the child counts its start-up from here
    env = child_env()
    env[PASSPHRASE_ENV] = bench_passphrase()
    if mode == "keyring":
        secret = passphrase_secret(profile_dir.parent / "profile")[0]
        env[SECRET_ENV] = base64.b64encode(secret).decode()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"{kind}/{mode} child failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def show(title: str, runs: list[dict], keys: list[tuple[str, str]]) -> None:
    print(f"\n{title} — medians of {len(runs)} fresh processes (min–max)")
    for key, label in keys:
        values = [r[key] for r in runs if key in r]
        if not values:
            continue
        unit = "MiB" if key.endswith("mib") else "s"
        fmt = "{:.0f}" if unit == "MiB" else "{:.3f}"
        med = fmt.format(statistics.median(values))
        span = f"({fmt.format(min(values))}–{fmt.format(max(values))})"
        print(f"    {label:<56}{med:>8} {unit:<4}{span}")


def profile_restore(profile_dir: Path, top: int) -> None:
    """cProfile, in this thread, of what the warm start runs in worker threads: Profile.open
    (keyring mode) and roomlist.summaries over every room; then Account.resume."""
    from cercle.protocol import roomlist
    from cercle.protocol.account import Account
    from cercle.storage.profile import Profile

    options, _, _ = key_options("keyring", keyring_copy(profile_dir))
    profiler = cProfile.Profile()
    profiler.enable()
    profile = Profile.open("profile-keyring", base=profile_dir.parent, options=options)
    session = profile.store.session.load()
    rows = roomlist.summaries(profile.store, session.user_id)
    account = asyncio.run(Account.resume(profile, lambda change: None))
    profiler.disable()
    asyncio.run(account.close())
    print(f"{len(rows)} room summaries")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"cercle|sqlcipher|nio/(client|crypto|store)", top)
    stats.sort_stats("tottime").print_stats(top)


def time_summaries(profile_dir: Path, repeat: int) -> None:
    """roomlist.summaries, which reads the whole room list in one read of the store
    (storage/overview.py): wall time, median in this process."""
    from cercle.protocol import roomlist
    from cercle.storage.profile import Profile

    options, _, _ = key_options("keyring", keyring_copy(profile_dir))
    profile = Profile.open("profile-keyring", base=profile_dir.parent, options=options)
    store, user = profile.store, profile.store.session.load().user_id
    spans, rows = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = roomlist.summaries(store, user)
        spans.append(time.perf_counter() - t0)
    print(f"\nRoom list read for {len(rows)} rooms, median of {repeat} in one process")
    print(f"    {'roomlist.summaries (one read)':<52}{statistics.median(spans):8.3f} s")
    profile.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="headless runs per key mode")
    parser.add_argument("--ui-runs", type=int, default=3, help="offscreen window runs per mode")
    parser.add_argument("--profile", action="store_true", help="cProfile the headless path")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--child", choices=("headless", "ui"), help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("passphrase", "keyring"), help=argparse.SUPPRESS)
    parser.add_argument("--profile-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--launched", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # sync_ingest.quiet() without importing it (and nio)
    if args.child:
        global LAUNCH
        LAUNCH = args.launched or LAUNCH
        child = child_headless if args.child == "headless" else child_ui
        print(json.dumps(child(args.mode, args.profile_dir, args.rooms)))
        return 0

    from sync_ingest import ensure_cached_account

    started = time.perf_counter()
    print("building the cached account if missing (sync_ingest.ensure_cached_account)…")
    profile_dir = ensure_cached_account(args.rooms, args.seed)
    dirs = {"passphrase": profile_dir, "keyring": keyring_copy(profile_dir)}
    db_mb = (profile_dir / "cercle.db").stat().st_size / 1e6
    print(
        f"cached account: {profile_dir} ({db_mb:.1f} MB database); {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; page cache warm (files read just before)"
    )
    if args.profile:
        profile_restore(profile_dir, args.top)
        return 0
    time_summaries(profile_dir, max(3, args.runs))
    headless_keys = [
        ("imports", "process start → imports done"),
        ("open_profile", "open_profile"),
        ("kdf_alone", "  of which Argon2id (default 64 MiB, t=3, p=4), alone"),
        ("resume", "Account.resume (nio client, crypto store, Olm account)"),
        ("restore_to_rooms", "engine.restore → RoomsChanged with all rooms"),
        ("to_room_list", "open_profile start → RoomsChanged (all rooms)"),
        ("since_launch", "process start → RoomsChanged"),
        ("imports_cpu", "CPU time: interpreter + imports"),
        ("cpu", "CPU time: process start → end of restore"),
        ("peak_rss_mib", "peak RSS after it"),
    ]
    for mode in ("keyring", "passphrase"):
        runs = [run_child("headless", mode, dirs[mode], args.rooms) for _ in range(args.runs)]
        print(f"    (rooms in RoomsChanged: {runs[0]['rooms']})")
        title = f"Headless warm start, {mode} mode"
        if mode == "keyring":
            title += " (raw keys from an in-process keyring: the keyring-mode path, no KDF)"
        show(title, runs, headless_keys)
        if mode == "passphrase":
            rest = statistics.median(r["open_profile"] - r["kdf_alone"] for r in runs)
            print(f"    {'open_profile minus the Argon2id run':<52}{rest:8.3f} s")
        best = statistics.median(r["to_room_list"] for r in runs)
        print(f"    target: room list ≤ {TARGET_ROOM_LIST_S} s → {best / TARGET_ROOM_LIST_S:.1f}×")
    ui_keys = [
        ("imports", "process start → imports done (PySide6, qasync, cercle)"),
        ("window_shown", "QApplication + MainWindow shown"),
        ("published", "session.start → RoomsChanged published (protocol thread)"),
        ("insert_start", "session.start → model starts inserting (UI thread)"),
        ("inserted", "session.start → rows inserted, proxy sorted/filtered"),
        ("to_rows", "session.start → model holds all rooms"),
        ("to_painted", "session.start → window painted with them (grab)"),
        ("since_launch", "process start → painted"),
        ("imports_cpu", "CPU time: interpreter + imports"),
        ("cpu", "CPU time: process start → painted (all threads)"),
        ("peak_rss_mib", "peak RSS"),
    ]
    for mode in ("keyring", "passphrase"):
        runs = [run_child("ui", mode, dirs[mode], args.rooms) for _ in range(args.ui_runs)]
        print(f"    (model rows {runs[0]['rows']}, shown in the list {runs[0]['visible_rows']})")
        show(f"Offscreen desktop window, {mode} mode", runs, ui_keys)
        warm = statistics.median(r["to_painted"] for r in runs)
        print(f"    target: session.start → room list ≤ {TARGET_ROOM_LIST_S} s → {warm:.2f} s")
    print("  (the app's own cold start, its profile opened early: bench/cold_start.py)")
    print(
        f"\n{time.perf_counter() - started:.0f} s in all; load average now {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
