"""Element (matrix-js-sdk, Rust crypto) resets its identity after Cercle verified it: a warning."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from sas_flow import WAIT_MS, cercle_asks_and_both_confirm
from support import PASSPHRASE, signed_in, until

from cercle.protocol.changes import IdentityChanged
from cercle.protocol.cli import main as cli_main
from cercle.protocol.trust.bootstrap import setup_recovery
from cercle.protocol.trust.pins import NoIdentityChange, Pin

pytestmark = pytest.mark.integration

WARN_WITHIN_S = 15.0


def test_a_verified_partner_resetting_its_identity_is_a_warning_to_acknowledge(
    register, js_peer, tmp_path, record_property, capsys
):
    company, partner = register("company"), register("partner")
    published: asyncio.Queue[IdentityChanged] = asyncio.Queue()

    def publish(change) -> None:
        if isinstance(change, IdentityChanged):
            published.put_nowait(change)

    async def scenario():
        cercle, _ = await asyncio.gather(
            signed_in(company, tmp_path / "cercle", publish), js_peer.login(partner)
        )
        try:
            await cercle.start()
            await asyncio.gather(
                setup_recovery(cercle, company.password),
                js_peer.acall("bootstrapCrossSigning", within=30),
            )
            room_id = await cercle.client.create_room(
                "DM", encrypted=True, invite=[js_peer.user_id]
            )
            await js_peer.acall("waitForInvite", roomId=room_id, timeoutMs=WAIT_MS)
            await js_peer.acall("join", roomId=room_id)
            await until(
                lambda: cercle.store.rooms.member(room_id, js_peer.user_id),
                lambda m: m is not None and m.membership == "join",
            )

            # Cercle verifies the partner by emoji (as in test_cercle_sas.py).
            flow, verified = await cercle_asks_and_both_confirm(cercle, js_peer, room_id)
            assert flow.signing_error is None
            old_key = verified.master_key
            assert old_key is not None
            pins = await cercle.identities.pinned()
            assert pins[js_peer.user_id] == Pin(old_key, verified=True)
            with pytest.raises(NoIdentityChange):
                await cercle.acknowledge_identity(js_peer.user_id)
            assert published.empty()  # verifying is no identity change

            # The partner resets its identity: Cercle must warn, never silently.
            t0 = time.perf_counter()
            reset = await js_peer.acall("resetIdentity", within=30)
            new_key = reset["after"]
            assert new_key
            assert new_key != old_key == reset["before"]
            change = await asyncio.wait_for(published.get(), WARN_WITHIN_S)
            record_property("warned_after_s", round(time.perf_counter() - t0, 3))
            assert change == IdentityChanged(js_peer.user_id, verified_before=True)
            pin = (await cercle.identities.pinned())[js_peer.user_id]
            assert pin == Pin(old_key, True, acknowledged=False, pending_master_key=new_key)

            # Acknowledged: the new identity is pinned, unverified; nothing more to acknowledge.
            assert await cercle.acknowledge_identity(js_peer.user_id) == Pin(new_key)
            assert (await cercle.identities.pinned())[js_peer.user_id] == Pin(new_key)
            with pytest.raises(NoIdentityChange):
                await cercle.acknowledge_identity(js_peer.user_id)
        finally:
            await cercle.close()

    asyncio.run(scenario())

    # `cercle-cli identities` lists the pin from the same profile.
    passphrase = tmp_path / "passphrase"
    passphrase.write_text(PASSPHRASE)
    capsys.readouterr()
    base = ["--json", "--profile", str(tmp_path / "cercle" / "profile")]
    assert cli_main([*base, "--passphrase-file", str(passphrase), "identities"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    [row] = [r for r in rows if r["user_id"] == js_peer.user_id]
    assert (row["verified"], row["acknowledged"], row["pending_master_key"]) == (False, True, None)
