"""The room list marks muted and mentions-only rooms with a bell (offscreen), fed by the
notification modes attention.py reads from the push rules."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QImage
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from cercle.desktop.delegates import rooms as rooms_delegate
from cercle.desktop.delegates.rooms import RoomDelegate
from cercle.desktop.models.rooms import RoomListModel
from cercle.desktop.tools import sample
from cercle.protocol.notifications import RoomModes


def _list(qtbot) -> QListView:
    model = RoomListModel()
    model.apply(sample.rooms())
    view = QListView()
    qtbot.addWidget(view)
    model.setParent(view)
    view.setModel(model)
    view.setItemDelegate(RoomDelegate(view))
    view.resize(360, 700)
    return view


def _row_image(view: QListView, row: int) -> QImage:
    return view.grab(view.visualRect(view.model().index(row, 0))).toImage()


def test_a_bell_is_drawn_on_quiet_rooms_only(qtbot, monkeypatch):
    view = _list(qtbot)
    delegate = view.itemDelegate()
    assert isinstance(delegate, RoomDelegate)
    model = view.model()
    rows = [r for r in range(model.rowCount()) if not model.row_summary(r).is_space]
    muted, mentions, plain = rows[:3]
    before = {r: _row_image(view, r) for r in (muted, mentions, plain)}

    delegate.quiet = {
        model.row_summary(muted).room_id: "mute",
        model.row_summary(mentions).room_id: "mentions",
    }
    after = {r: _row_image(view, r) for r in (muted, mentions, plain)}
    assert after[muted] != before[muted]
    assert after[mentions] != before[mentions]
    assert after[plain] == before[plain]  # an ordinary room is untouched

    # A tooltip says it in words (the bell alone would be a riddle); none on a plain room.
    def tooltip(row: int) -> bool:
        index = model.index(row, 0)
        event = QHelpEvent(QEvent.Type.ToolTip, view.visualRect(index).center(), QPoint(0, 0))
        shown: list[str] = []
        fake = SimpleNamespace(showText=lambda _pos, text, *_a: shown.append(text))
        monkeypatch.setattr(rooms_delegate, "QToolTip", fake)  # offscreen cannot raise one
        delegate.helpEvent(event, view, QStyleOptionViewItem(), index)
        return shown

    assert tooltip(muted) == ["Muted"]
    assert tooltip(mentions) == ["Mentions only"]
    assert delegate.quiet.get(model.row_summary(plain).room_id) is None


def test_attention_passes_the_push_rule_modes_to_the_room_list(qtbot, app_window):
    delegate = app_window.home.room_list.itemDelegate()
    assert isinstance(delegate, RoomDelegate)
    assert delegate.quiet == {}
    app_window.attention.notifier._set_modes(
        RoomModes(muted=frozenset({"!a:x"}), mentions_only=frozenset({"!b:x", "!a:x"}))
    )
    assert delegate.quiet == {"!a:x": "mute", "!b:x": "mentions"}  # mute wins
    assert app_window.session.rooms.quiet == delegate.quiet
    app_window.attention.notifier._set_modes(RoomModes())
    assert delegate.quiet == {}


def test_the_room_model_says_muted_to_screen_readers(qtbot, qtmodeltester):
    model = RoomListModel()
    model.apply(sample.rooms())
    qtmodeltester.check(model)
    rows = [r for r in range(model.rowCount()) if not model.row_summary(r).is_space]
    muted, mentions = model.row_summary(rows[0]).room_id, model.row_summary(rows[1]).room_id

    def text(row: int) -> str:
        return model.index(row, 0).data(Qt.ItemDataRole.AccessibleTextRole)

    assert "muted" not in text(rows[0])
    with qtbot.waitSignals([model.dataChanged, model.dataChanged], timeout=1_000):
        model.set_quiet({muted: "mute", mentions: "mentions"})
    assert ", muted" in text(rows[0])
    assert ", mentions only" in text(rows[1])
    assert "muted" not in text(rows[2])
    with qtbot.assertNotEmitted(model.dataChanged):
        model.set_quiet({muted: "mute", mentions: "mentions"})  # nothing changed: no signal
    model.set_quiet({})
    assert "muted" not in text(rows[0])
    qtmodeltester.check(model)
