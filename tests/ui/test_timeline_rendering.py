"""Timeline rows: rich text, reply quotes, reaction chips, day separators, edits, deletions."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime
from PySide6.QtWidgets import QStyleOptionViewItem

from cercle.desktop.delegates.messages import MessageDelegate
from cercle.desktop.models.messages import MessageModel, MessageRole
from cercle.desktop.models.rooms import RoomListModel
from cercle.desktop.views.home import HomeView
from cercle.protocol.changes import Message, ReactionChip, ReplyPreview

ROOM = "!r:a"


def at(days_ago: int, hour: int) -> int:
    day = QDate.currentDate().addDays(-days_ago)
    return QDateTime(day, QTime(hour, 0)).toMSecsSinceEpoch()


def message(n: int, days_ago: int = 0, hour: int = 10, body: str = "", **kw) -> Message:
    text = body or ("" if kw.get("redacted") else f"message {n}")
    return Message(f"$e{n}", ROOM, "@ann:a", "Ann", text, at(days_ago, hour), **kw)


@pytest.fixture
def view(qtbot):
    rooms, messages = RoomListModel(), MessageModel()
    home = HomeView(rooms, messages)
    rooms.setParent(home)
    messages.setParent(home)
    qtbot.addWidget(home)
    home.resize(900, 700)
    home.show()
    return home


def option_for(view: HomeView, row: int) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    index = view.messages.index(row)
    option.rect = view.message_list.visualRect(index)
    option.font = view.message_list.font()
    option.palette = view.message_list.palette()
    return option


def layout_of(view: HomeView, row: int):
    return view.timeline.delegate.layout(option_for(view, row), view.messages.index(row))


def body_text(view: HomeView, row: int) -> str:
    return layout_of(view, row).document.toPlainText()


def click(qtbot, view: HomeView, row: int, point: QPoint) -> None:
    at_row = view.message_list.visualRect(view.messages.index(row)).topLeft() + point
    qtbot.mouseClick(view.message_list.viewport(), Qt.MouseButton.LeftButton, pos=at_row)


def test_rich_text_shows_bold_and_a_link_whose_anchor_click_opens_it(qtbot, view, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("cercle.desktop.views.timeline.open_link", opened.append)
    html = 'Le <strong>catalogue</strong> : <a href="https://example.org/c">le voir</a>'
    view.messages.show_room(ROOM, [message(1, body="Le catalogue", html=html)])
    doc = body_text(view, 0)
    assert doc == "Le catalogue : le voir"
    layout = layout_of(view, 0)
    assert "font-weight:700" in layout.document.toHtml()  # bold survives
    # Find the link's position in the document and click it.
    cursor_pos = doc.index("le voir") + 2
    rect = layout.document.documentLayout().blockBoundingRect(layout.document.begin())
    line = layout.document.begin().layout().lineAt(0)
    x = int(line.cursorToX(cursor_pos)[0])
    point = QPoint(layout.body.left() + x, layout.body.top() + int(rect.height() / 2))
    with qtbot.waitSignal(view.timeline.delegate.linkActivated) as link:
        click(qtbot, view, 0, point)
    assert link.args == ["https://example.org/c"]
    assert opened == ["https://example.org/c"]


def test_links_other_than_http_are_not_opened(qtbot, view):
    from cercle.desktop.delegates.richtext import openable

    assert openable("file:///etc/passwd") is None
    assert openable("javascript:alert(1)") is None
    assert openable("https://example.org") is not None


def test_plain_text_addresses_become_links_and_markup_stays_text(view):
    view.messages.show_room(ROOM, [message(1, body="<b>x</b> https://example.org/a.")])
    layout = layout_of(view, 0)
    assert layout.document.toPlainText() == "<b>x</b> https://example.org/a."
    assert 'href="https://example.org/a"' in layout.document.toHtml()


def test_a_reply_shows_its_quote_and_a_click_jumps_to_the_original(qtbot, view):
    rows = [message(n) for n in range(1, 30)]
    rows.append(message(30, body="Oui", reply_to=ReplyPreview("$e1", "@ann:a", "Ann", "message 1")))
    view.messages.show_room(ROOM, rows)
    view.message_list.scrollToBottom()
    qtbot.wait(10)
    layout = layout_of(view, 29)
    assert layout.quote is not None
    assert layout.quote.bottom() < layout.body.top()
    with qtbot.waitSignal(view.timeline.delegate.replyClicked) as jumped:
        click(qtbot, view, 29, layout.quote.center())
    assert jumped.args == ["$e1"]
    assert view.message_list.visualRect(view.messages.index(0)).intersects(
        view.message_list.viewport().rect()
    )


def test_a_reaction_chip_click_asks_to_toggle_that_key(qtbot, view):
    chips = (ReactionChip("👍", 2, mine=True), ReactionChip("🎉", 1))
    view.messages.show_room(ROOM, [message(1, reactions=chips)])
    layout = layout_of(view, 0)
    assert [chip.key for _rect, chip in layout.chips] == ["👍", "🎉"]
    second = layout.chips[1][0]
    with qtbot.waitSignal(view.reactionToggled) as toggled:
        click(qtbot, view, 0, second.center())
    assert toggled.args == [ROOM, "$e1", "🎉"]


def test_a_new_day_starts_with_a_separator_and_breaks_the_group(view):
    view.messages.show_room(ROOM, [message(1, 1, 23), message(2, 0, 0), message(3, 0, 0)])
    index = view.messages.index
    assert [index(r).data(MessageRole.StartsDay) for r in range(3)] == [True, True, False]
    assert index(1).data(MessageRole.GroupedWithPrevious) is False  # same sender, new day
    assert index(2).data(MessageRole.GroupedWithPrevious) is True
    assert layout_of(view, 1).day is not None
    assert layout_of(view, 2).day is None
    delegate = view.timeline.delegate
    today = QDate(2026, 11, 23)
    assert delegate.day_label(today, today) == "Today"
    assert delegate.day_label(today.addDays(-1), today) == "Yesterday"
    assert "2026" in delegate.day_label(today.addDays(-5), today)


def test_edited_and_deleted_messages_say_so(view):
    view.messages.show_room(
        ROOM, [message(1, body="nouveau", edited=True), message(2, body="", redacted=True)]
    )
    assert body_text(view, 0) == "nouveau (edited)"
    assert body_text(view, 1) == "Message deleted"


def test_a_reaction_arriving_later_updates_the_row_and_its_height(qtbot, view):
    view.messages.show_room(ROOM, [message(1)])
    before = view.message_list.visualRect(view.messages.index(0)).height()
    changed = []
    view.messages.dataChanged.connect(lambda tl, br, *_: changed.append(tl.row()))
    view.messages.replace(message(1, reactions=(ReactionChip("👍", 1),)))
    qtbot.waitUntil(lambda: view.message_list.visualRect(view.messages.index(0)).height() > before)
    assert changed == [0]


def test_size_hint_follows_the_width(view):
    long = " ".join(["mot"] * 200)
    view.messages.show_room(ROOM, [message(1, body=long)])
    delegate: MessageDelegate = view.timeline.delegate
    option = option_for(view, 0)
    wide = delegate.sizeHint(option, view.messages.index(0)).height()
    option.rect.setWidth(option.rect.width() // 2)
    narrow = delegate.sizeHint(option, view.messages.index(0)).height()
    assert narrow > wide


def test_message_model_with_rich_rows_passes_the_model_tester(qtmodeltester):
    model = MessageModel()
    rows = [message(1, 1), replace(message(2), redacted=True, body="")]
    model.show_room(ROOM, rows)
    qtmodeltester.check(model)
