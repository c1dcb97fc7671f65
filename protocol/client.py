"""A typed facade over nio's AsyncClient: the Matrix calls Cercle makes, failures as errors."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import nio

from cercle.protocol.e2ee import FallbackKey
from cercle.protocol.errors import ClientClosed, LoginFailed, MatrixError, ServerUnreachable
from cercle.protocol.event_types import MEGOLM, SPACE_CHILD, SPACE_PARENT
from cercle.protocol.megolm_share import RoomKeySharing
from cercle.storage.session import Session  # one definition of a saved login, shared

__all__ = [
    "ClientClosed",
    "CryptoStore",
    "LoginFailed",
    "MatrixClient",
    "MatrixError",
    "ServerUnreachable",
    "Session",
]

log = logging.getLogger(__name__)


@dataclass
class RawSyncResponse(nio.Response):
    """A /sync answer kept as parsed JSON for cercle.protocol.decode: nio's parsing skipped."""

    body: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, parsed: Any) -> nio.Response:
        if isinstance(parsed, dict) and isinstance(parsed.get("next_batch"), str):
            return cls(parsed)
        return nio.SyncError.from_dict(parsed if isinstance(parsed, dict) else {})


@dataclass(frozen=True)
class CryptoStore:
    """Where nio keeps this device's Olm/Megolm state: a store class, its folder and pickle key."""

    store_class: type[nio.store.MatrixStore]
    path: Path
    pickle_key: str


class MatrixClient:
    """One logged-in device. Not thread-safe: use it from one asyncio loop."""

    def __init__(self, homeserver: str, *, crypto: CryptoStore | None = None) -> None:
        self._crypto = crypto
        options: dict[str, Any] = {}
        if crypto:
            options = {"store": crypto.store_class, "pickle_key": crypto.pickle_key}
        config = nio.AsyncClientConfig(
            encryption_enabled=crypto is not None,
            store_sync_tokens=False,
            max_limit_exceeded=3,
            max_timeouts=2,
            request_timeout=60,
            **options,
        )
        store_path = str(crypto.path) if crypto else ""
        if crypto:
            crypto.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.nio = nio.AsyncClient(homeserver, store_path=store_path, config=config)
        # Who gets our room keys and when they rotate (nio's own sharing is bypassed).
        self.room_keys = RoomKeySharing(self) if crypto else None
        self.fallback_key = FallbackKey(self) if crypto else None
        # One nio key query at a time: two at once (the sync's upkeep and a send) made its store
        # save the same new device twice and fail (DeviceKeysDoesNotExist).
        self._key_query = asyncio.Lock()
        self._closed = False

    # -- sessions ----------------------------------------------------------------------------

    @classmethod
    async def login(
        cls,
        homeserver: str,
        user: str,
        password: str,
        *,
        device_name: str = "Cercle",
        crypto: CryptoStore | None = None,
    ) -> MatrixClient:
        client = cls(homeserver, crypto=crypto)
        client.nio.user = user
        try:
            reply = await client.call(client.nio.login(password, device_name=device_name))
        except MatrixError as e:
            await client.close()
            if e.errcode in {"M_FORBIDDEN", "M_USER_DEACTIVATED", "M_INVALID_USERNAME"}:
                raise LoginFailed(str(e), errcode=e.errcode, status=e.status) from None
            raise
        except BaseException:
            await client.close()
            raise
        log.info("logged in as %s on device %s", reply.user_id, reply.device_id)
        if crypto:
            await client.upkeep_keys()  # a peer can only share room keys once ours are up
        return client

    @classmethod
    def restore(cls, session: Session, *, crypto: CryptoStore | None = None) -> MatrixClient:
        client = cls(session.homeserver, crypto=crypto)
        client.nio.restore_login(session.user_id, session.device_id, session.access_token)
        return client

    @property
    def session(self) -> Session:
        return Session(
            user_id=self.nio.user_id,
            device_id=self.nio.device_id,
            access_token=self.nio.access_token,
            homeserver=self.nio.homeserver,
        )

    @property
    def user_id(self) -> str:
        return self.nio.user_id

    async def close(self) -> None:
        self._closed = True  # nio would open a new HTTP session for a later request
        await self.nio.close()
        store = getattr(self.nio, "store", None)
        if store is not None and hasattr(store, "close"):
            store.close()  # the encrypted crypto store holds an open database

    # -- rooms and spaces --------------------------------------------------------------------

    async def create_room(
        self,
        name: str,
        *,
        topic: str | None = None,
        encrypted: bool = False,
        space: bool = False,
        invite: Sequence[str] = (),
        public: bool = False,
        alias: str | None = None,
        initial_state: Sequence[dict[str, Any]] = (),
    ) -> str:
        state = list(initial_state)
        if encrypted:
            state.append(
                {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}}
            )
        reply = await self.call(
            self.nio.room_create(
                name=name,
                topic=topic,
                alias=alias,
                space=space,
                invite=list(invite),
                initial_state=state,
                visibility=nio.RoomVisibility.public if public else nio.RoomVisibility.private,
                preset=nio.RoomPreset.public_chat if public else nio.RoomPreset.private_chat,
            )
        )
        return reply.room_id

    async def add_to_space(self, space_id: str, room_id: str, *, suggested: bool = False) -> None:
        """Links a room under a space both ways, as Element does (child and canonical parent)."""
        via = [self.user_id.split(":", 1)[1]]
        await self.put_state(space_id, SPACE_CHILD, {"via": via, "suggested": suggested}, room_id)
        await self.put_state(room_id, SPACE_PARENT, {"via": via, "canonical": True}, space_id)

    async def put_state(self, room_id: str, event_type: str, content: dict, key: str = "") -> str:
        reply = await self.call(self.nio.room_put_state(room_id, event_type, content, key))
        return reply.event_id

    async def invite(self, room_id: str, user_id: str) -> None:
        await self.call(self.nio.room_invite(room_id, user_id))

    async def join(self, room: str) -> str:
        reply = await self.call(self.nio.join(room))
        return reply.room_id

    async def joined_members(self, room_id: str) -> None:
        """Loads the room's full member list into nio's room (lazy-loaded syncs omit most)."""
        await self.call(self.nio.joined_members(room_id))

    async def set_display_name(self, name: str) -> None:
        await self.call(self.nio.set_displayname(name))

    # -- messages ----------------------------------------------------------------------------

    async def send_message(self, room_id: str, content: dict[str, Any]) -> str:
        """Sends an m.room.message; in an encrypted room, shares the room key first if needed."""
        return await self.send_event(room_id, "m.room.message", content)

    async def send_event(
        self,
        room_id: str,
        event_type: str,
        content: Mapping[str, Any],
        *,
        txn_id: str | None = None,
    ) -> str:
        """Sends a room event; the same `txn_id` on a resend makes the server deduplicate it.
        An m.room.redaction (content: `redacts`, optional `reason`) goes to /redact, in clear."""
        if event_type == "m.room.redaction":
            reply = await self.call(
                self.nio.room_redact(
                    room_id, content["redacts"], content.get("reason"), tx_id=txn_id
                )
            )
            return reply.event_id
        if self._crypto and self.nio.rooms.get(room_id) is None:
            await self._learn_room(room_id)
        if self.room_keys is not None:
            await self.room_keys.prepare(room_id)  # shares the key with the devices it picks
        reply = await self.call(
            self.nio.room_send(
                room_id,
                event_type,
                dict(content),
                tx_id=txn_id,
                # room_keys.prepare shared the session already: nio only encrypts. Should nio
                # share anyway, it must not give the key to every device when we exclude some.
                ignore_unverified_devices=self.room_keys is None
                or not self.room_keys.only_cross_signed,
            )
        )
        return reply.event_id

    async def send_text(self, room_id: str, body: str) -> str:
        return await self.send_message(room_id, {"msgtype": "m.text", "body": body})

    async def _learn_room(self, room_id: str) -> None:
        """Tells nio of a room it has not seen in a sync, asking the server whether it is
        encrypted (a sync here would move nio's token past events nobody stored)."""
        try:
            await self.call(self.nio.room_get_state_event(room_id, "m.room.encryption"))
            encrypted = True
        except MatrixError as e:
            if e.errcode != "M_NOT_FOUND":
                raise  # no access, offline: not knowing, we must not send in clear
            encrypted = False
        self.nio.rooms.setdefault(room_id, nio.MatrixRoom(room_id, self.user_id, encrypted))

    async def history(
        self, room_id: str, token: str | None, limit: int
    ) -> tuple[list[nio.Event], str | None]:
        """Up to `limit` events before `token`, newest first, and the token to go further back
        (None when the room's beginning was reached)."""
        reply = await self.call(self.nio.room_messages(room_id, start=token, limit=limit))
        more = reply.end if reply.chunk and reply.end != token else None
        return reply.chunk, more

    # -- sync --------------------------------------------------------------------------------

    async def sync_once(
        self, timeout_ms: int = 0, sync_filter: dict[str, Any] | None = None
    ) -> nio.SyncResponse:
        reply = await self.call(self.nio.sync(timeout=timeout_ms, sync_filter=sync_filter))
        if self.room_keys is not None:
            self.room_keys.observe(reply)
        if self._crypto:
            await self.upkeep_keys(reply)
        return reply

    async def sync_raw(
        self, timeout_ms: int = 0, sync_filter: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One /sync from nio's token, as parsed JSON (nio's 429 and timeout handling kept); the
        caller decodes it, hands nio its crypto part (crypto_feed), then room_keys.observe and
        upkeep_keys with what nio was handed (see SyncEngine.ingest_body)."""
        n = self.nio
        method, path = nio.Api.sync(
            n.access_token, since=n.next_batch, timeout=timeout_ms or None, filter=sync_filter
        )
        wait = timeout_ms / 1000 + 15 if timeout_ms else timeout_ms
        reply = await self.call(n._send(RawSyncResponse, method, path, timeout=wait))
        return reply.body

    async def upkeep_keys(self, reply: nio.SyncResponse | None = None) -> None:
        """What nio's sync_forever does after each sync and a plain sync() does not, and a
        fallback key nio does not keep (`reply`: the sync it follows, if any)."""
        n = self.nio
        if n.should_upload_keys:
            await self.call(n.keys_upload())
        if self.fallback_key is not None:
            await self.fallback_key.upkeep(reply)
        await self.query_keys()
        if n.should_claim_keys:
            await self.call(n.keys_claim(n.get_users_for_key_claiming()))
        await n.send_to_device_messages()

    async def query_keys(self) -> None:
        """nio's /keys/query for the users whose devices it must learn, one query at a time."""
        async with self._key_query:
            if self.nio.should_query_keys:
                await self.call(self.nio.keys_query())

    # -- plumbing ----------------------------------------------------------------------------

    async def call(self, request: Any) -> Any:
        """Awaits a nio call (or any coroutine returning a nio Response); an ErrorResponse or a
        connection failure becomes a MatrixError. Modules outside this one use it for nio calls
        this facade does not wrap."""
        if self._closed:
            if inspect.iscoroutine(request):
                request.close()  # never started: no "was never awaited" warning
            raise ClientClosed("this device's connection to the server is closed")
        try:
            reply = await request
        except (aiohttp.ClientConnectionError, TimeoutError, OSError) as e:
            raise ServerUnreachable(f"{self.nio.homeserver} is unreachable: {e}") from e
        if isinstance(reply, nio.ErrorResponse):
            code = reply.status_code or ""
            transport = getattr(reply, "transport_response", None)
            raise MatrixError(
                reply.message or code or "request refused",
                errcode=code if code.startswith("M_") else None,
                status=getattr(transport, "status", None),
                soft_logout=reply.soft_logout is True,
            )
        return reply
