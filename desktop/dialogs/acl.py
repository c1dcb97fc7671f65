"""The partner-server allow-list editor: own server locked in, refuses self-lockout, applies."""

from __future__ import annotations

from PySide6.QtCore import QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.dialogs.common import ActionDialog, show_lines, wrapped_label
from cercle.protocol.community.acl import AclRefused, allow_list_content, own_pattern


class AllowListModel(QStringListModel):
    """The patterns; the first one, our own server's, shows a lock and says whose it is."""

    def __init__(self, patterns: list[str], parent: QObject | None = None) -> None:
        super().__init__(patterns, parent)
        self.own_label = ""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        value = super().data(index, role)
        if index.row() == 0 and role == Qt.ItemDataRole.DisplayRole and self.own_label:
            return f"🔒 {value} — {self.own_label}"
        return value

    def flags(self, index):
        return super().flags(index) & ~Qt.ItemFlag.ItemIsEditable & ~Qt.ItemFlag.ItemIsDropEnabled


class AclDialog(ActionDialog):
    """Emits applyRequested(patterns); the caller applies them to every room of the community
    off the UI thread, then calls `applied()` or `show_error()`."""

    applyRequested = Signal(list)

    status: QLabel

    def __init__(
        self,
        community_name: str,
        own_server: str,
        allow: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("aclDialog")
        self.community_name = community_name
        self.own_server = own_server
        self.own = own_pattern(own_server)
        partners = [p for p in allow if p != self.own]
        self.model = AllowListModel([self.own, *partners], self)
        self.intro = wrapped_label(self)
        self.list = QListView(self)
        self.list.setObjectName("aclList")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.entry = QLineEdit(self)
        self.entry.setObjectName("aclEntry")
        self.add_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("aclRemove")
        self.apply_button = QPushButton(self)
        self.apply_button.setObjectName("aclApply")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = wrapped_label(self)
        self.error.setObjectName("aclError")
        add_row = QHBoxLayout()
        add_row.addWidget(self.entry, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.remove_button)
        buttons, self.close_button = self.button_box(
            QDialogButtonBox.StandardButton.Close, self.apply_button
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.add_button.clicked.connect(self._add)
        self.entry.returnPressed.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.apply_button.clicked.connect(self._apply)
        self.resize(520, 460)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(
            self.tr("Partner servers of {community}").format(community=self.community_name)
        )
        self.intro.setText(
            self.tr(
                "Only the servers on this list may take part in the community's rooms. Patterns"
                " may use * and ?, for example *.partner.example."
            )
        )
        self.list.setAccessibleName(self.tr("Allowed servers"))
        self.model.own_label = self.tr("your company, always allowed")
        self.list.viewport().update()
        self.entry.setPlaceholderText(self.tr("partner.example"))
        self.entry.setAccessibleName(self.tr("Server to allow"))
        self.add_button.setText(self.tr("Add"))
        self.remove_button.setText(self.tr("Remove"))
        self.apply_button.setText(self.tr("Apply to every room"))
        self.close_button.setText(self.tr("Close"))

    def patterns(self) -> list[str]:
        return self.model.stringList()

    def _explain(self, refused: AclRefused, pattern: str) -> str:
        if refused.server == self.own_server:
            return self.tr(
                "{server} is your company's server: without it, your own people could no longer"
                " send or receive anything in the community's rooms. It stays on the list."
            ).format(server=self.own_server)
        return self.tr("“{pattern}” cannot be used: {reason}").format(
            pattern=pattern, reason=refused.explanation
        )

    def _check(self, patterns: list[str], changed: str) -> bool:
        """Asks the protocol's rule (the same one applied on save); shows its refusal."""
        try:
            allow_list_content(self.own_server, patterns)
        except AclRefused as refused:
            self.show_error(self._explain(refused, changed))
            return False
        self.error.hide()
        return True

    def _add(self) -> None:
        pattern = self.entry.text().strip()
        if not pattern or pattern in self.patterns():
            return
        patterns = [*self.patterns(), pattern]
        if self._check(patterns, pattern):
            show_lines(self.model, patterns)
            self.entry.clear()
            self.status.clear()

    def _remove(self) -> None:
        index = self.list.currentIndex()
        if not index.isValid():
            return
        pattern = self.patterns()[index.row()]
        patterns = [p for p in self.patterns() if p != pattern]
        if self._check(patterns, pattern):
            show_lines(self.model, patterns)
            self.status.clear()

    def _apply(self) -> None:
        if not self._check(self.patterns(), ""):
            return
        self.progress.setRange(0, 0)  # busy until the first room answers
        self.progress.show()
        self.set_busy(self.tr("Applying the list to every room of the community…"))
        self.applyRequested.emit(self.patterns())

    def progressed(self, done: int, total: int) -> None:
        """One more room answered (called on the UI thread)."""
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status.setText(
            self.tr("Applying the list: {done} of {total} rooms…").format(done=done, total=total)
        )

    def applied(self, rooms: int, failed: int) -> None:
        self.progress.hide()
        self.apply_button.setEnabled(True)
        text = self.tr("Applied to {rooms} rooms.").format(rooms=rooms)
        if failed:
            text += " " + self.tr("Not applied to {failed} rooms.").format(failed=failed)
        self.status.setText(text)

    def show_error(self, text: str) -> None:
        self.progress.hide()
        super().show_error(text)
