"""Room keys between two Cercle devices of one user on the real Synapse: once verified by
emoji, the new device asks for the keys of old messages and our device forwards them over
Olm; an unverified device of ours asks and gets nothing."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from sas_flow import own_devices_verify
from support import join_when_invited, signed_in, until

pytestmark = pytest.mark.integration


def _sealed(account, room_id, sender):
    return [
        e
        for e in account.store.timeline.page(room_id).events
        if e.encrypted and e.sender == sender and e.decryption_error is not None
    ]


def test_a_verified_device_gets_old_room_keys_forwarded_an_unverified_one_nothing(
    register, tmp_path
):
    me, partner_user = register("company"), register("partner")

    async def scenario():
        first = await signed_in(me, tmp_path / "first")
        partner = await signed_in(partner_user, tmp_path / "partner")
        later: list = []
        await asyncio.gather(first.start(), partner.start())
        try:
            # No recovery on this account: keys can only come by forwarding.
            room_id = await partner.client.create_room(
                "Clés transmises", encrypted=True, invite=[me.user_id]
            )
            await join_when_invited(partner, first, room_id)
            text = f"Avant les autres appareils {secrets.token_hex(3)}"
            await partner.send_text(room_id, text)
            await until(
                lambda: [e.content.get("body") for e in first.store.timeline.page(room_id).events],
                lambda bodies: text in bodies,
            )

            second = await signed_in(me, tmp_path / "second")
            stranger = await signed_in(me, tmp_path / "unverified")
            later += [second, stranger]
            await asyncio.gather(second.start(), stranger.start())
            for account in (second, stranger):
                await until(lambda a=account: _sealed(a, room_id, partner_user.user_id))

            # An unverified device of ours asks: refused, nothing sent.
            asked = await stranger.key_forwarding.request_missing()
            assert len(asked) == 1
            session_id = asked[0].session_id
            refused = await until(
                lambda: [o for s, o in first.key_forwarding.outcomes if s == session_id]
            )
            assert refused[0].startswith(f"refused: device {stranger.client.nio.device_id}")
            assert "not verified" in refused[0]

            # The verified one asks right after the emoji and gets the key over Olm.
            await own_devices_verify(second, first)
            forwarded = await until(
                lambda: [
                    o
                    for s, o in second.key_forwarding.outcomes
                    if s == session_id and o.startswith("imported")
                ]
            )
            assert forwarded == [f"imported from our verified device {first.client.nio.device_id}"]
            assert (
                session_id,
                f"forwarded to our verified device {second.client.nio.device_id} over Olm",
            ) in first.key_forwarding.outcomes
            read = await until(
                lambda: [
                    e.content.get("body")
                    for e in second.store.timeline.page(room_id).events
                    if e.sender == partner_user.user_id and e.decryption_error is None
                ]
            )
            assert read == [text]
            assert _sealed(stranger, room_id, partner_user.user_id)
        finally:
            await asyncio.gather(
                first.close(), partner.close(), *(account.close() for account in later)
            )

    asyncio.run(scenario())
