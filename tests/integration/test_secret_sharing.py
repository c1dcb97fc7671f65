"""Two Cercle devices of one user on the real Synapse: emoji verification to-device, then the
new device asks for our secrets (`m.secret.request`) and gets them over Olm; who gets nothing."""

from __future__ import annotations

import asyncio
import logging
import secrets

import nio
import pytest
from sas_flow import own_devices_verify
from support import eventually, join_when_invited, signed_in, until

from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api
from cercle.protocol.trust.bootstrap import own_devices, setup_recovery
from cercle.protocol.trust.crosssigning import TrustLevel, judge_user, sign_user
from cercle.protocol.trust.olm_gate import send_olm
from cercle.protocol.trust.remote import latest_backup
from cercle.protocol.trust.secret_sharing import SHAREABLE
from cercle.protocol.trust.secrets import SELF_SIGNING

pytestmark = pytest.mark.integration


def _outcomes_of(sharing, request_ids):
    return [o for rid, o in sharing.outcomes if rid in request_ids]


def test_new_device_verified_by_emoji_gets_our_secrets_and_reads_the_backup(register, tmp_path):
    me, partner_user = register("company"), register("partner")

    async def scenario():
        first = await signed_in(me, tmp_path / "first")
        partner = await signed_in(partner_user, tmp_path / "partner")
        second = None
        await asyncio.gather(first.start(), partner.start())
        try:
            done = await setup_recovery(first, me.password)
            await setup_recovery(partner, partner_user.password)
            room_id = await partner.client.create_room(
                "Avant le nouvel appareil", encrypted=True, invite=[me.user_id]
            )
            await join_when_invited(partner, first, room_id)
            text = f"Message d’avant {secrets.token_hex(3)}"
            await partner.send_text(room_id, text)
            await until(
                lambda: [e.content.get("body") for e in first.store.timeline.page(room_id).events],
                lambda bodies: text in bodies,
            )

            async def backed_up():  # the uploader looks for new room keys every 2 s
                backup = await latest_backup(first.client)
                return backup is not None and backup.count >= 1

            await eventually(backed_up, "the room key's upload to the backup")

            second = await signed_in(me, tmp_path / "second")
            await second.start()
            sealed = await until(
                lambda: [
                    e
                    for e in second.store.timeline.page(room_id).events
                    if e.encrypted and e.sender == partner_user.user_id
                ],
            )
            assert all(e.decryption_error is not None for e in sealed)

            # Only the backup may open old messages here (not a forwarded key).
            second.verifications.own_device_verified.remove(second.key_forwarding.after_verified)
            by_second, by_first = await own_devices_verify(second, first)
            assert by_second.master_key == done.master_key
            assert by_second.device_id == first.client.nio.device_id
            assert by_first.device_id == second.client.nio.device_id

            # Right after the emoji, the new device asked our devices for the secrets.
            await until(lambda: second.secret_sharing.completed)
            received = await asyncio.wait_for(second.secret_sharing.completed, 30)
            assert received == frozenset(SHAREABLE)
            answered = [o for _, o in first.secret_sharing.outcomes if o.startswith("sent ")]
            assert len(answered) == len(SHAREABLE)
            assert all("over Olm" in o for o in answered)

            identity = await asyncio.to_thread(second.own_devices.local().identity)
            assert identity is not None
            assert identity.secrets is not None
            assert identity.master_public_key == done.master_key
            assert identity.backup_key is not None

            # Both devices are cross-signed, as each sees it.
            for account in (first, second):
                mine = await own_devices(account)
                for device in (first, second):
                    assert mine.devices[device.client.nio.device_id].level is TrustLevel.VERIFIED

            # The backup key came too: the old message is readable on the new device.
            for event in sealed:
                now = await asyncio.to_thread(second.store.timeline.get, event.event_id)
                assert now.decryption_error is None
                assert now.content["body"] == text

            # And the new device can verify others: it signs the partner's identity.
            body = await send_request(
                second.client,
                api.keys_query([partner_user.user_id, me.user_id]),
                what="keys query",
            )
            result = api.parse_keys_query(body)
            theirs = judge_user(
                result,
                partner_user.user_id,
                own_user_id=me.user_id,
                trusted_master_key=done.master_key,
            )
            assert theirs.level is TrustLevel.CROSS_SIGNED
            assert theirs.master is not None
            signed = sign_user(theirs.master, identity.secrets.user_signing, own_user_id=me.user_id)
            answer = await send_request(
                second.client, api.signatures_upload([signed]), what="signatures upload"
            )
            assert api.parse_signatures_upload(answer) == []
            body = await send_request(
                first.client,
                api.keys_query([partner_user.user_id, me.user_id]),
                what="keys query",
            )
            seen_by_first = judge_user(
                api.parse_keys_query(body),
                partner_user.user_id,
                own_user_id=me.user_id,
                trusted_master_key=done.master_key,
            )
            assert seen_by_first.level is TrustLevel.VERIFIED
        finally:
            await asyncio.gather(
                first.close(), partner.close(), *([second.close()] if second else [])
            )

    asyncio.run(scenario())


def test_secrets_go_only_to_verified_devices_and_come_only_over_olm_from_them(
    register, tmp_path, caplog
):
    me, stranger_user = register("company"), register("company")
    caplog.set_level(logging.INFO, logger="cercle.protocol.trust")

    async def scenario():
        holder = await signed_in(me, tmp_path / "holder")
        asker = await signed_in(me, tmp_path / "asker")  # never verified
        stranger = await signed_in(stranger_user, tmp_path / "stranger")
        await asyncio.gather(holder.start(), asker.start(), stranger.start())
        try:
            await setup_recovery(holder, me.password)

            # An unverified device of ours asks: the holder refuses, sends nothing.
            await asker.secret_sharing.request()
            asked = set(asker.secret_sharing.pending)
            refusals = await until(
                lambda: _outcomes_of(holder.secret_sharing, asked),
                lambda found: len(found) == len(asked),
            )
            assert all(o.startswith("refused: device") and "not verified" in o for o in refusals)
            assert set(asker.secret_sharing.pending) == asked

            # The asker waits for its self-signing key: three forged answers, none taken.
            request_id = next(
                r for r, n in asker.secret_sharing.pending.items() if n == SELF_SIGNING
            )
            forged = {"request_id": request_id, "secret": "A" * 43}
            asker_device = asker.client.nio.device_id
            # 1. Over Olm, but from another user.
            await send_olm(stranger.client, me.user_id, asker_device, "m.secret.send", forged)
            # 2. From our own device, but in clear.
            await holder.client.call(
                holder.client.nio.to_device(
                    nio.ToDeviceMessage("m.secret.send", me.user_id, asker_device, forged)
                )
            )
            # 3. Over Olm from our own device, but one the asker never verified.
            await send_olm(holder.client, me.user_id, asker_device, "m.secret.send", forged)

            outcomes = await until(
                lambda: _outcomes_of(asker.secret_sharing, {request_id}),
                lambda found: len(found) == 2,
            )
            assert f"ignored: a secret from another user {stranger_user.user_id}" in outcomes
            assert any(
                o.startswith("ignored: the sending device is not verified") for o in outcomes
            )
            await until(
                lambda: [r.getMessage() for r in caplog.records],
                lambda lines: any("m.secret.send in clear" in line for line in lines),
            )
            assert asker.secret_sharing.pending[request_id] == SELF_SIGNING
            assert await asyncio.to_thread(asker.own_devices.local().identity) is None
        finally:
            await asyncio.gather(holder.close(), asker.close(), stranger.close())

    asyncio.run(scenario())
