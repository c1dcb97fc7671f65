"""The one window of several accounts: the account column, then the shown account's own page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from cercle.desktop.accounts import FIRST, AccountPane, Accounts
from cercle.desktop.tray import Tray
from cercle.desktop.views.account_bar import AccountBar


class AccountsWindow(QWidget):
    """Each account's page is its own MainWindow (screens, menus, status line) shown inside this
    window, so every account keeps all it had alone; the column at the left shows every account
    with its unread count once there are two. One tray counts for all of them."""

    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.setWindowTitle("Cercle")
        self.resize(1160, 720)
        self.tray = Tray(self)
        accounts.tray = self.tray
        self.bar = AccountBar(accounts.model, self)
        self.line = QFrame(self)  # the column is the window's frame, the page its content
        self.line.setFrameShape(QFrame.Shape.VLine)
        self.line.setFrameShadow(QFrame.Shadow.Plain)
        self.line.setForegroundRole(QPalette.ColorRole.Mid)
        self.stack = QStackedWidget(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.line)
        layout.addWidget(self.stack, 1)
        self.menus: dict[AccountPane, AccountMenu] = {}
        self._return_to: AccountPane | None = None  # shown before another account's passphrase
        self._show_column()

        accounts.paneAdded.connect(self._pane_added)
        accounts.paneRemoved.connect(self._pane_removed)
        accounts.failed.connect(self._failed)
        self.bar.accountChosen.connect(self.show_account)
        self.bar.addRequested.connect(lambda: self.add_account())
        self.tray.messageClicked.connect(self._notification_clicked)
        self.tray.showWindowRequested.connect(self.bring_to_front)
        self.tray.quitRequested.connect(self.close)
        self.shortcuts = []
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda row=n - 1: self.show_account(row))
            self.shortcuts.append(shortcut)
        for keys, step in (("Ctrl+Alt+Down", 1), ("Ctrl+Alt+Up", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda step=step: self.step(step))
            self.shortcuts.append(shortcut)
        for pane in accounts.panes:  # opened before this window
            self._pane_added(pane)

    # -- which account is shown --------------------------------------------------------------

    @property
    def current(self) -> AccountPane | None:
        page = self.stack.currentWidget()
        return next((p for p in self.accounts.panes if p.window is page), None)

    def show_account(self, row: int) -> None:
        panes = self.accounts.panes
        if not 0 <= row < len(panes):
            return
        window = panes[row].window
        if self.stack.currentWidget() is not window:
            self.stack.setCurrentWidget(window)
            window.home.room_list.setFocus()  # where the keyboard would start in that account
        self.bar.select(row)
        self._title()

    def _title(self) -> None:
        """The shown account in the title: task switchers and screen readers tell them apart."""
        current = self.current
        user = current.user_id if current is not None else ""
        self.setWindowTitle(
            f"Cercle — {user}" if user and len(self.accounts.panes) > 1 else "Cercle"
        )

    def _unlocking(self, pane: AccountPane) -> None:
        """Its passphrase is asked: show its page (the dialog would be another's otherwise),
        and come back once it is open."""
        current = self.current
        if current is not pane:
            if self._return_to is None:
                self._return_to = current
            self.show_account(self.accounts.panes.index(pane))

    def _unlocked(self, pane: AccountPane) -> None:
        self._title()
        back, self._return_to = self._return_to, None
        if back is not None and back in self.accounts.panes and self.current is pane:
            self.show_account(self.accounts.panes.index(back))

    def step(self, by: int) -> None:
        panes = self.accounts.panes
        current = self.current
        if current is not None and len(panes) > 1:
            self.show_account((panes.index(current) + by) % len(panes))

    def add_account(self, passphrase: str | None = None) -> AccountPane | None:
        pane = self.accounts.add(passphrase)
        if pane is not None:
            self.show_account(self.accounts.panes.index(pane))
        return pane

    def sign_out(self, pane: AccountPane, confirm: bool = True) -> None:
        """Signs `pane`'s account out and wipes its data here, after asking."""
        if confirm:
            user = pane.user_id or self.tr("this new account")
            answer = QMessageBox.question(
                self,
                self.tr("Sign out"),
                self.tr(
                    "Sign out of {user}? Its messages and keys are removed from this computer; "
                    "without a recovery key, encrypted history may not come back."
                ).format(user=user),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,  # Enter must not wipe an account
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.accounts.sign_out(pane)

    # -- panes come and go -------------------------------------------------------------------

    def _pane_added(self, pane: AccountPane) -> None:
        row = self.accounts.panes.index(pane)
        pane.unlocking.connect(lambda: self._unlocking(pane))
        pane.session.signedIn.connect(lambda _user_id: self._unlocked(pane))
        self.stack.insertWidget(row, pane.window)
        menu = AccountMenu(pane, self)
        bar = pane.window.menuBar()
        first = next(iter(bar.actions()), None)  # Accounts first: it frames the other menus
        if first is not None:
            bar.insertMenu(first, menu)
        else:
            bar.addMenu(menu)
        self.menus[pane] = menu
        pane.window.installEventFilter(self)
        self._show_column()
        if self.stack.count() == 1 or pane.key == FIRST:
            self.show_account(row)

    def _pane_removed(self, pane: AccountPane) -> None:
        window = pane.window
        was_shown = self.stack.currentWidget() is window
        window.removeEventFilter(self)
        self.tray.forget(window.attention)
        self.stack.removeWidget(window)
        self.menus.pop(pane, None)
        window.deleteLater()
        self._show_column()
        if was_shown and self.accounts.panes:
            self.show_account(0)

    def _show_column(self) -> None:
        """The column shows once there are two accounts (one alone looks as it always did)."""
        several = len(self.accounts.panes) > 1
        self.bar.setVisible(several)
        self.line.setVisible(several)
        self.bar.add_button.setEnabled(self.accounts.can_add())
        self._title()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            pane = next((p for p in self.accounts.panes if p.window is watched), None)
            if pane is not None:
                self._page_closed(pane)
        return False

    def _page_closed(self, pane: AccountPane) -> None:
        """A page closes itself when its profile cannot open or its passphrase was refused: an
        account that never existed is just dropped; an existing one closes Cercle, as alone."""
        if pane.key != FIRST and not pane.location.exists():
            self.accounts.discard(pane)
        else:
            QTimer.singleShot(0, self.close)

    # -- the tray ----------------------------------------------------------------------------

    def _notification_clicked(self) -> None:
        source = self.tray.last_source
        pane = next((p for p in self.accounts.panes if p.window.attention is source), None)
        if pane is None:
            self.bring_to_front()
            return
        self.show_account(self.accounts.panes.index(pane))
        self.bring_to_front()
        pane.window.attention._open_last()

    def bring_to_front(self) -> None:
        self.showNormal()
        if QGuiApplication.platformName() != "offscreen":
            self.raise_()
            self.activateWindow()

    def _failed(self, text: str) -> None:
        current = self.current
        if current is not None:
            current.window.statusBar().showMessage(text, 10_000)


class AccountMenu(QMenu):
    """The Accounts menu of one account's page: add another, sign out of this one, switch."""

    def __init__(self, pane: AccountPane, window: AccountsWindow) -> None:
        super().__init__(pane.window)
        self.setObjectName("accountsMenu")
        self.add_action = QAction(self)
        self.sign_out_action = QAction(self)
        self.next_action = QAction(self)
        self.previous_action = QAction(self)
        self.addAction(self.add_action)
        self.addAction(self.sign_out_action)
        self.addSeparator()
        self.addAction(self.next_action)
        self.addAction(self.previous_action)
        self.add_action.triggered.connect(lambda: window.add_account())
        self.sign_out_action.triggered.connect(lambda: window.sign_out(pane))
        self.next_action.triggered.connect(lambda: window.step(1))
        self.previous_action.triggered.connect(lambda: window.step(-1))
        self.aboutToShow.connect(lambda: self._update(window))
        self.retranslate()

    def _update(self, window: AccountsWindow) -> None:
        self.add_action.setEnabled(window.accounts.can_add())
        several = len(window.accounts.panes) > 1
        self.next_action.setEnabled(several)
        self.previous_action.setEnabled(several)

    def retranslate(self) -> None:
        self.setTitle(self.tr("&Accounts"))
        self.add_action.setText(self.tr("Add account…"))
        self.sign_out_action.setText(self.tr("Sign out of this account…"))
        # The shortcuts are the window's (every page's menu would otherwise claim them).
        self.next_action.setText(self.tr("Next account\tCtrl+Alt+Down"))
        self.previous_action.setText(self.tr("Previous account\tCtrl+Alt+Up"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
