"""Asking all our own devices at once (Element's "verify with another device"): the first to
answer goes on, the others are told `m.accepted`; a late second answer changes nothing."""

from __future__ import annotations

import asyncio
import time

import pytest
from support import signed_in

from cercle.protocol.trust.olm_gate import send_olm
from cercle.protocol.trust.verification import Phase, VerificationCancelled
from cercle.protocol.trust.verifier import ALL_DEVICES

pytestmark = pytest.mark.integration


def test_a_request_to_all_our_devices_goes_on_with_the_first_that_answers(register, tmp_path):
    me = register("company")

    async def scenario():
        new, first, other = [
            await signed_in(me, tmp_path / name) for name in ("new", "first", "other")
        ]
        accounts = (new, first, other)
        await asyncio.gather(*(a.start() for a in accounts))
        try:
            flow = await new.verifications.request(me.user_id, device_id=ALL_DEVICES)
            assert flow.other_device is None
            at_first, at_other = await asyncio.gather(
                asyncio.wait_for(first.verifications.incoming.get(), 30),
                asyncio.wait_for(other.verifications.incoming.get(), 30),
            )
            assert at_first.flow_id == at_other.flow_id == flow.flow_id
            await at_first.accept()
            await asyncio.wait_for(flow.ready, 30)
            assert flow.other_device == first.client.nio.device_id

            # The other device is told another one answered; its late answer is ignored.
            with pytest.raises(VerificationCancelled) as told:
                await asyncio.wait_for(at_other.finished, 30)
            assert told.value.code == "m.accepted"
            await at_other.accept()  # nothing: that flow is over here
            assert at_other.phase is Phase.CANCELLED

            await flow.start_sas()
            ours, theirs = await asyncio.wait_for(
                asyncio.gather(flow.short_auth, at_first.short_auth), 30
            )
            assert ours == theirs
            await asyncio.gather(flow.confirm(True), at_first.confirm(True))
            verified, _ = await asyncio.wait_for(
                asyncio.gather(flow.finished, at_first.finished), 30
            )
            assert verified.device_id == first.client.nio.device_id
            assert new.own_devices.sas_verified == {verified.device_id: verified.device_key}
        finally:
            await asyncio.gather(*(a.close() for a in accounts))

    asyncio.run(scenario())


def test_a_second_device_answering_late_does_not_break_the_flow(register, tmp_path):
    me = register("company")

    async def scenario():
        new, first, other = [
            await signed_in(me, tmp_path / name) for name in ("new", "first", "other")
        ]
        accounts = (new, first, other)
        await asyncio.gather(*(a.start() for a in accounts))
        try:
            flow = await new.verifications.request(me.user_id, device_id=ALL_DEVICES)
            at_first, at_other = await asyncio.gather(
                asyncio.wait_for(first.verifications.incoming.get(), 30),
                asyncio.wait_for(other.verifications.incoming.get(), 30),
            )
            # Both accept at once: one wins, the other is told m.accepted.
            await asyncio.gather(at_first.accept(), at_other.accept())
            await asyncio.wait_for(flow.ready, 30)
            winner, loser = (
                (at_first, at_other)
                if flow.other_device == first.client.nio.device_id
                else (at_other, at_first)
            )
            with pytest.raises(VerificationCancelled) as told:
                await asyncio.wait_for(loser.finished, 30)
            assert told.value.code == "m.accepted"
            await flow.start_sas()
            ours, theirs = await asyncio.wait_for(
                asyncio.gather(flow.short_auth, winner.short_auth), 30
            )
            assert ours == theirs
            await asyncio.gather(flow.confirm(True), winner.confirm(True))
            await asyncio.wait_for(asyncio.gather(flow.finished, winner.finished), 30)
            assert flow.phase is Phase.DONE
        finally:
            await asyncio.gather(*(a.close() for a in accounts))

    asyncio.run(scenario())


def test_a_verification_request_sent_olm_encrypted_is_understood(register, tmp_path):
    me = register("company")

    async def scenario():
        asker, answerer = [await signed_in(me, tmp_path / name) for name in ("asker", "answerer")]
        await asyncio.gather(asker.start(), answerer.start())
        try:
            content = {
                "from_device": asker.client.nio.device_id,
                "methods": ["m.sas.v1"],
                "timestamp": int(time.time() * 1000),
                "transaction_id": "olm-flow-1",
            }
            await send_olm(
                asker.client,
                me.user_id,
                answerer.client.nio.device_id,
                "m.key.verification.request",
                content,
            )
            flow = await asyncio.wait_for(answerer.verifications.incoming.get(), 30)
            assert flow.flow_id == "olm-flow-1"
            assert flow.other_device == asker.client.nio.device_id
            assert not flow.in_room
        finally:
            await asyncio.gather(asker.close(), answerer.close())

    asyncio.run(scenario())
