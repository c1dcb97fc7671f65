"""The main window: a stack of screens (starting, sign-in, home) and a status line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.attention import Attention
from cercle.desktop.composing import ComposerController
from cercle.desktop.dialogs.passphrase import PassphraseDialog
from cercle.desktop.dialogs.switcher import RoomSwitcher
from cercle.desktop.invitations import InvitationController
from cercle.desktop.login_flow import LoginFlow
from cercle.desktop.room_details import RoomDetailsController
from cercle.desktop.session import SessionController
from cercle.desktop.views.community import CommunityController
from cercle.desktop.views.home import HomeView
from cercle.desktop.views.login import LoginView
from cercle.desktop.views.timeline_actions import TimelineActions
from cercle.protocol.changes import SyncStateChanged

if TYPE_CHECKING:
    from cercle.desktop.tray import Tray


class StartingView(QWidget):
    """Shown while something long happens before sign-in (the demo network starting)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.bar = bar = QProgressBar(self)
        bar.setRange(0, 0)  # busy: the steps have no measurable size
        bar.setMaximumWidth(320)
        bar.setAccessibleName(self.tr("Progress"))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(bar, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.bar.setAccessibleName(self.tr("Progress"))
        super().changeEvent(event)


class MainWindow(QMainWindow):
    def __init__(
        self, session: SessionController, parent: QWidget | None = None, tray: Tray | None = None
    ) -> None:
        """`tray`: the one shared by several accounts' windows (desktop/accounts.py), if any."""
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Cercle")
        self.resize(1100, 720)
        self.starting = StartingView(self)
        self.login = LoginView(self)
        self.home = HomeView(session.rooms, session.messages, self)
        self.stack = QStackedWidget(self)
        for view in (self.starting, self.login, self.home):
            self.stack.addWidget(view)
        self.setCentralWidget(self.stack)
        self.show_progress(self.tr("Opening your data…"))

        session.needsSignIn.connect(self.show_login)
        session.passphraseNeeded.connect(self._ask_passphrase)
        session.profileFailed.connect(self._profile_failed)
        self.login.signInRequested.connect(session.sign_in)
        session.signInFailed.connect(self.login.show_error)
        # Discovery as the user types, single sign-on, signing in again after a soft logout.
        self.login_flow = LoginFlow(session, self.login, self)
        session.sessionExpired.connect(lambda *_: self.stack.setCurrentWidget(self.login))
        session.signedIn.connect(self._signed_in)
        session.operationFailed.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        session.bridge.syncStateChanged.connect(self._sync_state)
        session.rooms.rowsInserted.connect(lambda *_: self.home.select_first_room())
        self.home.roomSelected.connect(session.open_room)
        self.home.sendRequested.connect(self._send)
        self.home.retryRequested.connect(session.retry)
        self.home.discardRequested.connect(session.discard)
        self.home.reactionToggled.connect(session.toggle_reaction)
        # Replies, edits, mentions, uploads: the composer's work beyond a plain message.
        self.composing = ComposerController(session, self.home, self)
        # Media, receipts, typing, threads, and the undecryptable messages' actions.
        self.timeline_actions = TimelineActions(session, self.home, self)
        # The side panel (members, threads, files, pins), read off the UI thread.
        self.room_details = RoomDetailsController(session, self.home.side_panel)
        # Join or decline an invitation (a room, or a community) from its bar.
        self.invitations = InvitationController(session, self.home.invitation_bar)
        # The open room's community: header, composer gate (charter, read-only), its dialogs.
        self.community = CommunityController(session, self.home, self)
        switch = QShortcut(QKeySequence("Ctrl+K"), self)
        switch.activated.connect(self.open_switcher)
        # Verifications, identity warnings, notifications, the tray and the Security menu.
        self.attention = Attention(self, tray)
        self.menuBar().addMenu(self.attention.menu)

    def open_switcher(self) -> RoomSwitcher | None:
        """Ctrl+K: pick a room by name; returns the dialog (shown, not modal-blocking)."""
        if self.stack.currentWidget() is not self.home:
            return None
        switcher = RoomSwitcher(self.home.all_rooms, self)  # whatever the community shown
        switcher.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        switcher.roomChosen.connect(self.home.select_room)
        switcher.open()
        return switcher

    def show_progress(self, text: str) -> None:
        self.starting.label.setText(text)
        self.stack.setCurrentWidget(self.starting)

    def show_login(self, error: str = "") -> None:
        self.stack.setCurrentWidget(self.login)
        if error:
            self.login.show_error(error)

    def _ask_passphrase(self, creating: bool, error: str) -> None:
        dialog = PassphraseDialog(creating, error, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.show_progress(self.tr("Unlocking your data…"))
            self.session.start(dialog.value())
        else:  # fail closed: without the passphrase there is nothing Cercle may show or store
            self.close()

    def _profile_failed(self, text: str) -> None:
        QMessageBox.critical(self, self.tr("Cercle cannot open its data"), text)
        self.close()

    def _signed_in(self, user_id: str) -> None:
        self.home.set_account(user_id)
        self.stack.setCurrentWidget(self.home)
        self.login.set_busy(False)
        self.login.password.clear()

    def _send(self, room_id: str, text: str) -> None:
        def restore(_error: BaseException) -> None:
            # Not even queued (the disk refused it): give the text back, never lose it.
            if not self.home.composer.text():
                self.home.composer.set_text(text)

        self.session.send_text(room_id, text, on_failure=restore)

    def _sync_state(self, change: SyncStateChanged) -> None:
        if change.state == "retrying":
            self.statusBar().showMessage(
                self.tr("Connection problem, retrying in {s:.0f} s: {detail}").format(
                    s=change.retry_in_s, detail=change.detail
                )
            )
        else:
            self.statusBar().clearMessage()
