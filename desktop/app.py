"""Cercle's entry point: QApplication, the qasync loop, the protocol thread, and their wiring."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys

from cercle.protocol.version import cercle_version


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cercle", description="Cercle desktop app")
    parser.add_argument("--version", action="version", version=f"cercle {cercle_version()}")
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
    # Qt is imported only now, so `cercle --version` answers without loading it.
    import qasync
    from PySide6.QtWidgets import QApplication

    from cercle.desktop.accounts import AccountRegistry, Accounts
    from cercle.desktop.i18n import Translations
    from cercle.desktop.preferences import PreferencesMenu
    from cercle.desktop.settings import UiSettings
    from cercle.desktop.theme import Appearance
    from cercle.desktop.views.account_pane import AccountsWindow
    from cercle.protocol.policy import load_policy
    from cercle.protocol.profiles import ProfileLocation
    from cercle.protocol.runtime import ProtocolThread

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Cercle")
    app.setOrganizationName("Cercle")
    app.setApplicationVersion(cercle_version())
    settings = UiSettings()  # after the names above: they name its file
    translations = Translations(app)
    translations.apply(args.lang or settings.language)  # flags apply to this run only
    appearance = Appearance(app)
    appearance.apply(args.theme or settings.theme)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    protocol = ProtocolThread()
    protocol.start()
    if args.demo:  # the demo's seed needs nio; a plain start paints before nio loads
        from cercle.desktop.demo import DemoLauncher
        from cercle.protocol import seed

        location = seed.profile_location()
    else:
        location = ProfileLocation.from_path(args.profile)
    # One page per account, side by side; account 0 is `location`, as when there was only one.
    accounts = Accounts(protocol, loop, AccountRegistry(location, settings))
    policy = None if args.demo else load_policy()  # the demo runs on its own local servers

    def decorate(page) -> None:
        if policy is not None:
            page.login.apply_policy(policy)
        page.menuBar().addMenu(PreferencesMenu(settings, translations, appearance, page))

    accounts.decorators.append(decorate)
    shell = AccountsWindow(accounts)
    first = accounts.open_all()[0]
    window, session = first.window, first.session
    demo = (
        DemoLauncher(window, session, reset=args.reset_demo, accounts=accounts)
        if args.demo
        else None
    )
    shell.show()
    if demo is not None:
        demo.start()  # starts the network, then every account's session
    else:
        accounts.start()

    closing = asyncio.Event()
    app.aboutToQuit.connect(closing.set)
    quit_on_signals(app)
    try:
        with loop:
            loop.run_until_complete(closing.wait())
    finally:
        accounts.close()
        protocol.stop()
        if demo is not None:
            demo.stop()
    return 0


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
