"""One cold start of the real app (`cercle.desktop.app.launch`), offscreen, to the room list."""

from __future__ import annotations

import time

LAUNCH = time.time()  # replaced by the parent's clock (--launched): interpreter start counts too

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

SECRET_ENV = "CERCLE_BENCH_SECRET"  # the profile secret, parent → child (memory keyring only)


def memory_key_options(profile_dir: Path):
    """The profile's secret in a keyring of this process alone (a machine without a Secret
    Service): no D-Bus round trip and no backend discovery, so a floor, not the real path."""
    from warm_start import MemoryKeyring  # the bench's own (loads a little more: a floor)

    from cercle.protocol.profiles import KeyOptions
    from cercle.storage.keys import KEYRING_SERVICE, backend_name

    profile_id = json.loads((profile_dir / "keys.json").read_text())["profile_id"]
    backend = MemoryKeyring()
    backend.set_password(KEYRING_SERVICE, profile_id, os.environ[SECRET_ENV])
    return KeyOptions(backend=backend, trusted=frozenset({backend_name(backend)}))


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    global LAUNCH
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile-dir", type=Path, required=True)
    parser.add_argument("--rooms", type=int, required=True)
    parser.add_argument("--keyring", choices=("secret-service", "memory"), required=True)
    parser.add_argument("--launched", type=float)
    parser.add_argument("--cprofile", type=Path, help="write the UI thread's profile here")
    args = parser.parse_args()
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    LAUNCH = args.launched or LAUNCH
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cercle.desktop import app as cercle_app

    options = memory_key_options(args.profile_dir) if args.keyring == "memory" else None
    marks: dict[str, float] = {}
    launched = cercle_app.launch(
        cercle_app.parse_args(["--profile", str(args.profile_dir)]), key_options=options
    )
    marks["launched"] = time.time() - LAUNCH
    if launched.early is not None:  # on the protocol thread, when the profile and rooms are read
        launched.early.add_done_callback(
            lambda _: marks.setdefault("early_opened", time.time() - LAUNCH)
        )
    session = launched.accounts.panes[0].session
    arrived = asyncio.Event()

    def inserted(*_args) -> None:  # after the proxy has filtered and sorted the new rows
        if session.rooms.rowCount() >= args.rooms:
            marks.setdefault("inserted", time.time() - LAUNCH)
            arrived.set()

    session.rooms.rowsInserted.connect(inserted)
    session.rooms.rowsAboutToBeInserted.connect(
        lambda *_: marks.setdefault("insert_start", time.time() - LAUNCH)
    )
    loop = launched.loop
    with loop:
        loop.run_until_complete(asyncio.wait_for(arrived.wait(), 60))
        launched.app.processEvents()
        image = launched.shell.grab()  # renders the whole window now, room list included
        marks["since_launch"] = time.time() - LAUNCH
        marks["cpu"] = time.process_time()
        marks["rows"] = session.rooms.rowCount()
        marks["painted_px"] = image.width() * image.height()
        marks["peak_rss_mib"] = peak_rss_mib()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        launched.close()
    print(json.dumps(marks))
    sys.stdout.flush()
    os._exit(0)  # the protocol thread and Qt are done with; skip interpreter teardown


if __name__ == "__main__":
    sys.exit(main())
