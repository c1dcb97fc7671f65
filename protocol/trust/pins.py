"""Other users' pinned identities (TOFU or verified) and warnings when their master key changes."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import nio

from cercle.protocol import changes
from cercle.protocol.client import MatrixError
from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api
from cercle.protocol.trust.crosssigning import (
    KeysQueryResult,
    PinnedIdentity,
    TrustLevel,
    UserTrust,
    judge_user,
)
from cercle.protocol.trust.local import LocalTrust
from cercle.protocol.trust.remote import TrustError
from cercle.storage.store import Store, SyncBatch

if TYPE_CHECKING:
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)

# One sealed record (see local.py) mapping user id → pin; the server never sees it.
PINS = "org.cercle.local.identity_pins"
QUERY_AT_ONCE = 50  # users per /keys/query


class NoIdentityChange(TrustError):
    """There is no unacknowledged identity change for this user."""

    def __init__(self, user_id: str) -> None:
        super().__init__(f"{user_id}'s identity has no change waiting to be acknowledged.")
        self.user_id = user_id


@dataclass(frozen=True)
class Pin:
    """The master key we trust for a user. `acknowledged` is False while a verified identity
    changed and the user has not yet accepted the new one (`pending_master_key`, None when the
    user dropped cross-signing): `master_key` then still names the key we had verified."""

    master_key: str
    verified: bool = False
    acknowledged: bool = True
    pending_master_key: str | None = None

    @property
    def identity(self) -> PinnedIdentity:
        return PinnedIdentity(self.master_key, self.verified)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "master_key": self.master_key,
            "verified": self.verified,
            "acknowledged": self.acknowledged,
        }
        if self.pending_master_key is not None:
            out["pending_master_key"] = self.pending_master_key
        return out

    @classmethod
    def from_json(cls, obj: Any) -> Pin | None:
        if not isinstance(obj, Mapping) or not isinstance(obj.get("master_key"), str):
            return None
        pending = obj.get("pending_master_key")
        return cls(
            obj["master_key"],
            obj.get("verified") is True,
            obj.get("acknowledged") is not False,
            pending if isinstance(pending, str) else None,
        )


def decide(
    current: Pin | None, trust: UserTrust
) -> tuple[Pin | None, changes.IdentityChanged | None]:
    """What to pin after seeing `trust` (the pin to store, or None to keep `current` as it is),
    and the change to publish, if any. Pure: the unit tests drive it with canned answers."""
    seen = trust.master.public_key if trust.master is not None else None
    signed_by_us = trust.level is TrustLevel.VERIFIED
    if current is None:  # first sight: trust on first use, unless our signature already chains
        return (Pin(seen, verified=signed_by_us), None) if seen is not None else (None, None)
    if not current.acknowledged:  # a verified identity changed: waiting for the user
        if seen == current.master_key:  # changed back to the key we verified
            return Pin(current.master_key, current.verified), None
        if seen == current.pending_master_key:
            return None, None  # already told
        pin = replace(current, pending_master_key=seen)
        return pin, changes.IdentityChanged(trust.user_id, verified_before=True)
    if seen == current.master_key:
        if signed_by_us and not current.verified:  # verified meanwhile (e.g. on another device)
            return replace(current, verified=True), None
        return None, None
    if current.verified:  # never silent: kept until acknowledged
        pin = Pin(current.master_key, True, acknowledged=False, pending_master_key=seen)
        return pin, changes.IdentityChanged(trust.user_id, verified_before=True)
    if seen is None:  # an unverified user dropped cross-signing: nothing new to pin
        return None, None
    return Pin(seen, verified=signed_by_us), changes.IdentityChanged(
        trust.user_id, verified_before=False
    )


class IdentityPins(LocalTrust):
    """The sealed pin record. Each change is one read-modify-write under a lock, so the sync
    observer and a verification never overwrite each other. Blocking (SQLite): off the loop."""

    _lock = threading.Lock()  # one per process: all profiles' pins are tiny

    def __init__(self, store: Store, profile_secret: str) -> None:
        super().__init__(store, profile_secret)

    def all(self) -> dict[str, Pin]:
        body = self._read(PINS) or {}
        users = body.get("users")
        pins = {}
        for user_id, obj in users.items() if isinstance(users, Mapping) else ():
            pin = Pin.from_json(obj)
            if isinstance(user_id, str) and pin is not None:
                pins[user_id] = pin
        return pins

    def get(self, user_id: str) -> Pin | None:
        return self.all().get(user_id)

    def update(self, user_id: str, change: Callable[[Pin | None], Pin | None]) -> Pin | None:
        """Applies `change` to the user's current pin (None: keep it); returns the new one."""
        with self._lock:
            pins = self.all()
            new = change(pins.get(user_id))
            if new is not None and new != pins.get(user_id):
                pins[user_id] = new
                self._write(PINS, {"users": {u: p.to_json() for u, p in pins.items()}})
            return new if new is not None else pins.get(user_id)

    def observe(self, trust: UserTrust) -> changes.IdentityChanged | None:
        """Decides on what a /keys/query showed of the user; returns what to publish."""
        published: list[changes.IdentityChanged] = []

        def apply(current: Pin | None) -> Pin | None:
            pin, change = decide(current, trust)
            if change is not None:
                published.append(change)
            return pin

        self.update(trust.user_id, apply)
        return published[0] if published else None

    def pin_verified(self, user_id: str, master_key: str) -> Pin | None:
        """We just verified this master key (emoji verification)."""
        return self.update(user_id, lambda _current: Pin(master_key, verified=True))

    def acknowledge(self, user_id: str) -> Pin | None:
        """The user accepted a verified user's new identity: pinned again, unverified (None when
        the user has no cross-signing identity any more). Raises NoIdentityChange."""
        with self._lock:
            pins = self.all()
            current = pins.get(user_id)
            if current is None or current.acknowledged:
                raise NoIdentityChange(user_id)
            if current.pending_master_key is None:
                del pins[user_id]
                new = None
            else:
                new = pins[user_id] = Pin(current.pending_master_key, verified=False)
            self._write(PINS, {"users": {u: p.to_json() for u, p in pins.items()}})
            return new


class IdentityMonitor:
    """A SyncEngine observer: users whose keys changed (`device_lists.changed`, which also
    names users we newly share an encrypted room with) are queried again and judged against
    their pin; a changed master key is published as `changes.IdentityChanged`."""

    def __init__(self, account: Account, publish: Callable[[changes.Change], None]) -> None:
        self._account = account
        self._publish = publish
        self._queue: asyncio.Queue[set[str]] | None = None
        self._worker: asyncio.Task[None] | None = None

    def pins(self) -> IdentityPins:
        return IdentityPins(self._account.store, self._account.profile.keys.pickle_key)

    def observe(self, reply: nio.SyncResponse, batch: SyncBatch) -> None:
        lists = getattr(reply, "device_list", None)  # nio's name for `device_lists`
        own = self._account.client.user_id
        users = {u for u in getattr(lists, "changed", None) or () if u != own}
        if users:
            log.debug("keys changed for %d users", len(users))
            self.watch(users)

    def watch(self, users: Iterable[str]) -> None:
        """Queries these users' keys again, in the background."""
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._work(self._queue), name="identity-monitor")
        self._queue.put_nowait(set(users))

    async def _work(self, queue: asyncio.Queue[set[str]]) -> None:
        while True:
            users = await queue.get()
            while not queue.empty():  # coalesce what piled up meanwhile
                users |= queue.get_nowait()
            try:
                await self.check(sorted(users))
            except MatrixError as e:
                log.info("identity check of %d users failed: %s", len(users), e)
            except Exception:  # never stops watching
                log.exception("identity check failed")

    async def check(self, users: list[str]) -> list[changes.IdentityChanged]:
        """Queries, judges and pins `users`; publishes and returns the changes found."""
        client = self._account.client
        found: list[changes.IdentityChanged] = []
        for start in range(0, len(users), QUERY_AT_ONCE):
            chunk = users[start : start + QUERY_AT_ONCE]
            query = sorted({*chunk, client.user_id})  # ours: our user-signing key
            body = await send_request(client, api.keys_query(query), what="keys query")
            found += await asyncio.to_thread(self._judge, api.parse_keys_query(body), chunk)
        for change in found:
            log.warning(
                "identity of %s changed (verified before: %s)",
                change.user_id,
                change.verified_before,
            )
            self._publish(change)
        return found

    def _judge(self, result: KeysQueryResult, users: list[str]) -> list[changes.IdentityChanged]:
        pins = self.pins()
        identity = pins.identity()
        own = self._account.client.user_id
        out = []
        for user_id in users:
            if user_id not in result.master_keys and user_id not in result.device_keys:
                continue  # not answered (a remote server down): try on the next change
            current = pins.get(user_id)
            trust = judge_user(
                result,
                user_id,
                own_user_id=own,
                trusted_master_key=identity.master_public_key if identity else None,
                pinned=current.identity if current else None,
            )
            change = pins.observe(trust)
            if change is not None:
                out.append(change)
        return out

    async def close(self) -> None:
        """Stops watching (before the client closes)."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker, self._queue = None, None

    async def acknowledge(self, user_id: str) -> Pin | None:
        """See `IdentityPins.acknowledge`."""
        return await asyncio.to_thread(self.pins().acknowledge, user_id)

    async def pinned(self) -> dict[str, Pin]:
        return await asyncio.to_thread(self.pins().all)
