"""The sign-in screen's states for the screenshot tool: found with SSO, waiting, error, expired."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from cercle.desktop.tools import sample
from cercle.desktop.views.login import LoginView

SCREENS = ("login", "login-sso-waiting", "login-error", "login-expired")
SIZE = (900, 640)


def found() -> LoginView:
    """The user id typed, its homeserver found: a password, or one of two SSO providers."""
    view = LoginView()
    view.user.setText(sample.ME)
    view.look_up()
    view.show_server(sample.ME, sample.HOMESERVER, sample.login_flows())
    return view


def waiting() -> LoginView:
    """A provider's button clicked: the browser is open, Cancel gives up."""
    view = found()
    view.sso_buttons[0].click()
    return view


def error() -> LoginView:
    """A user id whose domain publishes no homeserver: said in words (the session's sentence),
    the address asked, nothing typed lost."""
    view = LoginView()
    user = "@camille.laurent:velotech-group.example"
    view.user.setText(user)
    view.password.setText("secret")
    view.look_up()
    words = QCoreApplication.translate(
        "SessionController",
        "Could not find the homeserver of this user name. Enter its address (ask your IT "
        "team), or check your connection.",
    )
    view.show_lookup_failed(user, words)
    return view


def expired() -> LoginView:
    """The session expired (soft logout): the same user, only the password asked."""
    view = LoginView()
    words = QCoreApplication.translate(
        "SessionController",
        "Sign in again to continue. Your messages stay on this computer.",
    )
    view.show_expired(sample.ME, words)
    return view


def shots() -> list[tuple[QWidget, str, int, int | None]]:
    makers = (found, waiting, error, expired)
    return [(make(), name, *SIZE) for make, name in zip(makers, SCREENS, strict=True)]
