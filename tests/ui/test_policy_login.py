"""IT's managed policy on the sign-in screen: a locked server cannot be changed, a broken one
blocks sign-in with words, an unlocked default is only a suggestion."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from cercle.desktop.views.login import LoginView
from cercle.protocol.policy import load_policy


def policy_from(tmp_path, **settings):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"version": 1, **settings}), encoding="utf-8")
    return load_policy(path)


def view_with(qtbot, policy) -> LoginView:
    view = LoginView()
    qtbot.addWidget(view)
    view.show()
    view.apply_policy(policy)
    return view


def test_a_locked_server_cannot_be_changed(qtbot, tmp_path):
    policy = policy_from(
        tmp_path, default_homeserver="https://matrix.velotech.fr", locked=["default_homeserver"]
    )
    view = view_with(qtbot, policy)
    assert view.homeserver.text() == "https://matrix.velotech.fr"
    assert view.homeserver.isReadOnly()
    assert view.managed.isVisible()

    view.homeserver.setText("https://elsewhere.example")  # e.g. pasted programmatically
    view.user.setText("camille")
    view.password.setText("secret")
    with qtbot.waitSignal(view.signInRequested) as signal:
        qtbot.mouseClick(view.submit, Qt.MouseButton.LeftButton)
    assert signal.args[0] == "https://matrix.velotech.fr"


def test_an_unlocked_default_is_a_suggestion(qtbot, tmp_path):
    view = view_with(qtbot, policy_from(tmp_path, default_homeserver="https://matrix.velotech.fr"))
    assert view.homeserver.text() == "https://matrix.velotech.fr"
    assert not view.homeserver.isReadOnly()
    assert not view.managed.isVisible()


def test_a_locked_but_unusable_server_blocks_sign_in_with_words(qtbot, tmp_path):
    policy = policy_from(tmp_path, default_homeserver=42, locked=["default_homeserver"])
    assert policy.login_blocked
    view = view_with(qtbot, policy)
    assert not view.submit.isEnabled()
    assert view.error.isVisible()
    assert "IT" in view.error.text()
