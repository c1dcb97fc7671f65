"""Received withheld notices name undecryptable events, and only their sender's."""

from __future__ import annotations

from cercle.protocol.changes import UndecryptableCause
from cercle.protocol.megolm import Withheld
from cercle.protocol.megolm_withheld import KEEP, WithheldIndex, with_causes, withheld_notices
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent

ROOM = "!r:company"


def _encrypted(event_id: str, sender: str, session: str, cause: str, key: str = "ANNKEY"):
    content = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "sender_key": key,
        "session_id": session,
        "ciphertext": "x",
        "device_id": "ANN1",
    }
    return NewEvent(
        event_id, sender, "m.room.encrypted", 1, content, encrypted=True, decryption_error=cause
    )


def test_a_notice_names_the_events_of_its_session_from_its_sender_only():
    index = WithheldIndex()
    index.add(Withheld("@ann:partner", "ANNKEY", "m.unverified", ROOM, "S1"))
    ann = _encrypted("$1", "@ann:partner", "S1", "not_yet_received")
    content = dict(ann.content)
    assert index.cause_of(ROOM, "@ann:partner", content) == "withheld_unverified"
    assert index.cause_of("!other:company", "@ann:partner", content) is None
    # Someone else claiming Ann's session: not believed.
    assert index.cause_of(ROOM, "@eve:partner", content) is None
    assert index.cause_of(ROOM, "@ann:partner", {**content, "sender_key": "OTHER"}) is None
    assert index.cause_of(ROOM, "@ann:partner", {**content, "session_id": "S2"}) is None


def test_no_olm_without_a_session_names_the_senders_device():
    index = WithheldIndex()
    index.add(Withheld("@ann:partner", "ANNKEY", "m.no_olm"))
    event = _encrypted("$1", "@ann:partner", "ANY", "not_yet_received")
    assert index.cause_of(ROOM, "@ann:partner", dict(event.content)) == "withheld_no_olm"


def test_a_batch_gets_the_causes_before_it_is_stored():
    index = WithheldIndex()
    index.add(Withheld("@ann:partner", "ANNKEY", "m.blacklisted", ROOM, "S1"))
    batch = SyncBatch(
        "s1",
        [
            RoomBatch(
                ROOM,
                timeline=[
                    _encrypted("$1", "@ann:partner", "S1", "not_yet_received"),
                    _encrypted("$2", "@ann:partner", "S2", "not_yet_received"),
                    _encrypted("$3", "@ann:partner", "S1", "bad_encryption"),
                    NewEvent("$4", "@ann:partner", "m.room.message", 1, {"body": "hi"}),
                ],
            )
        ],
    )
    out = with_causes(batch, index)
    causes = [e.decryption_error for e in out.rooms[0].timeline]
    assert causes == [
        UndecryptableCause.WITHHELD_BLACKLISTED,
        "not_yet_received",
        "bad_encryption",
        None,
    ]
    assert with_causes(batch, WithheldIndex()) is batch  # nothing to change


def test_the_index_round_trips_and_stays_bounded():
    index = WithheldIndex()
    for i in range(KEEP + 5):
        index.add(Withheld("@ann:partner", "K", "m.unverified", ROOM, f"S{i}"))
    assert len(index.sessions) == KEEP
    again = WithheldIndex(**index.to_json())
    assert again.sessions == index.sessions
    # Damaged entries are dropped, not trusted.
    assert WithheldIndex({"x": {"code": 1}}, {"y": "z"}).sessions == {}


class _Event:
    def __init__(self, source):
        self.source = source


def test_notices_are_picked_among_to_device_events():
    events = [
        _Event(
            {
                "type": "m.room_key.withheld",
                "sender": "@a:b",
                "content": {"code": "m.no_olm", "sender_key": "K"},
            }
        ),
        _Event({"type": "m.dummy", "sender": "@a:b", "content": {}}),
        object(),
    ]
    assert [n.code for n in withheld_notices(events)] == ["m.no_olm"]
