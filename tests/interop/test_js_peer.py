"""Cercle against an independent implementation: matrix-js-sdk with its Rust crypto (what Element
uses), the JS client on the partner's server and Cercle's own stack (profile, outbox, sync,
store) on the company's, exchanging encrypted messages both ways over federation."""

from __future__ import annotations

import asyncio
import secrets
import time
from functools import partial

import pytest
from support import sent_event_id, signed_in, until

from cercle.protocol.account import Account
from cercle.protocol.trust.bootstrap import setup_recovery

pytestmark = pytest.mark.integration

WAIT_MS = 8_000  # one message over federation takes ~0.1-0.2 s; this only bounds a failure
WAIT_S = WAIT_MS / 1000
_until = partial(until, within=WAIT_S)
_sent = partial(sent_event_id, within=WAIT_S)


async def _signed_in(user, folder) -> Account:
    account = await signed_in(user, folder)
    await account.start()
    return account


async def _both_in_encrypted_room(cercle: Account, js, *, created_by: str) -> str:
    """A new encrypted room with Cercle's user and the JS user both joined, as each sees it."""
    if created_by == "cercle":
        room_id = await cercle.client.create_room(
            "Interop Élément", encrypted=True, invite=[js.user_id]
        )
        await js.acall("waitForInvite", roomId=room_id, timeoutMs=WAIT_MS)
        await js.acall("join", roomId=room_id)
        await _until(
            lambda: cercle.store.rooms.member(room_id, js.user_id),
            lambda m: m is not None and m.membership == "join",
        )
    else:
        room = await js.acall("createRoom", name="Interop Élément", invite=[cercle.user_id])
        room_id = room["roomId"]
        await _until(
            lambda: cercle.store.rooms.get(room_id),
            lambda r: r is not None and r.join_state == "invite",
        )
        await cercle.client.join(room_id)
        await js.acall("waitForMember", roomId=room_id, userId=cercle.user_id, timeoutMs=WAIT_MS)
    return room_id


async def _cercle_to_js(
    cercle: Account, js, room_id: str, *, accept_failure: bool = False
) -> tuple[dict, float]:
    """Cercle sends; the JS client's view of the message (with `accept_failure`, possibly an
    undecryptable event and its decryptionFailureReason) and the time it took."""
    text = f"Bonjour de Cercle {secrets.token_hex(3)}"
    t0 = time.perf_counter()
    await cercle.send_text(room_id, text)
    got = await js.acall(
        "waitForMessage",
        roomId=room_id,
        body=text,
        sender=cercle.user_id,
        acceptFailure=accept_failure,
        timeoutMs=WAIT_MS,
    )
    return got, time.perf_counter() - t0


async def _js_to_cercle(cercle: Account, js, room_id: str):
    text = f"Hello from Element's crypto {secrets.token_hex(3)}"
    t0 = time.perf_counter()
    sent = await js.acall("send", roomId=room_id, body=text, timeoutMs=WAIT_MS)
    assert sent["encrypted"], "the JS client sent in clear in an encrypted room"
    stored = await _until(lambda: cercle.store.timeline.get(sent["eventId"]))
    if stored.decryption_error is None:
        assert stored.content.get("body") == text
    return stored, time.perf_counter() - t0


async def _repaired(cercle: Account, event_id: str, within: float = 2.0):
    """The stored event once decrypted, or as it still is after `within` seconds."""
    try:
        return await _until(
            lambda: cercle.store.timeline.get(event_id),
            lambda e: e.decryption_error is None,
            within=within,
        )
    except TimeoutError:
        return await asyncio.to_thread(cercle.store.timeline.get, event_id)


@pytest.mark.parametrize("created_by", ["cercle", "js"])
def test_encrypted_messages_both_ways_with_element_in_legacy_mode(
    register, js_peer, tmp_path, record_property, created_by
):
    """Element's legacy "all devices" mode: keys go to, and messages are read from, devices that
    are not cross-signed — so Cercle (no cross-signing yet) and Element talk, under a shield."""
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        t0 = time.perf_counter()
        cercle, js_login = await asyncio.gather(
            _signed_in(company_user, tmp_path / "cercle"), js_peer.login(partner_user)
        )
        record_property("js_node_start_s", round(js_peer.started_in, 3))
        record_property("js_login_ms", js_login["timingsMs"])
        record_property("both_signed_in_s", round(time.perf_counter() - t0, 3))
        try:
            await js_peer.acall("setDeviceIsolation", mode="all")
            room_id = await _both_in_encrypted_room(cercle, js_peer, created_by=created_by)

            if created_by == "cercle":
                to_js, t_to_js = await _cercle_to_js(cercle, js_peer, room_id)
                to_cercle, t_to_cercle = await _js_to_cercle(cercle, js_peer, room_id)
            else:
                to_cercle, t_to_cercle = await _js_to_cercle(cercle, js_peer, room_id)
                to_js, t_to_js = await _cercle_to_js(cercle, js_peer, room_id)
            record_property("cercle_to_js_s", round(t_to_js, 3))
            record_property("js_to_cercle_s", round(t_to_cercle, 3))
            record_property("js_shield_on_cercle", (to_js["shieldColour"], to_js["shieldReason"]))

            # Element reads Cercle's message, decrypted...
            assert to_js["encrypted"] is True
            assert to_js["decryptionFailureReason"] is None
            assert to_js["sender"] == cercle.user_id
            # ...under a red "device not verified by its owner" shield: Cercle's device is not
            # cross-signed (no cross-signing yet). When the trust issue cross-signs Cercle's
            # devices this becomes NONE (a TOFU-trusted user's signed device): update it then.
            assert (to_js["shieldColour"], to_js["shieldReason"]) == ("RED", "UNSIGNED_DEVICE")

            # Cercle reads Element's message, decrypted.
            assert to_cercle.encrypted is True
            assert to_cercle.decryption_error is None
            assert to_cercle.sender == js_peer.user_id

            # Steady state: Cercle → Element → Cercle round trips, sessions already shared.
            trips = []
            for _ in range(3):
                _, there = await _cercle_to_js(cercle, js_peer, room_id)
                _, back = await _js_to_cercle(cercle, js_peer, room_id)
                trips.append((round(there, 3), round(back, 3)))
            record_property("round_trips_s", trips)  # (Cercle → Element, Element → Cercle)

            # Element knows Cercle's user but has no cross-signing identity to trust.
            status = await js_peer.acall("userVerificationStatus", userId=cercle.user_id)
            record_property("js_view_of_cercle_user", status)
            assert status["isVerified"] is False
            devices = (await js_peer.acall("devices", userId=cercle.user_id))["devices"]
            assert [d["deviceId"] for d in devices] == [cercle.client.nio.device_id]
            assert devices[0]["signedByOwner"] is False
        finally:
            await cercle.close()

    asyncio.run(scenario())


def test_issue5_messages_flow_both_ways_with_element_excluding_insecure_devices(
    register, js_peer, tmp_path, record_property
):
    """Issue 5's acceptance: with the JS client excluding insecure devices (Element's default
    since April 2026), encrypted messages flow both ways once Cercle set up recovery (which
    cross-signs its device, as Element does at first login)."""
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        cercle, _ = await asyncio.gather(
            _signed_in(company_user, tmp_path / "cercle"), js_peer.login(partner_user)
        )
        try:
            # Element users are cross-signed: it bootstraps cross-signing at first login.
            await js_peer.acall("bootstrapCrossSigning", within=30)
            await js_peer.acall("setDeviceIsolation", mode="onlySigned")
            await setup_recovery(cercle, company_user.password)
            room_id = await _both_in_encrypted_room(cercle, js_peer, created_by="cercle")

            problems = []
            got, _ = await _cercle_to_js(cercle, js_peer, room_id, accept_failure=True)
            record_property("js_reading_cercle", got["decryptionFailureReason"])
            if got["decryptionFailureReason"] is not None:
                problems.append(f"Element cannot read Cercle: {got['decryptionFailureReason']}")

            stored, _ = await _js_to_cercle(cercle, js_peer, room_id)
            if stored.decryption_error is not None:  # the key may still be on its way
                stored = await _repaired(cercle, stored.event_id)
            record_property("cercle_reading_js", stored.decryption_error)
            if stored.decryption_error is not None:
                problems.append(f"Cercle cannot read Element: {stored.decryption_error}")

            assert not problems, "; ".join(problems)
        finally:
            await cercle.close()

    asyncio.run(scenario())
