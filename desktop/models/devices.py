"""Our own devices for the security settings: one row each, updated in place (never reset)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QApplication, QStyle

from cercle.protocol.devices import OwnDevice
from cercle.protocol.trust.crosssigning import TrustLevel

Index = QModelIndex | QPersistentModelIndex


class DeviceRole(IntEnum):
    Device = Qt.ItemDataRole.UserRole + 1  # the OwnDevice
    Trust = Qt.ItemDataRole.UserRole + 2  # its TrustLevel value


def trust_words(level: TrustLevel) -> str:
    if level is TrustLevel.VERIFIED:
        return QCoreApplication.translate("DeviceListModel", "verified")
    if level is TrustLevel.CROSS_SIGNED:  # chained to the published identity, unchecked here
        return QCoreApplication.translate("DeviceListModel", "cross-signed")
    return QCoreApplication.translate("DeviceListModel", "not verified")


class DeviceListModel(QAbstractListModel):
    """This device first, then the others; `set_devices` inserts, updates and removes rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OwnDevice] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        device = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            name = device.display_name
            shown = f"{name} ({device.device_id})" if name else device.device_id
            line = f"{shown} · {trust_words(device.trust)}"
            if device.this_device:
                line += " · " + QCoreApplication.translate("DeviceListModel", "this device")
            elif device.last_seen_ms:
                when = QLocale().toString(
                    QDateTime.fromMSecsSinceEpoch(device.last_seen_ms).date(),
                    QLocale.FormatType.ShortFormat,
                )
                line += " · " + QCoreApplication.translate(
                    "DeviceListModel", "last seen {date}"
                ).format(date=when)
            return line
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.DecorationRole:  # a tick, or a warning for a stranger device
            style = QApplication.style()
            kind = QStyle.StandardPixmap.SP_DialogApplyButton
            if device.trust is TrustLevel.UNSIGNED:
                kind = QStyle.StandardPixmap.SP_MessageBoxWarning
            return style.standardIcon(kind) if style is not None else None
        if role == DeviceRole.Device:
            return device
        if role == DeviceRole.Trust:
            return device.trust.value
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        return super().roleNames() | {
            DeviceRole.Device: QByteArray(b"device"),
            DeviceRole.Trust: QByteArray(b"trust"),
        }

    def device(self, row: int) -> OwnDevice | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def set_devices(self, devices: Sequence[OwnDevice]) -> None:
        """Brings the rows to `devices` (kept in their order): gone rows are removed, changed
        ones updated in place, new ones inserted in one batch at the end."""
        wanted = {d.device_id: d for d in devices}
        for row in reversed(range(len(self._rows))):
            if self._rows[row].device_id not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        for row, current in enumerate(self._rows):
            fresh = wanted[current.device_id]
            if fresh != current:
                self._rows[row] = fresh
                index = self.index(row)
                self.dataChanged.emit(index, index)
        known = {d.device_id for d in self._rows}
        new = [d for d in devices if d.device_id not in known]
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()
