"""Asks for the passphrase that protects a profile when no secure keyring holds its key."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.theme import style_error_label

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    """`creating`: choose and confirm a new passphrase; otherwise enter the existing one."""

    def __init__(self, creating: bool, error: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.creating = creating
        self.setWindowTitle(self.tr("Protect your Cercle data"))
        if creating:
            text = self.tr(
                "This computer has no secure keyring to hold the key of Cercle's local data. "
                "Choose a passphrase: you will enter it each time Cercle starts. Without it, "
                "the data stored on this computer cannot be read."
            )
        else:
            text = self.tr("Enter the passphrase that protects Cercle's data on this computer.")
        explanation = QLabel(text, self)
        explanation.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.confirm = QLineEdit(self)
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName(self.tr("Passphrase again"))
        self.error = QLabel(error, self)
        self.error.setWordWrap(True)
        style_error_label(self.error)
        self.error.setVisible(bool(error))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        form = QFormLayout()
        form.addRow(self.tr("Passphrase"), self.passphrase)
        if creating:
            form.addRow(self.tr("Again"), self.confirm)
        else:
            self.confirm.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(440)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            style_error_label(self.error)  # the red that reads on the new background
        super().changeEvent(event)

    def _accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()

    def problem(self) -> str:
        value = self.passphrase.text()
        if not value:
            return self.tr("Enter a passphrase.")
        if self.creating and len(value) < MIN_LENGTH:
            return self.tr("Use at least {n} characters.").format(n=MIN_LENGTH)
        if self.creating and value != self.confirm.text():
            return self.tr("The two passphrases differ.")
        return ""

    def value(self) -> str:
        return self.passphrase.text()
