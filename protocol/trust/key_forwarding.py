"""Room keys between our own devices: asked for, forwarded over Olm, taken only when asked."""

from __future__ import annotations

import asyncio
import logging
import secrets as random
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import nio

from cercle.protocol.client import MatrixError
from cercle.protocol.trust.olm_gate import FORWARDED_ROOM_KEY, OlmGate, OlmPayload, send_olm
from cercle.protocol.trust.own_devices import OwnDevices

if TYPE_CHECKING:
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)

OUTCOMES_KEPT = 500  # what was done with recent requests, for logs and tests

KEY_REQUEST = "m.room_key_request"
MEGOLM = "m.megolm.v1.aes-sha2"


@dataclass(frozen=True)
class KeyRequest:
    """A room key we asked our other devices for."""

    request_id: str
    room_id: str
    session_id: str
    sender_key: str
    algorithm: str = MEGOLM


def request_content(request: KeyRequest, device_id: str) -> dict[str, Any]:
    return {
        "action": "request",
        "body": {
            "algorithm": request.algorithm,
            "room_id": request.room_id,
            "sender_key": request.sender_key,
            "session_id": request.session_id,
        },
        "request_id": request.request_id,
        "requesting_device_id": device_id,
    }


def cancel_content(request: KeyRequest, device_id: str) -> dict[str, Any]:
    return {
        "action": "request_cancellation",
        "request_id": request.request_id,
        "requesting_device_id": device_id,
    }


def judge_forward(
    payload: OlmPayload, requests: Mapping[str, KeyRequest], *, own_user_id: str
) -> tuple[KeyRequest | None, str]:
    """The request a forwarded key answers (by session id), or None and why it is dropped.
    The sending device's trust is checked apart (it needs the server's device list)."""
    content = payload.content
    if payload.type != FORWARDED_ROOM_KEY:
        return None, f"{payload.type} is not a forwarded room key"
    if payload.sender != own_user_id:
        return None, f"forwarded by another user {payload.sender}"
    if content.get("algorithm") != MEGOLM:
        return None, f"algorithm {content.get('algorithm')!r}"
    session_id = content.get("session_id")
    request = requests.get(session_id) if isinstance(session_id, str) else None
    if request is None:
        return None, "a key we did not ask for"
    if content.get("room_id") != request.room_id or (
        request.sender_key and content.get("sender_key") != request.sender_key
    ):
        return None, "room or session sender differs from what we asked"
    if not isinstance(content.get("sender_key"), str):
        return None, "no sender_key"
    chain = content.get("forwarding_curve25519_key_chain")
    if not isinstance(chain, list) or not all(isinstance(k, str) for k in chain):
        return None, "no forwarding chain"
    for field in ("session_key", "sender_claimed_ed25519_key"):
        if not isinstance(content.get(field), str):
            return None, f"no {field}"
    return request, "asked for"


def parse_key_request(content: Any) -> tuple[str, str, KeyRequest | None]:
    """(action, requesting device, what is asked) of an `m.room_key_request`; the request is
    None for a cancellation or when malformed (then the action is "")."""
    if not isinstance(content, Mapping):
        return "", "", None
    action, device = content.get("action"), content.get("requesting_device_id")
    request_id = content.get("request_id")
    if not isinstance(device, str) or not isinstance(request_id, str):
        return "", "", None
    if action == "request_cancellation":
        return action, device, None
    body = content.get("body")
    if action != "request" or not isinstance(body, Mapping):
        return "", "", None
    room_id, session_id = body.get("room_id"), body.get("session_id")
    sender_key, algorithm = body.get("sender_key", ""), body.get("algorithm")
    if not (
        isinstance(room_id, str)
        and isinstance(session_id, str)
        and isinstance(sender_key, str)
        and isinstance(algorithm, str)
    ):
        return "", "", None
    return action, device, KeyRequest(request_id, room_id, session_id, sender_key, algorithm)


def forward_content(session: Any) -> dict[str, Any]:
    """`m.forwarded_room_key` for one of nio's inbound group sessions, from its first index."""
    return {
        "algorithm": MEGOLM,
        "room_id": session.room_id,
        "sender_key": session.sender_key,
        "session_id": session.id,
        "session_key": session.export_session(session.first_known_index),
        "sender_claimed_ed25519_key": session.ed25519,
        "forwarding_curve25519_key_chain": list(session.forwarding_chain),
    }


_Item = tuple[str, str, Mapping[str, Any], OlmPayload | None]


class KeyForwarding:
    """Asks our other devices for room keys we miss and imports their answers when the rules
    hold; answers our verified devices' requests. nio's own forward handling never runs (the
    gate takes forwarded keys first) and its own answering to our devices is switched off."""

    def __init__(self, account: Account, devices: OwnDevices, gate: OlmGate | None) -> None:
        self._account = account
        self._devices = devices
        self.requests: dict[str, KeyRequest] = {}  # session id → our request
        # (session id, what was done), newest last
        self.outcomes: deque[tuple[str, str]] = deque(maxlen=OUTCOMES_KEPT)
        self._queue: asyncio.Queue[_Item] | None = None
        self._worker: asyncio.Task[None] | None = None
        if gate is not None:
            gate.on(FORWARDED_ROOM_KEY, self._from_olm)
        olm = account.client.nio.olm
        if olm is not None:
            # nio shares with our devices that its own device DB calls verified; Cercle's
            # rule (cross-signed, or verified by emoji here) is applied in `_answer` instead.
            olm.share_with_ourselves = _not_by_nio

    def observe(self, reply: nio.SyncResponse, _batch: Any) -> None:
        """Queues the room key requests of a stored sync (they come in clear)."""
        for event in reply.to_device_events:
            source = getattr(event, "source", None)
            if isinstance(source, Mapping) and source.get("type") == KEY_REQUEST:
                content = source.get("content")
                if isinstance(content, Mapping):
                    self._put((KEY_REQUEST, str(source.get("sender")), content, None))

    async def after_verified(self, _verified: object) -> None:
        """One of our devices was verified here: ask our devices for the keys we miss."""
        await self.request_missing()

    async def request_missing(self) -> list[KeyRequest]:
        """Asks our devices for the keys of the stored messages still sealed, one request per
        session (as Element does once one of our devices is verified)."""
        timeline = self._account.store.timeline
        waiting = await asyncio.to_thread(timeline.undecrypted)
        made: list[KeyRequest] = []
        for event in waiting:
            raw = await asyncio.to_thread(timeline.raw, event.event_id)
            content = raw.get("content") if isinstance(raw, Mapping) else None
            if not isinstance(content, Mapping) or content.get("algorithm") != MEGOLM:
                continue
            session_id, sender_key = content.get("session_id"), content.get("sender_key", "")
            if not isinstance(session_id, str) or session_id in self.requests:
                continue
            key = sender_key if isinstance(sender_key, str) else ""
            made.append(await self.request(event.room_id, session_id, key))
        return made

    async def request(self, room_id: str, session_id: str, sender_key: str) -> KeyRequest:
        """Asks all our devices for one Megolm session (the request goes in clear: it holds
        no secret)."""
        client = self._account.client
        request = KeyRequest(random.token_urlsafe(12), room_id, session_id, sender_key)
        self.requests[session_id] = request
        content = request_content(request, client.nio.device_id)
        message = nio.ToDeviceMessage(KEY_REQUEST, client.user_id, "*", content)
        await client.call(client.nio.to_device(message))
        return request

    def _requests(self) -> dict[str, KeyRequest]:
        """Ours, and any made through nio's own API (`request_room_key`)."""
        found = dict(self.requests)
        olm = self._account.client.nio.olm
        for session_id, asked in (getattr(olm, "outgoing_key_requests", None) or {}).items():
            found.setdefault(
                session_id,
                KeyRequest(asked.request_id, asked.room_id, session_id, "", asked.algorithm),
            )
        return found

    def _from_olm(self, payload: OlmPayload) -> None:
        self._put((payload.type, payload.sender, payload.content, payload))

    def _put(self, item: _Item) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._work(self._queue), name="key-forwarding")
        self._queue.put_nowait(item)

    async def _work(self, queue: asyncio.Queue[_Item]) -> None:
        while True:
            kind, sender, content, payload = await queue.get()
            try:
                if payload is not None:
                    await self.receive(payload)
                else:
                    await self._answer(sender, content)
            except Exception:  # one bad event never stops the worker
                log.exception("%s from %s not handled", kind, sender)

    async def _answer(self, sender: str, content: Mapping[str, Any]) -> None:
        client = self._account.client
        _action, device_id, asked = parse_key_request(content)
        if asked is None or device_id == client.nio.device_id:
            return  # a cancellation (we answer at once), malformed, or our own request
        if sender != client.user_id:
            return  # others' devices get keys from the room's own sharing, never forwarded
        if asked.algorithm != MEGOLM:
            self._note(asked.session_id, f"refused: algorithm {asked.algorithm!r}")
            return
        device, why = await self._devices.find(device_id=device_id)
        if device is None:
            self._note(asked.session_id, f"refused: device {device_id} is {why}")
            return
        session = _inbound(client.nio.olm, asked)
        if session is None:
            self._note(asked.session_id, "not answered: we do not have this key")
            return
        await send_olm(
            client, client.user_id, device_id, FORWARDED_ROOM_KEY, forward_content(session)
        )
        self._note(asked.session_id, f"forwarded to our verified device {device_id} over Olm")

    async def close(self) -> None:
        """Stops the worker (the account is closing)."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker, self._queue = None, None

    def _note(self, session_id: Any, outcome: str) -> None:
        self.outcomes.append((str(session_id), outcome))
        log.info("forwarded room key %s: %s", session_id, outcome)

    async def receive(self, payload: OlmPayload) -> bool:
        """Imports a forwarded key if we asked for it and one of our verified devices sent it;
        True when imported."""
        client = self._account.client
        session_id = payload.content.get("session_id")
        requests = self._requests()
        request, why = judge_forward(payload, requests, own_user_id=client.user_id)
        if request is None:
            self._note(session_id, f"dropped: {why}")
            return False
        device, why = await self._devices.find(
            curve25519=payload.sender_key, ed25519=payload.sender_ed25519
        )
        if device is None:
            self._note(session_id, f"dropped: the forwarding device is {why}")
            return False
        olm = client.nio.olm
        if olm is None:
            return False
        content = payload.content
        chain = [*content["forwarding_curve25519_key_chain"], payload.sender_key]
        session = nio.crypto.Olm._import_group_session(
            content["session_key"],
            content["sender_claimed_ed25519_key"],
            content["sender_key"],
            request.room_id,
            chain,
        )
        if session is None:
            self._note(session_id, "dropped: the session key does not import")
            return False
        if olm.inbound_group_store.add(session):
            olm.save_inbound_group_session(session)
        self.requests.pop(request.session_id, None)
        self._note(session_id, f"imported from our verified device {device.device_id}")
        cancel = cancel_content(request, client.nio.device_id)
        try:
            message = nio.ToDeviceMessage(KEY_REQUEST, client.user_id, "*", cancel)
            await client.call(client.nio.to_device(message))
        except MatrixError as e:
            log.info("key request cancellation not sent: %s", e)
        await self._account.engine.repair_undecrypted()
        return True


def _inbound(olm: Any, asked: KeyRequest) -> Any:
    """nio's inbound group session for a request (by sender key, or any when none is given)."""
    if olm is None:
        return None
    if asked.sender_key:
        return olm.inbound_group_store.get(asked.room_id, asked.sender_key, asked.session_id)
    for session in olm.inbound_group_store:
        if session.room_id == asked.room_id and session.id == asked.session_id:
            return session
    return None


def _not_by_nio(event: Any) -> None:
    log.info("nio's own key sharing is off: %s is answered by Cercle's rules", event.request_id)
