"""The timeline pages older rows in at the top, evicts far ones, and pages back down."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer

from cercle.desktop.models.messages import MessageModel
from cercle.desktop.views.timeline import MAX_ROWS, TimelineView
from cercle.protocol.changes import Message, MessagePage

ROOM = "!big:a"
EVENTS = 2000
PAGE = 40
START_MS = 1_700_000_000_000


def stored(pos: int) -> Message:
    sender = "@ann:a" if pos % 3 else "@bob:a"
    body = f"message {pos}" + (" with a longer line of text to wrap" * (pos % 4))
    return Message(f"$e{pos}", ROOM, sender, sender[1:4], body, START_MS + pos * 60_000, pos=pos)


class Store:
    """Stands for Account.messages_before/after: pages of a 2,000-event room, answered later."""

    def __init__(self, model: MessageModel) -> None:
        self.model = model
        self.asked: list[tuple[str, int | None]] = []
        model.olderWanted.connect(self.older)
        model.newerWanted.connect(self.newer)

    def older(self, room_id: str, before: int | None) -> None:
        self.asked.append(("older", before))
        top = EVENTS if before is None else before
        rows = tuple(stored(p) for p in range(max(0, top - PAGE), top))
        page = MessagePage(room_id, rows, rows[0].pos if rows else before, top - PAGE <= 0)
        QTimer.singleShot(0, lambda: self.model.prepend(page))

    def newer(self, room_id: str, after: int) -> None:
        self.asked.append(("newer", after))
        rows = tuple(stored(p) for p in range(after + 1, min(EVENTS, after + 1 + PAGE)))
        end = after + 1 + PAGE >= EVENTS
        page = MessagePage(room_id, rows, rows[-1].pos if rows else after, end)
        QTimer.singleShot(0, lambda: self.model.append_page(page))


@pytest.fixture
def timeline(qtbot, qtmodeltester):
    model = MessageModel()
    qtmodeltester.check(model)  # and it keeps checking every change below
    view = TimelineView(model)
    model.setParent(view)
    qtbot.addWidget(view)
    view.resize(700, 600)
    view.show()
    store = Store(model)
    newest = tuple(stored(p) for p in range(EVENTS - PAGE, EVENTS))
    model.show_page(MessagePage(ROOM, newest, EVENTS - PAGE, False))
    return view, model, store


def positions(model: MessageModel) -> list[int]:
    return [model.message(r).pos for r in range(model.rowCount())]  # type: ignore[misc]


def test_scrolling_to_the_top_pages_older_rows_in_and_keeps_the_reader_in_place(qtbot, timeline):
    view, model, store = timeline
    qtbot.waitUntil(lambda: view.list.at_bottom())
    bar = view.list.verticalScrollBar()
    bar.setValue(0)
    qtbot.waitUntil(lambda: model.rowCount() > PAGE)
    anchor_pos = EVENTS - PAGE  # was the first row when the page above arrived
    row = positions(model).index(anchor_pos)
    top = view.list.visualRect(model.index(row)).top()
    assert abs(top) <= 2  # still at the top of the viewport, where the reader saw it
    assert bar.value() > 0  # the new rows are above it, scrolled out of view
    assert ("older", EVENTS - PAGE) in store.asked
    pos = positions(model)
    assert pos == sorted(pos)  # in order
    assert len(set(pos)) == len(pos)  # no duplicates


def test_far_rows_are_evicted_and_the_live_end_pages_back_in(qtbot, timeline):
    view, model, store = timeline
    bar = view.list.verticalScrollBar()
    for _ in range(15):  # up and up: older pages in, the bottom evicted
        bar.setValue(0)
        qtbot.wait(20)
    qtbot.waitUntil(lambda: model.has_newer)
    assert model.rowCount() <= MAX_ROWS + 2 * PAGE
    assert max(positions(model)) < EVENTS - 1
    # A live message while the live end is not loaded: not appended out of order.
    model.append(ROOM, [stored(EVENTS)])
    assert EVENTS not in positions(model)
    for _ in range(40):  # and back down to the live end
        bar.setValue(bar.maximum())
        qtbot.wait(20)
        if not model.has_newer:
            break
    qtbot.waitUntil(lambda: not model.has_newer)
    pos = positions(model)
    assert pos[-1] == EVENTS - 1
    assert pos == sorted(pos)
    assert len(set(pos)) == len(pos)
    assert model.rowCount() <= MAX_ROWS + 2 * PAGE
    assert any(kind == "newer" for kind, _ in store.asked)


def test_the_room_start_stops_paging(qtbot, timeline):
    _view, model, store = timeline
    model.show_page(MessagePage(ROOM, tuple(stored(p) for p in range(0, 10)), 0, True))
    qtbot.wait(50)
    assert model.fetch_older() is False
    assert store.asked == []


def test_thread_replies_stay_out_of_the_main_timeline(timeline):
    _view, model, _store = timeline
    reply = Message("$t1", ROOM, "@bob:a", "Bob", "in the thread", START_MS, thread_root="$e1999")
    before = model.rowCount()
    model.append(ROOM, [reply])
    assert model.rowCount() == before
    thread = MessageModel(thread_root="$e1999")
    thread.show_room(ROOM, [stored(1999), reply, stored(5)])
    assert [thread.message(r).event_id for r in range(thread.rowCount())] == ["$e1999", "$t1"]


def test_jump_to_first_unread_pages_up_to_it_and_the_bar_goes(qtbot, timeline):
    view, model, store = timeline
    view.room_opened("$e1900")  # our receipt, 100 messages up: not loaded yet
    qtbot.waitUntil(lambda: view.list.at_bottom())
    qtbot.waitUntil(view.unread_bar.isVisible)
    qtbot.mouseClick(view.unread_bar, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.row_of_event("$e1901") is not None)
    qtbot.waitUntil(lambda: not view.unread_bar.isVisible())
    row = model.row_of_event("$e1901")
    top = view.list.visualRect(model.index(row)).top()
    assert 0 <= top < view.list.viewport().height()  # the first unread message is on screen
    assert any(kind == "older" for kind, _ in store.asked)


def test_no_unread_bar_when_our_receipt_is_on_the_newest_message(qtbot, timeline):
    view, _model, _store = timeline
    view.room_opened(f"$e{EVENTS - 1}")
    qtbot.wait(50)
    assert not view.unread_bar.isVisible()


def test_our_read_receipt_goes_once_at_the_bottom_and_again_if_it_failed(qtbot, timeline):
    view, _model, _store = timeline
    sent: list[tuple[str, str]] = []
    view.readUpTo.connect(lambda room, event: sent.append((room, event)))
    view.room_opened(None)
    qtbot.waitUntil(lambda: sent == [(ROOM, f"$e{EVENTS - 1}")])
    view.schedule_check()
    qtbot.wait(20)
    assert len(sent) == 1  # not again for the same message
    view.receipt_not_sent(f"$e{EVENTS - 1}", retry_ms=0)
    qtbot.waitUntil(lambda: len(sent) == 2)
