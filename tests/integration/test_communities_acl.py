"""A real allow-list: a third server named 127.0.0.1:PORT (the pair are both "localhost", which
ACLs cannot tell apart since they ignore ports) cannot join until the list names it."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

import pytest
from support import eventually, login, server_of

from cercle.protocol import rooms
from cercle.protocol.community import acl
from cercle.protocol.community.create import create_community
from cercle.protocol.community.state import load_community
from cercle.protocol.localnet import LocalNetwork


@pytest.fixture(scope="module")
def outsider_server(localnet):
    """A homeserver of its own, started for this module only; the session's pair stays as is."""
    root = Path(tempfile.mkdtemp(prefix="cercle-outsider-"))
    net = LocalNetwork(root, ("outsider",), hosts={"outsider": "127.0.0.1"})
    try:
        yield net.start()["outsider"]
    finally:
        net.stop()
        shutil.rmtree(root, ignore_errors=True)


async def _invited(client, room_id: str) -> bool:
    await client.sync_once(timeout_ms=500)
    return room_id in client.nio.invited_rooms


def test_a_server_not_on_the_allow_list_cannot_join(register, outsider_server):
    manager, partner = register("company"), register("partner")
    stranger = outsider_server.register()
    assert server_of(stranger.user_id).startswith("127.0.0.1:")

    async def scenario() -> None:
        company = await login(manager)
        guest, outsider = await login(partner), await login(stranger)
        try:
            home = server_of(company.user_id)
            created = await create_community(
                company, "Réseau", "partners", invite=[partner.user_id, stranger.user_id]
            )
            community = await load_community(company, created.space_id)
            await eventually(
                lambda: _invited(outsider, created.space_id), "the invite reaching 127.0.0.1"
            )
            # IP literals allowed, so only the allow-list decides: our own server and the
            # partner's ("localhost*" covers both names), not 127.0.0.1.
            own = acl.own_pattern(home)
            applied = await acl.apply_allow_list(company, community, [own], allow_ip_literals=True)
            assert set(applied.rooms) == set(community.all_rooms)
            assert not applied.failed

            await eventually(lambda: _invited(guest, created.space_id), "the partner's invite")
            assert await rooms.join(guest, created.space_id, via=[home]) == created.space_id
            with pytest.raises(rooms.JoinRefused):
                await rooms.join(outsider, created.space_id, via=[home])

            # the same server once the list names it: the refusal was the allow-list's
            await acl.apply_allow_list(
                company, community, [own, "127.0.0.1"], allow_ip_literals=True
            )
            assert await rooms.join(outsider, created.space_id, via=[home]) == created.space_id
        finally:
            await asyncio.gather(company.close(), guest.close(), outsider.close())

    asyncio.run(scenario())
