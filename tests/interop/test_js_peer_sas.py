"""The harness's verification commands, checked JS against JS before Cercle takes a side:
two Element-grade clients verify each other by emoji SAS in a DM, as Element users do."""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.integration

WAIT_MS = 10_000


def test_two_js_clients_verify_each_other_by_emoji_in_a_dm(register, js_peers, record_property):
    alice_user, bob_user = register("company"), register("partner")
    alice, bob = js_peers(), js_peers()

    async def scenario():
        await asyncio.gather(alice.login(alice_user), bob.login(bob_user))
        await asyncio.gather(
            alice.acall("bootstrapCrossSigning", within=30),
            bob.acall("bootstrapCrossSigning", within=30),
        )
        room = await alice.acall("createRoom", name="DM", invite=[bob.user_id])
        room_id = room["roomId"]
        await bob.acall("waitForInvite", roomId=room_id, timeoutMs=WAIT_MS)
        await bob.acall("join", roomId=room_id)
        await alice.acall("waitForMember", roomId=room_id, userId=bob.user_id, timeoutMs=WAIT_MS)

        asked = await alice.acall("requestVerification", userId=bob.user_id, roomId=room_id)
        incoming = await bob.next_event("verificationRequest", within=WAIT_MS / 1000)
        assert incoming["otherUserId"] == alice.user_id
        assert incoming["transactionId"] == asked["transactionId"]
        await bob.acall("acceptVerification", verificationId=incoming["verificationId"])

        a_id, b_id = asked["verificationId"], incoming["verificationId"]
        await _until_phase(alice, a_id, "Ready")
        await alice.acall("startSas", verificationId=a_id)
        a_sas, b_sas = await asyncio.gather(
            alice.acall("waitForSas", verificationId=a_id, timeoutMs=WAIT_MS),
            bob.acall("waitForSas", verificationId=b_id, timeoutMs=WAIT_MS),
        )
        assert len(a_sas["emoji"]) == 7
        assert a_sas["emoji"] == b_sas["emoji"]
        record_property("emoji", [name for _, name in a_sas["emoji"]])

        await asyncio.gather(
            alice.acall("confirmSas", verificationId=a_id),
            bob.acall("confirmSas", verificationId=b_id),
        )
        a_end, b_end = await asyncio.gather(
            alice.acall("waitForVerification", verificationId=a_id, timeoutMs=WAIT_MS),
            bob.acall("waitForVerification", verificationId=b_id, timeoutMs=WAIT_MS),
        )
        assert (a_end["phase"], b_end["phase"]) == ("Done", "Done")

        # Each sees the other cross-signed and verified (once the signatures are uploaded).
        await asyncio.gather(
            alice.acall("waitForUserTrust", userId=bob.user_id, timeoutMs=WAIT_MS),
            bob.acall("waitForUserTrust", userId=alice.user_id, timeoutMs=WAIT_MS),
        )
        bobs = (await alice.acall("devices", userId=bob.user_id))["devices"]
        assert [(d["deviceId"], d["isVerified"]) for d in bobs] == [(bob.device_id, True)]

    asyncio.run(scenario())


async def _until_phase(peer, verification_id: str, phase: str) -> None:
    await peer.next_event(
        "verificationChange",
        lambda e: e["verificationId"] == verification_id and e["phase"] == phase,
        within=WAIT_MS / 1000,
    )
