"""The timeline's actions on files and images: saved only where the user chose, then Open."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel
from cercle.desktop.tools import sample
from cercle.desktop.tools.screenshots import sample_photo
from cercle.desktop.views.home import HomeView
from cercle.desktop.views.timeline_actions import ImageViewer, TimelineActions


class FakeBridge(QObject):
    typingChanged = Signal(object)
    timelineAppended = Signal(object)
    timelineReplaced = Signal(object)
    outboxChanged = Signal(object)

    def run(self, coro, on_success=None, on_failure=None):
        try:
            result = asyncio.run(coro)
        except Exception as e:  # handed over, as the bridge does
            if on_failure:
                on_failure(e)
            return
        if on_success:
            on_success(result)


class FakeAccount:
    def __init__(self) -> None:
        self.downloads: list[str] = []

    async def download(self, attachment) -> bytes:
        self.downloads.append(attachment.filename)
        return sample_photo() if attachment.kind == "image" else b"%PDF-1.7 plan"


class FakeSession(QObject):
    roomOpened = Signal(str, object)
    operationFailed = Signal(str)

    def __init__(self, messages: MessageModel) -> None:
        super().__init__()
        self.bridge = FakeBridge()
        self.account = FakeAccount()
        self.messages = messages

    def explain(self, error: BaseException) -> str:
        return str(error)


@pytest.fixture
def actions(qtbot):
    rooms, messages = RoomListModel(), MessageModel()
    window = QWidget()
    qtbot.addWidget(window)
    home = HomeView(rooms, messages, window)
    rows, _receipts, _thread = sample.busy_timeline()
    messages.show_room(sample.PARTNERS, rows)
    session = FakeSession(messages)
    return TimelineActions(session, home, window), home, session


def message(home: HomeView, event_id: str):
    return home.messages.message(home.messages.row_of_event(event_id))


def test_a_file_is_written_only_where_the_user_chose(actions, tmp_path, monkeypatch):
    timeline_actions, home, _session = actions
    target = tmp_path / "chosen" / "plan.pdf"
    target.parent.mkdir()
    asked = []

    def choose(parent, caption, suggested):
        asked.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    timeline_actions.save_file(home.timeline, message(home, "$m203"))
    assert asked[0].endswith("plan-stand-salon-lyon.pdf")
    assert target.read_bytes() == b"%PDF-1.7 plan"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["plan.pdf"]
    assert home.timeline.delegate.saved["$m203"] == str(target)  # "Open" shows next to it


def test_a_cancelled_save_downloads_nothing(actions, monkeypatch):
    timeline_actions, home, session = actions
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    timeline_actions.save_file(home.timeline, message(home, "$m203"))
    assert session.account.downloads == []


def test_an_image_opens_full_size(actions, qtbot):
    timeline_actions, home, session = actions
    timeline_actions.show_image(message(home, "$m201"))
    viewers = timeline_actions.window.findChildren(ImageViewer)
    assert len(viewers) == 1
    assert viewers[0].label.pixmap().width() == 480  # the image itself, not the thumbnail
    assert session.account.downloads == ["stand-lyon.jpg"]
    viewers[0].close()
