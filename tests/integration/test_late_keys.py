"""An encrypted message whose key arrives after it is stored undecryptable, then repaired."""

from __future__ import annotations

import asyncio

from support import login, signed_in, until

from cercle.protocol.changes import TimelineReplaced
from cercle.protocol.client import MatrixClient
from cercle.protocol.e2ee import UndecryptableCause


def _has_member(client: MatrixClient, room_id: str, user_id: str) -> bool:
    room = client.nio.rooms.get(room_id)
    return room is not None and user_id in room.users


def test_a_key_that_arrives_after_its_message_repairs_it(register, tmp_path):
    sender_user, reader_user = register("partner"), register("company")

    async def scenario():
        sender = await login(sender_user, tmp_path)
        changes: list = []
        reader = await signed_in(reader_user, tmp_path / "reader", changes.append)
        await reader.start()
        try:
            room_id = await sender.create_room(
                "Confidentiel", encrypted=True, invite=[reader_user.user_id]
            )
            await until(
                lambda: reader.store.rooms.get(room_id),
                lambda r: r is not None and r.join_state == "invite",
            )
            await reader.client.join(room_id)
            async with asyncio.timeout(30):
                while not _has_member(sender, room_id, reader_user.user_id):
                    await sender.sync_once(500)  # also queries the reader's device keys
            # The sender's device refuses the reader's device: the key is not shared.
            reader_device = sender.nio.device_store[reader_user.user_id][
                reader.client.nio.device_id
            ]
            sender.nio.blacklist_device(reader_device)
            event_id = await sender.send_text(room_id, "Prix de lancement : 1 290 €")

            stored = await until(lambda: reader.store.timeline.get(event_id))
            # The sender's device says so (m.room_key.withheld, code m.blacklisted).
            assert stored.decryption_error == UndecryptableCause.WITHHELD_BLACKLISTED
            assert stored.type == "m.room.encrypted"

            # The key arrives later (here through a key export, as from a key backup).
            keys = tmp_path / "keys.txt"
            await sender.nio.export_keys(str(keys), "export passphrase")
            await reader.client.nio.import_keys(str(keys), "export passphrase")
            await reader.engine.repair_undecrypted()

            repaired = await asyncio.to_thread(reader.store.timeline.get, event_id)
            assert repaired.decryption_error is None
            assert repaired.type == "m.room.message"
            assert repaired.content["body"] == "Prix de lancement : 1 290 €"
            published = [c for c in changes if isinstance(c, TimelineReplaced)]
            assert [c.message.body for c in published] == ["Prix de lancement : 1 290 €"]
        finally:
            await reader.close()
            await sender.close()

    asyncio.run(scenario())
