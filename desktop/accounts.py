"""Several accounts side by side: where their profiles live, and one session and pane each."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from cercle.desktop.bridge import Bridge
from cercle.desktop.models.accounts import AccountListModel
from cercle.desktop.session import SessionController
from cercle.desktop.settings import UiSettings
from cercle.protocol.profiles import KeyOptions, ProfileLocation
from cercle.protocol.runtime import ProtocolThread

if TYPE_CHECKING:
    from cercle.desktop.tray import Tray
    from cercle.desktop.views.main_window import MainWindow
    from cercle.protocol.account import Account
    from cercle.protocol.profiles import Profile

log = logging.getLogger(__name__)

FIRST = "0"  # the profile Cercle always had: account 0, wherever --profile points
MAX_ACCOUNTS = 9  # Ctrl+1…9 reach them all


class AccountRegistry:
    """Account 0 is the base profile location itself, so a single-account install is unchanged.
    Added accounts live in `<base>/.accounts/<name>/<n>`, and UiSettings lists their folder
    numbers only: their user ids are read from each encrypted profile once it is open."""

    def __init__(self, first: ProfileLocation, settings: UiSettings) -> None:
        self.first = first
        self.settings = settings
        # The settings group: a digest of the first profile's path, which may hold a name.
        self.group = hashlib.sha256(str(first.path).encode()).hexdigest()[:16]
        self.root = first.base / ".accounts" / first.name

    def folders(self) -> list[str]:
        return [FIRST, *self.settings.account_folders(self.group)]

    def location(self, key: str) -> ProfileLocation:
        return self.first if key == FIRST else ProfileLocation(self.root, key)

    def add(self) -> str:
        """Registers a new account's folder (created when its profile is) and returns its key.
        A number is never reused while its folder is still on disk (a wipe that failed)."""
        taken = self.folders()
        n = 1
        while str(n) in taken or (self.root / str(n)).exists():
            n += 1
        key = str(n)
        self.settings.set_account_folders(self.group, [*taken[1:], key])
        return key

    def remove(self, key: str) -> None:
        if key != FIRST:
            self.settings.set_account_folders(
                self.group, [k for k in self.folders()[1:] if k != key]
            )


class AccountPane(QObject):
    """One account's bridge, session controller and window (a MainWindow shown as a page)."""

    countsChanged = Signal(int, int)  # unread, mentions
    unlocking = Signal()  # its passphrase is about to be asked: show this account first

    def __init__(
        self,
        key: str,
        location: ProfileLocation,
        protocol: ProtocolThread,
        ui_loop: asyncio.AbstractEventLoop,
        key_options: KeyOptions | None,
        tray: Tray | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from cercle.desktop.views.main_window import MainWindow

        self.key = key
        self.location = location
        self.bridge = Bridge(protocol, ui_loop, self)
        self.session = SessionController(self.bridge, location, key_options, self)
        # Connected before the window's own slot (which opens the dialog): which account asks.
        self.session.passphraseNeeded.connect(lambda *_: self.unlocking.emit())
        self.window: MainWindow = MainWindow(self.session, tray=tray)
        self.unread = self.mentions = 0
        rooms = self.session.rooms
        for changed in (rooms.rowsInserted, rooms.rowsRemoved, rooms.dataChanged):
            changed.connect(self._count)
        rooms.modelReset.connect(self._count)

    @property
    def user_id(self) -> str:
        account = self.session.account
        return account.user_id if account is not None else ""

    def _count(self, *_args) -> None:
        """The server's counts (push rules applied), as the room list and the tray show them."""
        unread, mentions = self.session.rooms.counts()
        if (unread, mentions) != (self.unread, self.mentions):
            self.unread, self.mentions = unread, mentions
            self.countsChanged.emit(unread, mentions)

    def close(self, timeout: float = 10.0) -> None:
        self.session.close(timeout)
        self.bridge.close()


class Accounts(QObject):
    """The accounts of the one window: opens a pane per registered account, adds and removes
    them; the protocol thread is shared, each account has its own bridge (its own changes)."""

    paneAdded = Signal(object)  # AccountPane
    paneRemoved = Signal(object)  # AccountPane, signed out (its window is deleted later)
    failed = Signal(str)  # words for the status bar

    def __init__(
        self,
        protocol: ProtocolThread,
        ui_loop: asyncio.AbstractEventLoop,
        registry: AccountRegistry,
        key_options: KeyOptions | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.protocol = protocol
        self.ui_loop = ui_loop
        self.registry = registry
        self.key_options = key_options
        self.tray: Tray | None = None  # the window's, shared by every account's notifications
        self.model = AccountListModel(self)
        self.panes: list[AccountPane] = []
        # Run on each new pane's window (the app adds its Preferences menu and IT policy).
        self.decorators: list[Callable[[MainWindow], None]] = []

    def open_all(self) -> list[AccountPane]:
        """A pane for every registered account (not started: `start` opens the profiles)."""
        return [self._open(key) for key in self.registry.folders() if self.pane(key) is None]

    def start(self, *, skip: tuple[str, ...] = ()) -> None:
        """Opens the accounts' profiles one after the other: a passphrase asked (no keyring) is
        then always the shown account's, one dialog at a time."""
        self._start_next([p for p in self.panes if p.key not in skip])

    def _start_next(self, queue: list[AccountPane]) -> None:
        if not queue:
            return
        pane = queue.pop(0)
        session = pane.session
        done: list[bool] = []

        def opened(*_args) -> None:
            if not done:
                done.append(True)
                self._start_next(queue)

        for signal in (session.needsSignIn, session.signedIn, session.profileFailed):
            signal.connect(opened)
        session.start()

    def pane(self, key: str) -> AccountPane | None:
        return next((p for p in self.panes if p.key == key), None)

    def can_add(self) -> bool:
        return len(self.panes) < MAX_ACCOUNTS

    def add(self, passphrase: str | None = None) -> AccountPane | None:
        """A new account: its own profile, created at once (then its sign-in screen shows).
        `passphrase`: for a computer without a keyring (else its page asks for one)."""
        if not self.can_add():
            return None
        pane = self._open(self.registry.add())
        pane.session.start(passphrase)
        return pane

    def _open(self, key: str, row: int | None = None) -> AccountPane:
        pane = AccountPane(
            key,
            self.registry.location(key),
            self.protocol,
            self.ui_loop,
            self.key_options,
            self.tray,
            self,
        )
        self.panes.insert(len(self.panes) if row is None else row, pane)
        self.model.add(key, row)
        pane.session.signedIn.connect(lambda user_id: self.model.set_user(key, user_id))
        pane.countsChanged.connect(
            lambda unread, mentions: self.model.set_counts(key, unread, mentions)
        )
        for decorate in self.decorators:
            decorate(pane.window)
        self.paneAdded.emit(pane)
        return pane

    def discard(self, pane: AccountPane) -> None:
        """An added account never signed in (its sign-in was cancelled): forgotten at once."""
        if pane.key == FIRST or pane.session.account is not None:
            return
        self._drop(pane)
        self._wipe(pane, None, pane.session.profile)

    def sign_out(self, pane: AccountPane, on_done: Callable[[], None] | None = None) -> None:
        """Signs the device out on its server, then wipes the profile (store, media, keyring
        entry). Account 0's slot stays: a fresh profile opens on its sign-in screen."""
        self._drop(pane)
        account, profile = pane.session.account, pane.session.profile
        pane.session.account = pane.session.profile = None  # nothing may use them any more
        self._wipe(pane, account, profile, on_done)

    def _wipe(
        self,
        pane: AccountPane,
        account: Account | None,
        profile: Profile | None,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        def wiped(_result=None) -> None:
            pane.bridge.close()
            pane.deleteLater()
            if pane.key == FIRST:
                self._open(FIRST, row=0).session.start()
            if on_done is not None:
                on_done()

        def failed(error: BaseException) -> None:
            log.error("signing out failed", exc_info=error)
            self.failed.emit(pane.session.explain(error))  # words, not an errno and a path
            wiped()

        pane.bridge.run(
            _sign_out(account, profile, pane.location, self.key_options),
            on_success=wiped,
            on_failure=failed,
        )

    def _drop(self, pane: AccountPane) -> None:
        self.panes.remove(pane)
        self.model.remove(pane.key)
        self.registry.remove(pane.key)
        self.paneRemoved.emit(pane)

    def close(self) -> None:
        """Stops every account's sync and closes its profile (at quit)."""
        for pane in self.panes:
            pane.close()


async def _sign_out(
    account: Account | None,
    profile: Profile | None,
    location: ProfileLocation,
    options: KeyOptions | None,
) -> None:
    from cercle.storage.profile import remove_profile

    if account is not None:
        from cercle.protocol.client import MatrixClient
        from cercle.protocol.session import logout

        session = account.client.session
        with contextlib.suppress(Exception):
            await account.close()  # sync and workers stopped first; closes its profile too
        try:  # then this device leaves the server, its keys with it
            await logout(MatrixClient.restore(session))
        except Exception:  # offline, or the server refused: still wiped here
            log.warning("server sign-out failed; wiping the local data anyway", exc_info=True)
    elif profile is not None:
        await asyncio.to_thread(profile.close)
    await asyncio.to_thread(remove_profile, location.name, base=location.base, options=options)
