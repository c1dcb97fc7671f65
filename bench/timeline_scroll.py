"""Benchmark: a 10,000-event room opened and scrolled to its start — RSS, and the frame time."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sync_ingest import PASSPHRASE, open_fresh, quiet

from cercle.storage.timeline import NewEvent

ROOM = "!bench:company.example"
TARGET_RSS_MIB = 150
TARGET_FRAME_MS = 16.0
TEXT = (
    "le catalogue de printemps est prêt, on relit les fiches produits avant vendredi ; "
    "the partner asked for the price list and the delivery dates for Lyon"
)
WORDS = TEXT.split(" ")
PEOPLE = [f"@user{n}:company.example" for n in range(12)]


def rss_mib() -> tuple[float, float]:
    """(current, peak) resident set of this process."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


def events(count: int, seed: int = 7) -> list[NewEvent]:
    """A busy room: long and short messages, markdown, replies, reactions, images, a thread."""
    rng = random.Random(seed)
    out: list[NewEvent] = []
    ts = 1_760_000_000_000
    for n in range(count):
        ts += rng.randint(5_000, 900_000)
        sender = rng.choice(PEOPLE)
        body = " ".join(rng.choice(WORDS) for _ in range(rng.choice((3, 8, 15, 40, 90))))
        content: dict = {"msgtype": "m.text", "body": body}
        if n % 9 == 0:
            content |= {"format": "org.matrix.custom.html", "formatted_body": f"<b>{body}</b>"}
        if n % 10 == 5 and out:
            target = out[-rng.randint(1, min(30, len(out)))].event_id
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": target}}
        if n % 50 == 25:
            content = {
                "msgtype": "m.image",
                "body": f"photo-{n}.jpg",
                "url": "mxc://company.example/bench",
                "info": {"w": 1600, "h": 1200, "mimetype": "image/jpeg", "size": 400_000},
            }
        out.append(NewEvent(f"$e{n}", sender, "m.room.message", ts, content))
        if n % 7 == 3:
            key = rng.choice(("👍", "🎉", "❤️"))
            relates = {"rel_type": "m.annotation", "event_id": f"$e{n}", "key": key}
            out.append(
                NewEvent(
                    f"$r{n}", rng.choice(PEOPLE), "m.reaction", ts + 1, {"m.relates_to": relates}
                )
            )
    return out


def build(folder: Path, count: int) -> Path:
    marker = folder / "profile" / "bench-ready"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    profile = open_fresh(folder, "profile")
    batch = events(count)
    for start in range(0, len(batch), 1000):
        profile.store.timeline.append(ROOM, batch[start : start + 1000])
    profile.close()
    marker.write_text(f"{count} events\n")
    return folder


def child(folder: Path, steps_px: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import nio  # noqa: F401 - the app has it loaded once signed in: count it
    from keyring.backends.fail import Keyring as NoKeyring
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtWidgets import QApplication
    from sync_ingest import CHEAP_KDF

    from cercle.desktop.models.messages import MessageModel
    from cercle.desktop.views.timeline import TimelineView
    from cercle.protocol import roomlist
    from cercle.protocol.changes import MessagePage
    from cercle.storage.profile import KeyOptions, Profile

    out: dict = {}
    app = QApplication([])
    options = KeyOptions(backend=NoKeyring(), kdf=CHEAP_KDF)
    profile = Profile.open("profile", base=folder, passphrase=PASSPHRASE, options=options)
    store = profile.store
    model = MessageModel()
    view = TimelineView(model)
    view.resize(900, 720)
    view.show()
    app.processEvents()
    out["rss_window"] = rss_mib()[0]
    reads: list[float] = []
    inserts: list[float] = []
    inserts_cpu: list[float] = []

    def page_before(before):
        """What Account.messages_before does, without a server: the store alone (the app
        runs it on the protocol thread; here it is timed apart from the frames)."""
        t = time.perf_counter()
        page = store.timeline.page(ROOM, before=before, limit=40)
        rows = roomlist.messages(store, page.events, PEOPLE[0])
        reads.append((time.perf_counter() - t) * 1000)
        cursor = page.events[0].pos if page.events else before
        return MessagePage(ROOM, tuple(rows), cursor, len(page.events) < 40)

    def older(_room, before):
        page = page_before(before)
        t, cpu = time.perf_counter(), time.thread_time()
        model.prepend(page)
        app.processEvents()  # the anchor restore and layout the insert causes
        inserts.append((time.perf_counter() - t) * 1000)
        inserts_cpu.append((time.thread_time() - cpu) * 1000)

    def newer(_room, after):
        rows_ = store.timeline.page_after(ROOM, after, 40)
        found = roomlist.messages(store, rows_, PEOPLE[0])
        page = MessagePage(ROOM, tuple(found), rows_[-1].pos if rows_ else after, len(rows_) < 40)
        model.append_page(page)

    model.olderWanted.connect(older)
    model.newerWanted.connect(newer)
    t = time.perf_counter()
    model.show_page(page_before(None))
    app.processEvents()
    view.list.scrollToBottom()
    app.processEvents()
    out["open_ms"] = (time.perf_counter() - t) * 1000
    out["rss_opened"] = rss_mib()[0]
    bar, viewport = view.list.verticalScrollBar(), view.list.viewport()
    frames: list[float] = []
    frames_cpu: list[float] = []  # the UI thread's CPU time: steadier on a loaded machine
    timer = QElapsedTimer()
    stuck = 0
    while not (model.at_start and bar.value() == 0) and stuck < 50:
        before = bar.value()
        bar.setValue(max(0, bar.value() - steps_px))
        cpu = time.thread_time()
        timer.start()
        viewport.repaint()  # one frame, painted now
        frames.append(timer.nsecsElapsed() / 1e6)
        frames_cpu.append((time.thread_time() - cpu) * 1000)
        app.processEvents()  # paging and eviction, as the event loop would
        stuck = stuck + 1 if bar.value() == before == 0 else 0
    out["rss_scrolled"], out["rss_peak"] = rss_mib()
    out["rows_loaded"] = model.rowCount()
    out["reached_start"] = model.at_start
    out["frames"] = len(frames)
    frames.sort()
    out["frame_p50"] = statistics.median(frames)
    out["frame_p95"] = frames[int(len(frames) * 0.95)]
    out["frame_max"] = frames[-1]
    frames_cpu.sort()
    out["frame_cpu_p50"] = statistics.median(frames_cpu)
    out["frame_cpu_p95"] = frames_cpu[int(len(frames_cpu) * 0.95)]
    out["read_p50"] = statistics.median(reads)
    out["insert_p50"] = statistics.median(inserts) if inserts else 0.0
    out["insert_max"] = max(inserts) if inserts else 0.0
    out["insert_cpu_p50"] = statistics.median(inserts_cpu) if inserts_cpu else 0.0
    out["thumbnails_cached"] = len(view.delegate.thumbnails)
    out["layouts_cached"] = len(view.delegate._layouts)
    out["rss_trimmed"] = trimmed_rss_mib()
    profile.close()
    return out


def trimmed_rss_mib() -> float:
    """RSS once Python's garbage is collected and glibc gives its free pages back: what is
    live, as opposed to what the allocator keeps after the scroll's churn."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss_mib()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--step", type=int, default=120, help="px scrolled per frame")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    quiet()
    if args.child:
        print(json.dumps(child(args.child, args.step)))
        return 0
    folder = Path(f"/tmp/cercle-bench-{os.getuid()}/timeline-{args.events}")
    t = time.perf_counter()
    build(folder, args.events)
    print(
        f"room of {args.events} messages (+ reactions) in {folder} "
        f"({time.perf_counter() - t:.0f} s)"
    )
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    runs = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(folder), "--step", str(args.step)],
            capture_output=True,
            text=True,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
            timeout=900,
        )
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
        if done.returncode or not lines:
            raise RuntimeError(done.stderr[-3000:])
        runs.append(json.loads(lines[-1]))
    first = runs[0]
    print(
        f"scrolled from the newest message to the first, {args.step} px a frame: "
        f"{first['frames']} frames, rows loaded at the end {first['rows_loaded']}, "
        f"start reached: {first['reached_start']}"
    )
    print(f"medians of {args.runs} fresh processes (min–max)")
    for key, label, unit in (
        ("rss_window", "RSS, window shown, no room", "MiB"),
        ("rss_opened", "RSS, room open (newest page)", "MiB"),
        ("rss_scrolled", "RSS, after scrolling through all of it", "MiB"),
        ("rss_peak", "peak RSS", "MiB"),
        ("rss_trimmed", "RSS after it, once gc + malloc_trim(0) ran (live)", "MiB"),
        ("layouts_cached", "row layouts (and documents) cached at the end", ""),
        ("open_ms", "open the room → painted", "ms"),
        ("frame_p50", "frame (viewport repaint) p50", "ms"),
        ("frame_p95", "frame p95", "ms"),
        ("frame_max", "frame max", "ms"),
        ("frame_cpu_p50", "frame, UI thread CPU time p50", "ms"),
        ("frame_cpu_p95", "frame, UI thread CPU time p95", "ms"),
        ("read_p50", "page of 40 read from the store (protocol thread)", "ms"),
        ("insert_p50", "page inserted on the UI thread p50", "ms"),
        ("insert_max", "page inserted on the UI thread max", "ms"),
        ("insert_cpu_p50", "page inserted, UI thread CPU time p50", "ms"),
    ):
        values = [r[key] for r in runs]
        print(
            f"    {label:<50}{statistics.median(values):8.1f} {unit:<4}"
            f"({min(values):.1f}–{max(values):.1f})"
        )
    peak = statistics.median(r["rss_peak"] for r in runs)
    p95 = statistics.median(r["frame_p95"] for r in runs)
    print(
        f"    targets: RSS ≤ {TARGET_RSS_MIB} MiB → {peak:.0f}; "
        f"frame ≤ {TARGET_FRAME_MS} ms → p95 {p95:.1f}"
    )
    print(f"    load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
