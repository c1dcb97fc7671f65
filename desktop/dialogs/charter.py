"""The community's charter: its text rendered from markdown, its version, and "I accept"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.dialogs.common import ActionDialog, wrapped_label
from cercle.protocol.community.schema import Charter


class CharterDialog(ActionDialog):
    """Shows the charter; "I accept" emits acceptRequested (the caller records it off the UI
    thread, then calls `accepted_ok()` or `show_error()`)."""

    acceptRequested = Signal(int)  # the version read
    publishRequested = Signal(str)  # managers: the markdown of the next version

    def __init__(
        self,
        community_name: str,
        charter: Charter,
        accepted_version: int,
        parent: QWidget | None = None,
        *,
        manager: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("charterDialog")
        self.community_name = community_name
        self.charter = charter
        self.accepted_version = accepted_version
        self.intro = wrapped_label(self)
        self.text = QTextBrowser(self)
        self.text.setObjectName("charterText")
        self.text.setOpenExternalLinks(False)
        self.text.setMarkdown(charter.text)
        self.buttons = QDialogButtonBox(self)
        self.accept_button = QPushButton(self)
        self.accept_button.setObjectName("charterAccept")
        self.accept_button.setDefault(True)
        self.buttons.addButton(self.accept_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button = QPushButton(self)
        self.edit_button.setObjectName("charterEdit")
        self.buttons.addButton(self.edit_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button.setVisible(manager)  # after addButton, which shows it again
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.action_buttons += [self.accept_button, self.edit_button]
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("charterEditor")
        self.editor.setPlainText(charter.text)
        self.editor.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.accept_button.clicked.connect(self._accept_clicked)
        self.edit_button.clicked.connect(self._edit_clicked)
        self.buttons.rejected.connect(self.reject)
        self.resize(560, 480)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Charter of {community}").format(community=self.community_name))
        self.text.setAccessibleName(self.tr("Charter text"))
        self.close_button.setText(self.tr("Close"))
        version = self.charter.version
        if self.editor.isVisibleTo(self):
            self.intro.setText(self._edit_intro())
        elif self.accepted_version >= version:
            self.intro.setText(
                self.tr("Version {version}. You have accepted it.").format(version=version)
            )
            self.accept_button.hide()
        elif self.accepted_version > 0:
            self.intro.setText(
                self.tr(
                    "The charter changed: this is version {version} (you accepted version"
                    " {old}). Read it and accept it to post again."
                ).format(version=version, old=self.accepted_version)
            )
        else:
            self.intro.setText(
                self.tr(
                    "Version {version}. Read the charter and accept it to start posting in"
                    " this community."
                ).format(version=version)
            )
        self.accept_button.setText(self.tr("I accept"))
        self.editor.setAccessibleName(self.tr("Text of the next version (markdown)"))
        self.edit_button.setText(
            self.tr("Publish version {version}").format(version=version + 1)
            if self.editor.isVisibleTo(self)
            else self.tr("Write a new version…")
        )
        self.accept_button.setAccessibleName(
            self.tr("I accept version {version} of the charter").format(version=version)
        )

    def _accept_clicked(self) -> None:
        self.set_busy()
        self.acceptRequested.emit(self.charter.version)

    def _edit_clicked(self) -> None:
        """First click: edit the text; second: publish it (every member accepts again)."""
        if not self.editor.isVisibleTo(self):
            self.text.hide()
            self.accept_button.hide()
            self.editor.show()
            self.intro.setText(self._edit_intro())
            self.retranslate_edit()
            self.editor.setFocus()
            return
        text = self.editor.toPlainText()
        if not text.strip():
            self.show_error(self.tr("A charter needs some text."))
            return
        self.set_busy()
        self.publishRequested.emit(text)

    def _edit_intro(self) -> str:
        return self.tr(
            "Write the next version in markdown. Once published, every member (you"
            " included) accepts it again before posting."
        )

    def retranslate_edit(self) -> None:
        self.edit_button.setText(
            self.tr("Publish version {version}").format(version=self.charter.version + 1)
        )

    def published_ok(self) -> None:
        self.accept()

    def accepted_ok(self) -> None:
        self.accept()
