"""Element on the same account as Cercle: the two devices verify each other by emoji
to-device (Element's `requestOwnUserVerification`), then the one without our secrets gets them
from the other by secret gossiping (`m.secret.request` / `m.secret.send` over Olm)."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from sas_flow import WAIT_MS, emoji_names
from support import signed_in, until

from cercle.protocol.trust.bootstrap import own_devices, setup_recovery
from cercle.protocol.trust.crosssigning import TrustLevel
from cercle.protocol.trust.secrets import MASTER, SELF_SIGNING, USER_SIGNING
from cercle.protocol.trust.verifier import ALL_DEVICES

pytestmark = pytest.mark.integration


async def _element_asks_cercle_confirms(cercle, js_peer):
    """Element asks our other devices (to-device, to all of them); Cercle accepts, Element
    starts SAS, both confirm the same emoji. Returns Cercle's flow and Verified result."""
    asked = await js_peer.acall("requestVerification", userId=cercle.user_id)
    js_id = asked["verificationId"]
    flow = await asyncio.wait_for(cercle.verifications.incoming.get(), 30)
    assert not flow.in_room
    assert flow.other_device == js_peer.device_id
    await flow.accept()
    await js_peer.next_event(
        "verificationChange",
        lambda e: e["verificationId"] == js_id and e["phase"] == "Ready",
        within=30,
    )
    await js_peer.acall("startSas", verificationId=js_id)
    js_sas, ours = await asyncio.gather(
        js_peer.acall("waitForSas", verificationId=js_id, timeoutMs=WAIT_MS),
        asyncio.wait_for(flow.short_auth, 30),
    )
    assert emoji_names(ours.emoji) == emoji_names(js_sas["emoji"])
    await asyncio.gather(flow.confirm(True), js_peer.acall("confirmSas", verificationId=js_id))
    verified, final = await asyncio.gather(
        asyncio.wait_for(flow.finished, 30),
        js_peer.acall("waitForVerification", verificationId=js_id, timeoutMs=WAIT_MS),
    )
    assert final["phase"] == "Done"
    return flow, verified


def test_element_on_our_account_verifies_cercle_and_gets_our_secrets_from_it(
    register, js_peer, tmp_path
):
    me = register("company")

    async def scenario():
        cercle = await signed_in(me, tmp_path / "cercle")
        await cercle.start()
        try:
            done = await setup_recovery(cercle, me.password)
            await js_peer.login(me)
            _, verified = await _element_asks_cercle_confirms(cercle, js_peer)
            assert verified.device_id == js_peer.device_id
            assert verified.master_key is None  # Element's new device holds no identity yet

            # Element asks our devices for the secrets it lacks; Cercle answers over Olm.
            for _ in range(150):  # gossip takes a sync or two each way
                status = await js_peer.acall("secretsStatus")
                if all(status["privateKeysCachedLocally"].values()) and status["backupKeyCached"]:
                    break
                await asyncio.sleep(0.2)
            assert status["privateKeysCachedLocally"] == {
                "masterKey": True,
                "selfSigningKey": True,
                "userSigningKey": True,
            }
            assert status["backupKeyCached"] is True
            assert status["crossSigningKeyId"] == done.master_key
            sent = [o for _, o in cercle.secret_sharing.outcomes if o.startswith("sent ")]
            assert sent, cercle.secret_sharing.outcomes
            assert all(o.endswith(f"to {js_peer.device_id} over Olm") for o in sent)

            # Cercle signed Element's device: our identity vouches for it.
            mine = await own_devices(cercle)
            assert mine.devices[js_peer.device_id].level is TrustLevel.VERIFIED
        finally:
            await cercle.close()

    asyncio.run(scenario())


def test_cercle_new_device_verifies_element_on_our_account_and_gets_our_keys_from_it(
    register, js_peer, tmp_path
):
    me = register("company")

    async def scenario():
        await js_peer.login(me)
        await js_peer.acall("bootstrapCrossSigning", within=60)
        cercle = await signed_in(me, tmp_path / "cercle")
        await cercle.start()
        try:
            flow, verified = await _element_asks_cercle_confirms(cercle, js_peer)
            assert verified.master_key is not None  # Element MACs our master key
            assert flow.signing_error is None  # Element signs us; our keys come from it

            def holds_cross_signing():
                identity = cercle.own_devices.local().identity()
                return identity is not None and identity.secrets is not None

            await until(holds_cross_signing)
            received = {
                o.split()[1] for _, o in cercle.secret_sharing.outcomes if o.startswith("received")
            }
            assert {MASTER, SELF_SIGNING, USER_SIGNING} <= received
            mine = await own_devices(cercle)
            assert mine.devices[cercle.client.nio.device_id].level is TrustLevel.VERIFIED
            assert mine.devices[js_peer.device_id].level is TrustLevel.VERIFIED
        finally:
            await cercle.close()

    asyncio.run(scenario())


def test_element_on_our_account_forwards_old_room_keys_to_a_new_cercle_device(
    register, js_peer, tmp_path
):
    me, partner_user = register("company"), register("partner")

    async def scenario():
        await js_peer.login(me)
        await js_peer.acall("bootstrapCrossSigning", within=60)
        partner = await signed_in(partner_user, tmp_path / "partner")
        await partner.start()
        cercle = None
        try:
            room_id = await partner.client.create_room(
                "Clés d’Element", encrypted=True, invite=[me.user_id]
            )
            await js_peer.acall("waitForInvite", roomId=room_id)
            await js_peer.acall("join", roomId=room_id)
            await until(
                lambda: partner.store.rooms.member(room_id, me.user_id),
                lambda m: m is not None and m.membership == "join",
            )
            text = f"Avant Cercle {secrets.token_hex(3)}"
            await partner.send_text(room_id, text)
            seen = await js_peer.acall("waitForMessage", roomId=room_id, body=text)
            assert seen["decryptionFailureReason"] is None

            cercle = await signed_in(me, tmp_path / "cercle")
            await cercle.start()
            await until(
                lambda: [
                    e
                    for e in cercle.store.timeline.page(room_id).events
                    if e.sender == partner_user.user_id and e.decryption_error is not None
                ]
            )
            await _element_asks_cercle_confirms(cercle, js_peer)
            read = await until(
                lambda: [
                    e.content.get("body")
                    for e in cercle.store.timeline.page(room_id).events
                    if e.sender == partner_user.user_id and e.decryption_error is None
                ]
            )
            assert read == [text]
            assert any(
                o == f"imported from our verified device {js_peer.device_id}"
                for _, o in cercle.key_forwarding.outcomes
            )
        finally:
            await asyncio.gather(partner.close(), *([cercle.close()] if cercle else []))

    asyncio.run(scenario())


def test_cercle_asks_all_our_devices_and_element_answers(register, js_peer, tmp_path):
    me = register("company")

    async def scenario():
        cercle = await signed_in(me, tmp_path / "cercle")
        await cercle.start()
        try:
            await js_peer.login(me)
            # Element ignores a request from a device it has not fetched the keys of yet.
            for _ in range(100):
                known = (await js_peer.acall("devices", userId=me.user_id))["devices"]
                if cercle.client.nio.device_id in {d["deviceId"] for d in known}:
                    break
                await asyncio.sleep(0.2)
            flow = await cercle.verifications.request(me.user_id, device_id=ALL_DEVICES)
            incoming = await js_peer.next_event(
                "verificationRequest",
                lambda e: e["transactionId"] == flow.flow_id,
                within=30,
            )
            js_id = incoming["verificationId"]
            await js_peer.acall("acceptVerification", verificationId=js_id)
            await asyncio.wait_for(flow.ready, 30)
            assert flow.other_device == js_peer.device_id
            await flow.start_sas()
            js_sas, ours = await asyncio.gather(
                js_peer.acall("waitForSas", verificationId=js_id, timeoutMs=WAIT_MS),
                asyncio.wait_for(flow.short_auth, 30),
            )
            assert emoji_names(ours.emoji) == emoji_names(js_sas["emoji"])
            await asyncio.gather(
                flow.confirm(True), js_peer.acall("confirmSas", verificationId=js_id)
            )
            verified, final = await asyncio.gather(
                asyncio.wait_for(flow.finished, 30),
                js_peer.acall("waitForVerification", verificationId=js_id, timeoutMs=WAIT_MS),
            )
            assert final["phase"] == "Done"
            assert verified.device_id == js_peer.device_id
        finally:
            await cercle.close()

    asyncio.run(scenario())
