"""The sign-in screen: user id (its server discovered), password or single sign-on, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.theme import style_error_label
from cercle.protocol.policy import Policy

if TYPE_CHECKING:
    from cercle.protocol.sso import LoginFlows

LOOKUP_DELAY_MS = 600  # typing pauses this long before the server is looked up


class LoginView(QWidget):
    """Emits what the user asks for; the caller (desktop/login_flow.py) reports back. Nothing
    typed is cleared by an error."""

    signInRequested = Signal(str, str, str)  # homeserver URL ("" = discover it), user, password
    lookupWanted = Signal(str)  # a user id to discover the server of, or a homeserver address
    ssoRequested = Signal(str)  # identity provider id ("" = the server's own choice)
    ssoCancelled = Signal()
    signInAgainRequested = Signal(str)  # password, after a soft logout (the user is fixed)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = QFrame(self)
        card.setObjectName("loginCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMinimumWidth(400)  # room for the fields and their hints, in French too
        card.setMaximumWidth(440)
        self.card = card

        self._busy = False
        self._policy = Policy()  # unmanaged until apply_policy()
        self._target: str | None = None  # what the last lookup asked about
        self._found: str | None = None  # its homeserver, once it answered
        self._flows: LoginFlows | None = None  # its sign-in methods (None: not known)
        self._lookup_error = False  # the error shown comes from a lookup (cleared by the next)
        self._homeserver_typed = False  # typed by hand: it wins over discovery
        self._want_homeserver = False  # "Use another homeserver" clicked
        self._expired: str | None = None  # a soft logout's user id: only the password is asked
        self._expired_text = ""
        self._waiting_sso = False

        self.title = title = QLabel(card)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        self.subtitle = subtitle = QLabel(card)
        subtitle.setWordWrap(True)

        self.homeserver = QLineEdit(card)
        self.homeserver.setPlaceholderText("https://matrix.example.com")
        self.user = QLineEdit(card)
        self.password = QLineEdit(card)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.found = QLabel(card)  # "Found matrix.example.com"
        self.found.setObjectName("serverFound")
        self.found.setWordWrap(True)
        self._show_found = False
        self.change_server = QPushButton(card)  # shows the homeserver field again
        self.change_server.setFlat(True)
        self.change_server.hide()
        self.change_server.setCursor(Qt.CursorShape.PointingHandCursor)
        self.managed = QLabel(card)
        self.managed.setObjectName("managedNote")
        self.managed.setWordWrap(True)
        self.managed.hide()
        self.error = QLabel(card)
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        style_error_label(self.error)
        self.error.hide()
        self.submit = QPushButton(card)
        self.submit.setDefault(True)

        # Single sign-on: one button per identity provider, and the wait for the browser.
        self.or_label = QLabel(card)
        self.or_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.or_label.hide()
        self.sso_box = QVBoxLayout()
        self.sso_box.setSpacing(6)
        self.sso_buttons: list[QPushButton] = []
        self.waiting = QFrame(card)
        self.waiting.setObjectName("ssoWaiting")
        self.waiting_label = QLabel(self.waiting)
        self.waiting_label.setWordWrap(True)
        self.cancel_sso = QPushButton(self.waiting)
        waiting_row = QHBoxLayout(self.waiting)
        waiting_row.setContentsMargins(0, 0, 0, 0)
        waiting_row.addWidget(self.waiting_label, 1)
        waiting_row.addWidget(self.cancel_sso)
        self.waiting.hide()

        self.labels = [QLabel(card) for _ in range(3)]
        self.form = form = QFormLayout()
        user_label, server_label, password_label = self.labels
        user_label.setBuddy(self.user)
        form.addRow(user_label, self.user)
        form.addRow("", self.found)
        server_label.setBuddy(self.homeserver)
        form.addRow(server_label, self.homeserver)
        password_label.setBuddy(self.password)
        form.addRow(password_label, self.password)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 28, 28, 28)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        inner.addLayout(form)
        inner.addWidget(self.managed)
        inner.addWidget(self.error)
        inner.addWidget(self.submit)
        inner.addWidget(self.or_label)
        inner.addLayout(self.sso_box)
        inner.addWidget(self.waiting)
        other = QHBoxLayout()
        other.addWidget(self.change_server)
        other.addStretch(1)
        inner.addLayout(other)
        # Centred by stretches rather than an alignment: an aligned item is given its size hint,
        # which ignores that the subtitle wraps (in French), and the fields got squeezed.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LOOKUP_DELAY_MS)
        self._timer.timeout.connect(self.look_up)
        self.user.textEdited.connect(lambda _: self._timer.start())
        self.homeserver.textEdited.connect(self._homeserver_edited)
        self.change_server.clicked.connect(self._show_homeserver)
        self.cancel_sso.clicked.connect(self._cancel_sso)
        self.submit.clicked.connect(self._submit)
        for field in (self.homeserver, self.password):
            field.returnPressed.connect(self._submit)
        self.user.returnPressed.connect(self._user_entered)
        self._layout_fields()
        self._style_link()
        self.retranslate()

    # -- texts -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every text of the screen, in the current language (again on LanguageChange)."""
        if self._expired:
            self.title.setText(self.tr("Your session expired"))
            self.subtitle.setText(self._expired_text)
        else:
            self.title.setText(self.tr("Welcome to Cercle"))
            self.subtitle.setText(self.tr("Your company's network, shared with its partners."))
        self.homeserver.setAccessibleName(self.tr("Homeserver address"))
        self.user.setPlaceholderText(self.tr("@name:example.com or name"))
        self.user.setAccessibleName(self.tr("User name"))
        self.password.setAccessibleName(self.tr("Password"))
        self.submit.setAccessibleName(self.tr("Sign in"))
        self._submit_text()
        for label, text in zip(
            self.labels, (self.tr("User"), self.tr("Homeserver"), self.tr("Password")), strict=True
        ):
            label.setText(text)
        self.change_server.setText(self.tr("Use another homeserver"))
        self.or_label.setText(self.tr("or"))
        self.waiting_label.setText(self.tr("Finish signing in in your browser…"))
        self.cancel_sso.setText(self.tr("Cancel"))
        self.cancel_sso.setAccessibleName(self.tr("Cancel single sign-on"))
        self._found_text()
        self._sso_texts()
        self.managed.setText(self.tr("The server is set by your organisation."))
        if self._policy.login_blocked:
            self.error.setText(
                self.tr(
                    "Your organisation's policy for Cercle names no usable server. Contact your IT "
                    "department."
                )
            )

    def _found_text(self) -> None:
        if self._found is not None:
            host = urlsplit(self._found).netloc or self._found
            self.found.setText(self.tr("Found {server}").format(server=host))
        elif self._target is not None and not self._lookup_error:
            self.found.setText(self.tr("Looking for your homeserver…"))

    def _sso_texts(self) -> None:
        providers = self._flows.providers if self._flows else ()
        for button, provider in zip(self.sso_buttons, providers or (None,), strict=False):
            text = (
                self.tr("Continue with {provider}").format(provider=provider.name)
                if provider is not None
                else self.tr("Continue with single sign-on")
            )
            button.setText(text)
            button.setAccessibleName(text)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.focusWidget() is None:  # first shown: typing goes to the user name
            (self.password if self._expired else self.user).setFocus()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            style_error_label(self.error)
            self._style_link()
        super().changeEvent(event)

    def _style_link(self) -> None:
        """The flat "another homeserver" button reads as a link, in this palette's colour."""
        palette = self.change_server.palette()
        link = self.palette().color(QPalette.ColorRole.Link)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):  # not Disabled
            palette.setColor(group, QPalette.ColorRole.ButtonText, link)
        self.change_server.setPalette(palette)

    # -- the policy --------------------------------------------------------------------------

    def apply_policy(self, policy: Policy) -> None:
        """IT's managed settings: a default server, maybe locked (then it cannot be changed)."""
        self._policy = policy
        if policy.default_homeserver:
            self.homeserver.setText(policy.default_homeserver)
        self.homeserver.setReadOnly(policy.homeserver_locked)
        self.managed.setVisible(policy.homeserver_locked)
        if policy.login_blocked:
            self.error.show()
        self.set_busy(False)
        self._layout_fields()
        self.retranslate()
        if policy.homeserver_locked and not policy.login_blocked:
            self.look_up()  # its sign-in methods: never a discovery elsewhere

    def _locked(self) -> str | None:
        if not self._policy.homeserver_locked:
            return None
        return self._policy.effective_homeserver(self.homeserver.text()) or None

    # -- the lookup --------------------------------------------------------------------------

    def _homeserver_edited(self, text: str) -> None:
        self._homeserver_typed = bool(text.strip())
        self._timer.start()

    def lookup_target(self) -> str | None:
        """What to look up for what is typed: a locked server, a server typed by hand, the user
        id's server, or a suggested (default) server."""
        if self._policy.login_blocked:
            return None
        locked = self._locked()
        if locked:
            return locked
        server = self.homeserver.text().strip()
        if self._homeserver_typed and server:
            return server
        user = self.user.text().strip()
        if user.startswith("@") and ":" in user:
            return user
        return server or None

    def look_up(self) -> None:
        """Asks for the lookup of what is typed now (the timer calls it when typing pauses)."""
        self._timer.stop()
        if self._expired:
            return
        target = self.lookup_target()
        if target == self._target:
            return
        self._target, self._found, self._flows = target, None, None
        if self._lookup_error:
            self._lookup_error = False
            self.error.hide()
        self._show_found = target is not None
        self._found_text()
        self._layout_fields()
        if target is not None:
            self.lookupWanted.emit(target)

    def show_server(self, target: str, base_url: str, flows: LoginFlows) -> bool:
        """The lookup of `target` answered; False when the user has typed something else since."""
        if target != self._target:
            return False
        self._found, self._flows = base_url, flows
        if not self._homeserver_typed and not self._locked():
            self.homeserver.setText(base_url)
        if self._lookup_error:
            self._lookup_error = False
            self.error.hide()
        self._show_found = True
        self._found_text()
        self._layout_fields()
        return True

    def show_lookup_failed(self, target: str, text: str) -> None:
        if target != self._target:
            return
        self._found, self._flows = None, None
        self._show_found = False
        self._want_homeserver = True  # the address is needed now
        self._layout_fields()
        if not self._busy:
            self._lookup_error = True
            self.error.setText(text)
            self.error.show()

    def _show_homeserver(self) -> None:
        self._want_homeserver = True
        self._layout_fields()
        self.homeserver.setFocus()

    def _layout_fields(self) -> None:
        """Which rows and buttons show, from what is known of the server."""
        flows, expired = self._flows, self._expired is not None
        user = self.user.text().strip()
        discovered = self._found is not None and not self._homeserver_typed
        server_row = not expired and (
            self._policy.homeserver_locked
            or self._want_homeserver
            or self._homeserver_typed
            or not discovered
            or (bool(user) and not user.startswith("@"))
        )
        self.form.setRowVisible(self.found, self._show_found and not expired)
        self.form.setRowVisible(self.homeserver, server_row)
        self.change_server.setVisible(not server_row and not expired)
        password = flows is None or flows.password or not flows.sso
        self.form.setRowVisible(self.password, password)
        self.submit.setVisible(password)
        self._set_sso_buttons(() if flows is None or not flows.sso else flows)
        self.or_label.setVisible(password and bool(self.sso_buttons))

    def _set_sso_buttons(self, flows) -> None:
        wanted = (flows.providers or (None,)) if flows else ()
        ids = [p.id if p is not None else "" for p in wanted]
        if [b.property("idp") for b in self.sso_buttons] == ids:
            return
        for button in self.sso_buttons:
            self.sso_box.removeWidget(button)
            button.deleteLater()
        self.sso_buttons = []
        for idp in ids:
            button = QPushButton(self.card)
            button.setProperty("idp", idp)
            button.clicked.connect(lambda _=False, idp=idp: self._start_sso(idp))
            self.sso_box.addWidget(button)
            self.sso_buttons.append(button)
        self._sso_texts()
        self._enable()

    # -- signing in --------------------------------------------------------------------------

    def _user_entered(self) -> None:
        """Enter in the user name: on to the password while it is empty, else sign in."""
        if not self.password.isHidden() and not self.password.text():
            self.look_up()
            self.password.setFocus()
        else:
            self._submit()

    def _submit(self) -> None:
        if self._policy.login_blocked or self._busy or self.submit.isHidden():
            return
        password = self.password.text()
        if self._expired:
            if not password:
                self.show_error(self.tr("Enter your password."))
                return
            self._start(lambda: self.signInAgainRequested.emit(password))
            return
        # A locked server wins over whatever the field holds (defence in depth: it is read-only).
        homeserver = (self._policy.effective_homeserver(self.homeserver.text()) or "").strip()
        user = self.user.text().strip()
        if not user or not password or (not homeserver and not user.startswith("@")):
            self.show_error(self.tr("Enter the homeserver address, your user name and password."))
            return
        if self._found and not self._locked() and self._target == self.lookup_target():
            homeserver = self._found  # "example.com" typed: the homeserver its discovery named
        elif homeserver and not homeserver.startswith(("http://", "https://")):
            homeserver = "https://" + homeserver
        self._start(lambda: self.signInRequested.emit(homeserver, user, password))

    def _start(self, emit) -> None:
        self.set_busy(True)
        self.error.hide()
        self._lookup_error = False
        emit()

    def _start_sso(self, idp: str) -> None:
        if self._busy:
            return
        self._waiting_sso = True
        self._start(lambda: self.ssoRequested.emit(idp))
        self.waiting.show()
        self.cancel_sso.setFocus()

    def _cancel_sso(self) -> None:
        self.set_busy(False)
        self.ssoCancelled.emit()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        if not busy:
            self._waiting_sso = False
            self.waiting.hide()
        self._enable()
        self._submit_text()

    def _submit_text(self) -> None:
        signing_in = self._busy and not self._waiting_sso
        self.submit.setText(self.tr("Signing in…") if signing_in else self.tr("Sign in"))

    def _enable(self) -> None:
        busy = self._busy
        for widget in (self.homeserver, self.user, self.password, self.submit, self.change_server):
            widget.setEnabled(not busy)
        for button in self.sso_buttons:
            button.setEnabled(not busy)
        if self._policy.login_blocked:
            self.submit.setEnabled(False)

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self._lookup_error = False
        self.error.setText(text)
        self.error.show()
        if not self.password.isHidden():
            self.password.setFocus()

    # -- soft logout -------------------------------------------------------------------------

    def show_expired(self, user_id: str, text: str) -> None:
        """The session expired (soft logout): the same user signs in again on this device."""
        self._expired, self._expired_text = user_id, text
        self._timer.stop()
        self._target = self._found = self._flows = None
        self._show_found = False
        self.user.setText(user_id)
        self.user.setReadOnly(True)
        self.user.setFrame(False)  # fixed: it reads as text
        self.password.clear()
        self.error.hide()
        self.set_busy(False)
        self._layout_fields()
        self.retranslate()
        self.password.setFocus()

    def is_expired(self) -> bool:
        return self._expired is not None

    def look_up_server(self, base_url: str) -> None:
        """Asks for the sign-in methods of a known server (the expired session's)."""
        self._target, self._found, self._flows = base_url, None, None
        self.lookupWanted.emit(base_url)

    def end_expired(self) -> None:
        """Signed in again (or another way): back to the ordinary screen."""
        if self._expired is None:
            return
        self._expired = None
        self.user.setReadOnly(False)
        self.user.setFrame(True)
        self._layout_fields()
        self.retranslate()
