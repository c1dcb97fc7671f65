"""Ctrl+K: type part of a room's name (accents ignored), arrows to choose, Enter to open it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cercle.desktop.dialogs.switcher import RoomSwitcher, fold
from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel, RoomRole
from cercle.desktop.views.home import HomeView
from cercle.protocol.changes import Message, RoomsChanged, RoomSummary


def rooms() -> RoomListModel:
    model = RoomListModel()

    def last(n):
        return Message(f"$e{n}", f"!r{n}:a", "@a:a", "A", "hi", 1_700_000_000_000 + n)

    model.apply(
        RoomsChanged(
            (
                RoomSummary("!r1:a", "Général", last_message=last(1)),
                RoomSummary("!r2:a", "Équipe qualité", last_message=last(2)),
                RoomSummary("!r3:a", "Réseau revendeurs", last_message=last(3)),
                RoomSummary("!s:a", "Vélotech", is_space=True),
            )
        )
    )
    return model


def test_folding_ignores_accents_and_case():
    assert fold("Équipe QUALITÉ") == "equipe qualite"


def test_typing_narrows_arrows_move_and_enter_opens_the_room(qtbot):
    model = rooms()
    home = HomeView(model, MessageModel())
    qtbot.addWidget(home)
    switcher = RoomSwitcher(home.proxy)
    qtbot.addWidget(switcher)
    switcher.show()

    def shown():
        return [switcher.filter.index(r, 0).data() for r in range(switcher.filter.rowCount())]

    assert shown() == ["Réseau revendeurs", "Équipe qualité", "Général"]  # no spaces; recent first
    qtbot.keyClicks(switcher.query, "gen")
    assert shown() == ["Général"]
    switcher.query.clear()
    qtbot.keyClicks(switcher.query, "equ")
    assert shown() == ["Équipe qualité"]
    switcher.query.clear()
    qtbot.keyClicks(switcher.query, "e")
    assert len(shown()) == 3
    qtbot.keyClick(switcher.query, Qt.Key.Key_Down)  # from the first match to the second
    with qtbot.waitSignal(switcher.roomChosen) as chosen:
        qtbot.keyClick(switcher.query, Qt.Key.Key_Return)
    assert chosen.args == ["!r2:a"]

    home.select_room("!r1:a")
    assert home.room_list.currentIndex().data(RoomRole.Summary).room_id == "!r1:a"
