"""The sign-in screen checks what was typed before anything leaves the machine."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cercle.desktop.views.login import LoginView


def test_missing_fields_are_explained_and_nothing_is_sent(qtbot):
    view = LoginView()
    qtbot.addWidget(view)
    view.show()
    sent = []
    view.signInRequested.connect(lambda *args: sent.append(args))
    view.user.setText("camille")
    qtbot.mouseClick(view.submit, Qt.MouseButton.LeftButton)
    assert sent == []
    assert view.error.isVisible()
    assert "password" in view.error.text()
    assert view.submit.isEnabled()


def test_a_bare_host_gets_https_and_the_form_waits(qtbot):
    view = LoginView()
    qtbot.addWidget(view)
    view.homeserver.setText("matrix.example.com")
    view.user.setText("@camille:example.com")
    view.password.setText("secret")
    with qtbot.waitSignal(view.signInRequested) as signal:
        qtbot.keyClick(view.password, Qt.Key.Key_Return)
    assert signal.args == ["https://matrix.example.com", "@camille:example.com", "secret"]
    assert not view.submit.isEnabled()
