"""Which of our own other devices we trust with secrets and room keys, and why."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from cercle.protocol.trust.crosssigning import DeviceKeys, TrustLevel, judge_user
from cercle.protocol.trust.local import LocalTrust
from cercle.protocol.trust.remote import query_own_keys
from cercle.protocol.trust.verification import Verified

if TYPE_CHECKING:
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)


class OwnDevices:
    """Our other devices as the server lists them, trusted when our self-signing key (under the
    master key this device knows for sure) signed them, or when this device verified them by
    emoji (`sas_verified`, until the cross-signature is uploaded)."""

    def __init__(self, account: Account) -> None:
        self._account = account
        self.sas_verified: dict[str, str] = {}  # device id → the Ed25519 key the SAS proved

    def remember(self, verified: Verified) -> None:
        """What an emoji verification proved of one of our devices (its Ed25519 key)."""
        if verified.user_id == self._account.client.user_id and verified.device_key:
            self.sas_verified[verified.device_id] = verified.device_key

    def local(self) -> LocalTrust:
        return LocalTrust(self._account.store, self._account.profile.keys.pickle_key)

    async def trusted_master(self) -> str | None:
        identity = await asyncio.to_thread(self.local().identity)
        return identity.master_public_key if identity is not None else None

    async def find(
        self,
        *,
        device_id: str | None = None,
        curve25519: str | None = None,
        ed25519: str | None = None,
    ) -> tuple[DeviceKeys | None, str]:
        """The device (by id, or by the Curve25519 key of its Olm session) if it is one of our
        other devices that we trust, else None and why not. `ed25519`, when given (what an Olm
        payload claims), must be the device's published key."""
        client = self._account.client
        result = await query_own_keys(client)
        master = await self.trusted_master()
        trust = judge_user(
            result, client.user_id, own_user_id=client.user_id, trusted_master_key=master
        )
        found = None
        for device in trust.devices.values():
            if device_id is not None and device.device_id != device_id:
                continue
            if curve25519 is not None and device.keys.curve25519 != curve25519:
                continue
            found = device
            break
        if found is None:
            return None, "not one of our devices the server lists"
        if found.device_id == client.nio.device_id:
            return None, "this very device"
        if ed25519 is not None and found.keys.ed25519 != ed25519:
            return None, "its Olm payload claims another signing key"
        if found.level is TrustLevel.VERIFIED:
            return found.keys, "cross-signed by our identity"
        if self.sas_verified.get(found.device_id) == found.keys.ed25519:
            return found.keys, "verified by emoji on this device"
        return None, "not verified (neither cross-signed by our identity nor by emoji here)"
