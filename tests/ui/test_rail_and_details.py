"""The community rail and the room's side panel in the window, against the real servers."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from support import sign_in_window

from cercle.desktop.models.rooms import RoomRole
from cercle.desktop.models.spaces import SpaceRole
from cercle.protocol.client import MatrixClient
from cercle.protocol.rooms import add_child, create_space

PASSPHRASE = "correct horse battery staple"
WAIT = 20_000


def sign_in(qtbot, window, account) -> None:
    sign_in_window(qtbot, window, account, PASSPHRASE, WAIT)


async def _community(owner, partner) -> dict[str, str]:
    """A space with two rooms (the partner in the first) and a room outside of it."""
    client = await MatrixClient.login(owner.homeserver, owner.user_id, owner.password)
    guest = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
    try:
        space = await create_space(client, "Vélotech")
        ids = {"space": space}
        for key, name in (("partners", "Salon partenaires"), ("news", "Annonces")):
            ids[key] = await client.create_room(name)
            await add_child(client, space, ids[key])
        ids["outside"] = await client.create_room("Hors communauté")
        await client.call(client.nio.room_invite(ids["partners"], partner.user_id))
        for _ in range(50):
            try:
                await guest.join(ids["partners"])
                break
            except Exception:  # the invite crosses federation first
                await asyncio.sleep(0.2)
        return ids
    finally:
        await asyncio.gather(client.close(), guest.close())


def rail_row(home, space_id: str):
    row = home.spaces.row_of(space_id)
    return home.spaces.index(row) if row >= 0 else None


def listed(home) -> set[str]:
    proxy = home.proxy
    return {proxy.index(r, 0).data(RoomRole.Summary).room_id for r in range(proxy.rowCount())}


def test_a_community_lists_its_rooms_counts_unread_and_shows_external_members(
    qtbot, app_window, register
):
    employee, partner = register("company"), register("partner")
    ids = asyncio.run(_community(employee, partner))
    sign_in(qtbot, app_window, employee)
    home = app_window.home

    # The rail: Home, then the community; every room listed under Home.
    qtbot.waitUntil(lambda: rail_row(home, ids["space"]) is not None, timeout=WAIT)
    assert home.spaces.index(0).data(SpaceRole.Node).space_id == ""
    qtbot.waitUntil(
        lambda: listed(home) == {ids["partners"], ids["news"], ids["outside"]}, timeout=WAIT
    )

    # Choosing the community on the rail (keyboard: it is a list) keeps exactly its two rooms.
    home.rail.list.setFocus()
    home.rail.list.setCurrentIndex(rail_row(home, ids["space"]))
    qtbot.waitUntil(lambda: listed(home) == {ids["partners"], ids["news"]}, timeout=WAIT)
    assert home.community_title.text() == "Vélotech"
    assert home.rooms.rowCount() == 4  # filtered by the proxy: the model still holds them all

    # A message from the partner raises the community's badge (and Home's).
    home.select_room(ids["news"])
    before = rail_row(home, ids["space"]).data(SpaceRole.Unread)

    async def partner_says() -> None:
        client = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
        try:
            await client.send_text(ids["partners"], "Bonjour de Roue Libre !")
        finally:
            await client.close()

    asyncio.run(partner_says())
    qtbot.waitUntil(
        lambda: rail_row(home, ids["space"]).data(SpaceRole.Unread) > before, timeout=WAIT
    )
    assert rail_row(home, "").data(SpaceRole.Unread) >= 1
    label = rail_row(home, ids["space"]).data(Qt.ItemDataRole.AccessibleTextRole)
    assert label.startswith("Vélotech, ")
    assert "unread" in label

    # Ctrl+I opens the side panel on the members: the partner is labelled external.
    home.select_room(ids["partners"])
    home.room_list.setFocus()
    qtbot.keyClick(home.room_list, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert home.side_panel.isVisible()
    assert home.details_button.isChecked()
    members = home.side_panel.members

    def member(user_id):
        rows = [m for m in members.rows() if m.user_id == user_id]
        return rows[0] if rows else None

    qtbot.waitUntil(lambda: member(partner.user_id) is not None, timeout=WAIT)
    guest = member(partner.user_id)
    assert guest.external
    assert guest.server == partner.user_id.split(":", 1)[1]
    assert guest.role == "partner_guest"
    own = member(employee.user_id)
    assert not own.external
    assert own.role == "manager"  # the room's creator
    row = members.rows().index(guest)
    assert "external" in members.index(row).data(Qt.ItemDataRole.AccessibleTextRole)

    # Ctrl+I again closes it.
    qtbot.keyClick(home.room_list, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert not home.side_panel.isVisible()


def test_an_invitation_to_a_community_is_joined_from_its_bar_and_lands_on_the_rail(
    qtbot, app_window, register
):
    employee, partner = register("company"), register("partner")

    async def invite() -> tuple[str, str]:
        client = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
        try:
            space = await create_space(client, "Roue Libre", invite=[employee.user_id])
            room = await client.create_room("Catalogue", invite=[employee.user_id])
            return space, room
        finally:
            await client.close()

    space, room = asyncio.run(invite())
    sign_in(qtbot, app_window, employee)
    home = app_window.home
    qtbot.waitUntil(lambda: listed(home) == {space, room}, timeout=WAIT)
    assert rail_row(home, space) is None  # not a community of ours until joined

    home.select_room(room)
    bar = home.invitation_bar
    assert bar.isVisible()
    assert bar.room.room_id == room
    qtbot.mouseClick(bar.decline, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listed(home) == {space}, timeout=WAIT)

    home.select_room(space)
    # nio drops m.room.create from an invite's stripped state: the bar cannot tell it is a
    # community until it is joined, so it words it as a room.
    assert "Roue Libre" in bar.text.text()
    qtbot.mouseClick(bar.join, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rail_row(home, space) is not None, timeout=WAIT)
    assert space not in listed(home)  # a community now: on the rail, not in the list


def test_a_resumed_account_opens_the_room_its_cached_list_chose(qtbot, ui_loop, tmp_path, register):
    """The cached list paints (and picks a room) before the account resumes: that room's
    messages still come once it has."""
    from support import NO_KEYRING

    from cercle.desktop.bridge import Bridge
    from cercle.desktop.session import SessionController
    from cercle.desktop.views.main_window import MainWindow
    from cercle.protocol.profiles import ProfileLocation
    from cercle.protocol.runtime import ProtocolThread

    employee = register("company")

    async def room_with_a_message() -> str:
        client = await MatrixClient.login(employee.homeserver, employee.user_id, employee.password)
        try:
            room_id = await client.create_room("Atelier")
            await client.send_text(room_id, "Réunion à 10 h")
            return room_id
        finally:
            await client.close()

    room_id = asyncio.run(room_with_a_message())
    for turn in range(2):  # signs in, then resumes from the same profile
        protocol = ProtocolThread()
        protocol.start()
        bridge = Bridge(protocol, ui_loop)
        session = SessionController(bridge, ProfileLocation(tmp_path, "profile"), NO_KEYRING)
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        try:
            if turn == 0:
                sign_in(qtbot, window, employee)
            else:
                session.start(PASSPHRASE)
            messages = window.home.messages
            qtbot.waitUntil(
                lambda m=messages: m.room_id == room_id and m.rowCount() >= 1, timeout=WAIT
            )
            shown = [messages.index(r).data() for r in range(messages.rowCount())]
            assert "Réunion à 10 h" in shown
        finally:
            session.close()
            bridge.close()
            protocol.stop()
            window.close()
