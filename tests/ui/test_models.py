"""The room and message models: Qt's model contract, and updates that never reset."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListView

from cercle.desktop.models.messages import MessageModel, MessageRole
from cercle.desktop.models.rooms import RoomListModel, RoomListProxy, RoomRole, sort_key
from cercle.protocol.changes import Message, RoomsChanged, RoomSummary


def message(n: int, room="!r:a", sender="@ann:a", ts=None) -> Message:
    return Message(
        f"$e{n}",
        room,
        sender,
        sender[1:4].title(),
        f"message {n}",
        ts if ts is not None else 1_700_000_000_000 + n * 1000,
    )


def room(room_id: str, name: str, *, ts=0, space=False, parents=(), external=()) -> RoomSummary:
    last = message(ts, room_id, ts=ts) if ts else None
    return RoomSummary(
        room_id, name, is_space=space, parents=parents, external_servers=external, last_message=last
    )


def test_room_models_pass_the_model_tester(qtmodeltester):
    model = RoomListModel()
    model.apply(
        RoomsChanged(
            (room("!s:a", "Space", space=True), room("!a:a", "A", ts=5, parents=("!s:a",)))
        )
    )
    proxy = RoomListProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_message_model_passes_the_model_tester(qtmodeltester):
    model = MessageModel()
    model.show_room("!r:a", [message(1), message(2)])
    qtmodeltester.check(model)


def test_updates_in_place_and_inserts_new_rooms_in_one_batch(qtbot):
    model = RoomListModel()
    model.apply(RoomsChanged((room("!a:a", "A", ts=1),)))
    inserted, changed, resets = [], [], []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.dataChanged.connect(lambda tl, br: changed.append(tl.row()))
    model.modelReset.connect(lambda: resets.append(1))

    model.apply(
        RoomsChanged(
            (room("!a:a", "A renamed", ts=9), room("!b:a", "B", ts=2), room("!c:a", "C", ts=3))
        )
    )

    assert inserted == [(1, 2)]  # two new rooms, one insertion
    assert changed == [0]
    assert resets == []
    assert model.index(0).data(Qt.ItemDataRole.DisplayRole) == "A renamed"


def test_proxy_hides_spaces_and_sorts_by_latest_activity():
    model = RoomListModel()
    model.apply(
        RoomsChanged(
            (
                room("!s:a", "Vélotech", space=True),
                room("!old:a", "Old", ts=1, parents=("!s:a",)),
                room("!new:a", "New", ts=50),
            )
        )
    )
    proxy = RoomListProxy()
    proxy.setSourceModel(model)
    names = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert names == ["New", "Old"]
    old = proxy.index(1, 0)
    assert old.data(RoomRole.Communities) == ["Vélotech"]


def test_the_rows_stay_in_display_order_through_any_updates(qtmodeltester):
    """Random arrivals, new activity, renames and departures: the model is always sorted (the
    proxies keep its order), its lookup agrees, and nothing resets."""
    import random

    model = RoomListModel()
    proxy = RoomListProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    generator = random.Random(3)
    ids = [f"!{n}:a" for n in range(30)]
    for turn in range(80):
        picked = generator.sample(ids, generator.randint(0, 8))
        gone = tuple(i for i in generator.sample(ids, generator.randint(0, 2)) if i not in picked)
        rooms = tuple(
            RoomSummary(
                i,
                generator.choice("ABCD"),
                last_message=message(generator.randint(1, 5), i, ts=generator.randint(1, 5)),
                is_direct=generator.random() < 0.2,
                invited=generator.random() < 0.1,
            )
            for i in picked
        )
        model.apply(RoomsChanged(rooms, removed=gone))
        rows = model.summaries()
        assert [sort_key(r) for r in rows] == sorted(sort_key(r) for r in rows), turn
        assert all(model.summary(r.room_id) is r for r in rows), turn
        assert [proxy.index(n, 0).data(RoomRole.Summary) for n in range(proxy.rowCount())] == rows
    assert resets == []


def test_a_room_with_new_activity_moves_up_and_stays_selected(qtbot):
    model = RoomListModel()
    model.apply(RoomsChanged(tuple(room(f"!{n}:a", f"R{n}", ts=10 - n) for n in range(5))))
    proxy = RoomListProxy()
    proxy.setSourceModel(model)
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setCurrentIndex(proxy.index(3, 0))  # R3
    moved: list[tuple[int, int]] = []
    model.rowsMoved.connect(lambda _p, first, _last, _d, to: moved.append((first, to)))

    model.apply(RoomsChanged((room("!3:a", "R3", ts=50),)))

    assert [proxy.index(n, 0).data() for n in range(5)] == ["R3", "R0", "R1", "R2", "R4"]
    assert moved == [(3, 0)]
    assert view.currentIndex().data() == "R3"  # the selection followed the move


def test_counts_sum_rooms_not_spaces():
    model = RoomListModel()
    model.apply(
        RoomsChanged(
            (
                RoomSummary("!s:a", "S", is_space=True, unread_count=7, highlight_count=7),
                RoomSummary("!a:a", "A", unread_count=2, highlight_count=1),
                RoomSummary("!b:a", "B", unread_count=3),
            )
        )
    )
    assert model.counts() == (5, 1)


def test_an_unreadable_last_message_is_told_by_its_cause_not_its_stored_words():
    from cercle.desktop.delegates.common import undecryptable_text

    last = Message(
        "$x", "!a:a", "@ann:a", "Ann", "(protocol words)", 5, undecryptable=True, cause="withheld"
    )
    model = RoomListModel()
    model.apply(RoomsChanged((RoomSummary("!a:a", "A", last_message=last),)))
    text = model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert text.endswith(f"Ann: {undecryptable_text('withheld')}")
    assert "(protocol words)" not in text


def test_left_rooms_are_removed():
    model = RoomListModel()
    model.apply(RoomsChanged((room("!a:a", "A"), room("!b:a", "B"), room("!c:a", "C"))))
    model.apply(RoomsChanged((), removed=("!b:a",)))
    assert [model.index(r).data() for r in range(model.rowCount())] == ["A", "C"]
    assert model.summary("!c:a").name == "C"


def test_messages_append_once_and_group_by_sender():
    model = MessageModel()
    model.show_room("!r:a", [message(1), message(2)])
    model.append("!r:a", [message(2), message(3, sender="@bob:a")])
    model.append("!other:a", [message(9, room="!other:a")])  # another room: ignored
    assert [model.index(r).data() for r in range(model.rowCount())] == [
        "message 1",
        "message 2",
        "message 3",
    ]
    assert [model.index(r).data(MessageRole.GroupedWithPrevious) for r in range(3)] == [
        False,
        True,
        False,
    ]
