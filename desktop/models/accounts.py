"""The accounts shown side by side: one row each, with its user id and its unread counts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt


class AccountRole(IntEnum):
    Entry = Qt.ItemDataRole.UserRole + 1  # the AccountEntry
    Key = Qt.ItemDataRole.UserRole + 2  # its profile folder's name (stable while it lives)
    UserId = Qt.ItemDataRole.UserRole + 3  # "" until its profile is open and signed in
    Unread = Qt.ItemDataRole.UserRole + 4
    Mentions = Qt.ItemDataRole.UserRole + 5


@dataclass(frozen=True)
class AccountEntry:
    key: str  # the profile folder's name: never a name or a user id
    user_id: str = ""
    unread: int = 0
    mentions: int = 0


def account_initials(user_id: str, row: int = 0) -> str:
    """'@camille:velotech.example' → 'CV': the person and the server, so that the same person's
    company and partner identities still look different. Before its profile is open (its user id
    is inside), an account shows its number: the one Ctrl+number reaches."""
    if not user_id.startswith("@") or ":" not in user_id:
        return str(row + 1) if not user_id else user_id[:1].upper()
    local, server = user_id[1:].split(":", 1)
    return (local[:1] + server[:1]).upper()


class AccountListModel(QAbstractListModel):
    """Rows in the order the accounts were added; updated in place, never reset."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AccountEntry] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.user_id or self.tr("Account not open yet")
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.describe(entry, index.row())
        if role == AccountRole.Entry:
            return entry
        if role == AccountRole.Key:
            return entry.key
        if role == AccountRole.UserId:
            return entry.user_id
        if role == AccountRole.Unread:
            return entry.unread
        if role == AccountRole.Mentions:
            return entry.mentions
        return None

    def describe(self, entry: AccountEntry, row: int) -> str:
        """What a tooltip and a screen reader say: who, and what waits there."""
        who = entry.user_id or self.tr("Account {n} (not open or not signed in yet)").format(
            n=row + 1
        )
        if entry.mentions:
            return self.tr("{user}: {count} unread, {mentions} mentioning you").format(
                user=who, count=entry.unread, mentions=entry.mentions
            )
        if entry.unread:
            return self.tr("{user}: {count} unread").format(user=who, count=entry.unread)
        return who

    def row_of(self, key: str) -> int:
        return next((row for row, e in enumerate(self._rows) if e.key == key), -1)

    def entry(self, row: int) -> AccountEntry:
        return self._rows[row]

    def add(self, key: str, row: int | None = None) -> None:
        if self.row_of(key) >= 0:
            return
        row = len(self._rows) if row is None else max(0, min(row, len(self._rows)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, AccountEntry(key))
        self.endInsertRows()
        self._renumbered(row + 1)

    def remove(self, key: str) -> None:
        row = self.row_of(key)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        self._renumbered(row)

    def _renumbered(self, first: int) -> None:
        """Rows from `first` moved: their number (shown before their user id is known) too."""
        if first < len(self._rows):
            self.dataChanged.emit(self.index(first), self.index(len(self._rows) - 1))

    def set_user(self, key: str, user_id: str) -> None:
        self._update(key, user_id=user_id)

    def set_counts(self, key: str, unread: int, mentions: int) -> None:
        self._update(key, unread=unread, mentions=mentions)

    def totals(self) -> int:
        return sum(e.unread for e in self._rows)

    def _update(self, key: str, **changes) -> None:
        row = self.row_of(key)
        if row < 0:
            return
        entry = replace(self._rows[row], **changes)
        if entry != self._rows[row]:
            self._rows[row] = entry
            index = self.index(row)
            self.dataChanged.emit(index, index)
