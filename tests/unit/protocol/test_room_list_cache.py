"""The room list kept across a clean restart: the same rows back, nothing else ever built."""

from __future__ import annotations

import logging
import os
import pickle

from cercle.protocol import room_list_cache
from cercle.protocol.changes import (
    Attachment,
    Message,
    ReactionChip,
    RoomSummary,
    UndecryptableCause,
)


def rows() -> tuple[RoomSummary, ...]:
    last = Message(
        "$1",
        "!a:x",
        "@léa:partner",
        "Léa",
        "Le plan est prêt",
        1_700_000_000_000,
        reactions=(ReactionChip("👍", 2, True),),
        attachment=Attachment("image", "plan.png", 2048, content={"url": "mxc://x/1"}),
        cause=UndecryptableCause.UNKNOWN_DEVICE,
    )
    return (
        RoomSummary("!a:x", "Atelier", parents=("!s:x",), external_servers=("partner",)),
        RoomSummary("!b:x", "Direct", is_direct=True, unread_count=3, last_message=last),
        RoomSummary("!s:x", "Vélotech", is_space=True, children=("!a:x",)),
    )


def test_rows_come_back_equal():
    back = room_list_cache.decode(room_list_cache.encode(rows()))
    assert back == rows()
    assert back is not None
    last = back[1].last_message
    assert last is not None
    assert last.attachment is not None
    assert last.attachment.content == {"url": "mxc://x/1"}  # compare=False: checked apart
    assert last.cause is UndecryptableCause.UNKNOWN_DEVICE


class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_anything_but_row_classes_is_refused_and_the_list_rebuilt(caplog):
    with caplog.at_level(logging.WARNING):
        assert room_list_cache.decode(pickle.dumps(Payload())) is None
        assert room_list_cache.decode(pickle.dumps((1, 2))) is None  # not rows
        assert room_list_cache.decode(b"\x80\x05garbage") is None
    assert "cannot be read" in caplog.text


def test_the_encoding_names_the_shape_of_the_rows(monkeypatch):
    from cercle.protocol import changes

    before = room_list_cache._encoding()
    assert before == room_list_cache.ENCODING
    monkeypatch.setattr(changes.RoomSummary, "__dataclass_fields__", {})  # a field changed
    assert room_list_cache._encoding() != before
