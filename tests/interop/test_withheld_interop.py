"""Withheld room keys with Element's crypto (matrix-js-sdk, Rust): its m.room_key.withheld is
understood by Cercle, and Cercle's "only cross-signed devices" accepts an Element identity."""

from __future__ import annotations

import asyncio
import secrets
from functools import partial

import pytest
from support import signed_in, until

pytestmark = pytest.mark.integration

WAIT_MS = 8_000
_until = partial(until, within=WAIT_MS / 1000)


def test_element_excluding_insecure_devices_tells_cercle_why_and_cercle_shares_with_element(
    register, js_peer, tmp_path, record_property
):
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        cercle = await signed_in(company_user, tmp_path / "cercle")  # never cross-signed here
        await js_peer.login(partner_user)
        try:
            await cercle.share_keys_only_with_cross_signed(True)
            await cercle.start()
            await js_peer.acall("bootstrapCrossSigning", within=30)
            await js_peer.acall("setDeviceIsolation", mode="onlySigned")
            room_id = await cercle.client.create_room(
                "Retenue", encrypted=True, invite=[js_peer.user_id]
            )
            await js_peer.acall("waitForInvite", roomId=room_id, timeoutMs=WAIT_MS)
            await js_peer.acall("join", roomId=room_id)
            await _until(
                lambda: cercle.store.rooms.member(room_id, js_peer.user_id),
                lambda m: m is not None and m.membership == "join",
            )

            # Element withholds its key from Cercle's unsigned device, and says so.
            sent = await js_peer.acall(
                "send", roomId=room_id, body="pas pour toi", timeoutMs=WAIT_MS
            )
            stored = await _until(
                lambda: cercle.store.timeline.get(sent["eventId"]),
                lambda e: e is not None and e.decryption_error not in (None, "not_yet_received"),
            )
            record_property("cercle_cause", stored.decryption_error)
            assert stored.decryption_error == "withheld_unverified"

            # Cercle shares only with cross-signed devices: Element's device is one.
            await js_peer.acall("setDeviceIsolation", mode="all")  # reads unsigned senders
            text = f"pour les appareils signés {secrets.token_hex(3)}"
            await cercle.send_text(room_id, text)
            got = await js_peer.acall(
                "waitForMessage",
                roomId=room_id,
                body=text,
                sender=cercle.user_id,
                acceptFailure=True,
                timeoutMs=WAIT_MS,
            )
            assert got["decryptionFailureReason"] is None
            session = cercle.client.nio.olm.outbound_group_sessions[room_id]
            assert (js_peer.user_id, js_peer.device_id) in session.users_shared_with
        finally:
            await cercle.close()

    asyncio.run(scenario())
