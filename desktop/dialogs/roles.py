"""The role editor: the community's members, their role and charter acceptance; change a role."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.dialogs.common import ActionDialog, wrapped_label
from cercle.protocol.community.context import Member
from cercle.protocol.community.roles import Role

MemberRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class MemberListModel(QAbstractListModel):
    """The community's members (a few hundred at most: loaded at once when the dialog opens)."""

    def __init__(self, charter_version: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.charter_version = charter_version
        self.members: list[Member] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.members)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.members):
            return None
        member = self.members[index.row()]
        if role == MemberRole:
            return member
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            name = member.display_name
            who = name if name == member.user_id else f"{name} ({member.user_id})"
            return f"{who}\n{self.status(member)}"
        return None

    def status(self, member: Member) -> str:
        role = self.role_text(member.role)
        if self.charter_version == 0:
            charter = ""
        elif member.accepted_version >= self.charter_version:
            charter = self.tr("accepted the charter")
        elif member.accepted_version > 0:
            charter = self.tr("accepted version {old} only").format(old=member.accepted_version)
        else:
            charter = self.tr("has not accepted the charter")
        external = self.tr("external") if member.external else ""
        return " · ".join(p for p in (role, external, charter) if p)

    def role_text(self, role: Role) -> str:
        return {
            Role.MANAGER: self.tr("Community manager"),
            Role.MODERATOR: self.tr("Moderator"),
            Role.MEMBER: self.tr("Member"),
            Role.PARTNER_GUEST: self.tr("Partner guest"),
        }[role]

    def set_members(self, members: list[Member]) -> None:
        """Fills the (empty) model once; later changes go through `update`."""
        if self.members:
            self.beginRemoveRows(QModelIndex(), 0, len(self.members) - 1)
            self.members = []
            self.endRemoveRows()
        if members:
            self.beginInsertRows(QModelIndex(), 0, len(members) - 1)
            self.members = list(members)
            self.endInsertRows()

    def update(self, user_id: str, role: Role) -> None:
        for row, member in enumerate(self.members):
            if member.user_id == user_id:
                self.members[row] = replace(member, role=role)
                self.dataChanged.emit(self.index(row), self.index(row))

    def accepted_count(self) -> int:
        return sum(1 for m in self.members if m.accepted_version >= self.charter_version)

    def retranslate(self) -> None:
        if self.members:
            self.dataChanged.emit(self.index(0), self.index(len(self.members) - 1))


class RolesDialog(ActionDialog):
    """Choose a member, a role, apply: roleChangeRequested(user id, Role value) is run by the
    caller on every room of the community, which then calls `applied()` or `show_error()`."""

    roleChangeRequested = Signal(str, str)

    status: QLabel

    ROLES = (Role.MANAGER, Role.MODERATOR, Role.MEMBER)

    def __init__(
        self, community_name: str, charter_version: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("rolesDialog")
        self.community_name = community_name
        self.model = MemberListModel(charter_version, self)
        self.list = QListView(self)
        self.list.setObjectName("memberList")
        self.list.setModel(self.model)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.summary = wrapped_label(self)
        self.role_label = QLabel(self)
        self.role = QComboBox(self)
        self.role.setObjectName("roleChoice")
        self.apply_button = QPushButton(self)
        self.apply_button.setObjectName("applyRole")
        self.status = wrapped_label(self)
        self.action_buttons.append(self.apply_button)
        self.role_label.setBuddy(self.role)
        row = QHBoxLayout()
        row.addWidget(self.role_label)
        row.addWidget(self.role, 1)
        row.addWidget(self.apply_button)
        buttons, self.close_button = self.button_box(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.apply_button.clicked.connect(self._apply)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.model.rowsInserted.connect(lambda *_: self._refresh_summary())
        self.resize(560, 520)
        self.set_busy(self.tr("Loading the members…"))
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Roles in {community}").format(community=self.community_name))
        self.list.setAccessibleName(self.tr("Members"))
        self.role_label.setText(self.tr("&Role:"))
        current = self.role.currentData()
        self.role.clear()
        for role in self.ROLES:
            self.role.addItem(self.model.role_text(role), role.value)
        if current is not None:
            self.role.setCurrentIndex(self.role.findData(current))
        self.apply_button.setText(self.tr("Apply to every room"))
        self.close_button.setText(self.tr("Close"))
        self.model.retranslate()
        self._refresh_summary()

    def set_members(self, members: list[Member]) -> None:
        self.model.set_members(members)
        self.status.clear()
        self.apply_button.setEnabled(False)
        self._refresh_summary()

    def select(self, user_id: str) -> bool:
        for row, member in enumerate(self.model.members):
            if member.user_id == user_id:
                self.list.setCurrentIndex(self.model.index(row))
                return True
        return False

    def _refresh_summary(self) -> None:
        version = self.model.charter_version
        if version == 0:
            self.summary.setText(self.tr("This community has no charter."))
            return
        text = self.tr("{accepted} of {total} members accepted version {version} of the charter.")
        total = len(self.model.members)
        accepted = self.model.accepted_count()
        self.summary.setText(text.format(accepted=accepted, total=total, version=version))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        member = current.data(MemberRole)
        if member is None:
            return
        # An external person at level 0 is a partner guest: the lowest choice says so.
        lowest = Role.PARTNER_GUEST if member.external else Role.MEMBER
        self.role.setItemText(2, self.model.role_text(lowest))
        self.role.setItemData(2, lowest.value)
        role = lowest if member.role in (Role.MEMBER, Role.PARTNER_GUEST) else member.role
        self.role.setCurrentIndex(self.role.findData(role.value))
        self.apply_button.setEnabled(True)

    def _apply(self) -> None:
        member = self.list.currentIndex().data(MemberRole)
        if member is None:
            return
        role = self.role.currentData()
        self.set_busy(self.tr("Applying the role to every room of the community…"))
        self.roleChangeRequested.emit(member.user_id, role)

    def applied(self, user_id: str, role: str, rooms: int, failed: int) -> None:
        self.model.update(user_id, Role(role))
        text = self.tr("Applied in {rooms} rooms.").format(rooms=rooms)
        if failed:
            text += " " + self.tr("Not applied in {failed} rooms.").format(failed=failed)
        self.status.setText(text)
        self.apply_button.setEnabled(True)
