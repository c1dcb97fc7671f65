"""Files on their way out, above the composer: a progress bar and a cancel button each."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class UploadRow(QWidget):
    def __init__(self, name: str, room_id: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.room_id = room_id  # "" shows in every room
        self.name = QLabel(name, self)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.bar.setMaximumWidth(220)
        self.error = QLabel(self)
        self.error.setObjectName("uploadError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #e03131;")
        self.error.hide()
        self.button = QPushButton(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name)
        layout.addWidget(self.bar)
        layout.addWidget(self.error, 1)
        layout.addStretch(0)
        layout.addWidget(self.button)


class UploadList(QWidget):
    """Rows keyed by the outbox txn id (or by the file name for a refused file); only the open
    room's rows show."""

    cancelRequested = Signal(str)  # txn id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, UploadRow] = {}
        self.room_id = ""
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 4)
        self._layout.setSpacing(2)
        self.hide()

    def retranslate(self) -> None:
        for key, row in self.rows.items():
            self._label(key, row)

    def _label(self, key: str, row: UploadRow) -> None:
        failed = row.error.isVisible() or row.error.text()
        row.button.setText(self.tr("Dismiss") if failed else self.tr("Cancel"))
        name = row.name.text()
        row.button.setAccessibleName(
            self.tr("Dismiss {name}").format(name=name)
            if failed
            else self.tr("Cancel sending {name}").format(name=name)
        )
        row.bar.setAccessibleName(self.tr("Sending {name}").format(name=name))

    def add(self, key: str, name: str, room_id: str = "") -> UploadRow:
        row = self.rows.get(key)
        if row is None:
            row = UploadRow(name, room_id, self)
            self.rows[key] = row
            self._layout.addWidget(row)
            row.button.clicked.connect(lambda: self._button(key))
        self._label(key, row)
        self.show_room(self.room_id)
        return row

    def show_room(self, room_id: str | None) -> None:
        """Shows the rows of `room_id` (and those of no room in particular), hides the others."""
        self.room_id = room_id or ""
        shown = False
        for row in self.rows.values():
            mine = not row.room_id or row.room_id == self.room_id
            row.setVisible(mine)
            shown = shown or mine
        self.setVisible(shown)

    def progress(self, key: str, name: str, sent: int, total: int, room_id: str = "") -> None:
        row = self.add(key, name, room_id)
        row.bar.setValue(100 if total <= 0 else min(100, sent * 100 // total))

    def value(self, key: str) -> int | None:
        row = self.rows.get(key)
        return row.bar.value() if row else None

    def fail(self, key: str, name: str, reason: str, room_id: str = "") -> None:
        """Keeps the row with the reason instead of the bar, until dismissed."""
        row = self.add(key, name, room_id)
        row.bar.hide()
        row.error.setText(reason)
        row.error.show()
        self._label(key, row)

    def remove(self, key: str) -> None:
        row = self.rows.pop(key, None)
        if row is not None:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.show_room(self.room_id)

    def _button(self, key: str) -> None:
        row = self.rows.get(key)
        if row is None:
            return
        if not row.error.text():
            self.cancelRequested.emit(key)
        self.remove(key)
