"""From a parsed /sync to the store's batch: what is kept, and malformed events skipped alone."""

from __future__ import annotations

import nio

from cercle.protocol.e2ee import UndecryptableCause
from cercle.protocol.ingest import own_join_times, to_batch

ME = "@camille:company.test"
ROOM = "!atelier:company.test"


def event(
    event_id, event_type="m.room.message", content=None, sender="@elodie:partner.test", **extra
):
    body = {
        "event_id": event_id,
        "type": event_type,
        "sender": sender,
        "origin_server_ts": 1_700_000_000_000,
        "content": {"msgtype": "m.text", "body": "Bonjour"} if content is None else content,
    }
    return body | extra


def sync_body(timeline, state=(), limited=False):
    return {
        "next_batch": "s2",
        "rooms": {
            "join": {
                ROOM: {
                    "timeline": {"events": list(timeline), "limited": limited, "prev_batch": "p1"},
                    "state": {"events": list(state)},
                    "unread_notifications": {"notification_count": 3, "highlight_count": 1},
                    "ephemeral": {
                        "events": [
                            {
                                "type": "m.receipt",
                                "content": {"$a": {"m.read": {"@elodie:partner.test": {"ts": 5}}}},
                            }
                        ]
                    },
                }
            },
            "invite": {
                "!invite:partner.test": {
                    "invite_state": {
                        "events": [
                            {
                                "type": "m.room.name",
                                "state_key": "",
                                "sender": "@elodie:partner.test",
                                "content": {"name": "Invitation"},
                            }
                        ]
                    }
                }
            },
        },
    }


def batch_of(body):
    reply = nio.SyncResponse.from_dict(body)
    assert isinstance(reply, nio.SyncResponse), reply
    return to_batch(reply, ME)


def test_a_room_its_state_timeline_counts_and_receipts_make_one_batch():
    batch = batch_of(
        sync_body(
            [event("$a"), event("$t", "m.room.topic", {"topic": "Salon"}, state_key="")],
            state=[event("$n", "m.room.name", {"name": "Atelier"}, state_key="")],
            limited=True,
        )
    )
    assert batch.next_batch == "s2"
    joined, invited = batch.rooms
    assert (joined.room_id, joined.join_state, joined.limited, joined.prev_batch) == (
        ROOM,
        "join",
        True,
        "p1",
    )
    assert [(s.type, s.content) for s in joined.state] == [("m.room.name", {"name": "Atelier"})]
    assert [(e.event_id, e.state_key) for e in joined.timeline] == [("$a", None), ("$t", "")]
    assert (joined.unread_count, joined.highlight_count) == (3, 1)
    assert [(r.user_id, r.event_id, r.receipt_type) for r in joined.receipts] == [
        ("@elodie:partner.test", "$a", "m.read")
    ]
    assert (invited.join_state, invited.state[0].content) == ("invite", {"name": "Invitation"})


def test_a_malformed_event_is_skipped_and_the_rest_kept():
    broken = {"type": "m.room.message", "content": {"body": "no id, no sender"}}
    batch = batch_of(sync_body([event("$a"), broken, event("$b")]))
    assert [e.event_id for e in batch.rooms[0].timeline] == ["$a", "$b"]


def test_an_undecryptable_event_keeps_its_raw_form_and_a_cause():
    encrypted = event(
        "$e",
        "m.room.encrypted",
        {
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": "AwgA…",
            "sender_key": "k",
            "device_id": "DEV",
            "session_id": "sess",
        },
    )
    [stored] = batch_of(sync_body([encrypted])).rooms[0].timeline
    assert stored.encrypted
    assert stored.decryption_error == UndecryptableCause.NOT_YET_RECEIVED
    assert stored.raw["content"]["session_id"] == "sess"


def test_our_own_echo_carries_its_transaction_id():
    mine = event("$m", sender=ME, unsigned={"transaction_id": "cercle.1.abc"})
    [stored] = batch_of(sync_body([mine])).rooms[0].timeline
    assert stored.txn_id == "cercle.1.abc"


def test_a_message_sent_before_we_joined_says_so():
    encrypted = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": "AwgA…",
        "sender_key": "k",
        "device_id": "DEV",
        "session_id": "sess",
    }
    body = sync_body(
        [
            event("$old", "m.room.encrypted", encrypted, origin_server_ts=1_000),
            event(
                "$join",
                "m.room.member",
                {"membership": "join"},
                sender=ME,
                state_key=ME,
                origin_server_ts=2_000,
            ),
            event("$new", "m.room.encrypted", encrypted, origin_server_ts=3_000),
        ]
    )
    reply = nio.SyncResponse.from_dict(body)
    joined = own_join_times(reply, ME)
    assert joined == {ROOM: 2_000}
    timeline = to_batch(reply, ME, joined).rooms[0].timeline
    causes = {e.event_id: e.decryption_error for e in timeline if e.encrypted}
    assert causes == {
        "$old": UndecryptableCause.SENT_BEFORE_JOINED,
        "$new": UndecryptableCause.NOT_YET_RECEIVED,
    }


def test_server_account_data_cannot_overwrite_local_only_records():
    body = sync_body([event("$a")])
    body["account_data"] = {
        "events": [
            {"type": "org.cercle.local.cross_signing", "content": {"body": {}, "mac": "forged"}},
            {"type": "m.direct", "content": {"@elodie:partner.test": [ROOM]}},
        ]
    }
    batch = batch_of(body)
    assert set(batch.account_data) == {"m.direct"}
