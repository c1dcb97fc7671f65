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
from warm_start import PYCACHE, TARGET_PAINTED_S, child_env, keyring_copy, run_child

HEAVY = ("nio", "aiohttp", "markdown_it", "jsonschema", "peewee", "emoji", "keyring", "sqlcipher3")
# What the offscreen window child imports before it shows anything (bench/warm_start.child_ui).
UI_IMPORTS = (
    "import qasync\n"
    "from PySide6.QtWidgets import QApplication\n"
    "from cercle.desktop.bridge import Bridge\n"
    "from cercle.desktop.session import SessionController\n"
    "from cercle.desktop.views.main_window import MainWindow\n"
    "from cercle.protocol.runtime import ProtocolThread\n"
)


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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="fresh processes")
    parser.add_argument("--mode", choices=("keyring", "passphrase"), default="keyring")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    quiet()
    profile_dir = ensure_cached_account(args.rooms)
    folder = profile_dir if args.mode == "passphrase" else keyring_copy(profile_dir)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {args.mode} mode")
    print(f"children run with their bytecode cached in {PYCACHE}, as an installed app")
    import_times(args.top)
    runs = [run_child("ui", args.mode, Path(folder), args.rooms) for _ in range(args.runs)]
    print(f"\ncold start, offscreen window, {args.runs} fresh processes: median (min–max)")
    for key, label in (
        ("imports", "process start → imports done"),
        ("window_shown", "QApplication + MainWindow shown"),
        ("published", "session.start → RoomsChanged published"),
        ("insert_start", "session.start → model starts inserting"),
        ("inserted", "session.start → rows inserted and sorted"),
        ("to_painted", "session.start → room list painted"),
        ("since_launch", "process start → room list painted"),
        ("imports_cpu", "CPU s: interpreter + imports"),
        ("cpu", "CPU s: process start → painted"),
        ("peak_rss_mib", "peak RSS (MiB)"),
    ):
        values = [r[key] for r in runs]
        print(
            f"    {label:<40}{statistics.median(values):8.3f}  "
            f"({min(values):.3f}–{max(values):.3f})"
        )
    cold = statistics.median(r["since_launch"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    load = os.getloadavg()[0]
    print(
        f"    target ≤ {TARGET_PAINTED_S} s: {cold:.2f} s wall, {cpu:.2f} CPU s; "
        f"load average now {load:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
