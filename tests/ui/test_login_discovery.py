"""The sign-in screen's decisions about lookups and sign-in methods (no server: answers given)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from cercle.desktop.views.login import LoginView
from cercle.protocol.policy import load_policy
from cercle.protocol.sso import IdentityProvider, LoginFlows


def make_view(qtbot) -> LoginView:
    view = LoginView()
    qtbot.addWidget(view)
    view.show()
    return view


def lookups(view: LoginView) -> list[str]:
    asked: list[str] = []
    view.lookupWanted.connect(asked.append)
    return asked


def test_a_locked_server_is_the_only_one_looked_up(qtbot, tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "default_homeserver": "https://matrix.velotech.fr",
                "locked": ["default_homeserver"],
            }
        ),
        encoding="utf-8",
    )
    view = make_view(qtbot)
    asked = lookups(view)
    view.apply_policy(load_policy(path))
    assert asked == ["https://matrix.velotech.fr"]
    qtbot.keyClicks(view.user, "@camille:elsewhere.example")
    view.look_up()  # what the timer does when typing pauses
    assert asked == ["https://matrix.velotech.fr"]  # never a discovery elsewhere
    assert view.show_server("https://matrix.velotech.fr", "https://matrix.velotech.fr", FLOWS)
    assert view.homeserver.isVisible()  # managed: shown, read-only
    assert view.homeserver.text() == "https://matrix.velotech.fr"


FLOWS = LoginFlows(password=True, sso=True, token=True, providers=())


def test_a_stale_answer_is_dropped_and_typing_asks_again(qtbot):
    view = make_view(qtbot)
    asked = lookups(view)
    qtbot.keyClicks(view.user, "@camille:old.example")
    view.look_up()
    view.user.setText("@camille:new.example")
    view.look_up()
    assert asked == ["@camille:old.example", "@camille:new.example"]
    assert not view.show_server("@camille:old.example", "https://old.example", FLOWS)
    assert view.homeserver.text() == ""
    assert view.found.text() == "Looking for your homeserver…"
    assert view.show_server("@camille:new.example", "https://matrix.new.example", FLOWS)
    assert view.homeserver.text() == "https://matrix.new.example"
    assert view.found.text() == "Found matrix.new.example"
    view.look_up()  # nothing changed: not asked again
    assert len(asked) == 2


def test_a_server_typed_by_hand_wins_over_discovery(qtbot):
    view = make_view(qtbot)
    asked = lookups(view)
    qtbot.keyClicks(view.homeserver, "matrix.example.org")
    qtbot.keyClicks(view.user, "@camille:example.com")
    view.look_up()
    assert asked == ["matrix.example.org"]


def test_single_sign_on_only_hides_the_password(qtbot):
    view = make_view(qtbot)
    sent = []
    view.signInRequested.connect(lambda *args: sent.append(args))
    view.user.setText("@camille:example.com")
    view.look_up()
    view.show_server("@camille:example.com", "https://m.example.com", LoginFlows(sso=True))
    assert not view.password.isVisible()
    assert not view.submit.isVisible()
    assert not view.or_label.isVisible()
    assert [b.text() for b in view.sso_buttons] == ["Continue with single sign-on"]
    qtbot.keyClick(view.user, Qt.Key.Key_Return)
    assert sent == []  # no password to send


def test_sso_waits_for_the_browser_and_can_be_cancelled(qtbot):
    view = make_view(qtbot)
    view.user.setText("@camille:example.com")
    view.look_up()
    providers = (IdentityProvider("oidc-a", "Entra ID"), IdentityProvider("oidc-b", "Okta"))
    flows = LoginFlows(password=True, sso=True, token=True, providers=providers)
    view.show_server("@camille:example.com", "https://m.example.com", flows)
    assert [b.text() for b in view.sso_buttons] == ["Continue with Entra ID", "Continue with Okta"]
    with qtbot.waitSignal(view.ssoRequested) as requested:
        qtbot.mouseClick(view.sso_buttons[1], Qt.MouseButton.LeftButton)
    assert requested.args == ["oidc-b"]
    assert view.waiting.isVisible()
    assert view.submit.text() == "Sign in"  # not "Signing in…": the browser is where it happens
    assert not view.user.isEnabled()
    with qtbot.waitSignal(view.ssoCancelled):
        qtbot.mouseClick(view.cancel_sso, Qt.MouseButton.LeftButton)
    assert not view.waiting.isVisible()
    assert view.user.isEnabled()
    assert view.sso_buttons[0].isEnabled()
    assert view.user.text() == "@camille:example.com"


def test_a_failed_lookup_asks_for_the_server_and_keeps_what_was_typed(qtbot):
    view = make_view(qtbot)
    view.user.setText("@camille:example.com")
    view.password.setText("secret")
    view.look_up()
    view.show_lookup_failed("@camille:example.com", "Could not find the homeserver.")
    assert view.error.text() == "Could not find the homeserver."
    assert view.homeserver.isVisible()
    assert (view.user.text(), view.password.text()) == ("@camille:example.com", "secret")
    view.show_server("@camille:example.com", "https://m.example.com", FLOWS)  # too late
    assert not view.error.isVisible()  # a lookup's error goes with the next answer


def test_typing_starts_in_the_user_name_and_enter_goes_on_to_the_password(qtbot):
    view = make_view(qtbot)
    asked = lookups(view)
    assert view.focusWidget() is view.user
    view.user.setText("@camille:example.com")
    qtbot.keyClick(view.user, Qt.Key.Key_Return)
    assert view.focusWidget() is view.password
    assert asked == ["@camille:example.com"]  # looked up at once, not after the pause
    assert not view.error.isVisible()


def test_a_domain_typed_as_the_server_signs_in_at_the_homeserver_it_names(qtbot):
    view = make_view(qtbot)
    qtbot.keyClicks(view.homeserver, "velotech.example")
    view.user.setText("camille")
    view.look_up()
    view.show_server("velotech.example", "https://matrix.velotech.example", FLOWS)
    assert view.homeserver.text() == "velotech.example"  # typed by hand: left as typed
    view.password.setText("secret")
    with qtbot.waitSignal(view.signInRequested) as signal:
        qtbot.keyClick(view.password, Qt.Key.Key_Return)
    assert signal.args == ["https://matrix.velotech.example", "camille", "secret"]
