"""Cercle's entry point: QApplication, the qasync loop, the protocol thread, and their wiring."""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import importlib
import logging
import signal
import socket
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cercle.protocol.version import cercle_version

SETTLED_MS = 3000  # start-up chores nobody waits for run this long after launch

# The pure-Python modules the window imports, loaded before PySide6 is: once it is imported,
# every import goes through its __import__ hook, which also reads each new module's source
# (measured: ~0.07 s, 10 % of the start-up's imports). tests/ui/test_cold_start_imports.py
# fails when the window imports a protocol or storage module this list does not bring.
PRELOADED = (
    "cercle.protocol.startup",
    "cercle.protocol.runtime",
    "cercle.protocol.roomlist",
    "cercle.protocol.messages",
    "cercle.protocol.media",
    "cercle.protocol.composing",
    "cercle.protocol.notifications",
    "cercle.protocol.panels",
    "cercle.protocol.policy",
    "cercle.protocol.spaces",
    "cercle.protocol.community.acl",
    "cercle.protocol.community.charter",
    "cercle.protocol.community.context",
    "cercle.resources",
    "html.parser",
    "mimetypes",
    "nh3",
)

if TYPE_CHECKING:  # imported in launch(), once the first profile has started opening
    import qasync
    from PySide6.QtWidgets import QApplication

    from cercle.desktop.accounts import Accounts
    from cercle.desktop.demo import DemoLauncher
    from cercle.desktop.views.account_pane import AccountsWindow
    from cercle.protocol.profiles import KeyOptions
    from cercle.protocol.runtime import ProtocolThread
    from cercle.protocol.startup import Opened


class ShowVersion(argparse.Action):
    """`--version`, read from the installed metadata only when asked (importlib.metadata costs
    ~50 ms of every start otherwise)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.exit(message=f"cercle {cercle_version()}\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cercle", description="Cercle desktop app")
    parser.add_argument("--version", action=ShowVersion)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run on a local demo network of homeservers (started for you)",
    )
    parser.add_argument(
        "--reset-demo",
        action="store_true",
        help="with --demo: recreate the demo network and its data from scratch",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="the profile folder (default: $CERCLE_PROFILE, else the platform's)",
    )
    parser.add_argument(
        "--lang",
        choices=("fr", "en", "system"),
        help="the interface language for this run (default: the saved choice, else the system's)",
    )
    parser.add_argument(
        "--theme",
        choices=("light", "dark", "system"),
        help="light or dark for this run (default: the saved choice, else the system's)",
    )
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING or ERROR")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return launch(args).run()


@dataclass
class Launched:
    """The running app's parts, shown and started: `run` until the user quits."""

    app: QApplication
    loop: qasync.QEventLoop
    protocol: ProtocolThread
    accounts: Accounts
    shell: AccountsWindow
    demo: DemoLauncher | None
    early: concurrent.futures.Future[Opened] | None  # the first profile, opened early

    def run(self) -> int:
        closing = asyncio.Event()
        self.app.aboutToQuit.connect(closing.set)
        quit_on_signals(self.app)
        try:
            with self.loop:
                self.loop.run_until_complete(closing.wait())
        finally:
            self.close()
        return 0

    def close(self) -> None:
        self.accounts.close()
        self.protocol.stop()
        if self.demo is not None:
            self.demo.stop()


def launch(args: argparse.Namespace, key_options: KeyOptions | None = None) -> Launched:
    """Builds the window and starts every account. The first profile starts opening on the
    protocol thread (keyring, SQLCipher, its cached room list) before Qt is even imported:
    the two overlap, and the room list is ready by the time the window is."""
    from cercle.protocol.runtime import ProtocolThread

    protocol = ProtocolThread()
    protocol.start()
    early = None
    if not args.demo:  # the demo's profile opens once its servers are up
        from cercle.protocol import early_open

        early = early_open.start(protocol, args.profile, key_options)

    preload()
    # Qt is imported only now, so `cercle --version` answers without loading it.
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cercle.desktop.accounts import AccountRegistry, Accounts
    from cercle.desktop.i18n import Translations
    from cercle.desktop.preferences import PreferencesMenu
    from cercle.desktop.settings import UiSettings
    from cercle.desktop.theme import Appearance
    from cercle.desktop.views.account_pane import AccountsWindow
    from cercle.protocol.policy import load_policy
    from cercle.protocol.profiles import ProfileLocation

    existing = QApplication.instance()  # a test's; the app itself starts with none
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Cercle")
    app.setOrganizationName("Cercle")
    # The version is read later: importlib.metadata would delay the room list by ~50 ms.
    QTimer.singleShot(SETTLED_MS, lambda: app.setApplicationVersion(cercle_version()))
    settings = UiSettings()  # after the names above: they name its file
    translations = Translations(app)
    translations.apply(args.lang or settings.language)  # flags apply to this run only
    appearance = Appearance(app)
    appearance.apply(args.theme or settings.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    if args.demo:  # the demo's seed needs nio; a plain start paints before nio loads
        from cercle.desktop.demo import DemoLauncher
        from cercle.protocol import seed

        location = seed.profile_location()
    else:
        location = ProfileLocation.from_path(args.profile)
    # One page per account, side by side; account 0 is `location`, as when there was only one.
    accounts = Accounts(protocol, loop, AccountRegistry(location, settings), key_options)
    policy = None if args.demo else load_policy()  # the demo runs on its own local servers

    def decorate(page) -> None:
        if policy is not None:
            page.login.apply_policy(policy)
        page.menuBar().addMenu(PreferencesMenu(settings, translations, appearance, page))

    accounts.decorators.append(decorate)
    shell = AccountsWindow(accounts)
    first = accounts.open_all()[0]
    if early is not None:
        first.session.adopt(early)
    demo = (
        DemoLauncher(first.window, first.session, reset=args.reset_demo, accounts=accounts)
        if args.demo
        else None
    )
    shell.show()
    if demo is not None:
        demo.start()  # starts the network, then every account's session
    else:
        accounts.start()
    return Launched(app, loop, protocol, accounts, shell, demo, early)


def preload() -> None:
    for name in PRELOADED:
        importlib.import_module(name)


def quit_on_signals(app) -> None:
    """SIGINT/SIGTERM quit cleanly (servers stopped, keys saved) without a polling timer.

    Python runs its signal handlers only when it gets control, which an idle Qt loop never gives
    it; the handler's wake-up byte on a socket pair makes Qt call back into Python at once.
    """
    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)  # the wake-up byte does the work
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def woke() -> None:
        with contextlib.suppress(BlockingIOError):
            reader.recv(64)
        app.quit()

    notifier.activated.connect(woke)
    app._signal_sockets = (reader, writer, notifier)  # keep them alive with the app


if __name__ == "__main__":
    sys.exit(main())
