"""The composer's editor: grows with its text, Enter sends, mentions as pills, files dropped."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QMimeData, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget

from cercle.protocol.links import matrix_to_url
from cercle.protocol.messages import pill_markdown

MAX_LINES = 8
PILL_USER = QTextFormat.Property.UserProperty + 1  # a pill's user id, on its characters
# What completion looks at: `@` or `:` at the start of the text or after a space, then a word.
_TRIGGER = re.compile(r"(?:^|(?<=\s))([@:])([^\s@:]*)$")
Fragments = list[tuple[str, str | None]]  # (text, user id of a pill or None)


class MessageEdit(QPlainTextEdit):
    """Plain text plus pills (characters carrying a user id); the markdown to send comes from
    `markdown()`. Keys meant for an open completion list are handed to `completion_keys`."""

    submitted = Signal()  # Enter without Shift
    tokenChanged = Signal(str, str)  # trigger ("@" / ":" / "" when none), the word after it
    completionKey = Signal(int)  # Up, Down, Enter/Tab (accept), Escape while completing
    editLastRequested = Signal()  # Up in an empty editor
    cancelRequested = Signal()  # Escape with nothing to close
    filesDropped = Signal(list)  # [Path] dropped or pasted
    imagePasted = Signal(QImage)  # an image from the clipboard (a screenshot)
    focusLost = Signal()  # the user went elsewhere (not to a menu or popup of ours)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completing = False  # set by the composer while its list is shown
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Preferred, not Fixed: a growing minimum would change the window's minimum size.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._wanted = 0
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.textChanged.connect(self._check_token)
        self.cursorPositionChanged.connect(self._check_token)
        self._token = ("", "")
        self._fit()

    # -- keys ---------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if self.completing and (
            key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Tab, Qt.Key.Key_Escape)
            or (enter and not mods & Qt.KeyboardModifier.ShiftModifier)
        ):
            self.completionKey.emit(Qt.Key.Key_Return if enter else key)
            return
        if enter and not mods & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        if enter:  # Shift+Enter: a new line
            self.textCursor().insertText("\n", QTextCharFormat())
            return
        if key == Qt.Key.Key_Up and not mods and not self.toPlainText():
            self.editLastRequested.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.cancelRequested.emit()
            return
        super().keyPressEvent(event)
        if event.text():  # typing right after a pill does not extend it
            self._plain_after_pill()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() not in (
            Qt.FocusReason.PopupFocusReason,
            Qt.FocusReason.MenuBarFocusReason,
        ):
            self.focusLost.emit()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab accepts the suggestion while completing (Tab otherwise moves the focus on)."""
        if self.completing:
            self.completionKey.emit(Qt.Key.Key_Tab)
            return True
        return super().focusNextPrevChild(next)

    def _plain_after_pill(self) -> None:
        cursor = self.textCursor()
        if cursor.charFormat().property(PILL_USER):
            self.setCurrentCharFormat(QTextCharFormat())

    # -- growth -------------------------------------------------------------------------------

    def lines_height(self, lines: int) -> int:
        metrics = QFontMetrics(self.font())
        margins = self.contentsMargins()
        frame = int(self.document().documentMargin() * 2) + margins.top() + margins.bottom()
        frame += 2 * self.frameWidth() + 1
        return metrics.lineSpacing() * lines + frame

    def _fit(self, *_args) -> None:
        lines = max(1, int(self.document().size().height()))  # in lines for a plain text layout
        self.setMinimumHeight(self.lines_height(1))
        self.setMaximumHeight(self.lines_height(MAX_LINES))
        wanted = self.lines_height(min(lines, MAX_LINES))
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded
        if lines <= MAX_LINES:
            policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        self.setVerticalScrollBarPolicy(policy)
        if wanted != self._wanted:
            self._wanted = wanted
            self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.document().size().height() <= MAX_LINES:  # all fits: none scrolled out of view
            self.verticalScrollBar().setValue(0)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._wanted)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.lines_height(1))

    # -- completion ---------------------------------------------------------------------------

    def _check_token(self) -> None:
        cursor = self.textCursor()
        token = ("", "")
        if not cursor.hasSelection() and not cursor.charFormat().property(PILL_USER):
            before = cursor.block().text()[: cursor.positionInBlock()]
            match = _TRIGGER.search(before)
            if match and (match.group(1) == "@" or len(match.group(2)) >= 2):
                token = (match.group(1), match.group(2))
        if token != self._token:
            self._token = token
            self.tokenChanged.emit(*token)

    def token_rect(self) -> QRect:
        """Where the word being completed starts, in this widget's coordinates."""
        cursor = self.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, n=len(self._token[0]) + len(self._token[1])
        )
        return self.cursorRect(cursor).translated(self.viewport().pos())

    def _select_token(self) -> QTextCursor:
        cursor = self.textCursor()
        length = len(self._token[0]) + len(self._token[1])
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, length)
        return cursor

    def insert_pill(self, user_id: str, label: str) -> None:
        """Replaces the `@word` being typed by a pill (a link to the user) and a space."""
        cursor = self._select_token()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        pill = QTextCharFormat()
        pill.setAnchor(True)
        pill.setAnchorHref(matrix_to_url(user_id))
        pill.setProperty(PILL_USER, user_id)
        link = self.palette().color(QPalette.ColorRole.Link)
        pill.setForeground(link)
        background = QColor(link)
        background.setAlpha(40)
        pill.setBackground(background)
        cursor.insertText(label, pill)
        cursor.insertText(" ", QTextCharFormat())
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.setCurrentCharFormat(QTextCharFormat())

    def insert_emoji(self, char: str) -> None:
        """Replaces the `:word` being typed (if any) by the emoji."""
        cursor = self._select_token() if self._token[0] == ":" else self.textCursor()
        cursor.insertText(char, QTextCharFormat())
        self.setTextCursor(cursor)
        self.setFocus()

    # -- content ------------------------------------------------------------------------------

    def fragments(self) -> Fragments:
        """The text as runs of plain text and pills, lines joined by "\\n"."""
        out: Fragments = []
        block = self.document().begin()
        while block.isValid():
            if out:
                out.append(("\n", None))
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                user = fragment.charFormat().property(PILL_USER)
                out.append((fragment.text(), user if isinstance(user, str) and user else None))
                it += 1
            block = block.next()
        merged: Fragments = []
        for text, user in out:  # adjacent plain runs in one
            if merged and user is None and merged[-1][1] is None:
                merged[-1] = (merged[-1][0] + text, None)
            else:
                merged.append((text, user))
        return [f for f in merged if f[0]]

    def set_fragments(self, fragments: Fragments) -> None:
        self.clear()
        cursor = self.textCursor()
        for text, user in fragments:
            if user:
                self.setTextCursor(cursor)
                self._token = ("", "")
                self.insert_pill(user, text)
                cursor = self.textCursor()
                cursor.deletePreviousChar()  # insert_pill's space: the fragments say what follows
            else:
                cursor.insertText(text, QTextCharFormat())
        self.setTextCursor(cursor)
        self.setCurrentCharFormat(QTextCharFormat())

    def markdown(self) -> str:
        """What to send: the text as typed (markdown), pills as matrix.to links."""
        return "".join(
            pill_markdown(user, text) if user else text for text, user in self.fragments()
        )

    def mentioned(self) -> list[str]:
        return [user for _text, user in self.fragments() if user]

    # -- files --------------------------------------------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasUrls() or source.hasImage() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = [Path(u.toLocalFile()) for u in source.urls() if u.isLocalFile()]
        if files:
            self.filesDropped.emit(files)
            return
        if source.hasImage():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.imagePasted.emit(image)
                return
        if source.hasText():  # plain text only: pasted formatting would not be sent anyway
            self.textCursor().insertText(source.text(), QTextCharFormat())
            self.ensureCursorVisible()
