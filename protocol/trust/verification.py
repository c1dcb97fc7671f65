"""One emoji verification flow (`m.key.verification.*`), in a DM or to-device: its state machine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from cercle.protocol.trust.sas import (
    METHOD,
    Party,
    SasError,
    SasKeys,
    ShortAuth,
    accept_params,
    check_accept,
    commitment,
    sas_info,
    start_content,
)

log = logging.getLogger(__name__)

PREFIX = "m.key.verification."
REQUEST = "m.key.verification.request"
TIMEOUT_S = 600.0  # the spec's 10 minutes
MAX_AGE_MS = 10 * 60 * 1000  # older requests are stale (the spec); 5 min in the future too


class Phase(StrEnum):
    REQUESTED = "requested"
    READY = "ready"
    STARTED = "started"
    SHOWING = "showing"  # emoji ready, waiting for the user
    CONFIRMED = "confirmed"  # we sent our MAC
    DONE = "done"
    CANCELLED = "cancelled"


class VerificationCancelled(Exception):
    """The flow ended without verifying anyone; `code` is the spec's cancel code."""

    def __init__(self, code: str, reason: str, *, by_us: bool) -> None:
        who = "Cercle" if by_us else "the other side"
        super().__init__(f"Verification cancelled by {who}: {reason} ({code})")
        self.code, self.reason, self.by_us = code, reason, by_us


@dataclass(frozen=True)
class Verified:
    """What a successful flow proved: their device key, and their master key if they sent it."""

    user_id: str
    device_id: str
    device_key: str
    master_key: str | None


class Transport(Protocol):
    async def send(self, event_type: str, content: dict[str, Any]) -> dict[str, Any]:
        """Sends; returns the content as sent (the start's commitment covers all of it)."""
        ...


@dataclass(frozen=True)
class TheirKeys:
    """The other side's keys as /keys/query publishes them (the MAC is checked against these)."""

    device_key: str | None
    master_key: str | None
    collision: bool = False  # a device id equal to a cross-signing key: CVE-2022-39250


class Verification:
    """One flow. Either side may request and either may start SAS; `short_auth` resolves when
    the emoji are ready, `confirm(match)` answers, `finished` resolves with `Verified` or raises
    VerificationCancelled."""

    def __init__(
        self,
        *,
        flow_id: str,
        own: Party,
        other_user: str,
        other_device: str | None,
        transport: Transport,
        own_keys: Mapping[str, str],
        their_keys: Callable[[str, str], Awaitable[TheirKeys]],
        we_requested: bool,
        in_room: bool,
        on_verified: Callable[[Verified], Awaitable[str | None]] | None = None,
        on_mac_checked: Callable[[Verified], None] | None = None,
        timeout: float = TIMEOUT_S,
    ) -> None:
        self.flow_id, self.own, self.in_room = flow_id, own, in_room
        self.other_user, self.other_device = other_user, other_device
        self.we_requested = we_requested
        self._transport, self._own_keys, self._their_keys = transport, own_keys, their_keys
        self.phase = Phase.REQUESTED
        self._keys = SasKeys()
        self._start: Mapping[str, Any] | None = None
        self._we_started = False
        self._commitment: str | None = None
        self._their_mac: Mapping[str, Any] | None = None
        self._verified: Verified | None = None
        self._their_done = False
        self._on_verified = on_verified
        # Told before our `done` goes out: the other side may act on it at once (e.g. ask our
        # device for secrets), so what the MAC proved must be known here by then.
        self._on_mac_checked = on_mac_checked
        self.signing_error: str | None = None  # verified, but our signature was not uploaded
        loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[None] = loop.create_future()
        self.short_auth: asyncio.Future[ShortAuth] = loop.create_future()
        self.finished: asyncio.Future[Verified] = loop.create_future()
        for future in (self.ready, self.short_auth, self.finished):
            future.add_done_callback(_silence)
        self._timer = loop.call_later(timeout, self._on_timeout)

    @property
    def other(self) -> Party:
        return Party(self.other_user, self.other_device or "")

    # -- user actions ------------------------------------------------------------------------

    async def accept(self) -> None:
        """Answers their request with `ready`."""
        if self.phase is not Phase.REQUESTED or self.we_requested:
            return
        await self._send("ready", {"from_device": self.own.device_id, "methods": [METHOD]})
        self.phase = Phase.READY
        _resolve(self.ready, None)

    async def start_sas(self) -> None:
        """Sends `start` (once both sides are ready)."""
        if self.phase is not Phase.READY:
            raise SasError("m.unexpected_message", f"cannot start SAS while {self.phase}")
        content = start_content(self.own.device_id)
        self._start = await self._send("start", content)
        self._we_started = True
        self.phase = Phase.STARTED

    async def confirm(self, match: bool) -> None:
        """The user's answer to "do the emoji match?"."""
        if self.phase is not Phase.SHOWING:
            return
        if not match:
            await self.cancel("m.mismatched_sas", "the emoji did not match")
            return
        mac = self._keys.mac_content(self.own, self.other, self.flow_id, self._own_keys)
        await self._send("mac", mac)
        self.phase = Phase.CONFIRMED
        if self._their_mac is not None:
            await self._guarded(self._check_their_mac())

    async def cancel(self, code: str = "m.user", reason: str = "cancelled by the user") -> None:
        if self.phase in (Phase.DONE, Phase.CANCELLED):
            return
        self._end_cancelled(code, reason, by_us=True)
        with contextlib.suppress(Exception):  # we end either way; the other side times out
            await self._send("cancel", {"code": code, "reason": reason})

    def abandon(self) -> None:
        """Ends the flow here without telling the other side (this device is signing out)."""
        if self.phase not in (Phase.DONE, Phase.CANCELLED):
            self._end_cancelled("m.user", "this device closed the session", by_us=True)

    # -- incoming events ---------------------------------------------------------------------

    async def handle(self, event_type: str, content: Mapping[str, Any]) -> None:
        """One `m.key.verification.*` event of this flow from the other side."""
        if self.phase in (Phase.DONE, Phase.CANCELLED):
            return
        await self._guarded(self._handle(event_type.removeprefix(PREFIX), content))

    async def _guarded(self, work: Awaitable[None]) -> None:
        try:
            await work
        except SasError as e:
            log.info("verification %s cancelled: %s", self.flow_id, e)
            await self.cancel(e.code, str(e))

    async def _handle(self, kind: str, content: Mapping[str, Any]) -> None:
        if kind == "cancel":
            code, reason = content.get("code"), content.get("reason")
            self._end_cancelled(str(code or "m.user"), str(reason or "cancelled"), by_us=False)
        elif kind == "ready" and self.phase is Phase.REQUESTED and self.we_requested:
            methods = content.get("methods")
            if not isinstance(methods, list) or METHOD not in methods:
                raise SasError("m.unknown_method", "the other client offers no emoji verification")
            self._learn_device(content)
            self.phase = Phase.READY
            _resolve(self.ready, None)
        elif kind == "start" and self.phase in (Phase.READY, Phase.STARTED, Phase.REQUESTED):
            await self._on_start(content)
        elif kind == "accept" and self.phase is Phase.STARTED and self._we_started:
            self._commitment = check_accept(content)
            await self._send("key", {"key": self._keys.public_key})
        elif kind == "key" and self.phase is Phase.STARTED:
            await self._on_key(content)
        elif kind == "mac" and self.phase in (Phase.SHOWING, Phase.CONFIRMED):
            self._their_mac = content
            if self.phase is Phase.CONFIRMED:
                await self._check_their_mac()
        elif kind == "done":
            self._their_done = True
            self._maybe_finish()
        elif kind in ("ready", "start", "accept", "key", "mac"):
            raise SasError("m.unexpected_message", f"unexpected {kind} while {self.phase}")

    async def _on_start(self, content: Mapping[str, Any]) -> None:
        if self._we_started:
            # Both started: the lexicographically smaller user (then device) id wins (the spec).
            if (self.own.user_id, self.own.device_id) < (self.other_user, self.other_device or ""):
                return
            self._we_started = False
        self._learn_device(content)
        params = accept_params(content)
        self._start = content
        params["commitment"] = commitment(self._keys.public_key, content)
        self.phase = Phase.STARTED
        _resolve(self.ready, None)
        await self._send("accept", params)

    async def _on_key(self, content: Mapping[str, Any]) -> None:
        their_key = content.get("key")
        if not isinstance(their_key, str):
            raise SasError("m.invalid_message", "a key event without a key")
        if self._we_started and self._commitment != commitment(their_key, self._start or {}):
            raise SasError("m.mismatched_commitment", "the key does not match its commitment")
        self._keys.establish(their_key)
        if not self._we_started:
            await self._send("key", {"key": self._keys.public_key})
        mine, theirs = (self.own, self.other)
        starter, accepter = (mine, theirs) if self._we_started else (theirs, mine)
        ours = self._keys.public_key
        s_key, a_key = (ours, their_key) if self._we_started else (their_key, ours)
        shown = self._keys.short_auth(sas_info(starter, s_key, accepter, a_key, self.flow_id))
        self.phase = Phase.SHOWING
        _resolve(self.short_auth, shown)

    async def _check_their_mac(self) -> None:
        assert self._their_mac is not None
        device = self.other_device or ""
        keys = await self._their_keys(self.other_user, device)
        if keys.collision:
            raise SasError("m.key_mismatch", "a device id collides with a cross-signing key")
        expected: dict[str, str] = {}
        if keys.device_key:
            expected[f"ed25519:{device}"] = keys.device_key
        if keys.master_key:
            expected[f"ed25519:{keys.master_key}"] = keys.master_key
        ok = self._keys.check_mac(self._their_mac, self.other, self.own, self.flow_id, expected)
        device_key = (keys.device_key or "") if f"ed25519:{device}" in ok else ""
        master = keys.master_key if f"ed25519:{keys.master_key}" in ok else None
        verified = Verified(self.other_user, device, device_key, master)
        if self._on_mac_checked is not None:
            self._on_mac_checked(verified)
        await self._send("done", {})
        if self._on_verified is not None:
            self.signing_error = await self._on_verified(verified)
        self._verified = verified
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self._verified is not None and self._their_done and self.phase is not Phase.DONE:
            self.phase = Phase.DONE
            self._timer.cancel()
            _resolve(self.finished, self._verified)

    # -- plumbing ----------------------------------------------------------------------------

    def _learn_device(self, content: Mapping[str, Any]) -> None:
        device = content.get("from_device")
        if not isinstance(device, str) or not device:
            raise SasError("m.invalid_message", "no from_device")
        if self.other_device not in (None, device):
            raise SasError("m.unexpected_message", "another device answered")
        self.other_device = device

    async def _send(self, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        return await self._transport.send(PREFIX + kind, content)

    def _end_cancelled(self, code: str, reason: str, *, by_us: bool) -> None:
        self.phase = Phase.CANCELLED
        self._timer.cancel()
        error = VerificationCancelled(code, reason, by_us=by_us)
        for future in (self.ready, self.short_auth, self.finished):
            if not future.done():
                future.set_exception(error)

    def _on_timeout(self) -> None:
        if self.phase not in (Phase.DONE, Phase.CANCELLED):
            task = asyncio.ensure_future(self.cancel("m.timeout", "no answer in time"))
            task.add_done_callback(_silence)


def _resolve(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


def _silence(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: no "never retrieved" warning


def is_fresh(ts: Any, now_ms: float | None = None) -> bool:
    """A request is stale 10 minutes after it was sent (or 5 minutes before, clocks apart)."""
    now = time.time() * 1000 if now_ms is None else now_ms
    return isinstance(ts, int) and now - MAX_AGE_MS <= ts <= now + MAX_AGE_MS / 2
