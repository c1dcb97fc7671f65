"""Forwarded room keys: taken only when we asked, over Olm, from our own verified devices."""

from __future__ import annotations

import asyncio
import logging
import secrets as random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import nio

from cercle.protocol.client import MatrixError
from cercle.protocol.trust.olm_gate import FORWARDED_ROOM_KEY, OlmGate, OlmPayload
from cercle.protocol.trust.own_devices import OwnDevices

if TYPE_CHECKING:
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)

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
    if content.get("room_id") != request.room_id or content.get("sender_key") != (
        request.sender_key
    ):
        return None, "room or session sender differs from what we asked"
    chain = content.get("forwarding_curve25519_key_chain")
    if not isinstance(chain, list) or not all(isinstance(k, str) for k in chain):
        return None, "no forwarding chain"
    for field in ("session_key", "sender_claimed_ed25519_key"):
        if not isinstance(content.get(field), str):
            return None, f"no {field}"
    return request, "asked for"


class KeyForwarding:
    """Asks our other devices for room keys we miss, and imports their answers when the rules
    hold. nio's own forward handling never runs (the gate takes these payloads first)."""

    def __init__(self, account: Account, devices: OwnDevices, gate: OlmGate | None) -> None:
        self._account = account
        self._devices = devices
        self.requests: dict[str, KeyRequest] = {}  # session id → our request
        self.outcomes: list[tuple[str, str]] = []  # (session id, what was done)
        self._queue: asyncio.Queue[OlmPayload] | None = None
        self._worker: asyncio.Task[None] | None = None
        if gate is not None:
            gate.on(FORWARDED_ROOM_KEY, self._from_olm)

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
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._work(self._queue), name="key-forwarding")
        self._queue.put_nowait(payload)

    async def _work(self, queue: asyncio.Queue[OlmPayload]) -> None:
        while True:
            payload = await queue.get()
            try:
                await self.receive(payload)
            except Exception:  # one bad event never stops the worker
                log.exception("forwarded room key from %s not handled", payload.sender)

    def _note(self, session_id: Any, outcome: str) -> None:
        self.outcomes.append((str(session_id), outcome))
        log.info("forwarded room key %s: %s", session_id, outcome)

    async def receive(self, payload: OlmPayload) -> bool:
        """Imports a forwarded key if we asked for it and one of our verified devices sent it;
        True when imported."""
        client = self._account.client
        session_id = payload.content.get("session_id")
        requests = self._requests()
        # nio's own requests did not record the session's sender key: take it from the answer.
        request, why = judge_forward(
            payload,
            {
                k: r if r.sender_key else _with_sender(r, payload.content)
                for k, r in requests.items()
            },
            own_user_id=client.user_id,
        )
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


def _with_sender(request: KeyRequest, content: Mapping[str, Any]) -> KeyRequest:
    sender_key = content.get("sender_key")
    return KeyRequest(
        request.request_id,
        request.room_id,
        request.session_id,
        sender_key if isinstance(sender_key, str) else "",
        request.algorithm,
    )
