"""Prototype, bench only: decode /sync JSON straight to the store's SyncBatch, checked per event."""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

import nio
from synthetic_sync import OWN_USER, SyntheticAccount, count_events

from cercle.protocol.ingest import to_batch
from cercle.storage.receipts import Receipt
from cercle.storage.rooms import StateEvent
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent

MEGOLM = "m.megolm.v1.aes-sha2"
MEMBERSHIPS = frozenset({"invite", "join", "knock", "leave", "ban"})


class Report(Counter):
    """What the decoder dropped, by reason (one bad event never costs the batch)."""


def _envelope(event: Any, report: Report, state: bool) -> bool:
    """The fields every stored event needs, with the types the store relies on."""
    if not isinstance(event, dict):
        report["not an object"] += 1
        return False
    event_id, sender, ts = event.get("event_id"), event.get("sender"), event.get("origin_server_ts")
    if not (isinstance(event_id, str) and event_id.startswith("$")):
        report["bad event_id"] += 1
        return False
    if not (isinstance(sender, str) and sender.startswith("@") and ":" in sender):
        report["bad sender"] += 1
        return False
    if not isinstance(event.get("type"), str):
        report["bad type"] += 1
        return False
    if type(ts) is not int or ts < 0:
        report["bad origin_server_ts"] += 1
        return False
    if not isinstance(event.get("content"), dict):
        report["bad content"] += 1
        return False
    if state and not isinstance(event.get("state_key"), str):
        report["state without state_key"] += 1
        return False
    return True


def _txn_id(event: dict) -> str | None:
    unsigned = event.get("unsigned")
    txn = unsigned.get("transaction_id") if isinstance(unsigned, dict) else None
    return txn if isinstance(txn, str) else None


def _megolm_cause(content: Mapping[str, Any]) -> str:
    """Same rule as protocol.e2ee.cause_for, on the raw content."""
    if content.get("algorithm") not in (None, MEGOLM) or not isinstance(
        content.get("session_id"), str
    ):
        return "bad_encryption"
    return "not_yet_received"


def timeline_event(event: Any, report: Report, to_decrypt: list[dict]) -> NewEvent | None:
    if not _envelope(event, report, state=False):
        return None
    content = event["content"]
    if event["type"] == "m.room.encrypted":
        # What Olm/Megolm needs goes to nio/vodozemac; the store keeps it undecrypted for now.
        to_decrypt.append(event)
        return NewEvent(
            event["event_id"],
            event["sender"],
            "m.room.encrypted",
            event["origin_server_ts"],
            dict(content),
            encrypted=True,
            decryption_error=_megolm_cause(content),
            raw=dict(event),
            txn_id=_txn_id(event),
        )
    state_key = event.get("state_key")
    return NewEvent(
        event["event_id"],
        event["sender"],
        event["type"],
        event["origin_server_ts"],
        dict(content),
        state_key=state_key if isinstance(state_key, str) else None,
        txn_id=_txn_id(event),
    )


def state_event(event: Any, report: Report, stripped: bool = False) -> StateEvent | None:
    if stripped:  # invite_state: stripped events carry type, state_key, sender, content only
        ok = (
            isinstance(event, dict)
            and isinstance(event.get("type"), str)
            and isinstance(event.get("state_key"), str)
            and isinstance(event.get("content"), dict)
        )
        if not ok:
            report["bad stripped state"] += 1
            return None
    elif not _envelope(event, report, state=True):
        return None
    content = event["content"]
    if event["type"] == "m.room.member" and content.get("membership") not in MEMBERSHIPS:
        report["member without membership (kept)"] += 1
    return StateEvent(
        event["type"],
        event["state_key"],
        dict(content),
        event.get("event_id"),
        event.get("sender"),
        event.get("origin_server_ts"),
    )


def _events(block: Any) -> list:
    events = block.get("events") if isinstance(block, dict) else None
    return events if isinstance(events, list) else []


def _receipts(room_id: str, ephemeral: Any) -> list[Receipt]:
    found = []
    for event in _events(ephemeral):
        if not isinstance(event, dict) or event.get("type") != "m.receipt":
            continue
        content = event.get("content")
        for event_id, kinds in content.items() if isinstance(content, dict) else ():
            for kind, users in kinds.items() if isinstance(kinds, dict) else ():
                for user_id, info in users.items() if isinstance(users, dict) else ():
                    info = info if isinstance(info, dict) else {}
                    ts = info.get("ts")
                    thread = info.get("thread_id")
                    found.append(
                        Receipt(
                            room_id,
                            kind,
                            user_id,
                            event_id,
                            ts if type(ts) is int else 0,
                            thread if isinstance(thread, str) and thread != "main" else "",
                        )
                    )
    return found


def _count(block: Any, name: str) -> int | None:
    value = block.get(name) if isinstance(block, dict) else None
    return value if type(value) is int else None


def _account_data(block: Any) -> dict[str, dict]:
    return {
        e["type"]: dict(e["content"])
        for e in _events(block)
        if isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and isinstance(e.get("content"), dict)
    }


def _rooms(body: dict, kind: str) -> dict:
    rooms = body.get("rooms")
    found = rooms.get(kind) if isinstance(rooms, dict) else None
    return found if isinstance(found, dict) else {}


def decode_sync(body: Any) -> tuple[SyncBatch | None, list[dict], Report]:
    """The store's batch, the encrypted events for the crypto layer, and what was dropped.
    Only a response without a next_batch is refused as a whole."""
    report = Report()
    to_decrypt: list[dict] = []
    if not isinstance(body, dict) or not isinstance(body.get("next_batch"), str):
        report["no next_batch: response refused"] += 1
        return None, to_decrypt, report
    rooms: list[RoomBatch] = []
    for room_id, info in _rooms(body, "join").items():
        if not isinstance(info, dict):
            report["bad room block"] += 1
            continue
        timeline = info.get("timeline") if isinstance(info.get("timeline"), dict) else {}
        prev = timeline.get("prev_batch")
        unread = info.get("unread_notifications")
        rooms.append(
            RoomBatch(
                room_id=room_id,
                join_state="join",
                state=[s for e in _events(info.get("state")) if (s := state_event(e, report))],
                timeline=[
                    t for e in _events(timeline) if (t := timeline_event(e, report, to_decrypt))
                ],
                limited=timeline.get("limited") is True,
                prev_batch=prev if isinstance(prev, str) else None,
                unread_count=_count(unread, "notification_count"),
                highlight_count=_count(unread, "highlight_count"),
                receipts=_receipts(room_id, info.get("ephemeral")),
                account_data=_account_data(info.get("account_data")),
            )
        )
    for room_id, info in _rooms(body, "invite").items():
        block = info.get("invite_state") if isinstance(info, dict) else None
        state = [s for e in _events(block) if (s := state_event(e, report, stripped=True))]
        rooms.append(RoomBatch(room_id=room_id, join_state="invite", state=state))
    for room_id, info in _rooms(body, "leave").items():
        info = info if isinstance(info, dict) else {}
        rooms.append(
            RoomBatch(
                room_id=room_id,
                join_state="leave",
                state=[s for e in _events(info.get("state")) if (s := state_event(e, report))],
                timeline=[
                    t
                    for e in _events(info.get("timeline"))
                    if (t := timeline_event(e, report, to_decrypt))
                ],
            )
        )
    batch = SyncBatch(body["next_batch"], rooms, _account_data(body.get("account_data")))
    return batch, to_decrypt, report


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
            diff["room only in prototype"] += 1
            continue
        a = {e.event_id: e for e in room.timeline}
        b = {e.event_id: e for e in other.timeline}
        diff["timeline event only in nio path"] += len(b.keys() - a.keys())
        diff["timeline event only in prototype"] += len(a.keys() - b.keys())
        for key in a.keys() & b.keys():
            if a[key] != b[key]:
                diff[_why(a[key].content, b[key].content, f"timeline {a[key].type}")] += 1
        sa = {(s.type, s.state_key): s for s in room.state}
        sb = {(s.type, s.state_key): s for s in other.state}
        diff["state only in nio path"] += len(sb.keys() - sa.keys())
        diff["state only in prototype"] += len(sa.keys() - sb.keys())
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
        ours, to_decrypt, report = decode_sync(parsed)
        ours_runs.append([b - a for a, b in zip(t, clock(), strict=True)])
    med = lambda runs, i: statistics.median(r[i] for r in runs)  # noqa: E731
    print(
        f"First sync of {args.rooms} rooms: {events:,} events, {len(data) / 1e6:.1f} MB, "
        f"medians of {args.repeat} (wall / CPU)"
    )
    print(f"    {'':<38}{'wall s':>8}{'CPU s':>8}{'ev/s CPU':>11}")
    for label, runs in (
        ("from_dict + to_batch (today)", nio_runs),
        ("prototype decode_sync", ours_runs),
    ):
        print(
            f"    {label:<38}{med(runs, 0):8.3f}{med(runs, 1):8.3f}{events / med(runs, 1):11,.0f}"
        )
    print(
        f"    speed-up (CPU): {med(nio_runs, 1) / med(ours_runs, 1):.0f}×; "
        f"{len(to_decrypt):,} m.room.encrypted events handed to the crypto layer"
    )
    print(f"    dropped by the prototype: {dict(report) or 'nothing'}")
    print("    differences from today's batch (from_dict + to_batch):")
    for what, n in sorted(compare(ours, nios).items()):
        print(f"      {n:5} × {what}")

    hostile = SyntheticAccount(args.rooms, seed=args.seed, hostile=True).first_sync()
    try:
        outcome = type(nio.SyncResponse.from_dict(json.loads(json.dumps(hostile)))).__name__
    except Exception as error:  # what the sync loop would see: the whole batch lost
        outcome = f"raises {type(error).__name__}: {error}"
    batch, _, report = decode_sync(json.loads(json.dumps(hostile)))
    kept = sum(len(r.timeline) + len(r.state) for r in batch.rooms) if batch else 0
    print("\nWith 3 hostile events added (ts as a string, no content, an event that is a string):")
    print(f"    nio from_dict: {outcome}")
    total = count_events(hostile)["total"]
    print(f"    prototype: batch kept, {kept:,} of {total:,} events stored, dropped {dict(report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
