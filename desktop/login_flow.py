"""The sign-in screen's lookups: the homeserver and its sign-in methods, off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from cercle.desktop.session import SessionController
from cercle.desktop.views.login import LoginView

if TYPE_CHECKING:
    from cercle.protocol.session import ServerInfo
    from cercle.protocol.sso import LoginFlows


class LoginFlow(QObject):
    """Connects a LoginView to the session: discovery as the user types, the server's sign-in
    methods, single sign-on in the system browser (cancellable), and signing in again after a
    soft logout."""

    _browserWanted = Signal(str)  # emitted on the protocol thread, delivered on the UI thread

    def __init__(
        self, session: SessionController, view: LoginView, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.view = view
        self.server: ServerInfo | None = None  # the last lookup's answer
        # Called on the protocol thread with the SSO page's address (tests use a fake browser).
        self.open_browser: Callable[[str], Any] = self._browserWanted.emit
        self._browserWanted.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        view.lookupWanted.connect(self.look_up)
        view.ssoRequested.connect(self.sign_in_sso)
        view.ssoCancelled.connect(session.cancel_sso)
        view.signInAgainRequested.connect(session.sign_in_again)
        session.sessionExpired.connect(view.show_expired)
        session.sessionExpired.connect(self._expired)
        session.signedIn.connect(lambda _user_id: view.end_expired())

    def look_up(self, target: str) -> None:
        """`target`: a user id to discover the homeserver from, or a homeserver address."""
        self.session.bridge.run(
            _look_up(target),
            on_success=lambda found: self._found(target, *found),
            on_failure=lambda e: self.view.show_lookup_failed(
                target, self.session.explain(e, _server_of(target))
            ),
        )

    def _found(self, target: str, server: ServerInfo, flows: LoginFlows) -> None:
        if self.view.show_server(target, server.base_url, flows):
            self.server = server

    def _expired(self, *_args) -> None:
        """Its server's sign-in methods again: an SSO-only server gets its buttons back."""
        account = self.session.account
        if account is not None:
            self.view.look_up_server(account.client.nio.homeserver)

    def sign_in_sso(self, idp_id: str) -> None:
        if self.server is None:  # the button only shows once a lookup answered
            return
        if self.view.is_expired():  # the same user, on the same device
            self.session.sign_in_again_sso(self.server, idp_id or None, self.open_browser)
        else:
            self.session.sign_in_sso(self.server, idp_id or None, self.open_browser)


def _server_of(target: str) -> str:
    return target.partition(":")[2] if target.startswith("@") else target


async def _look_up(target: str) -> tuple[ServerInfo, LoginFlows]:
    from cercle.protocol.session import discover
    from cercle.protocol.sso import login_flows

    server = await discover(target)
    return server, await login_flows(server)
