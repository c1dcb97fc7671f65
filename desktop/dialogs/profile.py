"""The profile dialog: your display name and avatar (edited on the server), your id and server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.delegates.common import paint_avatar
from cercle.desktop.dialogs.common import ActionDialog, wrapped_label

if TYPE_CHECKING:
    from cercle.desktop.bridge import Bridge
    from cercle.protocol.account import Account
    from cercle.protocol.profile_edit import OwnProfile

AVATAR = 96


class ProfileDialog(ActionDialog):
    """Reads our profile through the bridge and saves changes there. `show_profile` alone
    paints it (the screenshots give it canned data)."""

    nameSaved = Signal(str)
    avatarSaved = Signal()

    def __init__(
        self,
        bridge: Bridge | None,
        account: Account | None,
        explain: Callable[[BaseException], str] = str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profileDialog")
        self.bridge, self.account, self._explain = bridge, account, explain
        self.profile: OwnProfile | None = None
        self.avatar = QLabel(self)
        self.avatar.setObjectName("profileAvatar")
        self.avatar.setFixedSize(AVATAR, AVATAR)
        self.avatar_button = QPushButton(self)
        self.avatar_button.setObjectName("profileAvatarButton")
        self.name = QLineEdit(self)
        self.name.setObjectName("profileName")
        self.name.setMaxLength(256)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("profileSave")
        self.save_button.setDefault(True)
        self.user_id = QLabel(self)
        self.user_id.setObjectName("profileUserId")
        self.user_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton(self)
        self.copy_button.setObjectName("profileCopy")
        self.server = QLabel(self)
        self.server.setObjectName("profileServer")
        self.note = wrapped_label(self)  # what happened; set_busy() writes here too
        self.note.setObjectName("profileStatus")
        self.status = self.note
        buttons, self.close_button = self.button_box(QDialogButtonBox.StandardButton.Close)
        self.action_buttons += [self.avatar_button, self.save_button]

        self.heading = QLabel(self)  # the name as others see it, large beside the picture
        self.heading.setObjectName("profileHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        beside = QVBoxLayout()
        beside.addStretch(1)
        beside.addWidget(self.heading)
        beside.addWidget(self.avatar_button, 0, Qt.AlignmentFlag.AlignLeft)
        beside.addStretch(1)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.avatar)
        top.addLayout(beside, 1)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.save_button)
        id_row = QHBoxLayout()
        id_row.addWidget(self.user_id, 1)
        id_row.addWidget(self.copy_button)
        self.labels = [QLabel(self) for _ in range(3)]
        form = QFormLayout()
        form.addRow(self.labels[0], name_row)
        form.addRow(self.labels[1], id_row)
        form.addRow(self.labels[2], self.server)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.avatar_button.clicked.connect(self._pick_avatar)
        self.save_button.clicked.connect(self.save_name)
        self.name.returnPressed.connect(self.save_name)
        self.name.textEdited.connect(lambda _t: self._update_save())
        self.copy_button.clicked.connect(self.copy_user_id)
        self.setMinimumWidth(480)
        self.retranslate()
        self._set_avatar(None)
        self._update_save()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Your profile"))
        self.avatar_button.setText(self.tr("Choose a picture…"))
        self.avatar.setAccessibleName(self.tr("Your picture"))
        self.name.setAccessibleName(self.tr("Display name"))
        self.name.setPlaceholderText(self.tr("How others see you"))
        self.save_button.setText(self.tr("Save the name"))
        self.copy_button.setText(self.tr("Copy user id"))
        self.close_button.setText(self.tr("Close"))
        texts = (self.tr("Display name:"), self.tr("User id:"), self.tr("Server:"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)

    # -- reading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reads the profile from the server (off the UI thread)."""
        if self.bridge is None or self.account is None:
            return
        from cercle.protocol.profile_edit import own_profile

        self.set_busy(self.tr("Reading your profile…"))
        self.bridge.run(
            own_profile(self.account.client, self.account.store.media),
            on_success=self._guarded(self.show_profile),
            on_failure=self._guarded(self._failed),
        )

    def show_profile(self, profile: OwnProfile) -> None:
        self.profile = profile
        self.name.setText(profile.display_name or "")
        self.heading.setText(profile.display_name or profile.user_id)
        self.user_id.setText(profile.user_id)
        self.server.setText(profile.server)
        self._set_avatar(profile.avatar)
        self.note.clear()
        for button in self.action_buttons:
            button.setEnabled(True)
        self._update_save()

    # -- saving --------------------------------------------------------------------------

    def save_name(self) -> None:
        if self.bridge is None or self.account is None or not self.save_button.isEnabled():
            return
        from cercle.protocol.profile_edit import set_display_name

        name = self.name.text()
        self.set_busy(self.tr("Saving your name…"))

        def saved(value: str) -> None:
            if self.profile is not None:
                from dataclasses import replace

                self.profile = replace(self.profile, display_name=value)
            self.name.setText(value)
            self.heading.setText(value)
            self.show_done(self.tr("Your name is now {name}.").format(name=value))
            self.nameSaved.emit(value)

        self.bridge.run(
            set_display_name(self.account.client, name),
            on_success=self._guarded(saved),
            on_failure=self._guarded(self._failed),
        )

    def _pick_avatar(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a picture"),
            "",
            self.tr("Images (*.png *.jpg *.jpeg *.webp *.gif)"),
        )
        if path:
            self.choose_avatar(Path(path))

    def choose_avatar(self, path: Path) -> None:
        """Shrinks, strips and uploads the picture at `path`, then makes it our avatar."""
        if self.bridge is None or self.account is None:
            return
        from cercle.protocol.profile_edit import set_avatar_from_file

        self.set_busy(self.tr("Sending your picture…"))

        def saved(avatar) -> None:
            self._set_avatar(avatar.data)
            self.show_done(self.tr("Your picture is changed."))
            self.avatarSaved.emit()

        self.bridge.run(
            set_avatar_from_file(self.account.client, path),
            on_success=self._guarded(saved),
            on_failure=self._guarded(self._failed),
        )

    def copy_user_id(self) -> None:
        QGuiApplication.clipboard().setText(self.user_id.text())
        self.note.setText(self.tr("Your user id is copied."))

    # -- states --------------------------------------------------------------------------

    def show_done(self, text: str) -> None:
        for button in self.action_buttons:
            button.setEnabled(True)
        self._update_save()
        self.note.setText(text)

    def _failed(self, error: BaseException) -> None:
        from cercle.protocol.profile_edit import BadDisplayName, NotAnImage

        if isinstance(error, NotAnImage):
            text = self.tr("This file is not a picture Cercle can read. Choose a PNG or JPEG.")
        elif isinstance(error, BadDisplayName):
            text = self.tr("A display name cannot be empty.")
        elif isinstance(error, OSError):
            text = self.tr("The file cannot be read: {reason}").format(reason=error.strerror)
        else:
            text = self._explain(error)
        self.show_error(text)
        self._update_save()

    def _update_save(self) -> None:
        current = self.profile.display_name if self.profile is not None else None
        text = self.name.text().strip()
        self.save_button.setEnabled(
            self.profile is not None and bool(text) and text != (current or "")
        )

    def _set_avatar(self, data: bytes | None) -> None:
        pixmap = QPixmap(AVATAR, AVATAR)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        picture = QPixmap()
        if data and picture.loadFromData(data):
            clip = QPainterPath()
            clip.addEllipse(0, 0, AVATAR, AVATAR)
            painter.setClipPath(clip)
            scaled = picture.scaled(
                AVATAR,
                AVATAR,
                Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                Qt.TransformationMode.SmoothTransformation,
            )
            x, y = (scaled.width() - AVATAR) // 2, (scaled.height() - AVATAR) // 2
            painter.drawPixmap(0, 0, scaled, x, y, AVATAR, AVATAR)  # the centre, not squashed
        else:
            name = (self.profile.display_name if self.profile else None) or self.user_id.text()
            paint_avatar(painter, QRect(0, 0, AVATAR, AVATAR), name.lstrip("@") or "?", name)
        painter.end()
        self.avatar.setPixmap(pixmap)

    def _guarded(self, callback: Callable) -> Callable:
        """Drops an answer that comes back after the dialog was closed and deleted."""
        import shiboken6

        def call(value) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call
