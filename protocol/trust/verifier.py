"""The verification driver: routes synced events to flows, sends them, signs what they proved."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

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
from cercle.protocol.trust.olm_gate import OlmGate, OlmPayload
from cercle.protocol.trust.remote import TrustError, query_own_keys
from cercle.protocol.trust.sas import METHOD, Party
from cercle.protocol.trust.verification import (
    PREFIX,
    REQUEST,
    TIMEOUT_S,
    TheirKeys,
    Transport,
    Verification,
    Verified,
    is_fresh,
)
from cercle.storage.store import SyncBatch
from cercle.storage.timeline import NewEvent

if TYPE_CHECKING:
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)


class RoomTransport:
    """In a DM: every event after the request relates to it (`m.reference`)."""

    def __init__(self, client: MatrixClient, room_id: str, flow_id: str) -> None:
        self.client, self.room_id, self.flow_id = client, room_id, flow_id

    async def send(self, event_type: str, content: dict[str, Any]) -> dict[str, Any]:
        relates = {"rel_type": "m.reference", "event_id": self.flow_id}
        body = {**content, "m.relates_to": relates}
        await self.client.send_event(self.room_id, event_type, body)
        return body


ALL_DEVICES = "*"


class ToDeviceTransport:
    """To one device (our own devices), with the flow id as `transaction_id`. A request to all
    our devices (`device_id` "*") is bound to the first device that answers."""

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
        self._broadcast: dict[str, ToDeviceTransport] = {}  # to all our devices, not bound yet
        self.on_request: Callable[[Verification], None] | None = None
        self._queue: asyncio.Queue[tuple[str | None, str, str, Mapping[str, Any], Any]] | None = (
            None
        )
        self._worker: asyncio.Task[None] | None = None
        # Told when a flow's MAC checked (before our `done` goes out), then when a flow with one
        # of our own devices has ended well (e.g. to ask it for our secrets).
        self.mac_checked: list[Callable[[Verified], None]] = []
        self.own_device_verified: list[Callable[[Verified], Awaitable[None]]] = []
        self._after: set[asyncio.Task[None]] = set()
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
            if device_id == ALL_DEVICES and user_id != own.user_id:
                raise ValueError("only our own devices are asked all at once")
            flow_id = secrets.token_urlsafe(16)
            to_device = ToDeviceTransport(self._client, user_id, device_id, flow_id)
            await to_device.send(REQUEST, {**base, "timestamp": int(time.time() * 1000)})
            if device_id == ALL_DEVICES:
                self._broadcast[flow_id] = to_device
                device_id = None  # the first of our devices to answer
            transport = to_device
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
            on_mac_checked=self._mac_checked,
            timeout=self.timeout,
        )
        self.flows[flow_id] = flow
        if user_id == self._client.user_id:
            flow.finished.add_done_callback(self._own_flow_ended)
        return flow

    def _mac_checked(self, verified: Verified) -> None:
        for tell in self.mac_checked:
            tell(verified)

    def _own_flow_ended(self, finished: asyncio.Future[Verified]) -> None:
        if finished.cancelled() or finished.exception() is not None:
            return
        verified = finished.result()
        for tell in self.own_device_verified:
            task = asyncio.ensure_future(tell(verified))
            self._after.add(task)
            task.add_done_callback(self._after_done)

    async def close(self) -> None:
        """Stops the worker, the flows and what runs after them (the account is closing)."""
        for flow in self.flows.values():
            flow.abandon()
        tasks = [*self._after, *([self._worker] if self._worker is not None else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._worker, self._queue = None, None

    async def settled(self) -> None:
        """Waits for what runs after own-device verifications (e.g. the secret requests)."""
        while self._after:
            await asyncio.gather(*self._after, return_exceptions=True)

    def _after_done(self, task: asyncio.Task[None]) -> None:
        self._after.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("after an own-device verification", exc_info=task.exception())

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
        self._enqueue(found)

    def listen(self, gate: OlmGate) -> None:
        """To-device verification events may come Olm-encrypted too (nio would drop them)."""
        for kind in ("request", "ready", "start", "accept", "key", "mac", "done", "cancel"):
            gate.on(PREFIX + kind, self._from_olm)

    def _from_olm(self, payload: OlmPayload) -> None:
        self._enqueue([(None, payload.type, payload.sender, payload.content, None)])

    def _enqueue(self, found: list[tuple[str | None, str, str, Mapping[str, Any], Any]]) -> None:
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
            if room_id is None and not await self._bound(flow, event_type, content):
                return
            await flow.handle(event_type, content)

    async def _bound(self, flow: Verification, event_type: str, content: Mapping[str, Any]) -> bool:
        """A request to all our devices goes on with the first that answers (ready or start);
        the others are told `m.accepted` (the spec). False: not for this flow, dropped."""
        device = content.get("from_device")
        answer = event_type in (PREFIX + "ready", PREFIX + "start")
        transport = self._broadcast.get(flow.flow_id)
        if transport is not None and answer and isinstance(device, str) and device:
            del self._broadcast[flow.flow_id]
            transport.device_id = device
            await self._tell_others(flow.flow_id, device)
            return True
        if answer and flow.other_device and isinstance(device, str) and device != flow.other_device:
            await self._cancel_one(flow.flow_id, device)  # a late second answer
            return False
        return transport is None or event_type == PREFIX + "cancel"

    async def _tell_others(self, flow_id: str, chosen: str) -> None:
        try:
            devices = (await query_own_keys(self._client)).device_keys.get(self._client.user_id, {})
        except MatrixError as e:
            log.info("our other devices were not told %s was answered: %s", flow_id, e)
            return
        for device_id in devices:
            if device_id not in (chosen, self._client.nio.device_id):
                await self._cancel_one(flow_id, device_id)

    async def _cancel_one(self, flow_id: str, device_id: str) -> None:
        body = {
            "transaction_id": flow_id,
            "code": "m.accepted",
            "reason": "another device answered",
        }
        message = nio.ToDeviceMessage(PREFIX + "cancel", self._client.user_id, device_id, body)
        try:
            await self._client.call(self._client.nio.to_device(message))
        except MatrixError as e:
            log.info("could not tell %s another device answered: %s", device_id, e)

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
            if verified.user_id == self._client.user_id and verified.master_key:
                # Our device that holds our identity records it (it signs this device), and
                # this device asks it for our secrets (secret_sharing.after_verified).
                return None
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
