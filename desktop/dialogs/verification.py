"""The emoji verification dialog: the request, the 7 emoji to compare, waiting, and the outcome."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from PySide6.QtCore import QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.dialogs.common import button_row
from cercle.desktop.trust import VerificationRun


@functools.cache
def _emoji_table() -> dict[str, dict[str, str]]:
    """English name → {"en": …, "fr": …}, from the spec's table shipped in resources."""
    text = resources.files("cercle.resources").joinpath("sas_emoji.json").read_text("utf-8")
    return {e["en"]: {"en": e["en"], "fr": e["fr"]} for e in json.loads(text)["emoji"]}


def emoji_name(english: str, language: str | None = None) -> str:
    """The spec's name of a SAS emoji in `language` (default: the interface's), else English."""
    language = language or QLocale().name().split("_")[0]
    return _emoji_table().get(english, {}).get(language) or english


class EmojiCell(QWidget):
    """One emoji, large, with its name under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.glyph = QLabel(self)
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.glyph.font())
        font.setPointSizeF(font.pointSizeF() * 2.6)
        self.glyph.setFont(font)
        self.name = QLabel(self)
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.glyph)
        layout.addWidget(self.name)
        self.english = ""

    def show_emoji(self, emoji: str, english: str) -> None:
        self.english = english
        self.glyph.setText(emoji)
        self.retranslate()

    def retranslate(self) -> None:
        name = emoji_name(self.english) if self.english else ""
        self.name.setText(name)
        self.setAccessibleName(name)
        self.glyph.setAccessibleName(name)


class Pages(QWidget):
    """One page shown at a time; unlike QStackedWidget, hidden pages take no room, so the
    dialog is as tall as the page it shows (a short question, or the 7 emoji)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._pages: list[QWidget] = []
        self._current = -1

    def addWidget(self, page: QWidget) -> None:
        self._pages.append(page)
        self._layout.addWidget(page)
        page.setVisible(len(self._pages) - 1 == self._current)

    def setCurrentIndex(self, index: int) -> None:
        self._current = index
        for i, page in enumerate(self._pages):
            page.setVisible(i == index)

    def currentIndex(self) -> int:
        return self._current


class VerificationDialog(QDialog):
    """Non-modal: the user may read the conversation while comparing. Driven by a
    VerificationRun; closing it before the end cancels the verification."""

    acceptClicked = Signal()
    declineClicked = Signal()
    matchClicked = Signal(bool)

    REQUEST, WAITING, EMOJI, RESULT = range(4)

    def __init__(
        self, run: VerificationRun | None, who: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.setMinimumWidth(520)
        self.run = run
        self.who = who  # the other user's name (or id)
        self.own_device = run.own_device if run is not None else False
        self.incoming = run.incoming if run is not None else False
        self.ok: bool | None = None
        self.waiting_for = "accept"

        self.icon = QLabel(self)  # the outcome: a tick or a warning
        self.icon.hide()
        self.title = QLabel(self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.pages = Pages(self)

        # the request: accept or decline
        self.accept_button = QPushButton(self)
        self.decline_button = QPushButton(self)
        self.accept_button.setDefault(True)
        self.pages.addWidget(_row(self, [self.decline_button, self.accept_button]))

        # waiting for the other side
        waiting = QWidget(self)
        self.busy = QProgressBar(waiting)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.cancel_button = QPushButton(waiting)
        wl = QVBoxLayout(waiting)
        wl.addWidget(self.busy)
        wl.addLayout(button_row([self.cancel_button]))
        self.pages.addWidget(waiting)

        # the emoji to compare
        emoji_page = QWidget(self)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.cells = [EmojiCell(emoji_page) for _ in range(7)]
        for i, cell in enumerate(self.cells):  # 4 on the first row, 3 centred below
            if i < 4:
                grid.addWidget(cell, 0, i * 2, 1, 2)
            else:
                grid.addWidget(cell, 1, (i - 4) * 2 + 1, 1, 2)
        self.mismatch_button = QPushButton(emoji_page)
        self.match_button = QPushButton(emoji_page)
        el = QVBoxLayout(emoji_page)
        el.addLayout(grid)
        el.addLayout(button_row([self.mismatch_button, self.match_button]))
        self.pages.addWidget(emoji_page)

        # the outcome
        self.close_button = QPushButton(self)
        self.pages.addWidget(_row(self, [self.close_button]))

        header = QHBoxLayout()
        header.addWidget(self.icon)
        header.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.text)
        layout.addWidget(self.pages)

        self.accept_button.clicked.connect(self._accept_clicked)
        self.decline_button.clicked.connect(self.reject)  # declined or cancelled: it closes
        self.cancel_button.clicked.connect(self.reject)
        self.match_button.clicked.connect(lambda: self.matchClicked.emit(True))
        self.mismatch_button.clicked.connect(lambda: self.matchClicked.emit(False))
        self.close_button.clicked.connect(self.close)
        if run is not None:
            self.acceptClicked.connect(run.accept)
            self.matchClicked.connect(self._answer)
            run.stateChanged.connect(self._state)
            run.emojiReady.connect(self.show_emoji)
            run.finished.connect(self.show_result)
        if self.incoming:
            self._page(self.REQUEST)
        else:
            self.show_waiting("accept")
        self.retranslate()

    # -- pages -------------------------------------------------------------------------------

    def _page(self, index: int) -> None:
        """Shows page `index` with its texts, the dialog resized to them."""
        self.pages.setCurrentIndex(index)
        self.retranslate()

    def _fit(self) -> None:
        """As tall as the texts need at the dialog's width (they wrap)."""
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            width = max(self.width(), self.minimumWidth())
            self.resize(width, layout.totalHeightForWidth(width))
        else:
            self.adjustSize()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit()

    def _accept_clicked(self) -> None:
        self.show_waiting("emoji")
        self.acceptClicked.emit()

    def _answer(self, match: bool) -> None:
        if self.run is not None:
            self.run.confirm(match)

    def _state(self, state: str) -> None:
        if state == "waiting_emoji":
            self.show_waiting("emoji")
        elif state == "waiting_other":
            self.show_waiting("other")

    def show_waiting(self, what: str) -> None:
        """`what`: "accept" (the request), "emoji" (the keys), "other" (their confirmation)."""
        self.waiting_for = what
        self._page(self.WAITING)
        self.cancel_button.setFocus()

    def show_emoji(self, emoji: Any) -> None:
        for cell, (glyph, english) in zip(self.cells, emoji, strict=False):
            cell.show_emoji(glyph, english)
        self._page(self.EMOJI)
        self.match_button.setFocus()

    def show_result(self, ok: bool, message: str) -> None:
        self.ok = ok
        self.result_message = message
        self.recorded = self.run.recorded if self.run is not None else True
        kind = QStyle.StandardPixmap.SP_DialogApplyButton
        if not ok or not self.recorded:
            kind = QStyle.StandardPixmap.SP_MessageBoxWarning
        self.icon.setPixmap(self.style().standardIcon(kind).pixmap(32, 32))
        self.icon.show()
        self._page(self.RESULT)
        self.close_button.setFocus()

    # -- texts -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        page = self.pages.currentIndex()
        self.setWindowTitle(self.tr("Verification"))
        self.accept_button.setText(self.tr("Accept"))
        self.decline_button.setText(self.tr("Decline"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.match_button.setText(self.tr("They match"))
        self.mismatch_button.setText(self.tr("They don’t match"))
        self.close_button.setText(self.tr("Close"))
        self.busy.setAccessibleName(self.tr("Waiting"))
        for cell in self.cells:
            cell.retranslate()
        if page == self.REQUEST:
            if self.own_device:
                self.title.setText(self.tr("Another of your devices wants to verify this one"))
                self.text.setText(
                    self.tr(
                        "Verify it if you just signed in there: it will then read your "
                        "encrypted messages. If it is not you, decline."
                    )
                )
            else:
                self.title.setText(self.tr("{user} wants to verify").format(user=self.who))
                self.text.setText(
                    self.tr(
                        "You will both compare emoji on your screens to be sure you talk to "
                        "each other and nobody else."
                    )
                )
        elif page == self.WAITING:
            self.title.setText(self._subject())
            self.text.setText(
                {
                    "accept": self.tr("Waiting for {user} to accept…"),
                    "emoji": self.tr("Exchanging keys…"),
                    "other": self.tr("Waiting for {user} to confirm…"),
                }[self.waiting_for].format(user=self._other())
            )
        elif page == self.EMOJI:
            self.title.setText(self._subject())
            self.text.setText(
                self.tr(
                    "Check that {user} sees the same emoji, in the same order. Compare in "
                    "person or on a call, not in a message."
                ).format(user=self._other())
            )
        else:
            if self.ok and not getattr(self, "recorded", True):
                self.title.setText(self.tr("The emoji matched, but nothing was recorded"))
            elif self.ok:
                self.title.setText(self.tr("Verified"))
            else:
                self.title.setText(self.tr("Not verified"))
            self.text.setText(getattr(self, "result_message", ""))
        if self.isVisible():
            self._fit()

    def set_who(self, who: str) -> None:
        """Their name, once known (the dialog opens with their user id)."""
        self.who = who
        self.retranslate()

    def _subject(self) -> str:
        if self.own_device:
            return self.tr("Verify your other device")
        return self.tr("Verify {user}").format(user=self.who)

    def _other(self) -> str:
        return self.tr("your other device") if self.own_device else self.who

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def reject(self) -> None:
        """Decline, Cancel, Escape, the window's close button or Close: stops a verification
        still running, then closes."""
        if self.run is not None and not self.run.over:
            self.run.cancel()
            self.declineClicked.emit()
        super().reject()


def _row(parent: QWidget, buttons: list[QPushButton]) -> QWidget:
    page = QWidget(parent)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addLayout(button_row(buttons))
    return page
