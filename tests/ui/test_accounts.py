"""Several accounts in one window: the registry, the accounts model, and a company user and a
partner user side by side against the real servers (badges, switching, both syncing, restart)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from support import login

from cercle.desktop.accounts import FIRST, AccountRegistry, Accounts
from cercle.desktop.dialogs.passphrase import PassphraseDialog
from cercle.desktop.dialogs.switcher import RoomSwitcher
from cercle.desktop.models.accounts import AccountListModel, AccountRole, account_initials
from cercle.desktop.models.rooms import RoomRole
from cercle.desktop.settings import UiSettings
from cercle.desktop.views.account_pane import AccountsWindow
from cercle.protocol.client import MatrixClient
from cercle.protocol.errors import MatrixError
from cercle.protocol.profiles import ProfileLocation
from cercle.protocol.runtime import ProtocolThread

PASSPHRASE = "correct horse battery staple"
WAIT = 30_000


def settings_at(path) -> UiSettings:
    return UiSettings(QSettings(str(path), QSettings.Format.IniFormat))


# -- the registry and the model ----------------------------------------------------------------


def test_the_registry_keeps_folder_numbers_only_and_account_0_where_it_always_was(tmp_path):
    first = ProfileLocation(tmp_path / "profiles", "default")
    registry = AccountRegistry(first, settings_at(tmp_path / "ui.ini"))
    assert registry.folders() == [FIRST]
    assert registry.location(FIRST) == first  # a single-account install is unchanged
    assert registry.add() == "1"
    assert registry.add() == "2"
    assert registry.location("2") == ProfileLocation(
        tmp_path / "profiles" / ".accounts" / "default", "2"
    )
    registry.remove("1")
    (registry.root / "1").mkdir(parents=True)  # a wipe that left its folder behind
    assert registry.add() == "3"  # a number is not reused while its folder is there
    again = AccountRegistry(first, settings_at(tmp_path / "ui.ini"))  # read back from the file
    assert again.folders() == [FIRST, "2", "3"]
    text = (tmp_path / "ui.ini").read_text()
    assert "default" not in text
    assert str(tmp_path) not in text
    assert '="2,3"' in text or "=2,3" in text
    # Another first profile has its own list.
    other = AccountRegistry(ProfileLocation(tmp_path, "work"), settings_at(tmp_path / "ui.ini"))
    assert other.folders() == [FIRST]


def test_a_hand_edited_list_cannot_point_elsewhere(tmp_path):
    settings = settings_at(tmp_path / "ui.ini")
    registry = AccountRegistry(ProfileLocation(tmp_path, "p"), settings)
    settings._store.setValue(f"accounts/{registry.group}", "1,../../etc,2,1")
    assert registry.folders() == [FIRST, "1", "2"]
    with pytest.raises(ValueError, match="numbers"):
        settings.set_account_folders(registry.group, ["x"])


def test_the_accounts_model_updates_in_place(qtbot, qtmodeltester):
    model = AccountListModel()
    qtmodeltester.check(model)
    model.add("0")
    model.add("1")
    model.add("2", row=0)
    assert [model.entry(r).key for r in range(3)] == ["2", "0", "1"]
    with qtbot.waitSignal(model.dataChanged):
        model.set_user("1", "@elodie:partner.example")
    with qtbot.assertNotEmitted(model.dataChanged):
        model.set_user("1", "@elodie:partner.example")  # nothing changed
    model.set_counts("1", 4, 1)
    index = model.index(2)
    assert index.data(AccountRole.UserId) == "@elodie:partner.example"
    assert index.data(AccountRole.Unread) == 4
    assert index.data(AccountRole.Mentions) == 1
    assert index.data(Qt.ItemDataRole.ToolTipRole) == (
        "@elodie:partner.example: 4 unread, 1 mentioning you"
    )
    assert model.index(0).data() == "Account not open yet"
    assert model.index(0).data(Qt.ItemDataRole.ToolTipRole) == (
        "Account 1 (not open or not signed in yet)"
    )
    model.remove("2")
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    assert account_initials("@camille:velotech.example") == "CV"
    assert account_initials("", 1) == "2"


# -- two accounts, real servers --------------------------------------------------------------


@pytest.fixture
def shell_factory(qtbot, ui_loop, tmp_path, key_options):
    """Builds the accounts window on one protocol thread (as the app does); call it again after
    closing the first to restart on the same profiles and settings."""
    protocol = ProtocolThread()
    protocol.start()
    made: list[Accounts] = []

    def make() -> AccountsWindow:
        registry = AccountRegistry(
            ProfileLocation(tmp_path, "profile"), settings_at(tmp_path / "ui.ini")
        )
        accounts = Accounts(protocol, ui_loop, registry, key_options)
        shell = AccountsWindow(accounts)
        accounts.open_all()
        qtbot.addWidget(shell)
        shell.show()
        made.append(accounts)
        return shell

    yield make
    for accounts in made:
        accounts.close()
    protocol.stop()


def sign_in(qtbot, pane, account) -> None:
    window = pane.window
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=WAIT)
    window.login.homeserver.setText(account.homeserver)
    window.login.user.setText(account.user_id)
    window.login.password.setText(account.password)
    qtbot.mouseClick(window.login.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.account is not None, timeout=WAIT)


def room_names(pane) -> set[str]:
    rooms = pane.session.rooms
    return {rooms.index(r, 0).data(RoomRole.Summary).name for r in range(rooms.rowCount())}


def test_a_company_and_a_partner_account_side_by_side(qtbot, shell_factory, register, monkeypatch):
    camille, elodie = register("company"), register("partner")
    colleague, partner_colleague = register("company"), register("partner")
    shell = shell_factory()
    assert not shell.bar.isVisible()  # one account: the window looks as it always did
    first = shell.accounts.panes[0]
    first.session.start(PASSPHRASE)
    sign_in(qtbot, first, camille)
    second = shell.add_account(PASSPHRASE)
    assert second is not None
    assert shell.current is second
    sign_in(qtbot, second, elodie)
    assert shell.bar.isVisible()
    model = shell.accounts.model
    qtbot.waitUntil(lambda: model.index(1).data(AccountRole.UserId) == elodie.user_id)
    assert model.index(0).data(AccountRole.UserId) == camille.user_id
    assert model.index(0).data(Qt.ItemDataRole.ToolTipRole) == camille.user_id

    # A room each, with someone from the same server; both accounts join it.
    company_room = on(first, _room_from(colleague, "Atelier vélo", camille.user_id))
    partner_room = on(second, _room_from(partner_colleague, "Revendeurs", elodie.user_id))
    on(first, first.session.account.client.join(company_room))
    on(second, second.session.account.client.join(partner_room))
    qtbot.waitUntil(lambda: room_names(first) == {"Atelier vélo"}, timeout=WAIT)
    qtbot.waitUntil(lambda: room_names(second) == {"Revendeurs"}, timeout=WAIT)

    # Camille's account is shown; a message for Élodie raises her account's badge and the tray.
    qtbot.keyClick(shell, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert shell.current is first
    assert shell.bar.list.currentIndex().row() == 0
    assert shell.windowTitle() == f"Cercle — {camille.user_id}"
    shown: list[tuple[str, str]] = []
    shell.tray.messageShown.connect(lambda title, body: shown.append((title, body)))
    on(second, _say(partner_colleague, partner_room, "Élodie, tu as vu le devis ?", elodie))
    qtbot.waitUntil(lambda: model.index(1).data(AccountRole.Unread) >= 1, timeout=WAIT)
    assert model.index(1).data(AccountRole.Mentions) == 1
    assert model.index(0).data(AccountRole.Unread) == 0
    assert shell.tray.count == model.index(1).data(AccountRole.Unread)
    # The notification says which account it is for.
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=WAIT)
    assert shown[0][1].endswith(f"(account {elodie.user_id})")

    # Both sync at once: a message for Camille while Élodie's account is the one shown.
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(shell, Qt.Key.Key_Down, ctrl_alt)
    assert shell.current is second
    assert second.window.home.room_list.model().rowCount() == 1  # Élodie's rooms, not Camille's
    assert second.window.home.proxy.index(0, 0).data(RoomRole.Summary).name == "Revendeurs"
    qtbot.keyClick(shell, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # this account's
    switcher = second.window.findChild(RoomSwitcher)
    assert switcher is not None
    assert first.window.findChild(RoomSwitcher) is None
    switcher.close()
    on(first, _say(colleague, company_room, "Camille, la réunion est à 14 h", camille))
    qtbot.waitUntil(lambda: model.index(0).data(AccountRole.Unread) >= 1, timeout=WAIT)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=WAIT)
    assert shown[1][1].endswith(f"(account {camille.user_id})")
    assert shell.tray.count == sum(model.index(r).data(AccountRole.Unread) for r in range(2))

    # The notification's click shows Camille's account and opens the room.
    shell.tray.messageClicked.emit()
    assert shell.current is first
    qtbot.waitUntil(lambda: first.session.opened_room == company_room, timeout=WAIT)

    # Restart: each account resumes from its own profile, no sign-in.
    shell.accounts.close()
    shell.close()
    again = shell_factory()
    assert [p.key for p in again.accounts.panes] == [FIRST, second.key]
    asked: list[tuple[str | None, bool]] = []  # whose page shows, is a dialog already open

    def answer(dialog) -> QDialog.DialogCode:
        shown = again.current
        asked.append((shown.key if shown else None, len(asked) > len(answered)))
        answered.append(True)
        return QDialog.DialogCode.Accepted

    answered: list[bool] = []
    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    monkeypatch.setattr(PassphraseDialog, "value", lambda dialog: PASSPHRASE)
    again.accounts.start()  # one profile after the other, each asked on its own page
    for pane in again.accounts.panes:
        qtbot.waitUntil(lambda pane=pane: pane.session.account is not None, timeout=WAIT)
    assert [p.user_id for p in again.accounts.panes] == [camille.user_id, elodie.user_id]
    assert asked == [(FIRST, False), (second.key, False)]
    assert again.current is again.accounts.panes[0]  # back on the first once both are open
    qtbot.waitUntil(lambda: room_names(again.accounts.panes[1]) == {"Revendeurs"}, timeout=WAIT)


def test_signing_out_of_an_added_account_wipes_it_and_keeps_the_first(
    qtbot, shell_factory, register
):
    camille, elodie = register("company"), register("partner")
    shell = shell_factory()
    first = shell.accounts.panes[0]
    first.session.start(PASSPHRASE)
    sign_in(qtbot, first, camille)
    second = shell.add_account(PASSPHRASE)
    sign_in(qtbot, second, elodie)
    folder = second.location.path
    assert folder.exists()
    device = second.session.account.client.session

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        assert second.user_id in box.text()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, press_enter)
    shell.sign_out(second)  # asks first; Enter answers No
    assert second in shell.accounts.panes
    assert folder.exists()
    with qtbot.waitSignal(shell.accounts.paneRemoved):
        shell.sign_out(second, confirm=False)
    qtbot.waitUntil(lambda: not folder.exists(), timeout=WAIT)
    assert [p.key for p in shell.accounts.panes] == [FIRST]
    assert shell.accounts.registry.folders() == [FIRST]
    assert shell.current is first
    assert not shell.bar.isVisible()
    # The device left the server too: its token no longer works.
    with pytest.raises(MatrixError) as refused:
        asyncio.run(_whoami(device))
    assert refused.value.errcode == "M_UNKNOWN_TOKEN"
    assert shell.accounts.model.rowCount() == 1


async def _whoami(session) -> None:
    client = MatrixClient.restore(session)
    try:
        await client.call(client.nio.whoami())
    finally:
        await client.close()


def on(pane, coro, timeout: float = 60):
    """Runs `coro` on the app's protocol thread and waits for it (as test_trust_flows does)."""
    return pane.session.bridge.run(coro).result(timeout)


async def _room_from(host, name: str, guest: str) -> str:
    client = await login(host)
    try:
        return await client.create_room(name, invite=[guest])
    finally:
        await client.close()


async def _say(host, room_id: str, body: str, mentioned) -> None:
    client = await login(host)
    try:
        await client.send_message(
            room_id,
            {"msgtype": "m.text", "body": body, "m.mentions": {"user_ids": [mentioned.user_id]}},
        )
    finally:
        await client.close()


def test_signing_out_of_the_first_account_leaves_a_fresh_one_in_its_place(
    qtbot, shell_factory, register, monkeypatch
):
    # The fresh profile asks for its new passphrase (no keyring here): answered at once.
    monkeypatch.setattr(PassphraseDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(PassphraseDialog, "value", lambda dialog: PASSPHRASE)
    camille, elodie = register("company"), register("partner")
    shell = shell_factory()
    first = shell.accounts.panes[0]
    first.session.start(PASSPHRASE)
    sign_in(qtbot, first, camille)
    second = shell.add_account(PASSPHRASE)
    sign_in(qtbot, second, elodie)
    shell.show_account(0)
    with qtbot.waitSignal(shell.accounts.paneAdded, timeout=WAIT) as added:
        shell.sign_out(first, confirm=False)
    fresh = added.args[0]
    assert fresh.key == FIRST
    assert shell.accounts.panes == [fresh, second]  # still first in the column
    # Wiped: the new profile in the same folder holds no session, so it asks for a sign-in.
    qtbot.waitUntil(lambda: fresh.window.stack.currentWidget() is fresh.window.login, timeout=WAIT)
    assert shell.accounts.model.index(0).data(AccountRole.UserId) == ""
    assert shell.accounts.model.index(1).data(AccountRole.UserId) == elodie.user_id
    assert second.session.account is not None  # the other account did not notice


def test_an_added_account_whose_passphrase_is_refused_is_forgotten(
    qtbot, shell_factory, monkeypatch
):
    """Cancelling the new profile's passphrase drops that account; the window stays open."""
    monkeypatch.setattr(PassphraseDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    shell = shell_factory()
    accounts = shell.accounts
    with qtbot.waitSignal(accounts.paneRemoved, timeout=WAIT):
        pane = shell.add_account()  # no passphrase given: its page asks, and is refused
    assert pane is not None
    assert pane not in accounts.panes
    assert accounts.registry.folders() == [FIRST]
    qtbot.waitUntil(lambda: not pane.location.path.exists(), timeout=WAIT)  # no leftovers
    assert shell.isVisible()
    assert shell.current is accounts.panes[0]
    assert not shell.bar.isVisible()


def test_a_wipe_that_fails_is_said_in_words(qtbot, shell_factory, monkeypatch, caplog):
    """The status bar gets a sentence, not the exception's text (a path, an errno)."""
    import cercle.desktop.accounts as accounts_module

    async def refused(*_args) -> None:
        raise PermissionError(13, "Permission denied", "/home/lea/.local/share/cercle/2")

    monkeypatch.setattr(accounts_module, "_sign_out", refused)
    monkeypatch.setattr(PassphraseDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    shell = shell_factory()
    said: list[str] = []
    shell.accounts.failed.connect(said.append)
    with qtbot.waitSignal(shell.accounts.paneRemoved, timeout=WAIT):
        shell.add_account()  # refused passphrase: the new profile is wiped, and that fails
    qtbot.waitUntil(lambda: bool(said), timeout=WAIT)
    assert said == ["Something went wrong; the details are in the log."]
    assert "Permission denied" in caplog.text  # the details
