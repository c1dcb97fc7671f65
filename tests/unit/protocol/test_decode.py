"""Raw /sync JSON → the store's batch (content as sent, one bad event skipped alone) and nio's
crypto part (members, encryption, encrypted events, to-device) as nio's own parse would see it."""

from __future__ import annotations

import asyncio
import copy
import json

import nio
import pytest

from cercle.protocol import crypto_feed, sync
from cercle.protocol.changes import (
    RoomsChanged,
    TimelineAppended,
    TimelineReplaced,
    UndecryptableCause,
)
from cercle.protocol.decode import Refused, decode, finish
from cercle.storage.store import SyncBatch

ME = "@camille:company.test"
ELODIE = "@elodie:partner.test"
ROOM = "!atelier:company.test"
INVITE = "!invite:partner.test"
MEGOLM_CONTENT = {
    "algorithm": "m.megolm.v1.aes-sha2",
    "ciphertext": "AwgA…",
    "sender_key": "k",
    "device_id": "DEV",
    "session_id": "sess",
}


def event(event_id, event_type="m.room.message", content=None, sender=ELODIE, **extra):
    body = {
        "event_id": event_id,
        "type": event_type,
        "sender": sender,
        "origin_server_ts": 1_700_000_000_000,
        "content": {"msgtype": "m.text", "body": "Bonjour"} if content is None else content,
    }
    return body | extra


def member(user, membership="join", ts=1_700_000_000_000, **extra):
    content = {"membership": membership}
    event_id = f"$m-{user}-{membership}"
    return event(
        event_id, "m.room.member", content, user, state_key=user, origin_server_ts=ts, **extra
    )


def sync_body(timeline, state=(), limited=False):
    return {
        "next_batch": "s2",
        "rooms": {
            "join": {
                ROOM: {
                    "timeline": {"events": list(timeline), "limited": limited, "prev_batch": "p1"},
                    "state": {"events": list(state)},
                    "summary": {"m.joined_member_count": 2, "m.invited_member_count": 0},
                    "unread_notifications": {"notification_count": 3, "highlight_count": 1},
                    "ephemeral": {
                        "events": [
                            {
                                "type": "m.receipt",
                                "content": {"$a": {"m.read": {ELODIE: {"ts": 5}}}},
                            }
                        ]
                    },
                }
            },
            "invite": {
                INVITE: {
                    "invite_state": {
                        "events": [
                            {
                                "type": "m.room.name",
                                "state_key": "",
                                "sender": ELODIE,
                                "content": {"name": "Invitation"},
                            }
                        ]
                    }
                }
            },
        },
    }


def test_a_room_its_state_timeline_counts_and_receipts_make_one_batch():
    body = sync_body(
        [event("$a"), event("$t", "m.room.topic", {"topic": "Salon"}, state_key="")],
        state=[event("$n", "m.room.name", {"name": "Atelier"}, state_key="")],
        limited=True,
    )
    decoded = decode(body, ME)
    batch = finish(decoded, {})
    assert batch.next_batch == "s2"
    joined, invited = batch.rooms
    assert (joined.room_id, joined.join_state, joined.limited, joined.prev_batch) == (
        ROOM,
        "join",
        True,
        "p1",
    )
    assert [(s.type, s.content, s.event_id) for s in joined.state] == [
        ("m.room.name", {"name": "Atelier"}, "$n")
    ]
    assert [(e.event_id, e.state_key) for e in joined.timeline] == [("$a", None), ("$t", "")]
    assert (joined.unread_count, joined.highlight_count) == (3, 1)
    assert [(r.user_id, r.event_id, r.receipt_type, r.ts) for r in joined.receipts] == [
        (ELODIE, "$a", "m.read", 5)
    ]
    assert (invited.join_state, invited.state[0].content) == ("invite", {"name": "Invitation"})
    assert (decoded.joined, decoded.invited, decoded.left) == ([ROOM], [INVITE], [])
    assert not decoded.dropped


def test_content_is_stored_exactly_as_the_server_sent_it():
    """nio's from_dict writes its schemas' defaults into the events it parses."""
    create = event("$c", "m.room.create", {"room_version": "10"}, state_key="")
    levels = event("$p", "m.room.power_levels", {"users": {ELODIE: 100}}, state_key="")
    body = sync_body([event("$a")], state=[create, levels])
    sent = copy.deepcopy(body)
    batch = finish(decode(body, ME), {})
    state = {s.type: s.content for s in batch.rooms[0].state}
    assert state == {
        "m.room.create": {"room_version": "10"},
        "m.room.power_levels": {"users": {ELODIE: 100}},
    }
    assert body == sent  # the decoder changed nothing in what it was given
    nio.SyncResponse.from_dict(body)  # what the old path did:
    assert body != sent  # … m.federate, notifications and friends appeared


def test_malformed_events_are_skipped_alone_where_nio_loses_the_whole_response():
    hostile = [
        event("$ts", origin_server_ts="1700000000000"),  # a string
        {k: v for k, v in event("$nc").items() if k != "content"},
        "an event that is a string",
        {"type": "m.room.message", "content": {"body": "no id, no sender"}},
        event("$list", content=["not", "an", "object"]),
        event("$state", "m.room.name", {"name": 3}, state_key=7),  # kept: a timeline event
    ]
    body = sync_body([event("$a"), *hostile, event("$b")])
    with pytest.raises(TypeError):
        nio.SyncResponse.from_dict(json.loads(json.dumps(body)))
    decoded = decode(body, ME)
    timeline = finish(decoded, {}).rooms[0].timeline
    assert [e.event_id for e in timeline] == ["$a", "$state", "$b"]
    assert timeline[1].state_key is None
    assert sum(decoded.dropped.values()) == 5
    assert decoded.dropped["bad origin_server_ts"] == 1


def test_malformed_blocks_are_skipped_and_a_response_without_next_batch_refused():
    body = sync_body([event("$a")])
    body["rooms"]["leave"] = ["not", "a", "mapping"]
    body["rooms"]["join"]["!other:company.test"] = "not a room"
    body["to_device"] = {"events": ["junk", {"type": "m.dummy", "sender": ELODIE, "content": {}}]}
    body["device_lists"] = {"changed": [ELODIE, 3], "left": "nobody"}
    decoded = decode(body, ME)
    assert decoded.joined == [ROOM]
    assert len(decoded.to_device) == 1
    assert (decoded.device_lists_changed, decoded.device_lists_left) == ([ELODIE], [])
    with pytest.raises(Refused):
        decode({"rooms": {}}, ME)
    with pytest.raises(Refused):
        decode(["next_batch"], ME)


def test_an_undecryptable_event_keeps_its_raw_form_and_a_cause():
    decoded = decode(sync_body([event("$e", "m.room.encrypted", MEGOLM_CONTENT)]), ME)
    [stored] = finish(decoded, {}).rooms[0].timeline
    assert stored.encrypted
    assert stored.decryption_error == UndecryptableCause.NOT_YET_RECEIVED
    assert stored.raw["content"]["session_id"] == "sess"


def test_what_nio_decrypted_is_stored_in_clear_and_still_marked_encrypted():
    decoded = decode(sync_body([event("$e", "m.room.encrypted", MEGOLM_CONTENT)]), ME)
    clear = {"$e": ("m.room.message", {"msgtype": "m.text", "body": "secret"})}
    [stored] = finish(decoded, clear).rooms[0].timeline
    assert (stored.type, stored.content["body"], stored.encrypted) == (
        "m.room.message",
        "secret",
        True,
    )
    assert stored.decryption_error is None
    assert stored.raw is None


def test_a_message_sent_before_we_joined_says_so_and_a_profile_change_is_no_join():
    profile_change = member(ME, ts=5_000, unsigned={"prev_content": {"membership": "join"}})
    body = sync_body(
        [
            event("$old", "m.room.encrypted", MEGOLM_CONTENT, origin_server_ts=1_000),
            member(ME, ts=2_000),
            event("$new", "m.room.encrypted", MEGOLM_CONTENT, origin_server_ts=3_000),
            profile_change,
        ]
    )
    decoded = decode(body, ME)
    assert decoded.joined_at == {ROOM: 2_000}
    causes = {
        e.event_id: e.decryption_error for e in finish(decoded, {}).rooms[0].timeline if e.encrypted
    }
    assert causes == {
        "$old": UndecryptableCause.SENT_BEFORE_JOINED,
        "$new": UndecryptableCause.NOT_YET_RECEIVED,
    }


def test_our_own_echo_carries_its_transaction_id():
    mine = event("$m", sender=ME, unsigned={"transaction_id": "cercle.1.abc"})
    [stored] = finish(decode(sync_body([mine]), ME), {}).rooms[0].timeline
    assert stored.txn_id == "cercle.1.abc"


def test_server_account_data_cannot_overwrite_local_only_records():
    body = sync_body([event("$a")])
    body["account_data"] = {
        "events": [
            {"type": "org.cercle.local.cross_signing", "content": {"body": {}, "mac": "forged"}},
            {"type": "m.direct", "content": {ELODIE: [ROOM]}},
            {"type": "m.fully_read", "content": {"event_id": "$a", "extra": 1}},
        ]
    }
    batch = finish(decode(body, ME), {})
    assert batch.account_data == {
        "m.direct": {ELODIE: [ROOM]},
        "m.fully_read": {"event_id": "$a", "extra": 1},
    }


# -- what nio's crypto gets -----------------------------------------------------------------


def nio_client() -> nio.AsyncClient:
    config = nio.AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False)
    client = nio.AsyncClient("http://127.0.0.1:9", ME, config=config)
    client.user_id = ME
    return client


def rooms_after(body, own_decoder: bool):
    async def go():
        client = nio_client()
        if own_decoder:
            await crypto_feed.feed(client, decode(copy.deepcopy(body), ME))
        else:
            await client.receive_response(nio.SyncResponse.from_dict(copy.deepcopy(body)))
        await client.close()
        return client

    return asyncio.run(go())


def test_nio_learns_members_encryption_and_invites_as_from_its_own_parse():
    state = [
        member(ME),
        member(ELODIE),
        member("@bob:partner.test", "invite"),
        event("$enc", "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"}, state_key=""),
        event("$n", "m.room.name", {"name": "Atelier"}, state_key=""),
    ]
    timeline = [
        member("@léa:company.test"),
        member(ELODIE, "leave", unsigned={"prev_content": {"membership": "join"}}),
        event("$e", "m.room.encrypted", MEGOLM_CONTENT),
    ]
    body = sync_body(timeline, state)
    theirs, ours = rooms_after(body, own_decoder=False), rooms_after(body, own_decoder=True)
    room, expected = ours.rooms[ROOM], theirs.rooms[ROOM]
    assert set(room.users) == set(expected.users) == {ME, "@bob:partner.test", "@léa:company.test"}
    assert room.encrypted
    assert expected.encrypted
    assert room.invited_users.keys() == expected.invited_users.keys()
    assert (room.joined_count, room.member_count) == (expected.joined_count, expected.member_count)
    assert ours.encrypted_rooms == theirs.encrypted_rooms == {ROOM}
    assert set(ours.invited_rooms) == set(theirs.invited_rooms) == {INVITE}
    assert ours.next_batch == "s2"


def test_a_member_event_that_crashes_nios_parse_is_still_a_member():
    odd = member("@odd:company.test", unsigned={"prev_content": "not an object"})
    body = sync_body([odd])
    with pytest.raises(AttributeError):
        nio.SyncResponse.from_dict(copy.deepcopy(body))
    assert "@odd:company.test" in rooms_after(body, own_decoder=True).rooms[ROOM].users


def test_nio_is_handed_the_megolm_events_to_decrypt_and_the_crypto_counters():
    body = sync_body(
        [
            event("$e", "m.room.encrypted", MEGOLM_CONTENT, unsigned={"transaction_id": "t1"}),
            event("$a"),
        ]
    )
    body["device_lists"] = {"changed": [ELODIE], "left": ["@gone:partner.test"]}
    body["device_one_time_keys_count"] = {"signed_curve25519": 42}
    body["to_device"] = {
        "events": [
            {
                "type": "m.room_key_request",
                "sender": ELODIE,
                "content": {
                    "action": "request_cancellation",
                    "request_id": "r1",
                    "requesting_device_id": "D",
                },
            }
        ]
    }
    reply = crypto_feed.to_nio(decode(body, ME))
    [megolm] = reply.rooms.join[ROOM].timeline.events
    assert isinstance(megolm, nio.MegolmEvent)
    assert (megolm.event_id, megolm.session_id, megolm.sender_key, megolm.room_id) == (
        "$e",
        "sess",
        "k",
        ROOM,
    )
    assert megolm.transaction_id == "t1"
    assert (reply.device_list.changed, reply.device_list.left) == ([ELODIE], ["@gone:partner.test"])
    assert reply.device_key_count.signed_curve25519 == 42
    assert [type(e).__name__ for e in reply.to_device_events] == ["RoomKeyRequestCancellation"]


def test_nio_and_the_sync_observers_get_typing_receipts_and_fallback_key_types():
    body = sync_body([event("$a")])
    ephemeral = body["rooms"]["join"][ROOM]["ephemeral"]["events"]
    ephemeral.append({"type": "m.typing", "content": {"user_ids": [ELODIE, 7]}})
    body["device_unused_fallback_key_types"] = ["signed_curve25519"]
    reply = crypto_feed.to_nio(decode(body, ME))
    receipts, typing = reply.rooms.join[ROOM].ephemeral
    assert [(r.event_id, r.receipt_type, r.user_id, r.timestamp) for r in receipts.receipts] == [
        ("$a", "m.read", ELODIE, 5)
    ]
    assert typing.users == [ELODIE]
    assert reply.device_unused_fallback_key_types == ["signed_curve25519"]
    del body["device_unused_fallback_key_types"]  # a server that does not say: unknown
    assert crypto_feed.to_nio(decode(body, ME)).device_unused_fallback_key_types is None


def test_decrypted_events_are_read_back_from_nios_reply():
    reply = crypto_feed.to_nio(
        decode(sync_body([event("$e", "m.room.encrypted", MEGOLM_CONTENT)]), ME)
    )
    clear = nio.Event.parse_decrypted_event(
        event("$e", content={"msgtype": "m.text", "body": "hi"})
    )
    clear.decrypted = True
    reply.rooms.join[ROOM].timeline.events[0] = clear  # what nio's receive_response does
    assert crypto_feed.decrypted(reply) == {
        "$e": ("m.room.message", {"msgtype": "m.text", "body": "hi"})
    }


# -- through the sync engine into a real store ----------------------------------------------


class RawClient:
    user_id = ME

    def __init__(self) -> None:
        self.nio = nio_client()


def test_the_engine_stores_a_hostile_response_and_publishes_rooms_then_messages(store):
    store.write_sync_batch(SyncBatch("s1"))  # not the store's first sync (see the next test)
    body = sync_body([event("$a"), "junk", event("$ts", origin_server_ts="x"), event("$b")])
    published = []
    engine = sync.SyncEngine(RawClient(), store, published.append)  # type: ignore[arg-type]
    asyncio.run(engine.ingest_body(body))
    assert store.session.sync_token() == "s2"
    assert [e.event_id for e in store.timeline.page(ROOM).events] == ["$a", "$b"]
    kinds = [type(c) for c in published]
    assert kinds == [RoomsChanged, TimelineAppended]
    assert {r.room_id for r in published[0].rooms} == {ROOM, INVITE}
    assert [m.event_id for m in published[1].messages] == ["$a", "$b"]


def test_the_stores_first_sync_publishes_its_rooms_but_no_message_rows(store):
    """Nothing is open and nothing in it is news: its rows are read when a room opens."""
    published = []
    engine = sync.SyncEngine(RawClient(), store, published.append)  # type: ignore[arg-type]
    asyncio.run(engine.ingest_body(sync_body([event("$a")])))
    assert [type(c) for c in published] == [RoomsChanged]
    assert [e.event_id for e in store.timeline.page(ROOM).events] == ["$a"]
    published.clear()
    later = sync_body([event("$b")])
    later["next_batch"] = "s3"
    asyncio.run(engine.ingest_body(later))
    assert [type(c) for c in published] == [RoomsChanged, TimelineAppended]
    assert [m.event_id for m in published[1].messages] == ["$b"]


def test_a_consumer_of_every_event_gets_the_first_syncs_rows_too(store):
    published = []
    engine = sync.SyncEngine(RawClient(), store, published.append)  # type: ignore[arg-type]
    engine.publishes_history = True  # cercle-cli tail
    asyncio.run(engine.ingest_body(sync_body([event("$a")])))
    assert [type(c) for c in published] == [RoomsChanged, TimelineAppended]


def test_if_nio_fails_on_its_part_nothing_is_stored_and_its_token_is_rewound(store, monkeypatch):
    store.write_sync_batch(SyncBatch("s1"))  # a token stored by an earlier sync
    client = RawClient()

    async def broken(nio_client, decoded):
        nio_client.next_batch = decoded.batch.next_batch  # nio moves its token first
        raise RuntimeError("a bug in nio")

    monkeypatch.setattr(crypto_feed, "feed", broken)
    engine = sync.SyncEngine(client, store, lambda change: None)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        asyncio.run(engine.ingest_body(sync_body([event("$a")])))
    assert client.nio.next_batch == store.session.sync_token() == "s1"
    assert store.timeline.page(ROOM).events == []


def test_a_row_published_in_this_batch_is_not_replaced_again_an_older_one_is(store):
    def reaction(event_id, target):
        relates = {"rel_type": "m.annotation", "event_id": target, "key": "👍"}
        return event(event_id, "m.reaction", {"m.relates_to": relates})

    store.write_sync_batch(SyncBatch("s1"))  # not the store's first sync
    published = []
    engine = sync.SyncEngine(RawClient(), store, published.append)  # type: ignore[arg-type]
    asyncio.run(engine.ingest_body(sync_body([event("$a"), reaction("$r1", "$a")])))
    assert [type(c) for c in published] == [RoomsChanged, TimelineAppended]
    assert published[1].messages[0].reactions[0].count == 1  # read after the write
    published.clear()
    later = sync_body([reaction("$r2", "$a")])
    later["next_batch"] = "s3"
    asyncio.run(engine.ingest_body(later))
    [replaced] = [c for c in published if isinstance(c, TimelineReplaced)]
    assert (replaced.message.event_id, replaced.message.reactions[0].count) == ("$a", 1)
