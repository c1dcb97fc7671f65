"""Canned screens of several accounts side by side, for screenshots: the column, its badges."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QMainWindow, QMenu, QWidget

from cercle.desktop.models.accounts import AccountListModel
from cercle.desktop.tools import sample
from cercle.desktop.views.account_bar import AccountBar

# Camille's company identity, and the one the partner's server gave her for the shared network.
PARTNER_IDENTITY = f"@camille.laurent:{sample.PARTNER_SERVER}"
SCREENS = ("accounts",)


class AccountsShot(QWidget):
    """What AccountsWindow shows (its column, then one account's page with its menus), built
    without sessions: the page is a HomeView in a QMainWindow, as each account's window is."""

    def __init__(self, home: QWidget) -> None:
        super().__init__()
        self.model = AccountListModel(self)
        self.model.add("0")
        self.model.add("1")
        self.model.add("2")
        self.model.set_user("0", sample.ME)
        self.model.set_user("1", PARTNER_IDENTITY)
        self.model.set_counts("0", 4, 0)
        self.model.set_counts("1", 7, 2)  # what waits on the partner's side: a badge, mentions
        self.bar = AccountBar(self.model, self)
        self.bar.select(0)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        line.setForegroundRole(QPalette.ColorRole.Mid)
        self.page = QMainWindow()  # a child once in the layout (not a window of its own)
        home.setParent(self.page)
        self.page.setCentralWidget(home)
        self.menus = [QMenu(self.page) for _ in range(3)]
        for menu in self.menus:
            self.page.menuBar().addMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(line)
        layout.addWidget(self.page, 1)
        self.retranslate()

    def retranslate(self) -> None:
        translate = QCoreApplication.translate
        titles = (
            translate("AccountMenu", "&Accounts"),
            translate("Attention", "&Security"),
            translate("PreferencesMenu", "&Preferences"),
        )
        for menu, title in zip(self.menus, titles, strict=True):
            menu.setTitle(title)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def shots(home_view: Callable[[], QWidget]) -> list[tuple[QWidget, str, int, int | None]]:
    """The company account shown; the partner identity's badge says 7 unread, 2 mentions; a
    third account waits for its sign-in (its number instead of initials)."""
    return [(AccountsShot(home_view()), "accounts", 1180, 720)]
