"""Kick and ban from the members list, against the real servers: the manager bans a member
from the members list's menu and the member is banned from every room of the community."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from support import sign_in_window

from cercle.desktop.dialogs.moderation import ModerationDialog
from cercle.protocol.client import MatrixClient
from cercle.protocol.community.create import create_community
from cercle.protocol.rooms import join, path, request_json

PASSPHRASE = "correct horse battery staple"
WAIT = 20_000


def sign_in(qtbot, window, account) -> None:
    sign_in_window(qtbot, window, account, PASSPHRASE, WAIT)


async def _community(manager, member):
    """The manager's community; the member (named Camille Petit) joined the space and its rooms."""
    company = manager.user_id.split(":", 1)[1]
    client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
    try:
        created = await create_community(
            client, "Atelier Vélo", "practice", invite=[member.user_id]
        )
    finally:
        await client.close()
    client = await MatrixClient.login(member.homeserver, member.user_id, member.password)
    try:
        await client.set_display_name("Camille Petit")
        await join(client, created.space_id, via=[company])
        for room_id in created.rooms.values():
            await join(client, room_id, via=[company])
    finally:
        await client.close()
    return created


def _open(qtbot, window, room_id: str) -> None:
    home = window.home
    qtbot.waitUntil(lambda: bool(getattr(home.rooms.summary(room_id), "parents", ())), timeout=WAIT)
    if hasattr(home.proxy, "set_community"):
        home.proxy.set_community("")
    home.select_room(room_id)
    qtbot.waitUntil(lambda: window.community.room_id == room_id, timeout=WAIT)
    qtbot.waitUntil(lambda: window.community.community is not None, timeout=WAIT)


def test_a_plain_member_gets_no_moderation_entries(qtbot, app_window, register):
    manager, member = register("company"), register("company")
    created = asyncio.run(_community(manager, member))
    app_window.show()
    sign_in(qtbot, app_window, member)
    _open(qtbot, app_window, created.rooms["general"])
    menu = app_window.attention.member_menu(manager.user_id, "Manager")
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == ["Verify by emoji…"]


def test_a_ban_from_the_members_list_bans_from_every_room(qtbot, app_window, register):
    manager, member = register("company"), register("company")
    created = asyncio.run(_community(manager, member))
    general = created.rooms["general"]
    app_window.show()
    sign_in(qtbot, app_window, manager)
    home = app_window.home
    _open(qtbot, app_window, general)

    # The members list (Ctrl+I) shows the member; its menu offers the community-wide actions.
    home.room_list.setFocus()
    qtbot.keyClick(home.room_list, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    members = home.side_panel.members

    def row():
        found = [m for m in members.rows() if m.user_id == member.user_id]
        return found[0] if found else None

    qtbot.waitUntil(
        lambda: row() is not None and row().display_name == "Camille Petit", timeout=WAIT
    )
    attention = app_window.attention
    assert attention.member_menu(manager.user_id) is None  # never ourselves
    menu = attention.member_menu(member.user_id, row().display_name)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Verify by emoji…", "Remove from the community…", "Ban from the community…"]
    menu.findChild(QAction, "banAction").trigger()
    dialog = app_window.community.dialog
    assert isinstance(dialog, ModerationDialog)
    assert dialog.windowTitle() == "Ban from the community"
    assert dialog.intro.text().startswith("Camille Petit will be banned from every room of ")
    dialog.reason.setText("hors charte")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)

    rooms = [created.space_id, *created.rooms.values()]
    said = app_window.statusBar().currentMessage()
    assert said.startswith("Camille Petit was banned from ")
    assert " rooms of " in said

    async def memberships() -> dict[str, str | None]:
        client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
        try:
            found = {}
            for room_id in rooms:
                url = path("rooms", room_id, "state", "m.room.member", member.user_id)
                found[room_id] = (await request_json(client, "GET", url)).get("membership")
            return found
        finally:
            await client.close()

    assert set(asyncio.run(memberships()).values()) == {"ban"}
