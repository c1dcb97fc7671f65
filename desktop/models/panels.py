"""The side panel's lists: a room's members, threads, files and pinned messages."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject, Qt

from cercle.desktop.delegates.common import short_time
from cercle.desktop.models.keyed import KeyedListModel
from cercle.protocol.panels import FileInfo, MemberInfo, PinnedInfo, ThreadInfo


def role_name(role: str) -> str:
    """A community role in the interface language."""
    names = {
        "manager": QCoreApplication.translate("Roles", "Community manager"),
        "moderator": QCoreApplication.translate("Roles", "Moderator"),
        "member": QCoreApplication.translate("Roles", "Member"),
        "partner_guest": QCoreApplication.translate("Roles", "Partner guest"),
    }
    return names.get(role, role)


def file_size(size: int) -> str:
    """Bytes as the locale writes them (“2,4 Mo” in French)."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


class MemberListModel(KeyedListModel[MemberInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda m: m.user_id, parent)

    def row_data(self, row: MemberInfo, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.display_name
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.user_id
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = [row.display_name, role_name(row.role), row.server]
            if row.external:
                parts.append(self.tr("external: from another organisation"))
            return ", ".join(parts)
        return None


class ThreadListModel(KeyedListModel[ThreadInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda t: t.root.event_id, parent)

    def row_data(self, row: ThreadInfo, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.root.body
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tr("{name}: {text}, {n} replies, last {when}").format(
                name=row.root.sender_name,
                text=row.root.body,
                n=row.replies,
                when=short_time(row.latest_ts),
            )
        return None


class FileListModel(KeyedListModel[FileInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda f: f.event_id, parent)

    def row_data(self, row: FileInfo, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = [row.name, row.sender_name, short_time(row.timestamp_ms)]
            if row.size:
                parts.append(file_size(row.size))
            return ", ".join(parts)
        return None


class PinnedListModel(KeyedListModel[PinnedInfo]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda p: p.event_id, parent)

    def row_data(self, row: PinnedInfo, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.message.body if row.message else self.tr("A message not loaded yet")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if row.message is None:
                return self.tr("A message not loaded yet")
            return self.tr("{name}: {text}").format(
                name=row.message.sender_name, text=row.message.body
            )
        return None
