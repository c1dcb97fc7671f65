"""Our own devices: the list with their trust, renaming one, signing one out (password auth)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cercle.protocol.endpoints import CLIENT_V3, Request, _path
from cercle.protocol.errors import MatrixError
from cercle.protocol.trust import api
from cercle.protocol.trust.crosssigning import TrustLevel

# nio (through rooms and bootstrap) loads only when a device action runs: the security dialog
# imports this module, and the window must paint its room list before nio is imported.

if TYPE_CHECKING:
    from cercle.protocol.account import Account


@dataclass(frozen=True)
class OwnDevice:
    """One of our devices as the security settings list it."""

    device_id: str
    display_name: str
    trust: TrustLevel
    this_device: bool
    last_seen_ms: int | None = None


def rename_device(device_id: str, display_name: str) -> Request:
    return Request("PUT", _path(CLIENT_V3, "devices", device_id), {"display_name": display_name})


def delete_device(device_id: str, auth: dict[str, Any] | None = None) -> Request:
    """`DELETE /devices/{id}`: the first try without auth gets the user-interactive challenge."""
    return Request("DELETE", _path(CLIENT_V3, "devices", device_id), {"auth": auth} if auth else {})


def list_devices() -> Request:
    return Request("GET", _path(CLIENT_V3, "devices"))


def order(devices: list[OwnDevice]) -> list[OwnDevice]:
    """This device first, then the others by name and id."""
    return sorted(devices, key=lambda d: (not d.this_device, d.display_name.lower(), d.device_id))


async def own_device_list(account: Account) -> list[OwnDevice]:
    """Our devices with their cross-signing trust and, where the server says, when last seen."""
    from cercle.protocol.rooms import send_request
    from cercle.protocol.trust.bootstrap import own_devices

    trust = await own_devices(account)
    seen: dict[str, tuple[str, int | None]] = {}
    try:
        body = await send_request(account.client, list_devices(), what="devices")
        for d in body.get("devices") or []:
            if isinstance(d, dict) and isinstance(d.get("device_id"), str):
                ts = d.get("last_seen_ts")
                seen[d["device_id"]] = (
                    str(d.get("display_name") or ""),
                    ts if isinstance(ts, int) else None,
                )
    except MatrixError:
        pass  # the keys' display names do
    this = account.client.nio.device_id
    found = []
    for device_id in set(trust.devices) | set(seen):
        judged = trust.devices.get(device_id)
        name, last = seen.get(device_id, ("", None))
        if not name and judged is not None:
            name = judged.keys.display_name or ""
        level = judged.level if judged is not None else TrustLevel.UNSIGNED
        found.append(OwnDevice(device_id, name, level, device_id == this, last))
    return order(found)


async def rename(account: Account, device_id: str, display_name: str) -> None:
    from cercle.protocol.rooms import send_request

    await send_request(account.client, rename_device(device_id, display_name), what="rename")


async def sign_out(account: Account, device_id: str, password: str | None) -> None:
    """Signs `device_id` out (never this one: that is the sign-out of the app). The server asks
    for the account password through user-interactive auth."""
    from cercle.protocol.rooms import send_request
    from cercle.protocol.trust.bootstrap import PasswordNeeded, PasswordRejected, UnsupportedAuth

    if device_id == account.client.nio.device_id:
        raise ValueError("this device signs out from the account menu")
    client = account.client
    try:
        await send_request(client, delete_device(device_id), what="sign out device")
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
        await send_request(client, delete_device(device_id, auth), what="sign out device")
    except MatrixError as e:
        if api.parse_uia(e.status or 0, e.body) is not None or e.errcode == "M_FORBIDDEN":
            raise PasswordRejected() from None
        raise
