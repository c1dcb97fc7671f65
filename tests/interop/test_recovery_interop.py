"""Element's crypto (matrix-js-sdk, Rust) excluding insecure devices: it refuses a Cercle
device's messages until Cercle sets up recovery, which cross-signs the device."""

from __future__ import annotations

import asyncio
import secrets
import time

import pytest
from support import signed_in, until

from cercle.protocol.trust.bootstrap import setup_recovery

pytestmark = pytest.mark.integration

WAIT_MS = 8_000


async def _send_and_read(cercle, js, room_id: str, *, accept_failure: bool) -> dict:
    """Element's view of a message Cercle sends: decrypted, or (`accept_failure`) why not."""
    text = f"Bonjour {secrets.token_hex(3)}"
    await cercle.send_text(room_id, text)
    return await js.acall(
        "waitForMessage",
        roomId=room_id,
        body=text,
        sender=cercle.user_id,
        acceptFailure=accept_failure,
        timeoutMs=WAIT_MS,
    )


def test_element_reads_cercle_only_once_its_device_is_cross_signed(
    register, js_peer, tmp_path, record_property
):
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        cercle, _ = await asyncio.gather(
            signed_in(company_user, tmp_path / "cercle"), js_peer.login(partner_user)
        )
        await cercle.start()
        try:
            await js_peer.acall("bootstrapCrossSigning", within=30)
            await js_peer.acall("setDeviceIsolation", mode="onlySigned")
            room_id = await cercle.client.create_room(
                "Interop récupération", encrypted=True, invite=[js_peer.user_id]
            )
            await js_peer.acall("waitForInvite", roomId=room_id, timeoutMs=WAIT_MS)
            await js_peer.acall("join", roomId=room_id)
            await until(
                lambda: cercle.store.rooms.member(room_id, js_peer.user_id),
                lambda m: m is not None and m.membership == "join",
            )

            before = await _send_and_read(cercle, js_peer, room_id, accept_failure=True)
            assert before["decryptionFailureReason"] == "UNSIGNED_SENDER_DEVICE"

            t0 = time.perf_counter()
            await setup_recovery(cercle, company_user.password)
            device_id = cercle.client.nio.device_id
            async with asyncio.timeout(10):  # Element learns of the signature by device lists
                while True:
                    seen = await js_peer.acall("devices", userId=cercle.user_id)
                    mine = [d for d in seen["devices"] if d["deviceId"] == device_id]
                    if mine and mine[0]["signedByOwner"]:
                        break
                    await asyncio.sleep(0.2)
            record_property("cross_signed_seen_by_element_s", round(time.perf_counter() - t0, 3))

            after = await _send_and_read(cercle, js_peer, room_id, accept_failure=False)
            assert after["decryptionFailureReason"] is None
            assert after["encrypted"] is True
            record_property("shield", (after["shieldColour"], after["shieldReason"]))
        finally:
            await cercle.close()

    asyncio.run(scenario())
