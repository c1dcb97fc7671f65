"""Company and partner users talk across the two federating homeservers, both ways."""

from __future__ import annotations

import asyncio
import secrets
import time

import nio
from support import login

from cercle.protocol.client import MatrixClient


async def _wait_for_text(client: MatrixClient, room_id: str, text: str, within=15.0):
    """Syncs until a message with `text` shows in `room_id`; returns its (decrypted) event."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        reply = await client.sync_once(timeout_ms=1000)
        room = reply.rooms.join.get(room_id)
        for event in room.timeline.events if room else ():
            if isinstance(event, nio.MegolmEvent):
                event = client.nio.decrypt_event(event)
            if getattr(event, "body", None) == text:
                return event
    raise AssertionError(f"{text!r} never reached {client.user_id} in {room_id}")


async def _wait_for_invite(client: MatrixClient, room_id: str, within=15.0) -> None:
    deadline = time.monotonic() + within
    while room_id not in client.nio.invited_rooms:
        assert time.monotonic() < deadline, f"invite to {room_id} never reached {client.user_id}"
        await client.sync_once(timeout_ms=1000)


async def _converse(company, partner, *, encrypted: bool) -> None:
    room_id = await company.create_room(
        "Projet Atlas", encrypted=encrypted, invite=[partner.user_id]
    )
    await _wait_for_invite(partner, room_id)
    assert await partner.join(room_id) == room_id
    await company.sync_once()

    hello = f"Bonjour de l'entreprise {secrets.token_hex(3)}"
    await company.send_text(room_id, hello)
    event = await _wait_for_text(partner, room_id, hello)
    assert event.sender == company.user_id
    assert isinstance(event, nio.RoomMessageText)

    await partner.sync_once()
    reply = f"Hello from the partner {secrets.token_hex(3)}"
    await partner.send_text(room_id, reply)
    event = await _wait_for_text(company, room_id, reply)
    assert event.sender == partner.user_id
    assert event.decrypted is encrypted


def test_users_on_both_servers_converse_over_federation(register):
    company_user, partner_user = register("company"), register("partner")
    assert company_user.user_id.split(":", 1)[1] != partner_user.user_id.split(":", 1)[1]

    async def scenario():
        company, partner = await login(company_user), await login(partner_user)
        try:
            await _converse(company, partner, encrypted=False)
        finally:
            await asyncio.gather(company.close(), partner.close())

    asyncio.run(scenario())


def test_encrypted_room_across_servers(register, tmp_path):
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        company = await login(company_user, tmp_path)
        partner = await login(partner_user, tmp_path)
        try:
            await _converse(company, partner, encrypted=True)
        finally:
            await asyncio.gather(company.close(), partner.close())

    asyncio.run(scenario())
