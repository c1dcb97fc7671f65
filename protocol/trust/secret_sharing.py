"""Secrets between our own verified devices (`m.secret.request` / `m.secret.send`), Olm only."""

from __future__ import annotations

import asyncio
import logging
import secrets as random
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import nio

from cercle.protocol.client import MatrixError
from cercle.protocol.trust.backup import BackupKey
from cercle.protocol.trust.canonical import SigningKey
from cercle.protocol.trust.crosssigning import (
    CrossSigningSecrets,
    KeysQueryResult,
    judge_user,
    own_user_signing_key,
)
from cercle.protocol.trust.local import LocalIdentity
from cercle.protocol.trust.olm_gate import (
    SECRET_SEND,
    OlmGate,
    OlmPayload,
    log_dropped,
    send_olm,
)
from cercle.protocol.trust.own_devices import OwnDevices
from cercle.protocol.trust.remote import TrustError, latest_backup, query_own_keys, sign_own_device
from cercle.protocol.trust.restore import _restore_keys  # the backup part of a restore
from cercle.protocol.trust.secrets import (
    BACKUP,
    MASTER,
    SELF_SIGNING,
    USER_SIGNING,
    SecretStorageError,
    decode_private_key,
    encode_private_key,
)
from cercle.protocol.trust.verification import Verified
from cercle.storage.store import SyncBatch

if TYPE_CHECKING:
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)

OUTCOMES_KEPT = 500  # what was done with recent requests, for logs and tests

REQUEST = "m.secret.request"
SHAREABLE = (MASTER, SELF_SIGNING, USER_SIGNING, BACKUP)
CROSS_SIGNING = (MASTER, SELF_SIGNING, USER_SIGNING)


class SecretRejected(TrustError):
    """A secret we received is not the one our published identity (or backup) names."""


@dataclass(frozen=True)
class SecretRequest:
    """An `m.secret.request` (action `request`, with a name) or its `request_cancellation`."""

    action: str
    name: str | None
    device_id: str
    request_id: str


def parse_request(content: Any) -> SecretRequest | None:
    if not isinstance(content, Mapping):
        return None
    action, name = content.get("action"), content.get("name")
    device, request_id = content.get("requesting_device_id"), content.get("request_id")
    if not isinstance(device, str) or not isinstance(request_id, str) or not request_id:
        return None
    if action == "request" and isinstance(name, str):
        return SecretRequest(action, name, device, request_id)
    if action == "request_cancellation":
        return SecretRequest(action, None, device, request_id)
    return None


def request_content(name: str, request_id: str, device_id: str) -> dict[str, str]:
    return {
        "name": name,
        "action": "request",
        "requesting_device_id": device_id,
        "request_id": request_id,
    }


def cancel_content(request_id: str, device_id: str) -> dict[str, str]:
    return {
        "action": "request_cancellation",
        "requesting_device_id": device_id,
        "request_id": request_id,
    }


def check_cross_signing_secret(
    name: str, value: Any, result: KeysQueryResult, *, user_id: str, trusted_master: str | None
) -> SigningKey:
    """The private key a received `m.cross_signing.*` secret holds, once its public key is the
    one our identity publishes (under the master key this device trusts); else SecretRejected."""
    if not isinstance(value, str):
        raise SecretRejected(f"{name}: the secret is not text")
    try:
        key = SigningKey(decode_private_key(value))
    except SecretStorageError as e:
        raise SecretRejected(f"{name}: {e}") from None
    if trusted_master is None:
        raise SecretRejected("this device does not know our identity yet: verify it first")
    trust = judge_user(result, user_id, own_user_id=user_id, trusted_master_key=trusted_master)
    if trust.master is None or trust.master.public_key != trusted_master:
        raise SecretRejected("our published identity is not the one this device verified")
    published = {
        MASTER: trust.master,
        SELF_SIGNING: trust.self_signing,
        USER_SIGNING: own_user_signing_key(
            result, own_user_id=user_id, trusted_master_key=trusted_master
        ),
    }.get(name)
    if published is None or published.public_key != key.public_key:
        raise SecretRejected(f"{name} does not match our published public key")
    return key


def check_backup_secret(value: Any, backup_public_key: str | None) -> BackupKey:
    """The backup key a received `m.megolm_backup.v1` holds, if it opens the current backup."""
    if not isinstance(value, str):
        raise SecretRejected("the backup key is not text")
    try:
        key = BackupKey(decode_private_key(value))
    except SecretStorageError as e:
        raise SecretRejected(f"backup key: {e}") from None
    if backup_public_key is None or key.public_key != backup_public_key:
        raise SecretRejected("the backup key does not open the current key backup")
    return key


def secret_value(identity: LocalIdentity | None, name: str) -> str | None:
    """What we would send for `name`, from what this device holds (None: we do not hold it)."""
    if identity is None:
        return None
    if name == BACKUP:
        key = identity.backup_key
        return encode_private_key(key.to_bytes()) if key is not None else None
    if identity.secrets is None:
        return None
    signing = {
        MASTER: identity.secrets.master,
        SELF_SIGNING: identity.secrets.self_signing,
        USER_SIGNING: identity.secrets.user_signing,
    }.get(name)
    return encode_private_key(signing.seed) if signing is not None else None


_Item = tuple[str, str, Mapping[str, Any], OlmPayload | None]


class SecretSharing:
    """Answers our verified devices' secret requests, and asks them for ours. `outcomes` keeps
    (request id, what was done) for each request or secret met, newest last."""

    def __init__(self, account: Account, devices: OwnDevices, gate: OlmGate | None) -> None:
        self._account = account
        self._devices = devices
        self.outcomes: deque[tuple[str, str]] = deque(maxlen=OUTCOMES_KEPT)
        self._pending: dict[str, str] = {}  # our request id → secret name
        self._received: dict[str, str] = {}  # secret name → value, checked
        self._done: asyncio.Future[frozenset[str]] | None = None  # the latest request's
        self._queue: asyncio.Queue[_Item] | None = None
        self._worker: asyncio.Task[None] | None = None
        if gate is not None:
            gate.on(SECRET_SEND, self._from_olm)
            gate.on(REQUEST, self._from_olm)  # requests may come encrypted too

    # -- asking --------------------------------------------------------------------------------

    async def request(self, names: Iterable[str] = SHAREABLE) -> asyncio.Future[frozenset[str]]:
        """Asks all our devices for `names`; the future resolves with the names received and
        stored once each of them arrived from a verified device of ours."""
        client = self._account.client
        loop = asyncio.get_running_loop()
        self._done = loop.create_future()
        messages: dict[str, dict[str, Any]] = {}
        for name in names:
            request_id = random.token_urlsafe(12)
            self._pending[request_id] = name
            messages[request_id] = request_content(name, request_id, client.nio.device_id)
        for content in messages.values():
            await client.call(
                client.nio.to_device(nio.ToDeviceMessage(REQUEST, client.user_id, "*", content))
            )
        log.info("asked our devices for %s", ", ".join(self._pending.values()))
        return self._done

    @property
    def pending(self) -> dict[str, str]:
        return dict(self._pending)

    @property
    def completed(self) -> asyncio.Future[frozenset[str]] | None:
        """The latest request's future (see `request`), None before any."""
        return self._done

    async def after_verified(self, verified: Verified) -> None:
        """One of our devices was verified by emoji here: if this device did not know our
        identity, the master key the other device proved is now ours; then it asks our
        devices for the secrets it lacks (as Element does after such a verification)."""
        local = self._devices.local()
        identity = await asyncio.to_thread(local.identity)
        if identity is None:
            if not verified.master_key:
                return  # the other device has no cross-signing identity to vouch for
            identity = LocalIdentity(verified.master_key)
            await asyncio.to_thread(local.save_identity, identity)
            log.info("our identity %s, as our verified device proved it", verified.master_key)
        missing = [name for name in SHAREABLE if secret_value(identity, name) is None]
        if missing:
            await self.request(missing)

    # -- incoming ------------------------------------------------------------------------------

    def observe(self, reply: nio.SyncResponse, _batch: SyncBatch) -> None:
        """Queues the secret requests of a stored sync (they come in clear, as Element sends
        them). An `m.secret.send` or a room key outside Olm is never taken: logged, dropped."""
        log_dropped(reply)
        for event in reply.to_device_events:
            source = getattr(event, "source", None)
            if isinstance(source, Mapping) and source.get("type") == REQUEST:
                content = source.get("content")
                if isinstance(content, Mapping):
                    self._put((REQUEST, str(source.get("sender")), content, None))

    def _from_olm(self, payload: OlmPayload) -> None:
        self._put((payload.type, payload.sender, payload.content, payload))

    def _put(self, item: _Item) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._work(self._queue), name="secret-sharing")
        self._queue.put_nowait(item)

    async def _work(self, queue: asyncio.Queue[_Item]) -> None:
        while True:
            event_type, sender, content, payload = await queue.get()
            try:
                if event_type == REQUEST:
                    await self._answer(sender, content)
                elif payload is not None:
                    await self._receive(payload)
            except Exception:  # one bad event never stops the worker
                log.exception("%s from %s not handled", event_type, sender)

    async def close(self) -> None:
        """Stops the worker (the account is closing)."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker, self._queue = None, None

    def _note(self, request_id: str, outcome: str) -> None:
        self.outcomes.append((request_id, outcome))
        log.info("secret request %s: %s", request_id, outcome)

    async def _answer(self, sender: str, content: Mapping[str, Any]) -> None:
        client = self._account.client
        request = parse_request(content)
        if request is None:
            return
        if sender != client.user_id:
            self._note(request.request_id, f"refused: asked by another user {sender}")
            return
        if request.device_id == client.nio.device_id or request.action != "request":
            return  # our own request echoed to us, or a cancellation (we answer at once)
        assert request.name is not None
        if request.name not in SHAREABLE:
            self._note(request.request_id, f"refused: {request.name} is not shared")
            return
        device, why = await self._devices.find(device_id=request.device_id)
        if device is None:
            self._note(request.request_id, f"refused: device {request.device_id} is {why}")
            return
        identity = await asyncio.to_thread(self._devices.local().identity)
        value = secret_value(identity, request.name)
        if value is None:
            self._note(request.request_id, f"not answered: we do not hold {request.name}")
            return
        body = {"request_id": request.request_id, "secret": value}
        await send_olm(client, client.user_id, device.device_id, SECRET_SEND, body)
        self._note(request.request_id, f"sent {request.name} to {device.device_id} over Olm")

    async def _receive(self, payload: OlmPayload) -> None:
        client = self._account.client
        request_id = payload.content.get("request_id")
        request_id = request_id if isinstance(request_id, str) else ""
        if payload.sender != client.user_id:
            self._note(request_id, f"ignored: a secret from another user {payload.sender}")
            return
        name = self._pending.get(request_id)
        if name is None:
            self._note(request_id, "ignored: a secret we did not ask for (or already have)")
            return
        device, why = await self._devices.find(
            curve25519=payload.sender_key, ed25519=payload.sender_ed25519
        )
        if device is None:
            self._note(request_id, f"ignored: the sending device is {why}")
            return
        value = payload.content.get("secret")
        try:
            if name == BACKUP:
                backup = await latest_backup(client)
                public = backup.auth_data.get("public_key") if backup is not None else None
                check_backup_secret(value, public if isinstance(public, str) else None)
            else:
                result = await query_own_keys(client)
                check_cross_signing_secret(
                    name,
                    value,
                    result,
                    user_id=client.user_id,
                    trusted_master=await self._devices.trusted_master(),
                )
        except SecretRejected as e:
            self._note(request_id, f"rejected from {device.device_id}: {e}")
            return
        assert isinstance(value, str)
        del self._pending[request_id]
        self._received[name] = value
        self._note(request_id, f"received {name} from {device.device_id}")
        # The other devices need not answer any more (the spec's request_cancellation).
        cancel = cancel_content(request_id, client.nio.device_id)
        message = nio.ToDeviceMessage(REQUEST, client.user_id, "*", cancel)
        try:
            await client.call(client.nio.to_device(message))
        except MatrixError as e:
            log.info("cancellation of %s not sent: %s", request_id, e)
        if name not in self._pending.values():
            await self._store()

    async def _store(self) -> None:
        """Keeps what arrived, sealed in the profile: the cross-signing keys once all three
        are here (then this device signs itself), the backup key (then its room keys come)."""
        local = self._devices.local()
        identity = await asyncio.to_thread(local.identity)
        if identity is None:
            return
        keys = identity.secrets
        if keys is None and all(n in self._received for n in CROSS_SIGNING):
            keys = CrossSigningSecrets(
                *(SigningKey(decode_private_key(self._received[n])) for n in CROSS_SIGNING)
            )
        backup = identity.backup_key
        if BACKUP in self._received:
            backup = BackupKey(decode_private_key(self._received[BACKUP]))
        updated = LocalIdentity(identity.master_public_key, keys, backup)
        await asyncio.to_thread(local.save_identity, updated)
        client = self._account.client
        if keys is not None and identity.secrets is None:
            try:
                await sign_own_device(client, await query_own_keys(client), keys.self_signing)
                log.info("cross-signing keys received from our verified device; device signed")
            except (TrustError, MatrixError) as e:  # kept: signing can be retried from them
                log.warning("cross-signing keys received, but this device is not signed: %s", e)
        if self._pending:
            return
        if keys is not None and backup is not None:
            try:
                version, imported, failed, note = await _restore_keys(self._account, keys, backup)
            except (TrustError, MatrixError) as e:  # the key is kept: a restore can retry
                log.warning("backup key received, but its room keys were not restored: %s", e)
            else:
                log.info(
                    "backup %s: %d keys restored, %d failed (%s)", version, imported, failed, note
                )
                self._account.key_backup.reload()
                if imported:
                    await self._account.engine.repair_undecrypted()
        if self._done is not None and not self._done.done():
            self._done.set_result(frozenset(self._received))
