"""Cercle and Element (matrix-js-sdk, Rust crypto) verify each other by emoji in a DM."""

from __future__ import annotations

import asyncio
import time

import pytest
from sas_flow import WAIT_MS, cercle_asks_and_both_confirm, emoji_names
from support import signed_in, until

from cercle.protocol.trust.bootstrap import own_devices, setup_recovery
from cercle.protocol.trust.crosssigning import TrustLevel
from cercle.protocol.trust.verification import VerificationCancelled

pytestmark = pytest.mark.integration


async def _setup(register, js_peer, tmp_path):
    """Both users with cross-signing, in an encrypted DM Cercle created."""
    company, partner = register("company"), register("partner")
    cercle, _ = await asyncio.gather(
        signed_in(company, tmp_path / "cercle"), js_peer.login(partner)
    )
    await cercle.start()
    await asyncio.gather(
        setup_recovery(cercle, company.password),
        js_peer.acall("bootstrapCrossSigning", within=30),
    )
    room_id = await cercle.client.create_room("DM", encrypted=True, invite=[js_peer.user_id])
    await js_peer.acall("waitForInvite", roomId=room_id, timeoutMs=WAIT_MS)
    await js_peer.acall("join", roomId=room_id)
    await until(
        lambda: cercle.store.rooms.member(room_id, js_peer.user_id),
        lambda m: m is not None and m.membership == "join",
    )
    return cercle, room_id


async def _level(cercle, user_id: str) -> TrustLevel:
    flow = cercle.verifications
    _, trust = await flow._judge(user_id)
    return trust.level


def test_element_verifies_cercle_and_cercle_accepts(register, js_peer, tmp_path, record_property):
    async def scenario():
        cercle, room_id = await _setup(register, js_peer, tmp_path)
        try:
            t0 = time.perf_counter()
            asked = await js_peer.acall(
                "requestVerification", userId=cercle.user_id, roomId=room_id
            )
            flow = await asyncio.wait_for(cercle.verifications.incoming.get(), 10)
            assert flow.other_user == js_peer.user_id
            await flow.accept()
            js_id = asked["verificationId"]
            await js_peer.next_event(
                "verificationChange",
                lambda e: e["verificationId"] == js_id and e["phase"] == "Ready",
                within=10,
            )
            await js_peer.acall("startSas", verificationId=js_id)
            js_sas, ours = await asyncio.gather(
                js_peer.acall("waitForSas", verificationId=js_id, timeoutMs=WAIT_MS),
                asyncio.wait_for(flow.short_auth, 10),
            )
            assert len(ours.emoji) == 7
            assert emoji_names(ours.emoji) == emoji_names(js_sas["emoji"])
            assert list(ours.decimals) == list(js_sas["decimal"])
            record_property("emoji", emoji_names(ours.emoji))
            await asyncio.gather(
                flow.confirm(True), js_peer.acall("confirmSas", verificationId=js_id)
            )
            verified, end = await asyncio.gather(
                asyncio.wait_for(flow.finished, 10),
                js_peer.acall("waitForVerification", verificationId=js_id, timeoutMs=WAIT_MS),
            )
            assert end["phase"] == "Done"
            assert flow.signing_error is None
            assert verified.master_key is not None
            await js_peer.acall("waitForUserTrust", userId=cercle.user_id, timeoutMs=WAIT_MS)
            assert await _level(cercle, js_peer.user_id) is TrustLevel.VERIFIED
            record_property("verified_both_ways_s", round(time.perf_counter() - t0, 3))
        finally:
            await cercle.close()

    asyncio.run(scenario())


def test_cercle_verifies_element(register, js_peer, tmp_path, record_property):
    async def scenario():
        cercle, room_id = await _setup(register, js_peer, tmp_path)
        try:
            t0 = time.perf_counter()
            flow, _ = await cercle_asks_and_both_confirm(cercle, js_peer, room_id)
            assert flow.signing_error is None
            await js_peer.acall("waitForUserTrust", userId=cercle.user_id, timeoutMs=WAIT_MS)
            assert await _level(cercle, js_peer.user_id) is TrustLevel.VERIFIED
            mine = await own_devices(cercle)
            assert mine.level is TrustLevel.VERIFIED
            record_property("verified_both_ways_s", round(time.perf_counter() - t0, 3))
        finally:
            await cercle.close()

    asyncio.run(scenario())


def test_a_mismatch_cancels_both_and_nobody_is_verified(register, js_peer, tmp_path):
    async def scenario():
        cercle, room_id = await _setup(register, js_peer, tmp_path)
        try:
            flow = await cercle.verifications.request(js_peer.user_id, room_id=room_id)
            incoming = await js_peer.next_event("verificationRequest", within=10)
            js_id = incoming["verificationId"]
            await js_peer.acall("acceptVerification", verificationId=js_id)
            await asyncio.wait_for(flow.ready, 10)
            await flow.start_sas()
            await asyncio.gather(
                js_peer.acall("waitForSas", verificationId=js_id, timeoutMs=WAIT_MS),
                asyncio.wait_for(flow.short_auth, 10),
            )
            await flow.confirm(False)
            end = await js_peer.acall(
                "waitForVerification", verificationId=js_id, timeoutMs=WAIT_MS
            )
            assert end["phase"] == "Cancelled"
            with pytest.raises(VerificationCancelled) as e:
                await flow.finished
            assert e.value.code == "m.mismatched_sas"
            status = await js_peer.acall("userVerificationStatus", userId=cercle.user_id)
            assert status["isCrossSigningVerified"] is False
            assert await _level(cercle, js_peer.user_id) is TrustLevel.CROSS_SIGNED
        finally:
            await cercle.close()

    asyncio.run(scenario())
