"""Benchmark: cold start → room list painted (1,000 cached rooms), and what the imports cost."""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

from sync_ingest import ensure_cached_account, quiet
from warm_start import (
    PYCACHE,
    TARGET_PAINTED_S,
    child_env,
    key_options,
    keyring_copy,
    passphrase_secret,
)
from warm_start import show as show_runs

HEAVY = ("nio", "aiohttp", "markdown_it", "jsonschema", "peewee", "emoji", "keyring", "sqlcipher3")
# What `cercle.desktop.app.launch` imports before the window exists (its first profile opens on
# the protocol thread meanwhile: storage, keyring and SQLCipher are imported there).
UI_IMPORTS = (
    "from cercle.desktop import app\n"
    "import qasync\n"
    "from PySide6.QtWidgets import QApplication\n"
    "from cercle.desktop.accounts import AccountRegistry, Accounts\n"
    "from cercle.desktop.i18n import Translations\n"
    "from cercle.desktop.preferences import PreferencesMenu\n"
    "from cercle.desktop.settings import UiSettings\n"
    "from cercle.desktop.theme import Appearance\n"
    "from cercle.desktop.views.account_pane import AccountsWindow\n"
    "from cercle.protocol.policy import load_policy\n"
)
CHILD = Path(__file__).with_name("cold_start_child.py")
ROOT = Path(__file__).resolve().parent.parent


def under_secret_service(argv: list[str]) -> None:
    """Runs this bench again inside a private D-Bus session with a throw-away gnome-keyring
    (scripts/with-test-keyring): the app then finds its key the way it does on a desktop."""
    if os.environ.get("CERCLE_TEST_SECRET_SERVICE"):
        return
    cmd = ["dbus-run-session", "--", str(ROOT / "scripts" / "with-test-keyring")]
    os.execvp(cmd[0], [*cmd, sys.executable, __file__, *argv])


def store_secret(profile_dir: Path) -> str:
    """The profile's secret, base64: saved in this session's Secret Service as the app saves it."""
    import base64
    import json

    import keyring

    from cercle.storage.keys import KEYRING_SERVICE

    secret = base64.b64encode(passphrase_secret(profile_dir.parent / "profile")[0]).decode()
    profile_id = json.loads((profile_dir / "keys.json").read_text())["profile_id"]
    keyring.get_keyring().set_password(KEYRING_SERVICE, profile_id, secret)
    return secret


def run_app(profile_dir: Path, rooms: int, mode: str, secret: str) -> dict:
    """One fresh process running the real app's start-up (bench/cold_start_child.py)."""
    import json
    import time

    cmd = [sys.executable, str(CHILD), "--profile-dir", str(profile_dir), "--rooms", str(rooms)]
    cmd += ["--keyring", mode, "--launched", repr(time.time())]
    env = dict(child_env(), CERCLE_BENCH_SECRET=secret)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"app child failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def import_times(top: int) -> None:
    """`python -X importtime` of the window's imports: the total, the heaviest packages, and
    which heavy libraries load before the first paint."""
    env = child_env()
    subprocess.run([sys.executable, "-c", UI_IMPORTS], env=env, check=True)  # caches bytecode
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", UI_IMPORTS],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            rows.append((int(match[2]), len(match[3]), match[4]))
    total = sum(cumulative for cumulative, depth, _ in rows if depth == 1)
    print(f"\nimports before the window exists: {total / 1e6:.3f} s (sum of top-level cumulative)")
    heavy = {name: cumulative for cumulative, _, name in rows if name in HEAVY}
    for name in HEAVY:
        state = f"{heavy[name] / 1e6:.3f} s" if name in heavy else "not imported (lazy)"
        print(f"    {name:<14}{state}")
    print(f"  heaviest cercle modules (cumulative, top {top}):")
    ours = sorted(((c, n) for c, _, n in rows if n.startswith("cercle.")), reverse=True)[:top]
    for cumulative, name in ours:
        print(f"    {cumulative / 1e6:7.3f} s  {name}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes")
    parser.add_argument(
        "--keyring",
        choices=("secret-service", "memory"),
        default="secret-service",
        help="secret-service: a real gnome-keyring on a private D-Bus (as on a desktop); "
        "memory: an in-process keyring (no discovery, no D-Bus: a floor)",
    )
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument(
        "--start",
        choices=("clean", "crash", "both"),
        default="both",
        help="clean: the last run closed cleanly (its room list saved); crash: it did not",
    )
    args = parser.parse_args(argv)
    if args.keyring == "secret-service":
        under_secret_service(argv)
    quiet()
    folder = keyring_copy(ensure_cached_account(args.rooms))
    secret = store_secret(folder) if args.keyring == "secret-service" else base64_secret(folder)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; keyring: {args.keyring}")
    print(f"children run with their bytecode cached in {PYCACHE}, as an installed app")
    import_times(args.top)
    starts = {
        "clean": "after a clean close (the room list it saved)",
        "crash": "after a crash (the room list rebuilt from the cache)",
    }
    chosen = list(starts) if args.start == "both" else [args.start]
    runs: dict[str, list[dict]] = {start: [] for start in chosen}
    for _ in range(args.runs):  # interleaved: a machine that slows down slows both alike
        for start in chosen:
            drop_or_save_room_list(folder, args.keyring, save=start == "clean")
            runs[start].append(run_app(folder, args.rooms, args.keyring, secret))
    for start in chosen:
        show(f"cold start {starts[start]}", runs[start])
    return 0


APP_KEYS = [
    ("launched", "process start → window shown, accounts started"),
    ("early_opened", "process start → profile + cached rooms read (protocol)"),
    ("insert_start", "process start → room list model starts inserting"),
    ("inserted", "process start → rows inserted and sorted"),
    ("since_launch", "process start → room list painted"),
    ("cpu", "CPU s: process start → painted"),
    ("peak_rss_mib", "peak RSS"),
]


def show(title: str, runs: list[dict]) -> None:
    show_runs(f"{title}, offscreen", runs, APP_KEYS)
    cold = statistics.median(r["since_launch"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    print(
        f"    target ≤ {TARGET_PAINTED_S} s: {cold:.2f} s wall, {cpu:.2f} CPU s; "
        f"load average now {os.getloadavg()[0]:.1f}"
    )


def drop_or_save_room_list(folder: Path, keyring_mode: str, *, save: bool) -> None:
    """What the last run left: a clean close saves the room list for the next start (which
    takes it), a crash leaves none. Each run is given the same start."""
    from cercle.protocol import startup
    from cercle.protocol.room_list_cache import ENCODING
    from cercle.storage.profile import Profile

    options = key_options("keyring", folder)[0] if keyring_mode == "memory" else None
    profile = Profile.open(folder.name, base=folder.parent, options=options)
    try:
        session = profile.store.session.load()
        assert session is not None, "the bench account has a saved session"
        if save:
            startup.save_rooms(profile, session.user_id)
        else:
            profile.store.room_list.take(session.user_id, ENCODING)
    finally:
        profile.close()


def base64_secret(profile_dir: Path) -> str:
    import base64

    return base64.b64encode(passphrase_secret(profile_dir.parent / "profile")[0]).decode()


if __name__ == "__main__":
    sys.exit(main())
