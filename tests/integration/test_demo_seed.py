"""The demo network: seeded once through Cercle's client, reopened as itself, live on each start."""

from __future__ import annotations

import asyncio
import secrets

import nio

from cercle.protocol.client import CryptoStore, MatrixClient
from cercle.protocol.seed import COMMUNITIES, LIVE_ROUNDS, liven, open_demo


async def _camille_reads_the_encrypted_room_live(demo, tmp_path) -> list[str]:
    crypto = CryptoStore(nio.store.SqliteStore, tmp_path / "camille", secrets.token_hex(16))
    camille = await MatrixClient.login(demo.homeserver, demo.user_id, demo.password, crypto=crypto)
    try:
        await camille.sync_once()
        rooms = camille.nio.rooms
        names = {room.display_name for room in rooms.values()}
        assert {"Vélotech", "Général", "Lancement gamme 2027"} <= names
        secret_room = rooms[demo.room_id("gamme-2027")]
        assert secret_room.encrypted
        partner_server = demo.network["partner"].server_name
        await camille.joined_members(secret_room.room_id)
        assert any(u.endswith(":" + partner_server) for u in secret_room.users)

        await liven(demo)  # julien (company) and élodie (partner) write in the encrypted room
        bodies: list[str] = []
        for _ in range(20):
            reply = await camille.sync_once(timeout_ms=500)
            timeline = reply.rooms.join.get(secret_room.room_id)
            for event in timeline.timeline.events if timeline else ():
                if isinstance(event, nio.RoomMessageText) and event.decrypted:
                    bodies.append(event.body)
            if len(bodies) >= 2:
                break
        return bodies
    finally:
        await camille.close()


def test_demo_is_seeded_once_then_reopened_as_itself(tmp_path):
    root = tmp_path / "demo"
    demo = open_demo(root)
    try:
        keys = {c[0] for c in COMMUNITIES} | {room[0] for c in COMMUNITIES for room in c[4]}
        assert set(demo.manifest["rooms"]) == keys
        bodies = asyncio.run(_camille_reads_the_encrypted_room_live(demo, tmp_path))
        expected = [text for room, _, text in LIVE_ROUNDS[0] if room == "gamme-2027"]
        assert bodies == expected
    finally:
        demo.network.stop()

    again = open_demo(root)
    try:
        assert again.user_id == demo.user_id
        assert again.manifest["rooms"] == demo.manifest["rooms"]  # not seeded a second time
        assert again.manifest["live_round"] == 1  # the next start posts the next round
    finally:
        again.network.stop()
