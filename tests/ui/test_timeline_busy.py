"""A busy timeline's rows: an image box before its thumbnail, a file card, a thread summary,
read avatars, the fix under an undecryptable message; and clicks on each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from cercle.desktop.models.messages import MessageModel, MessageRole
from cercle.desktop.models.rooms import RoomListModel
from cercle.desktop.tools import sample
from cercle.desktop.tools.screenshots import sample_photo
from cercle.desktop.views.home import HomeView


@pytest.fixture
def home(qtbot):
    rooms, messages = RoomListModel(), MessageModel()
    view = HomeView(rooms, messages)
    rooms.setParent(view)
    messages.setParent(view)
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show()
    view.asked = []  # thumbnails the delegate asked for as it painted
    view.timeline.delegate.thumbnails.wanted.connect(lambda m: view.asked.append(m.event_id))
    rows, receipts, _thread = sample.busy_timeline()
    messages.show_room(sample.PARTNERS, rows)
    messages.own_user_id = sample.ME
    messages.set_receipts(sample.PARTNERS, receipts)
    return view


def row_of(view: HomeView, event_id: str) -> int:
    row = view.messages.row_of_event(event_id)
    assert row is not None
    return row


def layout(view: HomeView, event_id: str):
    index = view.messages.index(row_of(view, event_id))
    return view.timeline.delegate.layout(view.timeline.option_for(index), index)


def click(qtbot, view: HomeView, event_id: str, point: QPoint) -> None:
    index = view.messages.index(row_of(view, event_id))
    view.message_list.scrollTo(index)
    qtbot.wait(10)
    at = view.message_list.visualRect(index).topLeft() + point
    qtbot.mouseClick(view.message_list.viewport(), Qt.MouseButton.LeftButton, pos=at)


def test_an_image_keeps_its_box_from_info_and_its_thumbnail_is_asked_once(qtbot, home):
    image = layout(home, "$m201").image
    assert image is not None
    assert image.width() / image.height() == pytest.approx(1600 / 1000, rel=0.02)
    thumbnails = home.timeline.delegate.thumbnails
    message = home.messages.message(row_of(home, "$m201"))
    home.message_list.scrollTo(home.messages.index(row_of(home, "$m201")))
    qtbot.waitUntil(lambda: "$m201" in home.asked)
    assert thumbnails.get(message) is None  # still loading: a placeholder
    home.message_list.viewport().repaint()
    assert home.asked.count("$m201") == 1
    thumbnails.put("$m201", sample_photo())
    assert thumbnails.get(message) is not None
    assert layout(home, "$m201").image == image  # the row did not jump
    with qtbot.waitSignal(home.timeline.imageRequested) as opened:
        click(qtbot, home, "$m201", image.center())
    assert opened.args[0].event_id == "$m201"


def test_a_file_shows_name_and_size_and_download_asks_where(qtbot, home):
    card = layout(home, "$m203")
    assert card.file is not None
    assert [kind for _rect, kind, _label in card.file_links] == ["save"]
    assert card.document is None  # the body is the file's name: no second line
    with qtbot.waitSignal(home.timeline.saveRequested) as save:
        click(qtbot, home, "$m203", card.file_links[0][0].center())
    assert save.args[0].attachment.filename == "plan-stand-salon-lyon.pdf"
    home.timeline.delegate.saved["$m203"] = "/tmp/plan.pdf"
    assert [kind for _r, kind, _l in layout(home, "$m203").file_links] == ["save", "open"]


def test_a_thread_root_summarises_and_opens_its_thread(qtbot, home):
    root = layout(home, "$m204")
    assert root.thread is not None
    delegate = home.timeline.delegate
    message = home.messages.message(row_of(home, "$m204"))
    assert delegate._thread_text(message) == "3 replies · last from Karim Haddad"
    with qtbot.waitSignal(home.timeline.threadRequested) as wanted:
        click(qtbot, home, "$m204", root.thread.topLeft() + QPoint(5, 5))
    assert wanted.args == [sample.PARTNERS, "$m204"]
    assert home.thread_panel.isVisible()
    assert home.thread_panel.root_id == "$m204"
    assert home.thread_panel.timeline.delegate.show_thread_summaries is False


def test_read_avatars_sit_under_the_message_read_up_to(home):
    index = home.messages.index(row_of(home, "$m207"))
    assert set(index.data(MessageRole.ReadBy)) == {
        "Léa Moreau",
        "Hugo Bernard",
        "Karim Haddad",
        "Inès Costa",
    }
    assert layout(home, "$m207").receipts is not None
    assert layout(home, "$m202").receipts is None


def test_an_undecryptable_message_offers_the_action_that_fixes_it(qtbot, home):
    fix = layout(home, "$m206").fix
    assert fix is not None
    with qtbot.waitSignal(home.timeline.fixRequested) as fixing:
        click(qtbot, home, "$m206", fix.topLeft() + QPoint(5, 5))
    assert fixing.args == ["verify"]


def test_the_typing_line_names_who_types(home):
    home.timeline.set_typing(sample.PARTNERS, ("Léa Moreau",))
    assert home.timeline.typing_line.text() == "Léa Moreau is typing…"
    home.timeline.set_typing(sample.PARTNERS, ("Léa Moreau", "Hugo Bernard"))
    assert home.timeline.typing_line.text() == "Léa Moreau and Hugo Bernard are typing…"
    home.timeline.set_typing("!other:a", ("Zoé",))
    assert "Zoé" not in home.timeline.typing_line.text()
    home.timeline.set_typing(sample.PARTNERS, ())
    assert home.timeline.typing_line.text() == ""


def test_the_composer_says_when_we_start_and_stop_typing(qtbot, home):
    composer = home.composer
    composer.set_enabled(True)
    home.activateWindow()
    composer.editor.setFocus()
    qtbot.waitUntil(composer.editor.hasFocus)
    said: list[bool] = []
    composer.typingChanged.connect(said.append)
    qtbot.keyClicks(composer.editor, "Bonjour")
    assert said == [True]  # once, not per key
    composer.editor.clear()
    assert said == [True, False]
