"""The composer under the timeline: writes a message and asks for it to be sent."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

MAX_LINES = 8


class MessageEdit(QPlainTextEdit):
    """A plain-text editor that grows with its text up to MAX_LINES lines; Enter submits."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        if enter:  # Shift+Enter: a new line, not a paragraph separator
            self.insertPlainText("\n")
            return
        super().keyPressEvent(event)

    def _lines_height(self, lines: int) -> int:
        metrics = QFontMetrics(self.font())
        margins = self.contentsMargins()
        frame = int(self.document().documentMargin() * 2) + margins.top() + margins.bottom()
        return metrics.lineSpacing() * lines + frame

    def _fit(self, *_args) -> None:
        lines = max(1, int(self.document().size().height()))  # in lines for a plain text layout
        self.setFixedHeight(self._lines_height(min(lines, MAX_LINES)))
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded
        if lines <= MAX_LINES:
            policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        self.setVerticalScrollBarPolicy(policy)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.height())


class BlockedPanel(QWidget):
    """Shown instead of the editor while the user may not post (e.g. the charter to accept)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reason = QLabel(self)
        self.reason.setObjectName("composerBlockedReason")
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.action = QPushButton(self)
        self.action.setObjectName("composerBlockedAction")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.action)


class Composer(QWidget):
    sendRequested = Signal(str)  # the text, stripped and not empty
    blockedActionRequested = Signal()  # the button of the blocked panel was pressed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder: str | None = None
        self._enabled = False
        self.editor = MessageEdit(self)
        self.editor.setObjectName("composer")
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("composerSend")
        editing = QWidget(self)
        row = QHBoxLayout(editing)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.editor, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.blocked = BlockedPanel(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(editing)
        self.stack.addWidget(self.blocked)
        self.stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.editor.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.blocked.action.clicked.connect(self.blockedActionRequested)
        self.set_enabled(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.editor.setAccessibleName(self.tr("Message"))
        self.editor.setPlaceholderText(self._placeholder or self.tr("Write a message…"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- The API the home screen and the community governance use -------------------------

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        self.editor.setEnabled(enabled)
        self.send_button.setEnabled(enabled)

    def set_placeholder(self, text: str | None) -> None:
        """The editorial line shown in the empty editor; None gives back the default one."""
        self._placeholder = text or None
        self.retranslate()

    def set_blocked(self, reason: str | None, action_text: str | None = None) -> None:
        """Shows `reason` (and a button `action_text` emitting blockedActionRequested) instead of
        the editor until called again with None. The caller translates both texts."""
        if reason is None:
            self.stack.setCurrentIndex(0)
            return
        self.blocked.reason.setText(reason)
        self.blocked.setAccessibleName(reason)
        self.blocked.action.setVisible(bool(action_text))
        self.blocked.action.setText(action_text or "")
        self.blocked.action.setAccessibleName(action_text or "")
        had_focus = self.editor.hasFocus()
        self.stack.setCurrentIndex(1)
        if had_focus and action_text:
            self.blocked.action.setFocus()

    def is_blocked(self) -> bool:
        return self.stack.currentIndex() == 1

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)

    def focus(self) -> None:
        if self.is_blocked():
            self.blocked.action.setFocus()
        else:
            self.editor.setFocus()

    def send(self) -> None:
        text = self.editor.toPlainText().strip()
        if text and self._enabled and not self.is_blocked():
            self.sendRequested.emit(text)
            self.editor.clear()
