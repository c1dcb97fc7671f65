"""Sharing our outbound Megolm session: per-room rotation, chosen recipients, withheld notices."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import nio

from cercle.protocol import megolm
from cercle.protocol.megolm import (
    Candidate,
    Device,
    OutboundState,
    RotationPolicy,
    WithheldCode,
)
from cercle.protocol.trust import api
from cercle.protocol.trust.crosssigning import TrustLevel, judge_all
from cercle.protocol.trust.local import LocalTrust

if TYPE_CHECKING:
    from cercle.protocol.client import MatrixClient

log = logging.getLogger(__name__)

SETTINGS = "org.cercle.local.room_key_sharing"  # local-only, sealed (trust/local.py)
TRUST_FRESH_S = 600.0  # judged devices are queried again after this, or when their keys change
NO_OLM_RETRY_S = 300.0  # a device without one-time keys is not claimed again before this
TO_DEVICE_AT_ONCE = 100  # devices per /sendToDevice request
QUERY_AT_ONCE = 100  # users per /keys/query


class SharingSettings(LocalTrust):
    """The account's room-key sharing choice, kept on this machine only. Blocking."""

    def only_cross_signed(self) -> bool:
        body = self._read(SETTINGS) or {}
        return body.get("only_cross_signed") is True

    def set_only_cross_signed(self, value: bool) -> None:
        self._write(SETTINGS, {"only_cross_signed": bool(value)})


class RoomKeySharing:
    """Readies a room's outbound session before nio encrypts with it: rotates it when the
    room's m.room.encryption settings or a recipient change ask for it, sends the key to the
    devices `megolm.share_set` picks and m.room_key.withheld to the others. nio then finds
    the session shared and only encrypts."""

    def __init__(self, client: MatrixClient) -> None:
        self.client = client
        self.only_cross_signed = False  # Element's "exclude insecure devices"
        # Users whose verified identity changed, unacknowledged (Account: the identity pins).
        self.identity_changed: Callable[[], Awaitable[frozenset[str]]] | None = None
        self._encryption: dict[str, Mapping[str, Any]] = {}  # room → m.room.encryption content
        self._trust: dict[str, tuple[float, dict[str, tuple[TrustLevel, str]]]] = {}
        self._no_olm_until: dict[Device, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    # -- what syncs say --------------------------------------------------------------------------

    def observe(self, reply: nio.SyncResponse) -> None:
        """A sync's news: members who left make us drop our session in their rooms (the next
        message goes under a new key they never get); users whose keys changed are judged
        again; new m.room.encryption settings are kept."""
        olm = self.client.nio.olm
        for room_id, users in megolm.departed_members(reply).items():
            if olm is not None and olm.outbound_group_sessions.pop(room_id, None) is not None:
                log.info("%d member(s) left %s: its room key is rotated", len(users), room_id)
        lists = getattr(reply, "device_list", None)
        for user_id in [
            *(getattr(lists, "changed", ()) or ()),
            *(getattr(lists, "left", ()) or ()),
        ]:
            self._trust.pop(user_id, None)
        for room_id, info in reply.rooms.join.items():
            for event in [*info.state, *info.timeline.events]:
                if isinstance(event, nio.RoomEncryptionEvent):
                    content = event.source.get("content")
                    self._encryption[room_id] = content if isinstance(content, Mapping) else {}

    # -- before each encrypted send ------------------------------------------------------------

    async def prepare(self, room_id: str) -> None:
        """Makes the room's outbound session fit to encrypt the next event (no-op elsewhere)."""
        n = self.client.nio
        room = n.rooms.get(room_id)
        if n.olm is None or room is None or not room.encrypted:
            return
        lock = self._locks.setdefault(room_id, asyncio.Lock())
        async with lock:
            await self._prepare(room_id, room)

    async def _prepare(self, room_id: str, room: nio.MatrixRoom) -> None:
        n, olm = self.client.nio, self.client.nio.olm
        assert olm is not None
        if not room.members_synced:
            await self.client.call(n.joined_members(room_id))
        await self.client.query_keys()
        policy = await self.policy(room_id)
        devices = {
            (d.user_id, d.id): d for u in room.users for d in n.device_store.active_user_devices(u)
        }
        trust: dict[str, dict[str, tuple[TrustLevel, str]]] = {}
        changed: frozenset[str] = frozenset()
        if self.only_cross_signed:
            trust = await self._judged(sorted(room.users))
            if self.identity_changed is not None:
                changed = await self.identity_changed()
        candidates = [
            Candidate(u, d, olm.is_device_blacklisted(dev), _trust_of(trust, dev))
            for (u, d), dev in devices.items()
        ]
        decision = megolm.share_set(
            candidates,
            own_device=(n.user_id, n.device_id),
            only_cross_signed=self.only_cross_signed,
            identity_changed=changed,
        )
        session = olm.outbound_group_sessions.get(room_id)
        state = None
        if session is not None and session.shared:
            created_ms = int(session.creation_time.timestamp() * 1000)
            state = OutboundState(
                created_ms, session.message_count, frozenset(session.users_shared_with)
            )
        reason = megolm.rotation_reason(state, policy, decision.share, int(time.time() * 1000))
        if reason is not None:
            if reason is not megolm.Rotation.NONE_YET:
                log.info("new room key for %s (%s)", room_id, reason)
            olm.create_outbound_group_session(room_id)
            session = olm.outbound_group_sessions[room_id]
        assert session is not None
        session.max_messages = policy.max_messages  # nio's own expiry check agrees with ours
        session.max_age = timedelta(milliseconds=policy.max_age_ms)

        todo = [devices[k] for k in sorted(decision.share - session.users_shared_with)]
        withhold = dict(decision.withhold)
        if todo:
            await self._ensure_olm(todo)
            for dev in todo:
                if not olm.session_store.get(dev.curve25519):
                    withhold[(dev.user_id, dev.id)] = WithheldCode.NO_OLM
            ready = [d for d in todo if (d.user_id, d.id) not in withhold]
            await self._send_key(room_id, session, ready)
        fresh = {
            k: c for k, c in withhold.items() if k not in session.users_ignored and k in devices
        }
        if fresh:
            await self._send_withheld(room_id, session, fresh)
        session.shared = True

    async def policy(self, room_id: str) -> RotationPolicy:
        """The room's rotation settings (from syncs, else asked once of the server)."""
        content = self._encryption.get(room_id)
        if content is None:
            try:
                reply = await self.client.call(
                    self.client.nio.room_get_state_event(room_id, "m.room.encryption")
                )
                content = reply.content if isinstance(reply.content, Mapping) else {}
            except Exception as e:  # offline, refused: the defaults, asked again next time
                log.info("encryption settings of %s not read: %s", room_id, e)
                return megolm.rotation_policy(None)
            self._encryption[room_id] = content
        return megolm.rotation_policy(content)

    async def _judged(self, users: list[str]) -> dict[str, dict[str, tuple[TrustLevel, str]]]:
        """user → device → (cross-signing level, the Ed25519 key judged), queried when stale."""
        now = time.monotonic()
        stale = [u for u in users if now - self._trust.get(u, (-1e9, {}))[0] > TRUST_FRESH_S]
        from cercle.protocol.rooms import send_request  # rooms imports the client module

        for start in range(0, len(stale), QUERY_AT_ONCE):
            chunk = stale[start : start + QUERY_AT_ONCE]
            body = await send_request(self.client, api.keys_query(chunk), what="keys query")
            result = api.parse_keys_query(body)
            judged = judge_all(
                result, own_user_id=self.client.user_id, trusted_master_key=None, users=chunk
            )
            for user_id, user in judged.items():
                if user_id not in result.device_keys and user_id not in result.master_keys:
                    continue  # not answered (a remote server down): unknown, asked again
                levels = {d: (t.level, t.keys.ed25519) for d, t in user.devices.items()}
                self._trust[user_id] = (now, levels)
        return {u: self._trust[u][1] for u in users if u in self._trust}

    async def _ensure_olm(self, devices: Iterable[nio.crypto.OlmDevice]) -> None:
        """Claims one-time (or fallback) keys for devices we have no Olm session with."""
        olm = self.client.nio.olm
        assert olm is not None
        now = time.monotonic()
        missing: dict[str, list[str]] = {}
        for dev in devices:
            key = (dev.user_id, dev.id)
            if olm.session_store.get(dev.curve25519) or self._no_olm_until.get(key, 0) > now:
                continue
            missing.setdefault(dev.user_id, []).append(dev.id)
        if not missing:
            return
        await self.client.call(self.client.nio.keys_claim(missing))
        for user_id, ids in missing.items():
            for dev in self.client.nio.device_store.active_user_devices(user_id):
                if dev.id in ids and not olm.session_store.get(dev.curve25519):
                    log.info("no Olm session with %s %s: key withheld", user_id, dev.id)
                    self._no_olm_until[(user_id, dev.id)] = now + NO_OLM_RETRY_S

    async def _send_key(
        self, room_id: str, session: Any, devices: list[nio.crypto.OlmDevice]
    ) -> None:
        olm = self.client.nio.olm
        assert olm is not None
        key_content = {
            "algorithm": megolm.MEGOLM,
            "room_id": room_id,
            "session_id": session.id,
            "session_key": session.session_key,
        }
        for start in range(0, len(devices), TO_DEVICE_AT_ONCE):
            chunk = devices[start : start + TO_DEVICE_AT_ONCE]
            messages: dict[str, dict[str, Any]] = {}
            for dev in chunk:
                olm_session = olm.session_store.get(dev.curve25519)
                encrypted = olm._olm_encrypt(olm_session, dev, "m.room_key", key_content)
                messages.setdefault(dev.user_id, {})[dev.id] = encrypted
            await self._to_device("m.room.encrypted", messages, "room key")
            session.users_shared_with.update((d.user_id, d.id) for d in chunk)
        log.info("room key of %s shared with %d device(s)", room_id, len(devices))

    async def _send_withheld(
        self, room_id: str, session: Any, withhold: Mapping[Device, WithheldCode]
    ) -> None:
        n = self.client.nio
        assert n.olm is not None
        sender_key = n.olm.account.identity_keys["curve25519"]
        messages: dict[str, dict[str, Any]] = {}
        for (user_id, device_id), code in sorted(withhold.items()):
            messages.setdefault(user_id, {})[device_id] = megolm.withheld_content(
                code,
                room_id=room_id,
                session_id=session.id,
                sender_key=sender_key,
                from_device=n.device_id,
            )
        await self._to_device(megolm.WITHHELD_TYPE, messages, "withheld notice")
        session.users_ignored.update(withhold)
        log.info("room key of %s withheld from %d device(s)", room_id, len(withhold))

    async def _to_device(self, event_type: str, messages: dict[str, Any], what: str) -> None:
        from cercle.protocol.rooms import send_request

        await send_request(self.client, megolm.send_to_device(event_type, messages), what=what)


def _trust_of(
    judged: Mapping[str, Mapping[str, tuple[TrustLevel, str]]], device: nio.crypto.OlmDevice
) -> TrustLevel | None:
    """The judged level, only if it was judged on the Ed25519 key nio will encrypt for."""
    level, ed25519 = judged.get(device.user_id, {}).get(device.id, (None, ""))
    return level if ed25519 == device.ed25519 else None
