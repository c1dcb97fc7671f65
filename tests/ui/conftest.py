"""UI fixtures: the qasync loop the app runs on, and a whole app wired to a protocol thread."""

from __future__ import annotations

import asyncio

import pytest


@pytest.fixture(scope="session")
def ui_loop(qapp):
    """The app's qasync loop; callbacks posted to it run whenever qtbot lets Qt spin."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()  # while the QApplication lives: closing later touches deleted Qt objects


@pytest.fixture
def key_options():
    """No keyring: profiles are passphrase-protected (fail-closed), with a cheap Argon2id."""
    from support import NO_KEYRING

    return NO_KEYRING


@pytest.fixture
def app_window(qtbot, ui_loop, tmp_path, key_options):
    """A MainWindow with its session controller, bridge and protocol thread, torn down after.
    Its profile lives in tmp_path; the test calls `window.session.start(...)`."""
    from cercle.desktop.bridge import Bridge
    from cercle.desktop.session import SessionController
    from cercle.desktop.views.main_window import MainWindow
    from cercle.protocol.profiles import ProfileLocation
    from cercle.protocol.runtime import ProtocolThread

    protocol = ProtocolThread()
    protocol.start()
    bridge = Bridge(protocol, ui_loop)
    session = SessionController(bridge, ProfileLocation(tmp_path, "profile"), key_options)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    yield window
    session.close()
    bridge.close()
    protocol.stop()
