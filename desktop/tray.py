"""The system tray icon: Cercle's icon with the unread count, a menu, and desktop notifications."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

import cercle.resources

ICON = Path(cercle.resources.__file__).parent / "icons" / "cercle.svg"


def badge_icon(count: int, size: int = 64) -> QIcon:
    """Cercle's icon, with a red badge holding `count` (99+ past 99) when there is any."""
    pixmap = QIcon(str(ICON)).pixmap(size, size)
    if count <= 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    text = str(count) if count < 100 else "99+"
    side = size * (0.55 if len(text) < 3 else 0.7)
    rect = QRectF(size - side, 0, side, size * 0.55)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#e03131"))
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.36 if len(text) < 3 else 0.28)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


class Tray(QObject):
    """Owns the QSystemTrayIcon when the desktop has a tray; without one (offscreen, some
    desktops) it still counts and emits `messageShown`, so notifications are never lost
    silently and tests can watch them."""

    messageShown = Signal(str, str)  # title, body (every notification, tray or not)
    messageClicked = Signal()
    showWindowRequested = Signal()
    quitRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = 0  # the sum over the accounts
        self._counts: dict[object, int] = {}  # per account (its Attention), when several share us
        self.last_source: object = None  # whose notification was shown last
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon: QSystemTrayIcon | None = None
        self.menu = QMenu(parent)
        self.show_action = QAction(self.menu)
        self.quit_action = QAction(self.menu)
        self.menu.addAction(self.show_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.show_action.triggered.connect(self.showWindowRequested)
        self.quit_action.triggered.connect(self.quitRequested)
        if self.available:
            self.icon = QSystemTrayIcon(badge_icon(0), self)
            self.icon.setContextMenu(self.menu)
            self.icon.messageClicked.connect(self.messageClicked)
            self.icon.activated.connect(self._activated)
            self.icon.show()
        self.retranslate()
        if parent is not None:
            parent.installEventFilter(self)

    def set_unread(self, count: int, source: object = None) -> None:
        """`source`'s unread count (one per account); the icon shows the sum."""
        self._counts[source] = count
        self._recount()

    def tooltip(self) -> str:
        if self.count:
            return self.tr("Cercle: {count} unread").format(count=self.count)
        return "Cercle"

    def _tooltip(self) -> None:
        if self.icon is not None:
            self.icon.setToolTip(self.tooltip())

    def forget(self, source: object) -> None:
        """An account went away (signed out): its count leaves the sum."""
        if self._counts.pop(source, 0):
            self._recount()

    def _recount(self) -> None:
        self.count = sum(self._counts.values())
        if self.icon is not None:
            self.icon.setIcon(badge_icon(self.count))
        self._tooltip()

    def show_message(self, title: str, body: str) -> None:
        if self.icon is not None and self.icon.supportsMessages():
            self.icon.showMessage(title, body, badge_icon(0), 8000)
        self.messageShown.emit(title, body)

    def retranslate(self) -> None:
        self.show_action.setText(self.tr("Show Cercle"))
        self.quit_action.setText(self.tr("Quit"))
        self._tooltip()

    def eventFilter(self, watched, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.showWindowRequested.emit()
