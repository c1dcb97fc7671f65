"""Room keys to and from the key backup: upload each Megolm session once, import restored ones."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import vodozemac
from nio.crypto import InboundGroupSession, Olm

from cercle.protocol.client import MatrixClient, MatrixError
from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api
from cercle.protocol.trust.backup import BackedUpSession, backup_trust, key_backup_data
from cercle.protocol.trust.local import BackupState, LocalTrust
from cercle.protocol.trust.remote import latest_backup

log = logging.getLogger(__name__)

BATCH = 200  # sessions per PUT, as Element sends them
IDLE_S = 2.0  # how often new room keys are looked for (a set difference in memory)
RELOAD_S = 30.0  # how often a device without a backup looks whether one was set up meanwhile
_NEVER = 1 << 62


def backed_up(session: InboundGroupSession) -> BackedUpSession:
    """The backup's view of a nio session, exported from its first known index."""
    return BackedUpSession(
        session_key=session.export_session(session.first_known_index),
        sender_key=session.sender_key,
        sender_claimed_keys={"ed25519": session.ed25519},
        forwarding_curve25519_key_chain=tuple(session.forwarding_chain),
    )


@dataclass(frozen=True)
class Imported:
    room_id: str
    session_id: str
    first_known_index: int


def import_sessions(olm: Olm, found: Iterable[tuple[str, str, BackedUpSession]]) -> list[Imported]:
    """Adds restored sessions `(room_id, session_id, session)` to nio's store (memory and its
    encrypted database). A session we hold from an earlier or equal index is kept; one whose
    key does not match the id the server filed it under is skipped."""
    done: list[Imported] = []
    for room_id, session_id, backed in found:
        claimed = backed.sender_claimed_keys.get("ed25519")
        if not claimed:
            continue
        try:
            session = InboundGroupSession.import_session(
                backed.session_key,
                claimed,
                backed.sender_key,
                room_id,
                list(backed.forwarding_curve25519_key_chain),
            )
        except (vodozemac.SessionKeyDecodeException, ValueError) as e:
            log.warning("backed-up session %s in %s not imported: %s", session_id, room_id, e)
            continue
        if session.id != session_id:
            log.warning("backed-up session %s in %s holds another session", session_id, room_id)
            continue
        held = olm.inbound_group_store.get(room_id, backed.sender_key, session.id)
        if held is None or held.first_known_index > session.first_known_index:
            olm.inbound_group_store.add(session)  # replaces a later-starting copy
            olm.save_inbound_group_session(session)
        done.append(Imported(room_id, session.id, session.first_known_index))
    return done


class KeyBackup:
    """Uploads this device's new room keys to the backup it trusts, each session once (again
    only if we later hold it from an earlier message). Progress is kept in the profile."""

    def __init__(self, client: MatrixClient, local: LocalTrust, *, idle_s: float = IDLE_S):
        self.client = client
        self.local = local
        self.idle_s = idle_s
        self.disabled: str | None = None  # why uploads stopped (a backup we do not trust)
        self._state: BackupState | None = None
        self._read_at = 0.0
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    def reload(self) -> None:
        """The backup changed (set up, restored): read it again and upload at once."""
        self._state, self._read_at, self.disabled = None, 0.0, None
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.upload_pending()
            except MatrixError as e:  # offline or refused: try again later
                log.info("room keys not backed up yet: %s", e)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_s)

    async def _current(self) -> BackupState | None:
        if self._state is None and time.monotonic() - self._read_at > RELOAD_S:
            self._read_at = time.monotonic()
            self._state = await asyncio.to_thread(self.local.backup_state)
        return self._state

    def pending(self, state: BackupState) -> list[InboundGroupSession]:
        olm = self.client.nio.olm
        if olm is None:
            return []
        return [
            s
            for s in olm.inbound_group_store
            if state.uploaded.get(s.id, _NEVER) > s.first_known_index
        ]

    async def upload_pending(self) -> int:
        """Uploads what the backup lacks; returns how many sessions went up."""
        async with self._lock:
            state = await self._current()
            if state is None or self.disabled:
                return 0
            sessions = self.pending(state)
            sent = 0
            for start in range(0, len(sessions), BATCH):
                chunk = sessions[start : start + BATCH]
                rooms: dict[str, dict[str, dict[str, Any]]] = {}
                for s in chunk:
                    rooms.setdefault(s.room_id, {})[s.id] = key_backup_data(
                        state.public_key,
                        backed_up(s),
                        first_message_index=s.first_known_index,
                        forwarded_count=len(s.forwarding_chain),
                        is_verified=False,
                    )
                try:
                    await send_request(
                        self.client, api.backup_keys_put(state.version, rooms), what="key backup"
                    )
                except MatrixError as e:
                    if e.errcode in ("M_WRONG_ROOM_KEYS_VERSION", "M_NOT_FOUND"):
                        await self._follow_new_version(state)
                        return sent
                    raise
                for s in chunk:
                    state.uploaded[s.id] = s.first_known_index
                sent += len(chunk)
                await asyncio.to_thread(self.local.save_backup_state, state)
            if sent:
                log.info("backed up %d room keys to version %s", sent, state.version)
            return sent

    async def _follow_new_version(self, old: BackupState) -> None:
        """Another device replaced the backup: follow it if our identity signed it."""
        latest = await latest_backup(self.client)
        identity = await asyncio.to_thread(self.local.identity)
        if latest is None or identity is None:
            self.disabled = "the key backup was deleted"
            log.warning("key backup %s is gone; not backing up room keys", old.version)
            return
        trust = backup_trust(
            latest.algorithm,
            latest.auth_data,
            user_id=self.client.user_id,
            trusted_master_key=identity.master_public_key,
            backup_key=identity.backup_key,
        )
        public_key = latest.auth_data.get("public_key")
        if not trust.trusted or not isinstance(public_key, str):
            self.disabled = f"the new key backup is not trusted: {trust.reason}"
            log.warning("key backup %s not followed: %s", latest.version, trust.reason)
            return
        self._state = BackupState(latest.version, public_key, {})
        await asyncio.to_thread(self.local.save_backup_state, self._state)
        log.info("following key backup %s (%s)", latest.version, trust.reason)
