"""The rail, the room list and the side panel by keyboard alone, with accessible names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication

from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel, RoomRole
from cercle.desktop.tools import sample
from cercle.desktop.views.home import HomeView


def make_home(qtbot) -> HomeView:
    rooms, messages = RoomListModel(), MessageModel()
    home = HomeView(rooms, messages)
    rooms.setParent(home)
    messages.setParent(home)
    qtbot.addWidget(home)
    rooms.apply(sample.rooms())
    home.resize(1280, 760)
    home.show()
    qtbot.waitExposed(home)
    return home


def listed(home) -> list[str]:
    proxy = home.proxy
    return [proxy.index(r, 0).data(RoomRole.Summary).room_id for r in range(proxy.rowCount())]


def test_arrows_on_the_rail_choose_a_community_then_tab_reaches_its_rooms(qtbot):
    home = make_home(qtbot)
    qtbot.waitUntil(lambda: home.spaces.rowCount() == 4)  # Home, Roue Libre, Vélotech, Équipe
    home.rail.list.setFocus()
    home.rail.select("")
    chosen = []
    home.communitySelected.connect(chosen.append)

    qtbot.keyClick(home.rail.list, Qt.Key.Key_Down)  # Roue Libre
    qtbot.keyClick(home.rail.list, Qt.Key.Key_Down)  # Vélotech
    assert chosen == [sample.ROUE_LIBRE, sample.VELOTECH]
    assert set(listed(home)) == {
        sample.PARTNERS,
        "!annonces:velotech.example",
        "!cafe:velotech.example",
        "!support:velotech.example",  # through the subspace
    }
    assert home.community_title.text() == "Vélotech"

    qtbot.keyClick(home.rail.list, Qt.Key.Key_Tab)
    assert home.room_list.hasFocus()
    qtbot.keyClick(home.room_list, Qt.Key.Key_Home)
    assert home.room_list.currentIndex().data(RoomRole.Summary).room_id == listed(home)[0]

    # A room from elsewhere (Ctrl+K, a notification) brings every room back.
    home.select_room("!dm-hugo:velotech.example")
    assert home.rail.selected == ""
    assert home.community_title.text() == "All rooms"
    assert (
        home.room_list.currentIndex().data(RoomRole.Summary).room_id == "!dm-hugo:velotech.example"
    )


def test_ctrl_i_opens_the_details_and_enter_on_a_thread_asks_for_it(qtbot):
    home = make_home(qtbot)
    home.select_room(sample.PARTNERS)
    requested = []
    home.side_panel.refreshRequested.connect(lambda kind, room: requested.append((kind, room)))
    threads = []
    home.threadRequested.connect(lambda room, root: threads.append((room, root)))

    home.activateWindow()  # shortcuts answer in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is home)
    home.room_list.setFocus()
    qtbot.keyClick(home.room_list, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert home.side_panel.isVisible()
    assert requested == [("members", sample.PARTNERS)]  # only the tab in sight is read

    home.side_panel.show_tab("threads")
    assert requested[-1] == ("threads", sample.PARTNERS)
    home.side_panel.show_rows("threads", sample.PARTNERS, sample.room_threads())
    home.side_panel.show_rows("threads", "!other:x", [])  # a late answer for another room
    view = home.side_panel.pages["threads"].list
    assert view.model().rowCount() == 2
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert threads[-1] == (sample.PARTNERS, sample.room_threads()[0].root.event_id)

    qtbot.keyClick(view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert not home.side_panel.isVisible()


def spoken(widget) -> str:
    """What a screen reader says for a control: its accessible name, else a button's text."""
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    return widget.accessibleName() or text


def test_every_control_of_the_screen_has_an_accessible_name(qtbot):
    home = make_home(qtbot)
    home.show_details(True)
    controls = [
        w
        for w in home.findChildren(QAbstractItemView) + home.findChildren(QAbstractButton)
        if w.isVisibleTo(home)
    ]
    assert len(controls) >= 7  # rail, rooms, timeline, the panel's list, buttons
    assert [w.objectName() or type(w).__name__ for w in controls if not spoken(w)] == []
    assert home.rail.list.accessibleName() == "Communities"
    assert home.details_button.accessibleName() == "Room details"
