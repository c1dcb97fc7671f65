"""The outbox loses nothing and doubles nothing: SIGKILL mid-send, and a server away for 20 s."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from support import NO_KEYRING, PASSPHRASE

from cercle.protocol.account import Account
from cercle.protocol.client import MatrixClient, MatrixError, ServerUnreachable
from cercle.protocol.localnet import LocalNetwork
from cercle.protocol.outbox import is_transient
from cercle.protocol.profiles import ProfileLocation, open_profile

CHILD = Path(__file__).with_name("outbox_child.py")


def test_transient_failures_are_retried_and_refusals_are_not():
    assert is_transient(ServerUnreachable("down"))
    assert is_transient(MatrixError("slow down", errcode="M_LIMIT_EXCEEDED", status=429))
    assert is_transient(MatrixError("bad gateway", status=502))
    assert not is_transient(MatrixError("no", errcode="M_FORBIDDEN", status=403))
    assert not is_transient(MatrixError("too big", errcode="M_TOO_LARGE", status=413))


async def _shared_room(sender, reader) -> tuple[str, MatrixClient]:
    """`sender` creates a room with `reader` in it; returns it and reader's client."""
    a = await MatrixClient.login(sender.homeserver, sender.user_id, sender.password)
    room_id = await a.create_room("Commandes", invite=[reader.user_id])
    await a.close()
    b = await MatrixClient.login(reader.homeserver, reader.user_id, reader.password)
    async with asyncio.timeout(30):
        while room_id not in b.nio.invited_rooms:
            await b.sync_once(500)
    await b.join(room_id)
    return room_id, b


async def _bodies_seen(reader: MatrixClient, room_id: str, expected: int, within=60.0) -> Counter:
    """Every "message NN" in the room's whole history (paged back from now), once `expected`
    distinct ones are there; then once more after a pause, to catch late doubles."""

    async def history() -> Counter:
        seen: Counter = Counter()
        token = None  # from the room's newest event backwards, to its creation
        while True:
            events, token = await reader.history(room_id, token, 100)
            for event in events:
                body = getattr(event, "body", None)
                if isinstance(body, str) and body.startswith("message "):
                    seen[body] += 1
            if token is None:
                return seen

    async with asyncio.timeout(within):
        while len(await history()) < expected:  # noqa: ASYNC110 - polling another server
            await asyncio.sleep(0.5)
    await asyncio.sleep(2.0)
    return await history()


async def _sign_in(location, account) -> None:
    profile = await open_profile(location, PASSPHRASE, NO_KEYRING)
    signed = await Account.sign_in(
        account.homeserver, account.user_id, account.password, lambda _: None, profile=profile
    )
    await signed.close()


def test_sigkill_while_50_messages_wait_then_each_arrives_exactly_once(register, tmp_path):
    employee, partner = register("company"), register("partner")
    location = ProfileLocation(tmp_path, "profile")
    room_id, reader = asyncio.run(_shared_room(employee, partner))
    asyncio.run(reader.close())
    asyncio.run(_sign_in(location, employee))

    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(location.path), PASSPHRASE, room_id, "50"],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(CHILD.parents[1])},  # the child imports `support`
        text=True,
    )
    sent_before_kill = 0
    try:
        for line in child.stdout:
            if line.startswith("sent "):
                sent_before_kill += 1
                if sent_before_kill == 5:  # mid-flight: 45 still waiting, one maybe in the air
                    child.send_signal(signal.SIGKILL)
                    break
    finally:
        child.kill()
        child.wait()
    assert sent_before_kill == 5

    async def restart_and_check() -> Counter:
        profile = await open_profile(location, PASSPHRASE, NO_KEYRING)
        account = await Account.resume(profile, lambda _: None)
        left = await account.outbox.unsent()
        assert 44 <= len(left) <= 45  # the killed child left them on disk
        await account.outbox.run(until_empty=True)
        assert await account.outbox.unsent() == []
        await account.close()
        reader = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
        try:
            return await _bodies_seen(reader, room_id, 50)
        finally:
            await reader.close()

    seen = asyncio.run(restart_and_check())
    assert sorted(seen) == [f"message {n:02d}" for n in range(50)]
    assert set(seen.values()) == {1}, f"doubled: {[b for b, n in seen.items() if n > 1]}"


@pytest.fixture
def own_network(tmp_path):
    net = LocalNetwork(tmp_path / "net", ("company", "partner"))
    yield net.start()
    net.stop()


def test_messages_queued_while_the_server_is_away_arrive_when_it_returns(tmp_path, own_network):
    partner_user = own_network["partner"].register()
    employee = own_network["company"].register()
    location = ProfileLocation(tmp_path, "partner-profile")

    async def scenario() -> Counter:
        room_id, reader = await _shared_room(partner_user, employee)
        profile = await open_profile(location, PASSPHRASE, NO_KEYRING)
        account = await Account.sign_in(
            partner_user.homeserver,
            partner_user.user_id,
            partner_user.password,
            lambda _: None,
            profile=profile,
        )
        sender = asyncio.create_task(account.outbox.run())
        await asyncio.to_thread(own_network["partner"].stop)  # the partner's own server goes
        for n in range(3):
            await account.send_text(room_id, f"message {n:02d}")
        await asyncio.sleep(20)
        assert len(await account.outbox.unsent()) == 3  # nothing lost, nothing sent yet
        await asyncio.to_thread(own_network.start)  # back, same ports and data
        account.outbox.wake()
        async with asyncio.timeout(60):
            while await account.outbox.unsent():  # noqa: ASYNC110 - polling the store
                await asyncio.sleep(0.2)
        sender.cancel()
        await account.close()
        try:
            return await _bodies_seen(reader, room_id, 3)
        finally:
            await reader.close()

    seen = asyncio.run(scenario())
    assert seen == Counter({f"message {n:02d}": 1 for n in range(3)})
