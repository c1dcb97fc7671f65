"""The sign-in screen: homeserver, user, password, and errors in words."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QFont
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


class LoginView(QWidget):
    """Emits signInRequested with what the user typed; the caller reports back."""

    signInRequested = Signal(str, str, str)  # homeserver URL, user, password

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = QFrame(self)
        card.setObjectName("loginCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMinimumWidth(400)  # room for the fields and their hints, in French too
        card.setMaximumWidth(440)

        self._busy = False
        self._policy = Policy()  # unmanaged until apply_policy()
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

        self.labels = [QLabel(card) for _ in range(3)]
        form = QFormLayout()
        for label, field in zip(
            self.labels, (self.homeserver, self.user, self.password), strict=True
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 28, 28, 28)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        inner.addLayout(form)
        inner.addWidget(self.managed)
        inner.addWidget(self.error)
        inner.addWidget(self.submit)
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

        self.submit.clicked.connect(self._submit)
        for field in (self.homeserver, self.user, self.password):
            field.returnPressed.connect(self._submit)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text of the screen, in the current language (again on LanguageChange)."""
        self.title.setText(self.tr("Welcome to Cercle"))
        self.subtitle.setText(self.tr("Your company's network, shared with its partners."))
        self.homeserver.setAccessibleName(self.tr("Homeserver address"))
        self.user.setPlaceholderText(self.tr("@name:example.com or name"))
        self.user.setAccessibleName(self.tr("User name"))
        self.password.setAccessibleName(self.tr("Password"))
        self.submit.setAccessibleName(self.tr("Sign in"))
        self.submit.setText(self.tr("Signing in…") if self._busy else self.tr("Sign in"))
        for label, text in zip(
            self.labels, (self.tr("Homeserver"), self.tr("User"), self.tr("Password")), strict=True
        ):
            label.setText(text)
        self.managed.setText(self.tr("The server is set by your organisation."))
        if self._policy.login_blocked:
            self.error.setText(
                self.tr(
                    "Your organisation's policy for Cercle names no usable server. Contact your IT "
                    "department."
                )
            )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            style_error_label(self.error)
        super().changeEvent(event)

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
        self.retranslate()

    def _submit(self) -> None:
        if self._policy.login_blocked:
            return
        # A locked server wins over whatever the field holds (defence in depth: it is read-only).
        homeserver = (self._policy.effective_homeserver(self.homeserver.text()) or "").strip()
        user = self.user.text().strip()
        password = self.password.text()
        if not homeserver or not user or not password:
            self.show_error(self.tr("Enter the homeserver address, your user name and password."))
            return
        if not homeserver.startswith(("http://", "https://")):
            homeserver = "https://" + homeserver
        self.set_busy(True)
        self.error.hide()
        self.signInRequested.emit(homeserver, user, password)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.homeserver, self.user, self.password, self.submit):
            widget.setEnabled(not busy)
        if self._policy.login_blocked:
            self.submit.setEnabled(False)
        self.submit.setText(self.tr("Signing in…") if busy else self.tr("Sign in"))

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.show()
        self.password.setFocus()
