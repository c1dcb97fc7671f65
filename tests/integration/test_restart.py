"""A restart resumes from the encrypted cache: no initial sync, and history readable offline."""

from __future__ import annotations

import asyncio

import pytest
from support import NO_KEYRING, PASSPHRASE, until

from cercle.protocol import startup
from cercle.protocol.account import Account
from cercle.protocol.changes import RoomsChanged, TimelineAppended
from cercle.protocol.client import MatrixClient
from cercle.protocol.localnet import LocalNetwork
from cercle.protocol.profiles import ProfileLocation, open_profile

pytestmark = pytest.mark.integration


@pytest.fixture
def own_network(tmp_path):
    """A pair this test may stop: the session's shared pair must stay up for the others."""
    net = LocalNetwork(tmp_path / "net", ("company", "partner"))
    yield net.start()
    net.stop()


def test_restart_needs_no_initial_sync_and_history_reads_offline(tmp_path, own_network):
    options = NO_KEYRING
    location = ProfileLocation(tmp_path, "profile")
    employee, partner = own_network["company"].register(), own_network["partner"].register()
    texts = [f"Message {n} du partenaire" for n in range(3)]

    async def first_run() -> str:
        other = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
        room_id = await other.create_room("Atelier", invite=[employee.user_id])
        profile = await open_profile(location, PASSPHRASE, options)
        seen: list = []
        account = await Account.sign_in(
            employee.homeserver, employee.user_id, employee.password, seen.append, profile=profile
        )
        await account.start()
        await until(lambda: room_id in account.client.nio.invited_rooms)
        await account.client.join(room_id)
        for text in texts:
            await other.send_text(room_id, text)
        await until(
            lambda: sum(len(c.messages) for c in seen if isinstance(c, TimelineAppended)) >= 3
        )
        await other.close()
        await account.close()
        return room_id

    room_id = asyncio.run(first_run())

    async def second_run(offline: bool):
        profile = await open_profile(location, PASSPHRASE, options)
        seen: list = []
        opened = await startup.read_cached(profile)  # what the app does at start
        resumed = await startup.resume(opened, seen.append)
        assert resumed is not None
        account = resumed.account
        assert account.user_id == employee.user_id
        try:
            # What start() does before its first sync; the rows resume already published
            # are not read and published again.
            await account.engine.restore(resumed.published)
            assert sum(isinstance(c, RoomsChanged) for c in seen) == 1
            cached = [r for c in seen if isinstance(c, RoomsChanged) for r in c.rooms]
            assert [r.name for r in cached] == ["Atelier"]
            assert cached[0].last_message.body == texts[-1]
            assert account.client.nio.next_batch, "the stored token is where sync resumes"
            history = await account.recent_messages(room_id)
            assert [m.body for m in history] == texts
            if not offline:
                reply = await account.client.sync_once(0)
                assert room_id not in reply.rooms.join  # incremental: nothing new to say
        finally:
            await account.close()

    asyncio.run(second_run(offline=False))
    own_network.stop()
    asyncio.run(second_run(offline=True))
