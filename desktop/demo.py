"""Runs the app on the local demo network: start it off the UI thread, then sign in as Camille."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, QTimer, Signal

from cercle.desktop.session import SessionController
from cercle.desktop.views.main_window import MainWindow
from cercle.protocol.seed import Demo, liven, open_demo

if TYPE_CHECKING:
    from cercle.desktop.accounts import AccountPane, Accounts

log = logging.getLogger(__name__)
PARTNER = "elodie"  # the demo's second identity, on the partner's server, beside Camille's

LIVE_AFTER_MS = 2500  # long enough for a newcomer to see the messages arrive

# open_demo (protocol, Qt-free) reports its steps in English; marked here so that lupdate
# extracts them under this class's context, where `self.tr(text)` finds them at run time.
PROGRESS_STEPS = (
    QT_TRANSLATE_NOOP("DemoLauncher", "Starting the demo network…"),
    QT_TRANSLATE_NOOP("DemoLauncher", "Resetting the demo network…"),
    QT_TRANSLATE_NOOP("DemoLauncher", "Starting the company and partner homeservers…"),
    QT_TRANSLATE_NOOP("DemoLauncher", "Seeding the demo communities…"),
)


class DemoLauncher(QObject):
    # A step reported from open_demo's worker thread: emitted there, delivered (queued) on the
    # UI thread, where it is translated and shown. Qt is never touched from the worker.
    _progressed = Signal(str)

    def __init__(
        self,
        window: MainWindow,
        session: SessionController,
        *,
        reset: bool,
        accounts: Accounts | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.reset = reset
        self.accounts = accounts  # given: Élodie (partner) is signed in as a second account
        self.demo: Demo | None = None
        self._progressed.connect(self._show_step, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        self._progressed.emit(str(PROGRESS_STEPS[0]))
        self.session.bridge.run(
            asyncio.to_thread(open_demo, reset=self.reset, progress=self._progressed.emit),
            on_success=self._ready,
            on_failure=self._failed,
        )

    def _show_step(self, text: str) -> None:
        self.window.show_progress(self.tr(text))

    def _ready(self, demo: Demo) -> None:
        self.demo = demo
        self.session.signedIn.connect(self._signed_in)
        self.session.needsSignIn.connect(self._sign_in)
        if self.accounts is None:
            self.session.start()  # the demo's profile: resumes Camille's session after a first run
            return
        for pane in self.accounts.panes[1:]:  # the partner's account, once added: resumed too
            self._partner_pane(pane)
        self.accounts.start()  # one after the other

    def _sign_in(self) -> None:
        demo = self.demo
        if demo is None:
            return
        self.window.show_progress(self.tr("Signing in as Camille Laurent…"))
        self.window.login.homeserver.setText(demo.homeserver)
        self.window.login.user.setText(demo.user_id)
        self.session.sign_in(demo.homeserver, demo.user_id, demo.password)

    def _signed_in(self, _user_id: str) -> None:
        QTimer.singleShot(LIVE_AFTER_MS, self._liven)
        if self.accounts is not None and len(self.accounts.panes) == 1:
            pane = self.accounts.add()  # side by side, Camille's account stays shown
            if pane is not None:
                self._partner_pane(pane)

    def _partner_pane(self, pane: AccountPane) -> None:
        """Signs the partner in on `pane` whenever its profile holds no session."""
        pane.session.needsSignIn.connect(lambda: self._sign_in_partner(pane))

    def _sign_in_partner(self, pane: AccountPane) -> None:
        if self.demo is None:
            return
        partner = self.demo.manifest["people"][PARTNER]
        homeserver = self.demo.network["partner"].client_url
        pane.window.show_progress(self.tr("Signing in as Élodie Martin…"))
        pane.window.login.homeserver.setText(homeserver)
        pane.window.login.user.setText(partner["user_id"])
        pane.session.sign_in(homeserver, partner["user_id"], partner["password"])

    def _liven(self) -> None:
        if self.demo is not None:
            self.session.bridge.run(liven(self.demo), on_failure=self._live_failed)

    def _live_failed(self, error: BaseException) -> None:
        log.warning("demo: live messages failed", exc_info=error)

    def _failed(self, error: BaseException) -> None:
        log.error("demo network failed to start", exc_info=error)
        self.window.show_login(
            self.tr("The demo network could not start: {error}").format(error=error)
        )

    def stop(self) -> None:
        if self.demo is not None:
            self.demo.network.stop()
            self.demo = None
