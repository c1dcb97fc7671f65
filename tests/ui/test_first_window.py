"""The first window against the real servers: sign in, see rooms and messages, send one."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt

from cercle.desktop.models.rooms import RoomRole
from cercle.protocol.client import MatrixClient


async def _partner_room_with_history(partner, employee) -> tuple[str, MatrixClient]:
    """The partner creates a room, invites the employee and says two things before they join."""
    client = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
    room_id = await client.create_room(
        "Salon partenaires", topic="Avec nos revendeurs", invite=[employee.user_id]
    )
    await client.send_text(room_id, "Bonjour, ici le partenaire.")
    await client.send_text(room_id, "On prépare le salon de Lyon ?")
    return room_id, client


PASSPHRASE = "correct horse battery staple"


def sign_in(qtbot, window, account, password=None):
    if window.stack.currentWidget() is not window.login:
        window.session.start(PASSPHRASE)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=15_000)
    login = window.login
    login.homeserver.setText(account.homeserver)
    login.user.setText(account.user_id)
    login.password.setText(password or account.password)
    qtbot.mouseClick(login.submit, Qt.MouseButton.LeftButton)


def test_wrong_password_is_said_in_words(qtbot, app_window, register):
    account = register("company")
    sign_in(qtbot, app_window, account, password="not-the-password")
    qtbot.waitUntil(lambda: app_window.login.error.isVisible(), timeout=15_000)
    assert app_window.login.error.text() == "Wrong user name or password."
    assert app_window.stack.currentWidget() is app_window.login


def test_rooms_and_messages_show_and_a_message_goes_out(qtbot, app_window, register):
    employee, partner = register("company"), register("partner")
    room_id, partner_client = asyncio.run(_partner_room_with_history(partner, employee))
    asyncio.run(partner_client.close())

    async def join():
        client = await MatrixClient.login(employee.homeserver, employee.user_id, employee.password)
        await client.join(room_id)
        await client.close()

    asyncio.run(join())
    sign_in(qtbot, app_window, employee)
    home = app_window.home
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is home, timeout=15_000)
    qtbot.waitUntil(lambda: home.proxy.rowCount() == 1, timeout=15_000)

    def summary():
        return home.proxy.index(0, 0).data(RoomRole.Summary)

    assert summary().name == "Salon partenaires"
    # The member list loads in the background after the room appears; then the badge shows.
    qtbot.waitUntil(lambda: summary().external_servers != (), timeout=15_000)
    assert summary().external_servers == (partner.user_id.split(":", 1)[1],)
    qtbot.waitUntil(lambda: home.messages.rowCount() == 2, timeout=15_000)
    assert [home.messages.index(r).data() for r in range(2)] == [
        "Bonjour, ici le partenaire.",
        "On prépare le salon de Lyon ?",
    ]
    assert home.room_title.text() == "Salon partenaires"

    qtbot.keyClicks(home.composer.editor, "Oui, je m'en occupe !")
    qtbot.keyClick(home.composer.editor, Qt.Key.Key_Return)
    assert home.composer.text() == ""
    qtbot.waitUntil(lambda: home.messages.rowCount() == 3, timeout=15_000)
    assert home.messages.index(2).data() == "Oui, je m'en occupe !"

    async def partner_sees_it() -> bool:
        client = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
        try:
            for _ in range(30):
                reply = await client.sync_once(timeout_ms=500)
                for event in reply.rooms.join[room_id].timeline.events:
                    if getattr(event, "body", None) == "Oui, je m'en occupe !":
                        return True
            return False
        finally:
            await client.close()

    assert asyncio.run(partner_sees_it())
