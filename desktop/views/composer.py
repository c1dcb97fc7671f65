"""The composer under the timeline: writes a message (mentions, emoji, reply, edit, files) and
asks for it to be sent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QDateTime,
    QElapsedTimer,
    QEvent,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop import emojis
from cercle.desktop.dialogs.emoji_picker import EmojiPicker, ui_language
from cercle.desktop.models.completion import Suggestion, SuggestionModel
from cercle.desktop.views.completion import SuggestionPopup
from cercle.desktop.views.message_edit import MAX_LINES, Fragments, MessageEdit
from cercle.desktop.views.uploads import UploadList
from cercle.protocol.composing import MentionCandidate, editable_fragments, match_mentions

__all__ = ["MAX_LINES", "Composer"]
PREVIEW_CHARS = 80


@dataclass
class Draft:
    """What a room's composer held when the user left it."""

    fragments: Fragments
    mode: str = ""  # "" | "reply" | "edit"
    target: str = ""  # the event replied to or edited
    about: tuple[str, str] = ("", "")  # a reply's sender name and quoted text
    before_edit: Fragments | None = None


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


class Banner(QWidget):
    """The reply or edit line ("Replying to X: …"), with a button (and Esc) to cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerBannerBox")
        self.label = QLabel(self)
        self.label.setObjectName("composerBanner")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 2, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        """A quiet box with an accent bar on the left, in the palette's colours (both themes)."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.AlternateBase))
        painter.drawRoundedRect(self.rect(), 4, 4)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
        painter.drawRect(0, 0, 3, self.height())
        painter.end()
        super().paintEvent(event)


class Composer(QWidget):
    sendRequested = Signal(str)  # a new message: the markdown text, stripped, not empty
    replySendRequested = Signal(str, str)  # text, the event id replied to
    editSendRequested = Signal(str, str)  # new text, the event id edited
    editLastRequested = Signal()  # Up in the empty editor: the home screen finds our last one
    filesChosen = Signal(list)  # [Path] dropped, pasted or picked
    pictureChosen = Signal(int, int, bytes, str)  # pasted: width, height, RGBA rows, file name
    uploadCancelRequested = Signal(str)  # txn id
    membersWanted = Signal(str)  # room id: mention candidates are needed (set_members answers)
    blockedActionRequested = Signal()  # the button of the blocked panel was pressed
    typingChanged = Signal(bool)  # the user started (True) or stopped writing: typing notices

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder: str | None = None
        self._enabled = False
        self.room_id: str | None = None
        self._drafts: dict[str, Draft] = {}
        self.mode = ""
        self.target = ""
        self._about = ("", "")
        self._edit_original: str | None = None  # the edited message's text as it was
        self._before_edit: Fragments | None = None
        self._members: list[MentionCandidate] = []
        self._members_room: str | None = None
        self._dismissed: tuple[str, str] | None = None
        self._token = ("", "")

        self.banner = Banner(self)
        self.uploads = UploadList(self)
        self.editor = MessageEdit(self)
        self.editor.setObjectName("composer")
        self.emoji_button = QToolButton(self)
        self.emoji_button.setObjectName("composerEmoji")
        self.emoji_button.setText("😊")
        self.emoji_button.setAutoRaise(True)
        self.attach_button = QToolButton(self)
        self.attach_button.setObjectName("composerAttach")
        self.attach_button.setText("📎")
        self.attach_button.setAutoRaise(True)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("composerSend")
        glyphs = QFont(self.emoji_button.font())
        glyphs.setPixelSize(18)
        for button in (self.emoji_button, self.attach_button):
            button.setFont(glyphs)
        editing = QWidget(self)
        column = QVBoxLayout(editing)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.banner)
        column.addWidget(self.uploads)
        row = QHBoxLayout()
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.editor, 1)
        row.addWidget(self.emoji_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        column.addLayout(row)

        self.blocked = BlockedPanel(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(editing)
        self.stack.addWidget(self.blocked)
        self.stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.suggestions = SuggestionModel(self)
        self.popup: SuggestionPopup | None = None  # made on first use, over the window
        self.picker: EmojiPicker | None = None

        self.editor.submitted.connect(self.send)
        self.editor.tokenChanged.connect(self._token_changed)
        self.editor.completionKey.connect(self._completion_key)
        self.editor.editLastRequested.connect(self.editLastRequested)
        self.editor.cancelRequested.connect(self.cancel_mode)
        self.editor.filesDropped.connect(self.filesChosen)
        self.editor.imagePasted.connect(self._image_pasted)
        self.editor.focusLost.connect(self._hide_popup)  # a list left floating would mislead
        self.send_button.clicked.connect(self.send)
        # Typing notices (views/timeline_actions.py sends them): on while keys come, renewed
        # every 20 s, off after 5 s without one or when the editor empties (sent, cleared).
        self._typing = False
        self._typing_since = QElapsedTimer()
        self._typing_idle = QTimer(self)
        self._typing_idle.setSingleShot(True)
        self._typing_idle.setInterval(5_000)
        self._typing_idle.timeout.connect(lambda: self._set_typing(False))
        self.editor.textChanged.connect(self._typing_text_changed)
        self.emoji_button.clicked.connect(self.open_emoji_picker)
        self.attach_button.clicked.connect(self.choose_files)
        self.banner.close_button.clicked.connect(self.cancel_mode)
        self.uploads.cancelRequested.connect(self.uploadCancelRequested)
        self.blocked.action.clicked.connect(self.blockedActionRequested)
        self.set_enabled(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.editor.setAccessibleName(self.tr("Message"))
        self.editor.setPlaceholderText(self._placeholder or self.tr("Write a message…"))
        self.send_button.setText(self.tr("Save") if self.mode == "edit" else self.tr("Send"))
        self.send_button.setAccessibleName(
            self.tr("Save the edited message") if self.mode == "edit" else self.tr("Send message")
        )
        self.emoji_button.setAccessibleName(self.tr("Insert an emoji"))
        self.emoji_button.setToolTip(self.tr("Insert an emoji"))
        self.attach_button.setAccessibleName(self.tr("Attach files"))
        self.attach_button.setToolTip(self.tr("Attach files (or paste, or drop them here)"))
        self.banner.close_button.setAccessibleName(
            self.tr("Cancel editing") if self.mode == "edit" else self.tr("Cancel the reply")
        )
        self.banner.close_button.setToolTip(self.tr("Cancel (Esc)"))
        self._show_banner()
        if self.popup is not None:
            self.popup.setAccessibleName(self.tr("Suggestions"))
        self.uploads.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- The API the home screen and the community governance use -------------------------

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        for widget in (self.editor, self.send_button, self.emoji_button, self.attach_button):
            widget.setEnabled(enabled)

    def set_placeholder(self, text: str | None) -> None:
        """The editorial line shown in the empty editor; None gives back the default one."""
        self._placeholder = text or None
        self.retranslate()

    def set_blocked(self, reason: str | None, action_text: str | None = None) -> None:
        """Shows `reason` (and a button `action_text` emitting blockedActionRequested) instead of
        the editor until called again with None. The caller translates both texts."""
        if reason is None:
            focus = QApplication.focusWidget()
            inside = focus is not None and self.blocked.isAncestorOf(focus)
            self.stack.setCurrentIndex(0)
            if inside:  # not to the next widget of the window (a stray Enter would press it)
                self.editor.setFocus()
            return
        self.blocked.reason.setText(reason)
        self.blocked.setAccessibleName(reason)
        self.blocked.action.setVisible(bool(action_text))
        self.blocked.action.setText(action_text or "")
        self.blocked.action.setAccessibleName(action_text or "")
        had_focus = self.editor.hasFocus()
        self._hide_popup()
        self.stack.setCurrentIndex(1)
        if had_focus and action_text:
            self.blocked.action.setFocus()

    def is_blocked(self) -> bool:
        return self.stack.currentIndex() == 1

    def text(self) -> str:
        """The markdown that would be sent (pills as matrix.to links)."""
        return self.editor.markdown()

    def set_text(self, text: str) -> None:
        self.editor.set_fragments([(text, None)] if text else [])

    def focus(self) -> None:
        if self.is_blocked():
            self.blocked.action.setFocus()
        else:
            self.editor.setFocus()

    def _typing_text_changed(self) -> None:
        if not self.editor.toPlainText().strip():
            self._typing_idle.stop()
            self._set_typing(False)
            return
        if not self.editor.hasFocus():  # a draft put back when switching rooms: not typing
            return
        self._typing_idle.start()
        if self._typing and self._typing_since.elapsed() > 20_000:
            self._typing = False  # the server forgets a notice after 30 s: say it again
        self._set_typing(True)

    def _set_typing(self, typing: bool) -> None:
        if typing != self._typing:
            self._typing = typing
            if typing:
                self._typing_since.start()
            self.typingChanged.emit(typing)

    def send(self) -> None:
        if not self._enabled or self.is_blocked():
            return
        text = self.editor.markdown().strip()
        if not text:
            return
        mode, target = self.mode, self.target
        after: Fragments = []
        if mode == "edit":
            if text != self._edit_original:  # unchanged: nothing to send
                self.editSendRequested.emit(text, target)
            after = self._before_edit or []  # what was being written before the edit
        elif mode == "reply":
            self.replySendRequested.emit(text, target)
        else:
            self.sendRequested.emit(text)
        self._before_edit = None
        self._set_mode("", "")
        self.editor.set_fragments(after)
        self._hide_popup()

    # --- rooms and drafts ------------------------------------------------------------------

    def set_room(self, room_id: str | None) -> None:
        """Keeps what was being written in the room left (in memory) and brings back the
        draft of `room_id`."""
        if room_id == self.room_id:
            return
        if self.room_id is not None:
            fragments = self.editor.fragments()
            if fragments or self.mode:
                self._drafts[self.room_id] = Draft(
                    fragments, self.mode, self.target, self._about, self._before_edit
                )
            else:
                self._drafts.pop(self.room_id, None)
        self.room_id = room_id
        self.uploads.show_room(room_id)
        self._hide_popup()
        draft = self._drafts.pop(room_id, None) if room_id else None
        self.editor.set_fragments(draft.fragments if draft else [])
        self._before_edit = draft.before_edit if draft else None
        if draft:
            self._set_mode(draft.mode, draft.target, draft.about)
        else:
            self._set_mode("", "")

    def draft_of(self, room_id: str) -> str:
        """The text kept for a room not shown (for tests and a room list's "draft" hint)."""
        if room_id == self.room_id:
            return self.text()
        draft = self._drafts.get(room_id)
        return "".join(text for text, _user in draft.fragments) if draft else ""

    # --- reply and edit --------------------------------------------------------------------

    def start_reply(self, event_id: str, sender_name: str, body: str) -> None:
        preview = " ".join(body.split())
        if len(preview) > PREVIEW_CHARS:
            preview = preview[: PREVIEW_CHARS - 1] + "…"
        if self.mode == "edit":  # leaving an edit: the text from before it comes back
            self.editor.set_fragments(self._before_edit or [])
            self._before_edit = None
        self._set_mode("reply", event_id, (sender_name, preview))
        self.focus()

    def start_edit(self, event_id: str, body: str, html: str | None = None) -> None:
        """Our message back in the editor (its mentions as pills again, from `html`)."""
        if self.mode != "edit":
            self._before_edit = self.editor.fragments()
        self.editor.set_fragments(editable_fragments(body, html))
        self._edit_original = self.editor.markdown().strip()
        self._set_mode("edit", event_id)
        self.focus()

    def cancel_mode(self) -> None:
        """Esc: closes the suggestions, else leaves reply or edit mode."""
        if self.popup is not None and self.popup.isVisible():
            self._dismissed = self._token
            self._hide_popup()
            return
        if self.mode == "edit":
            self.editor.set_fragments(self._before_edit or [])
        self._before_edit = None
        self._set_mode("", "")

    def _set_mode(self, mode: str, target: str, about: tuple[str, str] = ("", "")) -> None:
        self.mode, self.target, self._about = mode, target, about
        self.banner.setVisible(bool(mode))
        self.retranslate()

    def _show_banner(self) -> None:
        if self.mode == "reply":
            name, text = self._about
            banner = self.tr("Replying to {name}: {text}").format(name=name, text=text)
        elif self.mode == "edit":
            banner = self.tr("Editing your message")
        else:
            banner = ""
        self.banner.label.setText(banner)
        self.banner.label.setToolTip(banner)
        self.banner.setAccessibleName(banner)

    # --- completion ------------------------------------------------------------------------

    def set_members(self, room_id: str, members: list[MentionCandidate]) -> None:
        """The room's mention candidates (answering membersWanted); refreshes an open list."""
        self._members_room = room_id
        self._members = list(members)
        if room_id == self.room_id and self._token[0] == "@":
            self._token_changed(*self._token)

    def refresh_suggestions(self) -> None:
        """Computes and places the suggestion list again (after a resize, for screenshots)."""
        self._token_changed(*self._token)

    def _token_changed(self, trigger: str, word: str) -> None:
        fresh_mention = trigger == "@" and self._token[0] != "@"
        self._token = (trigger, word)
        dismissed = self._dismissed
        if dismissed and trigger == dismissed[0] and trigger and word.startswith(dismissed[1]):
            return  # Esc closed the list for this word: not again while it grows
        self._dismissed = None
        items: list[Suggestion] = []
        if trigger == "@":
            if self.room_id and (fresh_mention or self._members_room != self.room_id):
                if self._members_room != self.room_id:
                    self._members = []
                self._members_room = self.room_id
                self.membersWanted.emit(self.room_id)  # again each time: members come and go
            items = [Suggestion.of_member(m) for m in match_mentions(self._members, word)]
        elif trigger == ":":
            found = emojis.search(word, ui_language(), limit=8)
            items = [Suggestion.of_emoji(e) for e in found]
        self.suggestions.set_items(items)
        if not items:
            self._hide_popup()
            return
        popup = self._popup()
        width = min(max(self.editor.width(), 280), 460)
        token = self.editor.token_rect()
        x = self.editor.mapTo(self, token.topLeft()).x()
        popup.show_above(self, QRect(x, 0, token.width(), token.height()), width)
        self.editor.completing = popup.isVisible()

    def _popup(self) -> SuggestionPopup:
        if self.popup is None or self.popup.parentWidget() is not self.window():
            self.popup = SuggestionPopup(self.suggestions, self.window())
            self.popup.chosen.connect(self._chosen)
            self.popup.setAccessibleName(self.tr("Suggestions"))
        return self.popup

    def _hide_popup(self) -> None:
        if self.popup is not None:
            self.popup.hide()
        self.editor.completing = False

    def _completion_key(self, key: int) -> None:
        if self.popup is None:
            return
        if key == Qt.Key.Key_Up:
            self.popup.move_selection(-1)
        elif key == Qt.Key.Key_Down:
            self.popup.move_selection(1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Tab):
            self.popup.accept_current()
        elif key == Qt.Key.Key_Escape:
            self.cancel_mode()

    def _chosen(self, item: Suggestion) -> None:
        if item.kind == "user":
            self.editor.insert_pill(item.key, item.label)
        else:
            emojis.RECENT.use(item.key)
            self.editor.insert_emoji(item.key)
        self._hide_popup()
        self.editor.setFocus()

    # --- emoji picker and files ------------------------------------------------------------

    def open_emoji_picker(self) -> EmojiPicker:
        """Opens the picker under the emoji button; the chosen emoji goes at the cursor."""
        self.picker = picker = EmojiPicker(self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.emojiChosen.connect(self.editor.insert_emoji)
        picker.adjustSize()
        corner = self.emoji_button.mapToGlobal(self.emoji_button.rect().topRight())
        picker.move(corner.x() - picker.width(), corner.y() - picker.height() - 4)
        picker.show()
        picker.activateWindow()
        picker.search.setFocus()
        return picker

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach files"))
        if paths:
            self.filesChosen.emit([Path(p) for p in paths])

    def _image_pasted(self, image: QImage) -> None:
        """The pixels leave as they are (~20 ms for a 2560×1440 screenshot): compressing them to
        a PNG here would hold the UI thread ~0.2 s, so the protocol thread does it."""
        rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)  # rows of 4×width: no padding
        stamp = QDateTime.currentDateTime().toString("yyyy-MM-dd HH.mm.ss")
        self.pictureChosen.emit(
            rgba.width(), rgba.height(), bytes(rgba.constBits()), f"image {stamp}.png"
        )
