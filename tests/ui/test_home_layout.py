"""The home screen's columns: a panel opening never squeezes the room list or the timeline."""

from __future__ import annotations

from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel
from cercle.desktop.views.home import (
    PANEL_MIN_WIDTH,
    ROOM_LIST_MIN_WIDTH,
    TIMELINE_MIN_WIDTH,
    HomeView,
)


def test_panels_take_their_room_from_the_timeline_down_to_its_minimum(qtbot):
    home = HomeView(RoomListModel(), MessageModel())
    qtbot.addWidget(home)
    home.thread_panel.show()  # opened before the window is: the case that squeezed the list
    home.resize(1000, 700)
    home.show()
    qtbot.waitExposed(home)
    rooms, timeline, side, thread = home.splitter.sizes()
    assert rooms >= ROOM_LIST_MIN_WIDTH
    assert timeline >= TIMELINE_MIN_WIDTH
    assert thread >= PANEL_MIN_WIDTH
    assert side == 0
    home.show_details(True)  # both panels now: the window may not be narrower than they need
    qtbot.waitUntil(lambda: home.splitter.sizes()[2] >= PANEL_MIN_WIDTH)
    rooms, timeline, side, thread = home.splitter.sizes()
    assert rooms >= ROOM_LIST_MIN_WIDTH
    assert timeline >= TIMELINE_MIN_WIDTH
    assert thread >= PANEL_MIN_WIDTH
