"""Small dialogs of the security settings: the account password, the new recovery key, restoring."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet("color: #c92a2a;")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


class SecretPrompt(QDialog):
    """Asks for one secret (the account password, a recovery key); `submitted` carries it and
    the dialog stays open, busy, until the caller says `done()` or `show_error(text)`."""

    submitted = Signal(str)

    def __init__(
        self, title: str, explanation: str, label: str, *, secret: bool, parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.explanation = QLabel(explanation, self)
        self.explanation.setWordWrap(True)
        self.field = QLineEdit(self)
        self.field.setAccessibleName(label)
        self.field.setPlaceholderText(label)
        if secret:
            self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _submit(self) -> None:
        value = self.field.text()
        if self.field.echoMode() == QLineEdit.EchoMode.Normal:
            value = value.strip()  # a pasted key; a password is taken as typed
        if not value:
            self.show_error(self.tr("Nothing was entered."))
            return
        self.set_busy(True)
        self.submitted.emit(value)

    def set_busy(self, busy: bool) -> None:
        self.field.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not busy)

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.show()
        self.field.selectAll()
        self.field.setFocus()

    def done_ok(self) -> None:
        self.set_busy(False)
        self.accept()


class RecoveryKeyDialog(QDialog):
    """Shows a new recovery key once, with a copy button; it is not kept anywhere."""

    def __init__(self, recovery_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(520)
        self.title = QLabel(self)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.key = QPlainTextEdit(recovery_key, self)
        self.key.setReadOnly(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.15)
        self.key.setFont(mono)
        self.key.setFixedHeight(self.key.fontMetrics().lineSpacing() * 3 + 16)
        self.copy_button = QPushButton(self)
        self.copy_button.clicked.connect(self.copy)
        self.done_button = QPushButton(self)
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.accept)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.done_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.key)
        layout.addWidget(buttons)
        self.retranslate()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key.toPlainText())
        self.copy_button.setText(self.tr("Copied"))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Your recovery key"))
        self.title.setText(self.tr("Save your recovery key"))
        self.text.setText(
            self.tr(
                "With it you can read your encrypted messages on a new device, or after losing "
                "this one. Keep it in a password manager or print it. Cercle shows it only "
                "this once."
            )
        )
        self.key.setAccessibleName(self.tr("Recovery key"))
        self.copy_button.setText(self.tr("Copy"))
        self.done_button.setText(self.tr("I saved it"))
