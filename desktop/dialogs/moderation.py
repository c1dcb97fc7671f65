"""Moderation dialogs: report, delete, remove or ban community-wide; the moderation log."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QLocale, QStringListModel, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.dialogs.common import ActionDialog, show_lines, wrapped_label
from cercle.protocol.community import schema
from cercle.protocol.community.moderation import LogEntry

ACTIONS = ("report", "redact", "kick", "ban")


class ModerationDialog(ActionDialog):
    """Asks for a reason and confirms one action; emits confirmed(reason). The caller runs it
    off the UI thread, then calls `done_ok()` or `show_error()`."""

    confirmed = Signal(str)

    def __init__(self, action: str, who: str, community: str, parent: QWidget | None = None):
        super().__init__(parent)
        assert action in ACTIONS
        self.setObjectName("moderationDialog")
        self.action, self.who, self.community = action, who, community
        self.intro = wrapped_label(self)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("moderationReason")
        self.confirm_button = QPushButton(self)
        self.confirm_button.setObjectName("moderationConfirm")
        buttons, self.cancel_button = self.button_box(
            QDialogButtonBox.StandardButton.Cancel, self.confirm_button
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.confirm_button.clicked.connect(self._confirm)
        self.resize(480, 180)
        self.retranslate()

    def retranslate(self) -> None:
        who, community = self.who, self.community
        texts = {
            "report": (
                self.tr("Report a message"),
                self.tr(
                    "The message from {who} goes to the moderators of {community} and to your"
                    " server's administrators. Say what is wrong:"
                ),
                self.tr("Report"),
            ),
            "redact": (
                self.tr("Delete a message"),
                self.tr("The message from {who} will be deleted for everyone. Reason (shown):"),
                self.tr("Delete"),
            ),
            "kick": (
                self.tr("Remove from the community"),
                self.tr(
                    "{who} will be removed from every room of {community} at once. They may"
                    " come back if invited. Reason (shown to them):"
                ),
                self.tr("Remove everywhere"),
            ),
            "ban": (
                self.tr("Ban from the community"),
                self.tr(
                    "{who} will be banned from every room of {community} at once and cannot"
                    " come back. Reason (kept in the moderation log):"
                ),
                self.tr("Ban everywhere"),
            ),
        }
        title, intro, button = texts[self.action]
        self.setWindowTitle(title)
        self.intro.setText(intro.format(who=who, community=community))
        self.confirm_button.setText(button)
        self.reason.setAccessibleName(self.tr("Reason"))
        self.cancel_button.setText(self.tr("Cancel"))

    def _confirm(self) -> None:
        self.set_busy()
        self.confirmed.emit(self.reason.text().strip())

    def done_ok(self) -> None:
        self.accept()


class ModerationLogDialog(ActionDialog):
    """The community's reports and community-wide actions, newest first (shared by moderators)."""

    status: QLabel

    def __init__(self, community: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("moderationLogDialog")
        self.community = community
        self.entries: list[LogEntry] = []
        self.model = QStringListModel(self)
        self.list = QListView(self)
        self.list.setObjectName("moderationLog")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.status = wrapped_label(self)
        buttons, self.close_button = self.button_box(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(620, 420)
        self.status.setText(self.tr("Loading the log…"))
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(
            self.tr("Moderation log of {community}").format(community=self.community)
        )
        self.list.setAccessibleName(self.tr("Moderation log"))
        self.close_button.setText(self.tr("Close"))
        if self.entries:
            self.set_entries(self.entries)

    def set_entries(self, entries: list[LogEntry]) -> None:
        self.entries = list(entries)
        show_lines(self.model, [self.line(e) for e in self.entries])
        self.status.setText(
            self.tr("{count} entries, newest first.").format(count=len(self.entries))
            if self.entries
            else self.tr("Nothing reported and no action taken yet.")
        )

    def show_error(self, text: str) -> None:
        """The log could not be read: said where the log's count would be."""
        self.status.setText(text)

    def line(self, entry: LogEntry) -> str:
        when = QLocale().toString(
            QDateTime.fromMSecsSinceEpoch(entry.ts), QLocale.FormatType.ShortFormat
        )
        c = entry.content
        reason = c.get("reason") if isinstance(c.get("reason"), str) else ""
        if entry.type == schema.REPORT:
            text = self.tr("{who} reported a message").format(who=c.get("reporter", entry.sender))
        else:
            target = c.get("target", "")
            rooms = len(c.get("rooms") or ())
            text = {
                "ban": self.tr("{who} banned {target} from {rooms} rooms"),
                "kick": self.tr("{who} removed {target} from {rooms} rooms"),
                "unban": self.tr("{who} lifted the ban on {target}"),
            }.get(str(c.get("action")), self.tr("{who} acted on {target}"))
            text = text.format(who=entry.sender, target=target, rooms=rooms)
        if reason:
            text += self.tr(": “{reason}”").format(reason=reason)
        return f"{when} · {text}"
