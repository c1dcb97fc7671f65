"""Emoji verification flows (`m.key.verification.*`), in a DM or to-device, and their driver."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import nio

from cercle.protocol.client import MatrixClient, MatrixError
from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api
from cercle.protocol.trust.crosssigning import (
    KeysQueryResult,
    UserTrust,
    judge_user,
    sign_device,
    sign_user,
)
from cercle.protocol.trust.local import LocalTrust
from cercle.protocol.trust.remote import TrustError
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
from cercle.storage.store import SyncBatch
from cercle.storage.timeline import NewEvent

if TYPE_CHECKING:
    from cercle.protocol.account import Account

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


# -- the driver: routing events to flows, transports, and signing on success -------------------


class RoomTransport:
    """In a DM: every event after the request relates to it (`m.reference`)."""

    def __init__(self, client: MatrixClient, room_id: str, flow_id: str) -> None:
        self.client, self.room_id, self.flow_id = client, room_id, flow_id

    async def send(self, event_type: str, content: dict[str, Any]) -> dict[str, Any]:
        relates = {"rel_type": "m.reference", "event_id": self.flow_id}
        body = {**content, "m.relates_to": relates}
        await self.client.send_event(self.room_id, event_type, body)
        return body


class ToDeviceTransport:
    """To one device (our own devices), with the flow id as `transaction_id`."""

    def __init__(self, client: MatrixClient, user_id: str, device_id: str, flow_id: str) -> None:
        self.client, self.user_id, self.device_id, self.flow_id = (
            client,
            user_id,
            device_id,
            flow_id,
        )

    async def send(self, event_type: str, content: dict[str, Any]) -> dict[str, Any]:
        body = {**content, "transaction_id": self.flow_id}
        message = nio.ToDeviceMessage(event_type, self.user_id, self.device_id, body)
        await self.client.call(self.client.nio.to_device(message))
        return body


class Verifications:
    """An account's verification flows. `SyncEngine` hands each stored sync to `observe`; new
    requests from others come on `incoming` (and to `on_request`). nio's own, legacy to-device
    SAS (old MAC, which Element refuses) is switched off: this class answers instead."""

    def __init__(self, account: Account, *, timeout: float = TIMEOUT_S) -> None:
        self._account = account
        self.timeout = timeout
        self.flows: dict[str, Verification] = {}
        self.incoming: asyncio.Queue[Verification] = asyncio.Queue()
        self.on_request: Callable[[Verification], None] | None = None
        self._queue: asyncio.Queue[tuple[str | None, str, str, Mapping[str, Any], Any]] | None = (
            None
        )
        self._worker: asyncio.Task[None] | None = None
        olm = account.client.nio.olm
        if olm is not None:
            olm.handle_key_verification = lambda _event: None  # type: ignore[method-assign]

    @property
    def _client(self) -> MatrixClient:
        return self._account.client

    def _own(self) -> Party:
        return Party(self._client.user_id, self._client.nio.device_id)

    # -- starting ----------------------------------------------------------------------------

    async def request(
        self, user_id: str, *, room_id: str | None = None, device_id: str | None = None
    ) -> Verification:
        """Asks `user_id` to verify: in the DM `room_id`, or to-device to `device_id` (one of
        our own devices). Then: `await flow.ready`, `await flow.start_sas()`."""
        own = self._own()
        base = {"from_device": own.device_id, "methods": [METHOD]}
        if room_id is not None:
            content = {
                **base,
                "msgtype": REQUEST,
                "to": user_id,
                "body": f"{own.user_id} is asking to verify your keys (emoji verification).",
            }
            flow_id = await self._client.send_event(room_id, "m.room.message", content)
            transport: Transport = RoomTransport(self._client, room_id, flow_id)
        elif device_id is not None:
            flow_id = secrets.token_urlsafe(16)
            transport = ToDeviceTransport(self._client, user_id, device_id, flow_id)
            await transport.send(REQUEST, {**base, "timestamp": int(time.time() * 1000)})
        else:
            raise ValueError("a verification request goes to a room or to a device")
        return await self._new(flow_id, user_id, device_id, transport, True, room_id is not None)

    async def _new(
        self,
        flow_id: str,
        user_id: str,
        device_id: str | None,
        transport: Transport,
        we_requested: bool,
        in_room: bool,
    ) -> Verification:
        flow = Verification(
            flow_id=flow_id,
            own=self._own(),
            other_user=user_id,
            other_device=device_id,
            transport=transport,
            own_keys=await self._own_keys(),
            their_keys=self._their_keys,
            we_requested=we_requested,
            in_room=in_room,
            on_verified=self._sign,
            timeout=self.timeout,
        )
        self.flows[flow_id] = flow
        return flow

    # -- routing -----------------------------------------------------------------------------

    def observe(self, reply: nio.SyncResponse, batch: SyncBatch) -> None:
        """Queues this sync's verification events, in order, for the worker."""
        found: list[tuple[str | None, str, str, Mapping[str, Any], Any]] = []
        for event in reply.to_device_events:
            source = getattr(event, "source", None)
            if isinstance(source, Mapping) and str(source.get("type", "")).startswith(PREFIX):
                content = source.get("content")
                if isinstance(content, Mapping):
                    found.append(
                        (None, str(source["type"]), str(source.get("sender")), content, None)
                    )
        for room in batch.rooms:
            for ev in room.timeline:
                if ev.type.startswith(PREFIX) or ev.content.get("msgtype") == REQUEST:
                    found.append((room.room_id, ev.type, ev.sender, ev.content, ev))
        if not found:
            return
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._work(self._queue), name="verification")
        for item in found:
            self._queue.put_nowait(item)

    async def _work(self, queue: asyncio.Queue[Any]) -> None:
        while True:
            room_id, event_type, sender, content, event = await queue.get()
            try:
                await self._route(room_id, event_type, sender, content, event)
            except Exception:  # one bad event never stops verification
                log.exception("verification event %s not handled", event_type)

    async def _route(
        self,
        room_id: str | None,
        event_type: str,
        sender: str,
        content: Mapping[str, Any],
        event: NewEvent | None,
    ) -> None:
        own = self._own()
        if room_id is not None and event is not None:
            if sender == own.user_id:
                return  # our echoes (and our other devices' flows)
            if event_type == "m.room.message":
                if content.get("to") == own.user_id and is_fresh(event.origin_server_ts):
                    await self._incoming(
                        event.event_id,
                        sender,
                        content,
                        RoomTransport(self._client, room_id, event.event_id),
                        in_room=True,
                    )
                return
            relates = content.get("m.relates_to")
            flow_id = relates.get("event_id") if isinstance(relates, Mapping) else None
        else:
            flow_id = content.get("transaction_id")
            if not isinstance(flow_id, str):
                return
            if event_type == REQUEST and flow_id not in self.flows:
                if is_fresh(content.get("timestamp")):
                    device = str(content.get("from_device", ""))
                    transport = ToDeviceTransport(self._client, sender, device, flow_id)
                    await self._incoming(flow_id, sender, content, transport, in_room=False)
                return
        flow = self.flows.get(flow_id) if isinstance(flow_id, str) else None
        if flow is not None and sender == flow.other_user:
            await flow.handle(event_type, content)

    async def _incoming(
        self,
        flow_id: str,
        sender: str,
        content: Mapping[str, Any],
        transport: Transport,
        *,
        in_room: bool,
    ) -> None:
        methods = content.get("methods")
        device = content.get("from_device")
        if flow_id in self.flows or not isinstance(device, str) or not isinstance(methods, list):
            return
        flow = await self._new(flow_id, sender, device, transport, False, in_room)
        if METHOD not in methods:
            await flow.cancel("m.unknown_method", "Cercle verifies by emoji only")
            return
        self.incoming.put_nowait(flow)
        if self.on_request is not None:
            self.on_request(flow)

    # -- keys and signing --------------------------------------------------------------------

    async def _own_keys(self) -> dict[str, str]:
        """What we MAC: this device's key, and our master key when this device holds it."""
        olm = self._client.nio.olm
        if olm is None:
            raise TrustError("Encryption is not set up on this device")
        own = self._own()
        keys = {f"ed25519:{own.device_id}": str(olm.account.identity_keys["ed25519"])}
        identity = await asyncio.to_thread(self._local().identity)
        if identity is not None:
            keys[f"ed25519:{identity.master_public_key}"] = identity.master_public_key
        return keys

    def _local(self) -> LocalTrust:
        return LocalTrust(self._account.store, self._account.profile.keys.pickle_key)

    async def _judge(self, user_id: str) -> tuple[KeysQueryResult, UserTrust]:
        users = sorted({user_id, self._client.user_id})  # ours too: our user-signing key
        body = await send_request(self._client, api.keys_query(users), what="keys query")
        result = api.parse_keys_query(body)
        identity = await asyncio.to_thread(self._local().identity)
        trust = judge_user(
            result,
            user_id,
            own_user_id=self._client.user_id,
            trusted_master_key=identity.master_public_key if identity else None,
        )
        return result, trust

    async def _their_keys(self, user_id: str, device_id: str) -> TheirKeys:
        _, trust = await self._judge(user_id)
        device = trust.devices.get(device_id)
        master = trust.master.public_key if trust.master is not None else None
        return TheirKeys(
            device.keys.ed25519 if device else None, master, bool(trust.colliding_device_ids)
        )

    async def _sign(self, verified: Verified) -> str | None:
        """Signs what the flow proved: their master key with our user-signing key (another
        user), or their device with our self-signing key (our own device). None when done, else
        why not (the user can act on it)."""
        if verified.user_id != self._client.user_id and verified.master_key:
            await asyncio.to_thread(
                self._account.identities.pins().pin_verified,
                verified.user_id,
                verified.master_key,
            )
        identity = await asyncio.to_thread(self._local().identity)
        if identity is None or identity.secrets is None:
            return "Set up or restore recovery on this device to record this verification."
        _, trust = await self._judge(verified.user_id)
        if verified.user_id == self._client.user_id:
            device = trust.devices.get(verified.device_id)
            if device is None or not verified.device_key:
                return "The other device's key was not verified."
            signed = sign_device(device.keys, identity.secrets.self_signing)
        else:
            if trust.master is None or trust.master.public_key != verified.master_key:
                return "The other user did not prove their identity (master key)."
            signed = sign_user(
                trust.master, identity.secrets.user_signing, own_user_id=self._client.user_id
            )
        try:
            body = await send_request(
                self._client, api.signatures_upload([signed]), what="signatures upload"
            )
        except MatrixError as e:
            return f"The server did not take our signature: {e}"
        failures = api.parse_signatures_upload(body)
        if failures:
            return f"The server refused our signature: {failures[0].error or failures[0].errcode}"
        log.info("verified and signed %s", verified.user_id)
        return None
