"""The frame the community dialogs share: an error line, their buttons, busy and error states."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QStringListModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from cercle.desktop.theme import style_error_label


def wrapped_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    return label


def button_row(buttons: list[QPushButton]) -> QHBoxLayout:
    """Buttons side by side on the right, as a dialog's own row of actions."""
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


def show_lines(model: QStringListModel, lines: list[str]) -> None:
    """Puts `lines` in `model` without a reset: rows added or removed at the end, changed rows
    edited in place, so that the view keeps its current row and scroll position."""
    count = model.rowCount()
    if len(lines) < count:
        model.removeRows(len(lines), count - len(lines))
    elif len(lines) > count:
        model.insertRows(count, len(lines) - count)
    for row, line in enumerate(lines):
        index = model.index(row)
        if index.data() != line:
            model.setData(index, line)


class ActionDialog(QDialog):
    """A dialog whose work the caller runs off the UI thread: `set_busy()` greys its action
    buttons while it runs, `show_error(text)` says what failed and gives them back. Subclasses
    write their texts in `retranslate()`, called again on a language switch; they may set
    `status` to the label that tells progress (cleared by an error)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = wrapped_label(self)
        self.error.hide()
        style_error_label(self.error)
        self.status: QLabel | None = None
        self.action_buttons: list[QPushButton] = []

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Sets every text; the subclasses' own."""

    def button_box(
        self, standard: QDialogButtonBox.StandardButton, *actions: QPushButton
    ) -> tuple[QDialogButtonBox, QPushButton]:
        """The standard button (it rejects) after the dialog's action buttons; returns the box
        and the standard button, whose text `retranslate()` sets."""
        box = QDialogButtonBox(standard, self)
        for button in actions:
            box.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            self.action_buttons.append(button)
        box.rejected.connect(self.reject)
        return box, box.button(standard)

    def set_busy(self, text: str = "") -> None:
        self.error.hide()
        for button in self.action_buttons:
            button.setEnabled(False)
        if text and self.status is not None:
            self.status.setText(text)

    def show_error(self, text: str) -> None:
        for button in self.action_buttons:
            button.setEnabled(True)
        if self.status is not None:
            self.status.clear()
        self.error.setText(text)
        self.error.show()
