"""The composer under the timeline: writes a message and asks for it to be sent."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget


class Composer(QWidget):
    sendRequested = Signal(str)  # the text, stripped and not empty

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QLineEdit(self)
        self.editor.setObjectName("composer")
        self.send_button = QPushButton(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.send_button)
        self.editor.returnPressed.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.set_enabled(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.editor.setAccessibleName(self.tr("Message"))
        self.editor.setPlaceholderText(self.tr("Write a message…"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_enabled(self, enabled: bool) -> None:
        self.editor.setEnabled(enabled)
        self.send_button.setEnabled(enabled)

    def text(self) -> str:
        return self.editor.text()

    def set_text(self, text: str) -> None:
        self.editor.setText(text)

    def focus(self) -> None:
        self.editor.setFocus()

    def send(self) -> None:
        text = self.editor.text().strip()
        if text and self.editor.isEnabled():
            self.sendRequested.emit(text)
            self.editor.clear()
