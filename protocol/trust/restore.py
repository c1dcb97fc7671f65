"""Restoring on a new device: recovery key → our identity, this device signed, room keys."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cercle.protocol.client import MatrixClient
from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api, secrets
from cercle.protocol.trust.backup import (
    BackedUpSession,
    BackupError,
    BackupKey,
    backup_trust,
    decrypt_session,
)
from cercle.protocol.trust.bootstrap import local_trust
from cercle.protocol.trust.canonical import SigningKey
from cercle.protocol.trust.crosssigning import CrossSigningSecrets, KeysQueryResult
from cercle.protocol.trust.keybackup import import_sessions
from cercle.protocol.trust.local import BackupState, LocalIdentity
from cercle.protocol.trust.recovery import InvalidRecoveryKey, decode_recovery_key
from cercle.protocol.trust.remote import (
    TrustError,
    get_account_data,
    latest_backup,
    query_own_keys,
    sign_own_device,
)
from cercle.protocol.trust.secrets import KeyDescription, WrongRecoveryKey

if TYPE_CHECKING:
    from cercle.protocol.account import Account

__all__ = [
    "IdentityMismatch",
    "InvalidRecoveryKey",
    "NoRecovery",
    "RestoreResult",
    "WrongRecoveryKey",
    "restore_recovery",
]

log = logging.getLogger(__name__)


class NoRecovery(TrustError):
    """The account has no secret storage (or it lacks the keys we need)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Recovery is not set up for this account"
            + (f" ({detail})" if detail else "")
            + ": set it up first (`cercle-cli recovery setup`, or in Element)."
        )


class IdentityMismatch(TrustError):
    """Secret storage opens, but holds keys that are not the account's published identity."""

    def __init__(self) -> None:
        super().__init__(
            "Your recovery key opens keys that are not your account's current identity (it was "
            "reset since). Use the newest recovery key, or set up recovery again."
        )


@dataclass(frozen=True)
class RestoreResult:
    master_key: str
    backup_version: str | None
    keys_imported: int
    keys_failed: int
    backup_note: str  # why keys were (or were not) restored, for the user


async def _secret(client: MatrixClient, key: bytes, desc: KeyDescription, name: str) -> str:
    content = await get_account_data(client, name)
    if content is None:
        raise NoRecovery(f"{name} is not in secret storage")
    return secrets.open_secret(key, desc, name, content)


async def _storage_key(
    client: MatrixClient, recovery_key: str | None, passphrase: str | None
) -> tuple[bytes, KeyDescription]:
    key_id = secrets.parse_default_key(await get_account_data(client, secrets.DEFAULT_KEY))
    if key_id is None:
        raise NoRecovery()
    content = await get_account_data(client, secrets.key_event_type(key_id))
    if content is None:
        raise NoRecovery("its key description is missing")
    desc = KeyDescription.from_json(key_id, content)
    if recovery_key is not None:
        key = decode_recovery_key(recovery_key)  # InvalidRecoveryKey: a typo
    elif passphrase is not None:
        key = await asyncio.to_thread(secrets.key_from_passphrase, passphrase, desc)
    else:
        raise ValueError("a recovery key or a passphrase is needed")
    secrets.check_key(key, desc)  # WrongRecoveryKey
    return key, desc


def _check_identity(result: KeysQueryResult, user_id: str, keys: CrossSigningSecrets) -> None:
    published: set[object] = set()
    for section in (result.master_keys, result.self_signing_keys):
        obj = section.get(user_id)
        keys_of = obj.get("keys") if isinstance(obj, dict) else None
        published.update(keys_of.values() if isinstance(keys_of, dict) else ())
    if not {keys.master.public_key, keys.self_signing.public_key} <= published:
        raise IdentityMismatch()


async def restore_recovery(
    account: Account, *, recovery_key: str | None = None, passphrase: str | None = None
) -> RestoreResult:
    """Opens secret storage with the recovery key (or passphrase), takes our cross-signing keys,
    signs this device, restores the room keys of the backup if our identity trusts it, then
    decrypts the stored messages that waited for them.

    Raises InvalidRecoveryKey (not a recovery key), WrongRecoveryKey (not this account's),
    NoRecovery, IdentityMismatch, SecretStorageError, SigningRefused or MatrixError."""
    client = account.client
    user_id = client.user_id
    key, desc = await _storage_key(client, recovery_key, passphrase)
    seeds = [
        secrets.decode_private_key(await _secret(client, key, desc, name))
        for name in secrets.CROSS_SIGNING_SECRETS
    ]
    keys = CrossSigningSecrets(*(SigningKey(seed) for seed in seeds))
    result = await query_own_keys(client)
    _check_identity(result, user_id, keys)
    await sign_own_device(client, result, keys.self_signing)

    backup_key = None
    if await get_account_data(client, secrets.BACKUP) is not None:
        backup_key = BackupKey(
            secrets.decode_private_key(await _secret(client, key, desc, secrets.BACKUP))
        )
    local = local_trust(account)
    await asyncio.to_thread(
        local.save_identity, LocalIdentity(keys.master.public_key, keys, backup_key)
    )

    version, imported, failed, note = await _restore_keys(account, keys, backup_key)
    account.key_backup.reload()
    if imported:
        await account.engine.repair_undecrypted()
    return RestoreResult(keys.master.public_key, version, imported, failed, note)


async def _restore_keys(
    account: Account, keys: CrossSigningSecrets, backup_key: BackupKey | None
) -> tuple[str | None, int, int, str]:
    client = account.client
    latest = await latest_backup(client)
    if latest is None:
        return None, 0, 0, "there is no key backup"
    if backup_key is None:
        return latest.version, 0, 0, "secret storage holds no backup key"
    trust = backup_trust(
        latest.algorithm,
        latest.auth_data,
        user_id=client.user_id,
        trusted_master_key=keys.master.public_key,
        backup_key=backup_key,
    )
    if not trust.trusted:
        return latest.version, 0, 0, f"the key backup is not trusted: {trust.reason}"
    if latest.auth_data.get("public_key") != backup_key.public_key:
        return latest.version, 0, 0, "the key backup was made with another key"
    body = await send_request(client, api.backup_keys_get(latest.version), what="key backup")
    rooms, skipped = api.parse_backup_keys(body)
    found: list[tuple[str, str, BackedUpSession]] = []
    failed = len(skipped)
    for room_id, sessions in rooms.items():
        for session_id, data in sessions.items():
            try:
                session = BackedUpSession.from_json(decrypt_session(backup_key, data.session_data))
            except BackupError as e:  # WrongBackupKey included: one bad entry, not the rest
                log.warning("backed-up key %s/%s not restored: %s", room_id, session_id, e)
                failed += 1
                continue
            found.append((room_id, session_id, session))
    olm = client.nio.olm
    if olm is None:
        return latest.version, 0, failed, "encryption is off on this device"
    done = import_sessions(olm, found)
    failed += len(found) - len(done)
    state = BackupState(
        latest.version,
        backup_key.public_key,
        {d.session_id: d.first_known_index for d in done},
    )
    await asyncio.to_thread(local_trust(account).save_backup_state, state)
    log.info("restored %d room keys from backup %s", len(done), latest.version)
    return latest.version, len(done), failed, trust.reason
