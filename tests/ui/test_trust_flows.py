"""Trust and notification screens against the real servers: emoji verification with another
Cercle account, security settings (recovery set up, restored, a wrong key), mention notifications
and mute."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from support import login, signed_in, until

from cercle.desktop.dialogs.recovery import RecoveryKeyDialog, SecretPrompt
from cercle.desktop.models.devices import DeviceRole
from cercle.protocol import rooms
from cercle.protocol.runtime import ProtocolThread
from cercle.protocol.trust.bootstrap import setup_recovery
from cercle.protocol.trust.recovery import decode_recovery_key, encode_recovery_key

PASSPHRASE = "correct horse battery staple"
WAIT = 30_000


def sign_in(qtbot, window, account) -> None:
    window.session.start(PASSPHRASE)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=15_000)
    window.login.homeserver.setText(account.homeserver)
    window.login.user.setText(account.user_id)
    window.login.password.setText(account.password)
    qtbot.mouseClick(window.login.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.account is not None, timeout=WAIT)


def on_app(window, coro, timeout: float = 60):
    """Runs `coro` on the app's protocol thread and waits for its result while the UI keeps
    running (the app's own callbacks, e.g. starting SAS once the other side is ready, need it)."""
    future = window.session.bridge.run(coro)
    deadline = time.monotonic() + timeout
    while not future.done():
        assert time.monotonic() < deadline, f"{coro!r} did not finish within {timeout} s"
        QTest.qWait(20)
    return future.result()


@pytest.fixture
def peer_thread():
    """A second loop for a plain client (no crypto store) beside the app. A second Cercle account
    must run on the app's own protocol thread: nio's SQLite store binds its peewee models
    globally, so two stores used from two threads at once read each other's tables."""
    thread = ProtocolThread("peer")
    thread.start()
    yield thread
    thread.stop()


def dm_with(window, peer, me) -> str:
    """A DM the peer opens with us, joined here, once the peer has seen us join."""
    room_id = on_app(window, rooms.create_dm(peer.client, me.user_id))
    on_app(window, window.session.account.client.join(room_id))
    on_app(
        window,
        until(
            lambda: peer.store.rooms.member(room_id, me.user_id),
            lambda m: m is not None and m.membership == "join",
        ),
    )
    return room_id


async def _awaited(future):
    return await future


async def _ready_then_start(flow):
    await flow.ready
    await flow.start_sas()


# -- emoji verification ------------------------------------------------------------------------


def test_verification_dialog_completes_emoji_sas_with_another_cercle_user(
    qtbot, app_window, register, tmp_path
):
    me, them = register("company"), register("partner")
    sign_in(qtbot, app_window, me)

    peer = on_app(app_window, signed_in(them, tmp_path / "peer"))
    try:
        on_app(app_window, peer.start())
        # Both have cross-signing, so the verification is recorded as signatures.
        on_app(app_window, setup_recovery(app_window.session.account, me.password))
        on_app(app_window, setup_recovery(peer, them.password))
        room_id = dm_with(app_window, peer, me)

        flow = on_app(app_window, peer.verifications.request(me.user_id, room_id=room_id), 30)
        dialogs = app_window.attention.dialogs
        qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT)
        dialog = dialogs[0]
        assert dialog.isVisible()
        assert dialog.pages.currentIndex() == dialog.REQUEST
        assert dialog.title.text().endswith("wants to verify")
        # Their display name comes, with their id: "name (@id) wants to verify".
        qtbot.waitUntil(
            lambda: dialog.title.text().endswith(f" ({them.user_id}) wants to verify"),
            timeout=WAIT,
        )

        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
        on_app(app_window, _ready_then_start(flow), 30)
        theirs = on_app(app_window, _awaited(flow.short_auth), 30)
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.EMOJI, timeout=WAIT)
        assert [c.english for c in dialog.cells] == [name for _, name in theirs.emoji]
        assert [c.glyph.text() for c in dialog.cells] == [e for e, _ in theirs.emoji]

        qtbot.mouseClick(dialog.match_button, Qt.MouseButton.LeftButton)
        on_app(app_window, flow.confirm(True), 30)
        verified = on_app(app_window, _awaited(flow.finished), 30)
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.RESULT, timeout=WAIT)
        assert dialog.ok is True
        assert dialog.title.text() == "Verified"
        assert dialog.text.text() == f"{them.user_id} is verified."
        assert verified.user_id == me.user_id
        assert flow.signing_error is None  # the peer signed us too
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialogs, timeout=5_000)
    finally:
        on_app(app_window, peer.close(), 30)


def test_verifying_a_member_and_saying_the_emoji_differ_cancels_for_both(
    qtbot, app_window, register, tmp_path
):
    """Outgoing this time: from the members list's "Verify by emoji…", in our DM."""
    me, them = register("company"), register("company")
    sign_in(qtbot, app_window, me)
    account = app_window.session.account

    peer = on_app(app_window, signed_in(them, tmp_path / "peer"))
    try:
        on_app(app_window, peer.start())
        room_id = dm_with(app_window, peer, me)
        on_app(app_window, rooms.mark_direct(account.client, room_id, them.user_id))
        assert app_window.attention.member_menu(me.user_id) is None  # not ourselves
        (verify,) = app_window.attention.member_menu(them.user_id).actions()
        assert verify.text() == "Verify by emoji…"
        verify.trigger()
        dialogs = app_window.attention.dialogs
        qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=5_000)
        dialog = dialogs[0]
        qtbot.waitUntil(
            lambda: dialog.text.text().endswith(f" ({them.user_id}) to accept…"), timeout=WAIT
        )
        flow = on_app(app_window, peer.verifications.incoming.get(), 30)  # in the DM we share
        assert flow.in_room
        on_app(app_window, flow.accept(), 30)
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.EMOJI, timeout=WAIT)
        qtbot.mouseClick(dialog.mismatch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.RESULT, timeout=WAIT)
        assert dialog.ok is False
        assert dialog.text.text().startswith("You said the emoji do not match")
        with pytest.raises(Exception, match="mismatched_sas"):
            on_app(app_window, _awaited(flow.finished), 30)
    finally:
        on_app(app_window, peer.close(), 30)


def test_declining_a_request_closes_the_prompt_and_cancels_for_them(
    qtbot, app_window, register, tmp_path
):
    me, them = register("company"), register("company")
    sign_in(qtbot, app_window, me)

    peer = on_app(app_window, signed_in(them, tmp_path / "peer"))
    try:
        on_app(app_window, peer.start())
        room_id = dm_with(app_window, peer, me)
        flow = on_app(app_window, peer.verifications.request(me.user_id, room_id=room_id), 30)
        dialogs = app_window.attention.dialogs
        qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT)
        qtbot.mouseClick(dialogs[0].decline_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialogs, timeout=5_000)  # closed (and deleted)
        with pytest.raises(Exception, match=r"m\.user"):
            on_app(app_window, _awaited(flow.finished), 30)
    finally:
        on_app(app_window, peer.close(), 30)


# -- security settings -----------------------------------------------------------------------


def _security(qtbot, window):
    dialog = window.attention.open_security()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.state is not None, timeout=WAIT)
    return dialog


def _prompt(qtbot, dialog) -> SecretPrompt:
    qtbot.waitUntil(lambda: dialog.findChild(SecretPrompt) is not None, timeout=5_000)
    return dialog.findChild(SecretPrompt)


def _submit(qtbot, prompt: SecretPrompt, text: str) -> None:
    prompt.field.setText(text)
    qtbot.mouseClick(
        prompt.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def test_security_settings_set_up_recovery_then_show_the_backup(qtbot, app_window, register):
    me = register("company")
    sign_in(qtbot, app_window, me)
    dialog = _security(qtbot, app_window)
    assert "not set up" in dialog.recovery_status.text()
    assert dialog.backup_status.text() == "No key backup on this device yet."
    rows = dialog.devices._rows  # the device register() made, and this one (listed first)
    assert [d.this_device for d in rows] == [True, False]
    assert rows[0].device_id == app_window.session.account.client.nio.device_id
    assert dialog.setup_button.isVisible()

    # Synapse lets a first identity through without the password (MSC3967): no prompt then.
    qtbot.mouseClick(dialog.setup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(RecoveryKeyDialog) is not None, timeout=60_000)
    shown = dialog.findChild(RecoveryKeyDialog)
    assert len(decode_recovery_key(shown.key.toPlainText())) == 32
    qtbot.mouseClick(shown.done_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.backup_status.text().startswith("Backup version"), timeout=WAIT)
    assert "room keys backed up from here" in dialog.backup_status.text()
    assert dialog.recovery_status.text().startswith("Recovery is set up and this device holds")
    assert not dialog.setup_button.isVisible()
    assert dialog.devices.index(0).data().endswith("verified · this device")

    # Signing out the other device: the server asks for the password (user-interactive auth).
    dialog.device_list.setCurrentIndex(dialog.devices.index(1))
    qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
    prompt = _prompt(qtbot, dialog)
    _submit(qtbot, prompt, "not the password")
    qtbot.waitUntil(lambda: prompt.error.isVisible(), timeout=WAIT)
    assert prompt.error.text() == "Wrong password. Try again."
    _submit(qtbot, prompt, me.password)
    qtbot.waitUntil(lambda: dialog.devices.rowCount() == 1, timeout=WAIT)
    assert dialog.devices.index(0).data(DeviceRole.Device).this_device

    # Element's "exclude insecure devices", kept by the account.
    account = app_window.session.account
    assert dialog.only_verified.isVisible()
    assert not dialog.only_verified.isChecked()
    dialog.only_verified.click()
    qtbot.waitUntil(
        lambda: on_app(app_window, account.share_keys_only_with_cross_signed()), timeout=WAIT
    )


def test_security_settings_restore_says_when_the_key_is_wrong(
    qtbot, app_window, register, tmp_path
):
    me = register("company")

    async def first_device() -> str:
        account = await signed_in(me, tmp_path / "first")
        try:
            return (await setup_recovery(account, me.password)).recovery_key
        finally:
            await account.close()

    recovery_key = on_app(app_window, first_device())  # the app's thread: see peer_thread
    sign_in(qtbot, app_window, me)
    dialog = _security(qtbot, app_window)
    assert dialog.restore_button.isVisible()
    assert "set up on another device" in dialog.recovery_status.text()

    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    prompt = _prompt(qtbot, dialog)
    _submit(qtbot, prompt, "EsTc not a key at all")
    qtbot.waitUntil(lambda: prompt.error.isVisible(), timeout=WAIT)
    assert prompt.error.text().startswith("This is not a recovery key")
    _submit(qtbot, prompt, encode_recovery_key(os.urandom(32)))
    qtbot.waitUntil(lambda: "does not open" in prompt.error.text(), timeout=WAIT)
    _submit(qtbot, prompt, recovery_key)
    qtbot.waitUntil(lambda: dialog.state.identity_here, timeout=60_000)
    assert not dialog.restore_button.isVisible()
    rows = dialog.devices._rows
    assert rows[0].this_device
    assert rows[0].trust.value == "verified"  # signed with the identity restored here
    assert len(rows) == 3  # register()'s device, the first Cercle device, this one


# -- notifications ---------------------------------------------------------------------------


def test_a_mention_notifies_and_mute_silences_the_room(qtbot, app_window, register, peer_thread):
    me, them = register("company"), register("company")
    sign_in(qtbot, app_window, me)
    other = peer_thread.submit(login(them)).result(60)

    async def rooms_with_me() -> list[str]:
        made = []
        for name in ("Ouvert", "Projet vélo", "Témoin"):
            made.append(await other.create_room(name, invite=[me.user_id]))
        return made

    opened, target, witness = peer_thread.submit(rooms_with_me()).result(60)
    account = app_window.session.account
    for room_id in (opened, target, witness):
        on_app(app_window, account.client.join(room_id))
    home = app_window.home
    qtbot.waitUntil(lambda: home.proxy.rowCount() == 3, timeout=WAIT)
    home.select_room(opened)
    qtbot.waitUntil(lambda: app_window.session.opened_room == opened, timeout=WAIT)

    shown: list[tuple[str, str]] = []
    app_window.attention.tray.messageShown.connect(lambda t, b: shown.append((t, b)))
    localpart = me.user_id[1:].split(":")[0]

    async def say(room_id: str, body: str, mention: bool = False) -> None:
        content = {"msgtype": "m.text", "body": body}
        if mention:
            content["m.mentions"] = {"user_ids": [me.user_id]}
        await other.send_message(room_id, content)

    def says(room_id: str, body: str, mention: bool = False) -> None:
        peer_thread.submit(say(room_id, body, mention)).result(30)

    says(target, "Bonjour à tous")  # not a mention: no notification
    says(target, f"{localpart}, tu relis le devis ?", mention=True)
    qtbot.waitUntil(lambda: len(shown) >= 1, timeout=WAIT)
    assert len(shown) == 1
    title, body = shown[0]
    assert title.endswith(" mentioned you in Projet vélo")
    assert them.user_id[1:].split(":")[0] in title  # their display name (their localpart)
    assert body == f"{localpart}, tu relis le devis ?\n(account {me.user_id})"
    # The tray counts what the server counts unread (the room list's numbers).
    tray = app_window.attention.tray
    qtbot.waitUntil(lambda: tray.count >= 2, timeout=WAIT)
    assert tray.tooltip() == f"Cercle: {tray.count} unread"

    menu = app_window.attention.room_menu(target)
    assert [a.text() for a in menu.actions()] == ["All messages", "Mentions only", "Mute"]
    assert [a.isChecked() for a in menu.actions()] == [True, False, False]
    with qtbot.waitSignal(app_window.attention.notifier.mutedChanged, timeout=WAIT) as muted:
        menu.findChild(QAction, "muteAction").trigger()
    assert target in muted.args[0]  # read back from the server's push rules
    again = app_window.attention.room_menu(target)
    assert [a.isChecked() for a in again.actions()] == [False, False, True]

    shown.clear()
    says(target, f"{localpart} ? toujours là ?", mention=True)
    says(witness, f"{localpart}, ici le témoin", mention=True)
    qtbot.waitUntil(lambda: len(shown) >= 1, timeout=WAIT)
    assert len(shown) == 1
    assert shown[0][0].endswith(" mentioned you in Témoin")

    # A direct chat: every message notifies, mention or not.
    dm = peer_thread.submit(rooms.create_dm(other, me.user_id, encrypted=False)).result(30)
    on_app(app_window, account.client.join(dm))
    on_app(app_window, rooms.mark_direct(account.client, dm, them.user_id))  # as a join does
    qtbot.waitUntil(
        lambda: dm in str(account.store.receipts.account_data("m.direct")), timeout=WAIT
    )
    shown.clear()
    says(dm, "Un café à 10 h ?")
    qtbot.waitUntil(lambda: len(shown) >= 1, timeout=WAIT)
    title, body = shown[0]
    assert title.endswith(" wrote to you")
    assert body == f"Un café à 10 h ?\n(account {me.user_id})"
    app_window.attention.tray.messageClicked.emit()  # a click on it opens the room
    qtbot.waitUntil(lambda: app_window.session.opened_room == dm, timeout=WAIT)

    # "Mentions only" (Element's "Mentions and keywords"): the DM's plain messages stay
    # quiet, a mention still notifies.
    home.select_room(opened)
    qtbot.waitUntil(lambda: app_window.session.opened_room == opened, timeout=WAIT)
    with qtbot.waitSignal(app_window.attention.notifier.mutedChanged, timeout=WAIT):
        app_window.attention.room_menu(dm).findChild(QAction, "mentionsAction").trigger()
    assert app_window.attention.notifier.mode(dm) == "mentions"
    shown.clear()
    says(dm, "Sinon à 11 h")
    says(dm, f"{localpart}, tu confirmes ?", mention=True)
    qtbot.waitUntil(lambda: len(shown) >= 1, timeout=WAIT)
    assert len(shown) == 1
    assert shown[0][1].startswith(f"{localpart}, tu confirmes ?")
    peer_thread.submit(other.close()).result(30)


# -- identity changes ------------------------------------------------------------------------


def test_a_verified_users_new_identity_must_be_acknowledged(qtbot, app_window, register, tmp_path):
    me, them = register("company"), register("company")
    sign_in(qtbot, app_window, me)
    account = app_window.session.account
    peer = on_app(app_window, signed_in(them, tmp_path / "peer"))
    try:
        first = on_app(app_window, setup_recovery(peer, them.password))
        room_id = on_app(app_window, rooms.create_dm(peer.client, me.user_id))
        on_app(app_window, account.client.join(room_id))
        on_app(app_window, peer.start())
        pins = account.identities.pins()
        qtbot.waitUntil(lambda: pins.get(them.user_id) is not None, timeout=WAIT)  # first sight
        pins.pin_verified(them.user_id, first.master_key)  # as a finished emoji verification

        on_app(app_window, setup_recovery(peer, them.password, reset=True))  # a new identity

        def warning():
            return next((b for b in app_window.findChildren(QMessageBox) if b.isVisible()), None)

        qtbot.waitUntil(lambda: warning() is not None, timeout=WAIT)
        box = warning()
        assert box.text() == f"{them.user_id}’s identity has changed"
        assert not pins.get(them.user_id).acknowledged
        # "Later" acknowledges nothing: the warning comes back (at the next start).
        (later,) = [b for b in box.buttons() if b.text() == "Later"]
        qtbot.mouseClick(later, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: warning() is None, timeout=5_000)
        assert not pins.get(them.user_id).acknowledged
        app_window.attention.trust.check_pending()  # what signing in does
        qtbot.waitUntil(lambda: warning() is not None, timeout=WAIT)
        box = warning()
        (understood,) = [b for b in box.buttons() if b.text() == "I understand"]
        qtbot.mouseClick(understood, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: pins.get(them.user_id).acknowledged, timeout=WAIT)
        assert not pins.get(them.user_id).verified  # the new key is pinned, not verified
    finally:
        on_app(app_window, peer.close())


def test_security_settings_verify_our_other_device_by_emoji(qtbot, app_window, register, tmp_path):
    me = register("company")
    sign_in(qtbot, app_window, me)
    account = app_window.session.account
    on_app(app_window, setup_recovery(account, me.password))  # this device holds the identity
    other = on_app(app_window, signed_in(me, tmp_path / "other"))  # a second Cercle device
    try:
        on_app(app_window, other.start())
        dialog = _security(qtbot, app_window)
        other_id = other.client.nio.device_id
        qtbot.waitUntil(
            lambda: any(d.device_id == other_id for d in dialog.devices._rows), timeout=WAIT
        )
        row = next(i for i, d in enumerate(dialog.devices._rows) if d.device_id == other_id)
        assert dialog.devices._rows[row].trust.value == "unsigned"
        dialog.device_list.setCurrentIndex(dialog.devices.index(row))
        qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)

        dialogs = app_window.attention.dialogs
        qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=5_000)
        verification = dialogs[0]
        assert verification.title.text() == "Verify your other device"
        flow = on_app(app_window, other.verifications.incoming.get(), 30)  # to-device request
        assert flow.other_user == me.user_id
        on_app(app_window, flow.accept())
        theirs = on_app(app_window, _awaited(flow.short_auth), 30)
        qtbot.waitUntil(
            lambda: verification.pages.currentIndex() == verification.EMOJI, timeout=WAIT
        )
        assert [c.english for c in verification.cells] == [n for _, n in theirs.emoji]
        qtbot.mouseClick(verification.match_button, Qt.MouseButton.LeftButton)
        on_app(app_window, flow.confirm(True))
        on_app(app_window, _awaited(flow.finished), 30)
        qtbot.waitUntil(
            lambda: verification.pages.currentIndex() == verification.RESULT, timeout=WAIT
        )
        assert verification.text.text() == "Your other device is verified."

        dialog.refresh()  # the other device is now signed by our self-signing key
        qtbot.waitUntil(
            lambda: any(
                d.device_id == other_id and d.trust.value == "verified"
                for d in dialog.devices._rows
            ),
            timeout=WAIT,
        )
    finally:
        on_app(app_window, other.close())


def test_our_new_device_asks_and_this_one_accepts(qtbot, app_window, register, tmp_path):
    """Incoming, to-device: the other device of ours asks; this one shows the prompt."""
    me = register("company")
    sign_in(qtbot, app_window, me)
    account = app_window.session.account
    on_app(app_window, setup_recovery(account, me.password))
    other = on_app(app_window, signed_in(me, tmp_path / "other"))
    try:
        on_app(app_window, other.start())
        flow = on_app(
            app_window,
            other.verifications.request(me.user_id, device_id=account.client.nio.device_id),
        )
        dialogs = app_window.attention.dialogs
        qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT)
        dialog = dialogs[0]
        assert dialog.title.text() == "Another of your devices wants to verify this one"
        qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
        on_app(app_window, _ready_then_start(flow))
        theirs = on_app(app_window, _awaited(flow.short_auth))
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.EMOJI, timeout=WAIT)
        assert [c.english for c in dialog.cells] == [n for _, n in theirs.emoji]
        qtbot.mouseClick(dialog.match_button, Qt.MouseButton.LeftButton)
        on_app(app_window, flow.confirm(True))
        on_app(app_window, _awaited(flow.finished))
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == dialog.RESULT, timeout=WAIT)
        assert dialog.text.text() == "Your other device is verified."
    finally:
        on_app(app_window, other.close())


def test_a_lost_recovery_key_is_reset_with_the_account_password(
    qtbot, app_window, register, tmp_path
):
    me = register("company")

    async def first_device() -> str:
        account = await signed_in(me, tmp_path / "first")
        try:
            return (await setup_recovery(account, me.password)).master_key
        finally:
            await account.close()

    old_master = on_app(app_window, first_device())
    sign_in(qtbot, app_window, me)
    dialog = _security(qtbot, app_window)
    assert dialog.reset_button.isVisible()
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox) is not None, timeout=5_000)
    confirm = dialog.findChild(QMessageBox)
    (reset,) = [b for b in confirm.buttons() if b.text() == "Reset"]
    qtbot.mouseClick(reset, Qt.MouseButton.LeftButton)

    # Replacing an identity needs the password (user-interactive auth), unlike a first one.
    prompt = _prompt(qtbot, dialog)
    _submit(qtbot, prompt, "not the password")
    qtbot.waitUntil(lambda: prompt.error.isVisible(), timeout=WAIT)
    assert prompt.error.text() == "Wrong password. Try again."
    _submit(qtbot, prompt, me.password)
    qtbot.waitUntil(lambda: dialog.findChild(RecoveryKeyDialog) is not None, timeout=60_000)
    qtbot.waitUntil(lambda: dialog.state.identity_here, timeout=WAIT)
    new_master = on_app(app_window, _own_master(app_window.session.account))
    assert new_master not in (None, old_master)


async def _own_master(account):
    from cercle.protocol.trust.bootstrap import local_trust

    identity = await asyncio.to_thread(local_trust(account).identity)
    return identity.master_public_key if identity else None


def test_restore_takes_the_security_phrase_too(qtbot, app_window, register, tmp_path):
    me = register("company")
    phrase = "vélo cargo du mardi matin"

    async def first_device() -> None:
        account = await signed_in(me, tmp_path / "first")
        try:
            await setup_recovery(account, me.password, passphrase=phrase)
        finally:
            await account.close()

    on_app(app_window, first_device())
    sign_in(qtbot, app_window, me)
    dialog = _security(qtbot, app_window)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    prompt = _prompt(qtbot, dialog)
    _submit(qtbot, prompt, "vélo cargo du lundi")
    qtbot.waitUntil(lambda: prompt.error.isVisible(), timeout=WAIT)
    assert "does not open" in prompt.error.text()
    _submit(qtbot, prompt, phrase)
    qtbot.waitUntil(lambda: dialog.state.identity_here, timeout=60_000)
