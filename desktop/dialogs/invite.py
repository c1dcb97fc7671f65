"""Inviting someone to a community; a warning first when an outsider would join an internal one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.dialogs.common import ActionDialog, wrapped_label
from cercle.protocol.community.context import external_to, invite_needs_warning
from cercle.protocol.community.state import Community
from cercle.protocol.endpoints import server_name_of


class InviteDialog(ActionDialog):
    """Emits inviteRequested(user id) once the warning, if any, was seen and confirmed; the
    caller invites off the UI thread and calls `invited()` or `show_error()`."""

    inviteRequested = Signal(str)

    status: QLabel

    def __init__(self, community: Community, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inviteDialog")
        self.community = community
        self.user = QLineEdit(self)
        self.user.setObjectName("inviteUser")
        self.user_label = QLabel(self)
        self.user_label.setBuddy(self.user)
        self.warning = wrapped_label(self)
        self.warning.setObjectName("externalWarning")
        self.warning.hide()
        self.status = wrapped_label(self)
        self.invite_button = QPushButton(self)
        self.invite_button.setObjectName("inviteButton")
        self.invite_button.setDefault(True)
        buttons, self.close_button = self.button_box(
            QDialogButtonBox.StandardButton.Close, self.invite_button
        )
        form = QFormLayout()
        form.addRow(self.user_label, self.user)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.invite_button.clicked.connect(self._invite)
        self.user.textChanged.connect(self._changed)
        self._confirmed_for: str | None = None
        self.resize(480, 220)
        self.retranslate()

    def retranslate(self) -> None:
        name = self.community.name or self.community.space_id
        self.setWindowTitle(self.tr("Invite to {community}").format(community=name))
        self.user_label.setText(self.tr("&Matrix ID:"))
        self.user.setPlaceholderText("@prenom.nom:entreprise.example")
        self.close_button.setText(self.tr("Close"))
        self._show_warning()

    def _changed(self) -> None:
        self._confirmed_for = None
        self.error.hide()
        self.status.clear()
        self.warning.hide()
        self._show_warning()

    def _show_warning(self) -> None:
        user = self.user.text().strip()
        waiting = self.warning.isVisible() and self._confirmed_for == user
        self.invite_button.setText(self.tr("Invite anyway") if waiting else self.tr("Invite"))
        if waiting:
            self.warning.setText(
                self.tr(
                    "⚠ {user} is not from your company ({server}). {community} is an internal"
                    " community: they would read its rooms and their history. Invite them only"
                    " if that is intended."
                ).format(
                    user=user,
                    server=server_name_of(user) or "",
                    community=self.community.name or self.community.space_id,
                )
            )

    def _invite(self) -> None:
        user = self.user.text().strip()
        if not user.startswith("@") or not server_name_of(user):
            self.error.setText(self.tr("A Matrix ID looks like @name:server.example."))
            self.error.show()
            return
        if invite_needs_warning(self.community, user) and self._confirmed_for != user:
            self._confirmed_for = user
            self.warning.show()
            self._show_warning()
            return
        self.set_busy(self.tr("Inviting {user}…").format(user=user))
        self.inviteRequested.emit(user)

    def invited(self, user_id: str) -> None:
        self.invite_button.setEnabled(True)
        external = external_to(self.community, user_id)
        self.status.setText(
            self.tr("{user} is invited (external).").format(user=user_id)
            if external
            else self.tr("{user} is invited.").format(user=user_id)
        )
        self.warning.hide()
        self._confirmed_for = None
        self.invite_button.setText(self.tr("Invite"))
