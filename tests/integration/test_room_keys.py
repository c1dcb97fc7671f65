"""Room keys on the real Synapse pair: rotation by the room's settings and on departures, keys
withheld from devices that are not cross-signed, and a fallback key once one-time keys ran out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import nio
import pytest
from support import login, signed_in, until

from cercle.protocol.client import MatrixClient
from cercle.protocol.e2ee import UndecryptableCause, cause_for, try_decrypt
from cercle.protocol.rooms import request_json
from cercle.protocol.trust.bootstrap import setup_recovery

pytestmark = pytest.mark.integration

MEGOLM = "m.megolm.v1.aes-sha2"


async def _knows_members(client: MatrixClient, room_id: str, *users: str, gone=()) -> None:
    """`client` syncs until its view of the room has `users` in it and `gone` out of it (its
    device keys queried on the way)."""
    async with asyncio.timeout(30):
        while True:
            room = client.nio.rooms.get(room_id)
            if (
                room is not None
                and all(u in room.users for u in users)
                and not any(u in room.users for u in gone)
            ):
                return
            await client.sync_once(500)


async def _invite_and_join(host: MatrixClient, room_id: str, *guests: MatrixClient) -> None:
    for guest in guests:
        await host.invite(room_id, guest.user_id)
        async with asyncio.timeout(30):
            while True:
                try:
                    await guest.join(room_id)
                    break
                except Exception:  # the invite has not crossed federation yet
                    await asyncio.sleep(0.2)
    await _knows_members(host, room_id, *(g.user_id for g in guests))


def _session(client: MatrixClient, room_id: str) -> str:
    return client.nio.olm.outbound_group_sessions[room_id].id


async def _raw_event(client: MatrixClient, room_id: str, event_id: str) -> dict:
    return await request_json(
        client, "GET", f"/_matrix/client/v3/rooms/{room_id}/event/{event_id}", what="event"
    )


async def _encrypted_room(client: MatrixClient, name: str, **settings) -> str:
    content = {"algorithm": MEGOLM, **settings}
    return await client.create_room(
        name, initial_state=[{"type": "m.room.encryption", "state_key": "", "content": content}]
    )


def test_the_rooms_rotation_period_in_messages_is_honoured(register, tmp_path):
    sender_user, reader_user = register("partner"), register("company")

    async def scenario():
        sender = await login(sender_user, tmp_path)
        reader = await signed_in(reader_user, tmp_path / "reader")
        await reader.start()
        try:
            room_id = await _encrypted_room(
                sender, "Rotation", rotation_period_msgs=2, rotation_period_ms=3_600_000
            )
            await sender.sync_once()
            await _invite_and_join(sender, room_id, reader.client)
            sent = []
            for i in range(5):
                event_id = await sender.send_text(room_id, f"message {i}")
                sent.append((event_id, _session(sender, room_id)))
            sessions = [s for _, s in sent]
            # Two messages per session: nio alone would have used one session for all five.
            assert sessions[0] == sessions[1] != sessions[2] == sessions[3] != sessions[4]
            assert len(set(sessions)) == 3
            for i, (event_id, _) in enumerate(sent):
                stored = await until(
                    lambda e=event_id: reader.store.timeline.get(e),
                    lambda ev: ev is not None and ev.type == "m.room.message",
                )
                assert stored.content["body"] == f"message {i}"

            # rotation_period_ms: an hour later, the fifth message's session is not used again.
            session = sender.nio.olm.outbound_group_sessions[room_id]
            session.creation_time -= timedelta(minutes=61)
            await sender.send_text(room_id, "une heure plus tard")
            assert _session(sender, room_id) not in sessions
        finally:
            await reader.close()
            await sender.close()

    asyncio.run(scenario())


def test_a_member_who_leaves_cannot_read_the_next_message(register, tmp_path):
    sender_user, stayer_user, leaver_user = (
        register("partner"),
        register("company"),
        register("company"),
    )

    async def scenario():
        sender = await login(sender_user, tmp_path)
        stayer = await signed_in(stayer_user, tmp_path / "stayer")
        await stayer.start()
        leaver = await login(leaver_user, tmp_path)
        try:
            room_id = await _encrypted_room(sender, "Départs")
            await sender.sync_once()
            await _invite_and_join(sender, room_id, stayer.client, leaver)
            before = await sender.send_text(room_id, "avant le départ")
            first_session = _session(sender, room_id)

            async with asyncio.timeout(30):  # the leaver got that key
                while not leaver.nio.olm.inbound_group_store.get(
                    room_id, sender.nio.olm.account.identity_keys["curve25519"], first_session
                ):
                    await leaver.sync_once(500)
            await leaver.call(leaver.nio.room_leave(room_id))
            await _knows_members(sender, room_id, stayer_user.user_id, gone=[leaver_user.user_id])

            after = await sender.send_text(room_id, "après le départ")
            assert _session(sender, room_id) != first_session

            # The leaver still reads what it was sent before, not what comes after.
            assert try_decrypt(leaver.nio, room_id, await _raw_event(sender, room_id, before))
            raw = await _raw_event(sender, room_id, after)
            assert try_decrypt(leaver.nio, room_id, raw) is None
            event = nio.Event.parse_encrypted_event(raw)
            assert cause_for(event) is UndecryptableCause.NOT_YET_RECEIVED
            # Those who stay read it.
            stored = await until(
                lambda: stayer.store.timeline.get(after),
                lambda ev: ev is not None and ev.type == "m.room.message",
            )
            assert stored.content["body"] == "après le départ"
        finally:
            await leaver.close()
            await stayer.close()
            await sender.close()

    asyncio.run(scenario())


def test_a_device_logging_out_rotates_the_key(register, tmp_path):
    sender_user, reader_user = register("partner"), register("company")

    async def scenario():
        sender = await login(sender_user, tmp_path)
        reader = await login(reader_user, tmp_path / "first")
        second = await login(reader_user, tmp_path / "second")
        try:
            room_id = await _encrypted_room(sender, "Appareils")
            await sender.sync_once()
            await _invite_and_join(sender, room_id, reader)
            await sender.send_text(room_id, "deux appareils")
            first_session = _session(sender, room_id)
            shared = sender.nio.olm.outbound_group_sessions[room_id].users_shared_with
            assert (reader_user.user_id, second.nio.device_id) in shared

            await second.call(second.nio.logout())
            async with asyncio.timeout(30):  # device_lists.changed, then a keys query
                while second.nio.device_id in {
                    d.id for d in sender.nio.device_store.active_user_devices(reader_user.user_id)
                }:
                    await sender.sync_once(500)
            await sender.send_text(room_id, "un seul appareil")
            assert _session(sender, room_id) != first_session
            shared = sender.nio.olm.outbound_group_sessions[room_id].users_shared_with
            assert shared == {(reader_user.user_id, reader.nio.device_id)}
        finally:
            await reader.close()
            await second.close()
            await sender.close()

    asyncio.run(scenario())


def test_keys_are_withheld_from_devices_that_are_not_cross_signed(register, tmp_path):
    sender_user, signed_user, unsigned_user = (
        register("partner"),
        register("company"),
        register("company"),
    )

    async def scenario():
        sender = await signed_in(sender_user, tmp_path / "sender")
        signed = await signed_in(signed_user, tmp_path / "signed")
        unsigned = await signed_in(unsigned_user, tmp_path / "unsigned")
        try:
            await setup_recovery(signed, signed_user.password)  # cross-signs its device
            assert await sender.share_keys_only_with_cross_signed() is False  # the default
            assert await sender.share_keys_only_with_cross_signed(True) is True
            for account in (sender, signed, unsigned):
                await account.start()
            client = sender.client
            room_id = await _encrypted_room(client, "Appareils sûrs")
            await _invite_and_join(client, room_id, signed.client, unsigned.client)

            event_id = await client.send_text(room_id, "seulement aux appareils signés")

            readable = await until(
                lambda: signed.store.timeline.get(event_id),
                lambda ev: ev is not None and ev.type == "m.room.message",
            )
            assert readable.content["body"] == "seulement aux appareils signés"
            withheld = await until(
                lambda: unsigned.store.timeline.get(event_id),
                lambda ev: ev is not None and ev.decryption_error == "withheld_unverified",
            )
            assert withheld.type == "m.room.encrypted"
            session = client.nio.olm.outbound_group_sessions[room_id]
            assert (unsigned_user.user_id, unsigned.client.nio.device_id) in session.users_ignored
            assert (
                unsigned_user.user_id,
                unsigned.client.nio.device_id,
            ) not in session.users_shared_with
        finally:
            for account in (unsigned, signed, sender):
                await account.close()

    asyncio.run(scenario())


def test_the_choice_is_kept_in_the_profile(register, tmp_path):
    user = register("company")

    async def scenario():
        account = await signed_in(user, tmp_path / "p")
        try:
            await account.share_keys_only_with_cross_signed(True)
            account.client.room_keys.only_cross_signed = False  # forget the live value
            await account.start()  # read again from the profile
            assert account.client.room_keys.only_cross_signed is True
        finally:
            await account.close()

    asyncio.run(scenario())


async def _claim(client: MatrixClient, user_id: str, device_id: str) -> dict:
    body = await request_json(
        client,
        "POST",
        "/_matrix/client/v3/keys/claim",
        body={"one_time_keys": {user_id: {device_id: "signed_curve25519"}}},
        what="keys claim",
    )
    keys = body.get("one_time_keys", {}).get(user_id, {}).get(device_id, {})
    return next(iter(keys.values()), {})


def test_a_peer_gets_through_on_the_fallback_key_once_one_time_keys_ran_out(register, tmp_path):
    target_user, claimer_user, peer_user = (
        register("company"),
        register("company"),
        register("partner"),
    )

    async def scenario():
        target = await login(target_user, tmp_path)
        claimer = await login(claimer_user)
        try:
            device = target.nio.device_id
            claimed = [await _claim(claimer, target_user.user_id, device) for _ in range(60)]
            fallback = [k for k in claimed if k.get("fallback")]
            one_time = [k for k in claimed if k and not k.get("fallback")]
            assert one_time
            assert fallback, "no fallback key on the server"
            used_key = fallback[0]["key"]

            # A fresh peer, while the target has not replenished its one-time keys.
            peer = await login(peer_user, tmp_path)
            try:
                room_id = await _encrypted_room(peer, "Secours")
                await peer.sync_once()
                await peer.invite(room_id, target_user.user_id)
                async with asyncio.timeout(30):
                    while True:
                        try:
                            await target.join(room_id)
                            break
                        except Exception:
                            await asyncio.sleep(0.2)
                await _knows_members(peer, room_id, target_user.user_id)
                event_id = await peer.send_text(room_id, "malgré tout")
                shared = peer.nio.olm.outbound_group_sessions[room_id].users_shared_with
                assert (target_user.user_id, device) in shared

                async with asyncio.timeout(30):
                    while True:
                        reply = await target.sync_once(500)
                        timeline = reply.rooms.join.get(room_id)
                        events = timeline.timeline.events if timeline else []
                        found = [e for e in events if e.event_id == event_id]
                        if found:
                            break
                assert isinstance(found[0], nio.RoomMessageText)
                assert found[0].body == "malgré tout"
            finally:
                await peer.close()

            # That sync said the fallback key was used: a new one replaced it on the server.
            replaced = [await _claim(claimer, target_user.user_id, device) for _ in range(60)]
            fallback = [k for k in replaced if k.get("fallback")]
            assert fallback
            assert fallback[0]["key"] != used_key
        finally:
            await claimer.close()
            await target.close()

    asyncio.run(scenario())
