"""The sign-in screen: homeserver, user, password, and errors in words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class LoginView(QWidget):
    """Emits signInRequested with what the user typed; the caller reports back."""

    signInRequested = Signal(str, str, str)  # homeserver URL, user, password

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = QFrame(self)
        card.setObjectName("loginCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(420)

        title = QLabel(self.tr("Welcome to Cercle"), card)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(self.tr("Your company's network, shared with its partners."), card)
        subtitle.setWordWrap(True)

        self.homeserver = QLineEdit(card)
        self.homeserver.setPlaceholderText("https://matrix.example.com")
        self.homeserver.setAccessibleName(self.tr("Homeserver address"))
        self.user = QLineEdit(card)
        self.user.setPlaceholderText(self.tr("@name:example.com or name"))
        self.user.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit(card)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.error = QLabel(card)
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.hide()
        self.submit = QPushButton(self.tr("Sign in"), card)
        self.submit.setDefault(True)
        self.submit.setAccessibleName(self.tr("Sign in"))

        form = QFormLayout()
        form.addRow(self.tr("Homeserver"), self.homeserver)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("Password"), self.password)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 28, 28, 28)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.submit)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.submit.clicked.connect(self._submit)
        for field in (self.homeserver, self.user, self.password):
            field.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        homeserver = self.homeserver.text().strip()
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
        for widget in (self.homeserver, self.user, self.password, self.submit):
            widget.setEnabled(not busy)
        self.submit.setText(self.tr("Signing in…") if busy else self.tr("Sign in"))

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.show()
        self.password.setFocus()
