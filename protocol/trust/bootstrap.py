"""Setting up recovery: cross-signing, secret storage and key backup, with a recovery key."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cercle.protocol.client import MatrixClient, MatrixError
from cercle.protocol.endpoints import Request
from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api, secrets
from cercle.protocol.trust.backup import BackupKey, make_auth_data
from cercle.protocol.trust.crosssigning import CrossSigningSecrets, UserTrust, judge_user
from cercle.protocol.trust.local import BackupState, LocalIdentity, LocalTrust
from cercle.protocol.trust.recovery import (
    PassphraseInfo,
    derive_key_from_passphrase,
    encode_recovery_key,
    new_key,
)
from cercle.protocol.trust.remote import (
    DeviceSigner,
    TrustError,
    put_account_data,
    query_own_keys,
    sign_own_device,
)

if TYPE_CHECKING:
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)

KEY_NAME = "Cercle recovery key"


class AlreadySetUp(TrustError):
    """The account already has a cross-signing identity: replacing it is a deliberate reset."""

    def __init__(self) -> None:
        super().__init__(
            "Recovery is already set up for this account (on this or another device). "
            "To use it here, restore with your recovery key. Resetting creates a new identity: "
            "your contacts will be warned that it changed, and keys in the old backup are lost."
        )


class PasswordNeeded(TrustError):
    """The server asks for the account password to change cross-signing keys."""

    def __init__(self) -> None:
        super().__init__("The server asks for your account password to set up recovery.")


class PasswordRejected(TrustError):
    def __init__(self) -> None:
        super().__init__("The server did not accept your account password: check it and retry.")


class UnsupportedAuth(TrustError):
    """The server wants more than a password (single sign-on, e-mail…)."""

    def __init__(self, flows: tuple[tuple[str, ...], ...]) -> None:
        stages = ", ".join(" + ".join(f) for f in flows) or "none"
        super().__init__(
            "The server asks for a confirmation Cercle cannot give here (it accepts: "
            f"{stages}). Set up recovery from Element, then restore it in Cercle."
        )
        self.flows = flows


@dataclass(frozen=True)
class RecoverySetup:
    """What setup made. `recovery_key` is shown to the user once, then forgotten."""

    recovery_key: str
    master_key: str
    secret_storage_key_id: str
    backup_version: str

    def __repr__(self) -> str:  # never the recovery key
        return f"RecoverySetup(master={self.master_key}, backup={self.backup_version})"


def local_trust(account: Account) -> LocalTrust:
    return LocalTrust(account.store, account.profile.keys.pickle_key)


async def send_with_password(
    client: MatrixClient,
    build: Callable[[dict[str, Any] | None], Request],
    password: str | None,
    what: str,
) -> None:
    """Sends `build(None)`; when the server answers with a user-interactive auth challenge,
    sends `build(auth)` again with the account password. Raises UnsupportedAuth (no password
    stage), PasswordNeeded (none given) or PasswordRejected; other refusals stay MatrixError."""
    try:
        await send_request(client, build(None), what=what)
        return
    except MatrixError as e:
        challenge = api.parse_uia(e.status or 0, e.body)
        if challenge is None:
            raise
    if not challenge.password_suffices:
        raise UnsupportedAuth(challenge.flows)
    if not password:
        raise PasswordNeeded()
    auth = api.password_auth(client.user_id, password, challenge.session)
    try:
        await send_request(client, build(auth), what=what)
    except MatrixError as e:
        if api.parse_uia(e.status or 0, e.body) is not None or e.errcode == "M_FORBIDDEN":
            raise PasswordRejected() from None
        raise


async def upload_cross_signing(
    client: MatrixClient, keys: CrossSigningSecrets, password: str | None
) -> None:
    """`/keys/device_signing/upload` through user-interactive auth: first without auth (a
    server may let a first upload through, MSC3967), then with the account password."""
    objects = keys.key_objects(client.user_id)
    await send_with_password(
        client,
        lambda auth: api.device_signing_upload(objects, auth=auth),
        password,
        "cross-signing upload",
    )


async def setup_recovery(
    account: Account,
    password: str | None,
    *,
    passphrase: str | None = None,
    reset: bool = False,
) -> RecoverySetup:
    """Creates our cross-signing identity, signs this device, creates a key backup, and keeps
    the private keys in secret storage under a new recovery key (derived from `passphrase` if
    given). Refuses (AlreadySetUp) when the account has an identity, unless `reset`.

    Raises AlreadySetUp, PasswordNeeded, PasswordRejected, UnsupportedAuth, SigningRefused or
    MatrixError; nothing is written to account data before the cross-signing keys are in."""
    client = account.client
    user_id = client.user_id
    existing = await query_own_keys(client)
    if user_id in existing.master_keys and not reset:
        raise AlreadySetUp()

    keys = CrossSigningSecrets.generate()
    await upload_cross_signing(client, keys, password)
    local = local_trust(account)
    backup_key = BackupKey.generate()
    identity = LocalIdentity(keys.master.public_key, keys, backup_key)
    # Kept at once: if a later step fails, this device still holds the keys it published.
    await asyncio.to_thread(local.save_identity, identity)
    log.info("cross-signing keys uploaded for %s (master %s)", user_id, keys.master.public_key)

    await sign_own_device(client, await query_own_keys(client), keys.self_signing)

    auth_data = make_auth_data(
        backup_key.public_key, user_id=user_id, signers=[keys.master, DeviceSigner(client)]
    )
    created = await send_request(client, api.backup_version_create(auth_data), what="key backup")
    version = api.parse_backup_created(created)

    if passphrase:
        info = PassphraseInfo.new()
        storage_key = await asyncio.to_thread(derive_key_from_passphrase, passphrase, info)
    else:
        info, storage_key = None, new_key()
    description = secrets.new_key_description(storage_key, name=KEY_NAME, passphrase=info)
    await put_account_data(client, description.event_type, description.to_json())
    for name, private in (
        (secrets.MASTER, keys.master.seed),
        (secrets.SELF_SIGNING, keys.self_signing.seed),
        (secrets.USER_SIGNING, keys.user_signing.seed),
        (secrets.BACKUP, backup_key.to_bytes()),
    ):
        content = secrets.store_secret(
            storage_key, description, name, secrets.encode_private_key(private)
        )
        await put_account_data(client, name, content)
    # Last: clients look for secrets only once a default key names where they are.
    await put_account_data(
        client, secrets.DEFAULT_KEY, secrets.default_key_content(description.key_id)
    )

    await asyncio.to_thread(
        local.save_backup_state, BackupState(version, backup_key.public_key, {})
    )
    account.key_backup.reload()  # start uploading this device's room keys
    return RecoverySetup(
        encode_recovery_key(storage_key), keys.master.public_key, description.key_id, version
    )


async def own_devices(account: Account) -> UserTrust:
    """Our devices as everyone sees them, each judged against our identity: VERIFIED when
    signed by our self-signing key under the master key this device holds (set up or restored
    here), CROSS_SIGNED when only chained to the published master key, UNSIGNED otherwise."""
    result = await query_own_keys(account.client)
    identity = await asyncio.to_thread(local_trust(account).identity)
    return judge_user(
        result,
        account.user_id,
        own_user_id=account.user_id,
        trusted_master_key=identity.master_public_key if identity else None,
    )
