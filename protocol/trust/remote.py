"""Server round trips the trust flows share: account data, own keys, the latest backup, signing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cercle.protocol.client import MatrixClient, MatrixError
from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api
from cercle.protocol.trust.canonical import ED25519, SigningKey
from cercle.protocol.trust.crosssigning import (
    DeviceKeys,
    InvalidKeyObject,
    KeysQueryResult,
    sign_device,
)


class TrustError(Exception):
    """A trust operation failed for a reason the user can act on (the message says how)."""


class SigningRefused(TrustError):
    """The server did not accept a signature we uploaded."""


class DeviceUnknown(TrustError):
    """The server does not list this device's keys (they were never uploaded, or it logged out)."""

    def __init__(self, device_id: str) -> None:
        super().__init__(
            f"The server does not know this device's keys ({device_id}): sync once, then retry."
        )


async def get_account_data(client: MatrixClient, event_type: str) -> dict[str, Any] | None:
    """Global account data of ours, or None when unset."""
    try:
        return await send_request(
            client, api.account_data_get(client.user_id, event_type), what=event_type
        )
    except MatrixError as e:
        if e.status == 404 or e.errcode == "M_NOT_FOUND":
            return None
        raise


async def put_account_data(
    client: MatrixClient, event_type: str, content: Mapping[str, Any]
) -> None:
    await send_request(
        client, api.account_data_put(client.user_id, event_type, content), what=event_type
    )


async def query_own_keys(client: MatrixClient) -> KeysQueryResult:
    """Our devices and cross-signing keys as the server publishes them to everyone."""
    body = await send_request(client, api.keys_query([client.user_id]), what="keys query")
    return api.parse_keys_query(body)


async def latest_backup(client: MatrixClient) -> api.BackupVersion | None:
    try:
        body = await send_request(client, api.backup_version_get(), what="key backup")
    except MatrixError as e:
        if e.status == 404 or e.errcode == "M_NOT_FOUND":
            return None
        raise
    return api.parse_backup_version(body)


def own_device(client: MatrixClient, result: KeysQueryResult) -> DeviceKeys:
    """This device's keys from a /keys/query answer, checked against the keys we hold."""
    device_id = client.nio.device_id
    obj = result.device_keys.get(client.user_id, {}).get(device_id)
    if obj is None:
        raise DeviceUnknown(device_id)
    try:
        device = DeviceKeys.from_json(obj, user_id=client.user_id, device_id=device_id)
    except InvalidKeyObject as e:
        raise TrustError(f"The server lists this device with keys that do not check: {e}") from e
    olm = client.nio.olm
    if olm is not None and device.ed25519 != olm.account.identity_keys["ed25519"]:
        raise TrustError(
            "The server lists this device with keys that are not ours: do not trust this "
            "server's answers, and tell your administrator."
        )
    return device


async def sign_own_device(
    client: MatrixClient, result: KeysQueryResult, self_signing: SigningKey
) -> None:
    """Signs this device with our self-signing key and uploads the signature."""
    signed = sign_device(own_device(client, result), self_signing)
    body = await send_request(client, api.signatures_upload([signed]), what="signatures upload")
    failures = api.parse_signatures_upload(body)
    if failures:
        f = failures[0]
        raise SigningRefused(
            f"The server refused this device's signature: {f.error or f.errcode or 'no reason'}"
        )


class DeviceSigner:
    """This device's Ed25519 key (in nio's Olm account) as a `canonical.Signer`."""

    def __init__(self, client: MatrixClient) -> None:
        if client.nio.olm is None:
            raise TrustError("Encryption is not set up on this device")
        self._account = client.nio.olm.account
        self.key_id = f"{ED25519}:{client.nio.device_id}"

    def sign(self, message: bytes) -> str:
        return str(self._account.sign(message.decode("utf-8")))
