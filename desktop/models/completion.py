"""The composer's suggestions: people to mention, emoji for a `:shortcode`, the picker's grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)

from cercle.desktop.emojis import Emoji
from cercle.protocol.composing import MentionCandidate

Index = QModelIndex | QPersistentModelIndex
EMOJI_CELL = 36  # px: one emoji of the picker's grid


class CompletionRole(IntEnum):
    Item = Qt.ItemDataRole.UserRole + 1  # the Suggestion
    Detail = Qt.ItemDataRole.UserRole + 2  # the second, greyed text (user id, shortcode)
    External = Qt.ItemDataRole.UserRole + 3  # a person from another server


@dataclass(frozen=True)
class Suggestion:
    """One row: `key` is what gets inserted (a user id, an emoji), `label` what is read."""

    kind: str  # "user" | "emoji"
    key: str
    label: str
    detail: str = ""
    external: bool = False
    server: str = ""

    @classmethod
    def of_member(cls, member: MentionCandidate) -> Suggestion:
        return cls(
            "user",
            member.user_id,
            member.display_name,
            member.user_id,
            member.external,
            member.server,
        )

    @classmethod
    def of_emoji(cls, emoji: Emoji) -> Suggestion:
        return cls("emoji", emoji.char, emoji.name, f":{emoji.shortcode}:")


class SuggestionModel(QAbstractListModel):
    """A short list replaced as the user types: rows removed then inserted (never a reset)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Suggestion] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.key} {item.label}" if item.kind == "emoji" else item.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.detail or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible(item)
        if role == CompletionRole.Item:
            return item
        if role == CompletionRole.Detail:
            return item.detail
        if role == CompletionRole.External:
            return item.external
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        return super().roleNames() | {
            CompletionRole.Item: QByteArray(b"item"),
            CompletionRole.Detail: QByteArray(b"detail"),
            CompletionRole.External: QByteArray(b"external"),
        }

    @staticmethod
    def _accessible(item: Suggestion) -> str:
        if item.kind == "emoji":
            return item.label
        if item.external:
            text = QCoreApplication.translate(
                "SuggestionModel", "{name}, {user_id}, external, from {server}"
            )
            return text.format(name=item.label, user_id=item.detail, server=item.server)
        text = QCoreApplication.translate("SuggestionModel", "{name}, {user_id}")
        return text.format(name=item.label, user_id=item.detail)

    def set_items(self, items: Sequence[Suggestion]) -> None:
        """Shows `items` instead of the current rows."""
        items = list(items)
        if items == self._rows:
            return
        if self._rows:
            self.beginRemoveRows(QModelIndex(), 0, len(self._rows) - 1)
            self._rows = []
            self.endRemoveRows()
        if items:
            self.beginInsertRows(QModelIndex(), 0, len(items) - 1)
            self._rows = items
            self.endInsertRows()

    def item(self, row: int) -> Suggestion | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None


class EmojiGridModel(QAbstractListModel):
    """The picker's emoji: one cell each, the name as tooltip and accessible text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Emoji] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        emoji = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return emoji.char
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return emoji.name
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(EMOJI_CELL, EMOJI_CELL)  # colour glyphs are taller than the font says
        if role == CompletionRole.Item:
            return emoji
        if role == CompletionRole.Detail:
            return f":{emoji.shortcode}:"
        return None

    def set_emoji(self, emoji: Sequence[Emoji]) -> None:
        emoji = list(emoji)
        if emoji == self._rows:
            return
        if self._rows:
            self.beginRemoveRows(QModelIndex(), 0, len(self._rows) - 1)
            self._rows = []
            self.endRemoveRows()
        if emoji:
            self.beginInsertRows(QModelIndex(), 0, len(emoji) - 1)
            self._rows = emoji
            self.endInsertRows()

    def emoji(self, row: int) -> Emoji | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None
