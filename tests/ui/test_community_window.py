"""Community governance in the window, against the real servers: the charter gate, the role
editor, the ACL editor's self-lockout refusal, the external-invite warning, malformed state."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt
from support import sign_in_window

from cercle.desktop.dialogs.acl import AclDialog
from cercle.desktop.dialogs.browse import BrowseDialog
from cercle.desktop.dialogs.charter import CharterDialog
from cercle.desktop.dialogs.invite import InviteDialog
from cercle.desktop.dialogs.moderation import ModerationDialog, ModerationLogDialog
from cercle.desktop.dialogs.roles import RolesDialog
from cercle.desktop.models.messages import MessageRole
from cercle.protocol.client import MatrixClient
from cercle.protocol.community import charter, schema
from cercle.protocol.community.create import create_community
from cercle.protocol.community.roles import room_power_levels
from cercle.protocol.community.state import load_community
from cercle.protocol.rooms import join, path, request_json

PASSPHRASE = "correct horse battery staple"
WAIT = 20_000


def sign_in(qtbot, window, account) -> None:
    sign_in_window(qtbot, window, account, PASSPHRASE, WAIT)


def open_room(qtbot, window, room_id: str) -> None:
    home = window.home
    # the room knows its space once its state arrived (m.space.parent)
    qtbot.waitUntil(lambda: bool(getattr(home.rooms.summary(room_id), "parents", ())), timeout=WAIT)
    if hasattr(home.proxy, "set_community"):
        home.proxy.set_community("")  # every room listed, whatever the rail shows
    home.select_room(room_id)
    qtbot.waitUntil(lambda: window.community.room_id == room_id, timeout=WAIT)
    qtbot.waitUntil(lambda: window.community.header.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: home.messages.room_id == room_id, timeout=WAIT)  # timeline shown


async def _enter(account, space_id: str, rooms, via: str) -> None:
    """`account` accepts the space invite and joins the rooms (restricted join)."""
    client = await MatrixClient.login(account.homeserver, account.user_id, account.password)
    try:
        await join(client, space_id, via=[via])
        for room_id in rooms:
            await join(client, room_id, via=[via])
    finally:
        await client.close()


def test_a_partner_posts_only_once_the_charter_is_accepted(qtbot, app_window, register):
    manager, partner = register("company"), register("partner")
    company = manager.user_id.split(":", 1)[1]

    async def setup():
        client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
        try:
            created = await create_community(
                client, "Réseau revendeurs", "partners", invite=[partner.user_id]
            )
        finally:
            await client.close()
        await _enter(partner, created.space_id, [created.rooms["general"]], company)
        return created

    created = asyncio.run(setup())
    general = created.rooms["general"]
    sign_in(qtbot, app_window, partner)
    open_room(qtbot, app_window, general)
    header, composer = app_window.community.header, app_window.home.composer
    assert header.kind.text() == "Partner community"
    assert header.kind.property("kind") == "partner"
    assert header.guest.isVisible()  # the partner is told their posts go to another company
    assert partner.user_id.split(":", 1)[1] in header.guest.text()
    assert "Courteous and professional" in header.editorial.text()
    assert "Courteous and professional" in composer.editor.placeholderText()

    qtbot.waitUntil(composer.is_blocked, timeout=WAIT)
    assert composer.blocked.reason.text() == (
        "Read and accept the community's charter to start posting."
    )
    qtbot.mouseClick(composer.blocked.action, Qt.MouseButton.LeftButton)
    dialog = app_window.community.dialog
    assert isinstance(dialog, CharterDialog)
    assert "Be respectful and constructive" in dialog.text.toPlainText()
    assert dialog.intro.text().startswith("Version 1.")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not composer.is_blocked(), timeout=WAIT)
    assert not dialog.isVisible()

    qtbot.waitUntil(lambda: app_window.home.messages.room_id == general, timeout=WAIT)
    qtbot.keyClicks(composer.editor, "Bonjour, ici un revendeur.")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    messages = app_window.home.messages

    def sent() -> bool:
        rows = [messages.index(r).data(MessageRole.Message) for r in range(messages.rowCount())]
        return any(m.body == "Bonjour, ici un revendeur." and m.state == "sent" for m in rows)

    qtbot.waitUntil(sent, timeout=WAIT)

    async def recorded_and_posted() -> tuple[int, bool]:
        client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
        try:
            for _ in range(60):
                community = await load_community(client, created.space_id, with_rooms=False)
                url = path("rooms", general, "messages")
                reply = await request_json(client, "GET", url, query={"dir": "b", "limit": 20})
                bodies = [e.get("content", {}).get("body") for e in reply.get("chunk", [])]
                if "Bonjour, ici un revendeur." in bodies:
                    return community.acceptances.get(partner.user_id, 0), True
                await asyncio.sleep(0.5)
            return community.acceptances.get(partner.user_id, 0), False
        finally:
            await client.close()

    # the acceptance is in the space's state as seen from the company's server, and the post too
    assert asyncio.run(recorded_and_posted()) == (1, True)

    # a new version of the charter asks again, while the room is open
    async def publish_v2() -> None:
        client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
        try:
            community = await load_community(client, created.space_id, with_rooms=False)
            assert await charter.publish_charter(client, community, "# Charte v2\n") == 2
        finally:
            await client.close()

    asyncio.run(publish_v2())
    qtbot.waitUntil(composer.is_blocked, timeout=WAIT)
    assert composer.blocked.reason.text() == (
        "The charter has a new version (2): read and accept it to post again."
    )


def test_the_manager_changes_roles_everywhere_and_cannot_lock_the_company_out(
    qtbot, app_window, register, caplog
):
    manager, member, outsider = register("company"), register("company"), register("partner")
    company = manager.user_id.split(":", 1)[1]

    async def setup():
        client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
        try:
            created = await create_community(
                client, "Communauté Qualité", "practice", invite=[member.user_id]
            )
            # Bad input: a malformed editorial line is ignored, the community still opens.
            await client.put_state(
                created.space_id, schema.EDITORIAL, {"tone": 3, "allowed_post_types": "all"}
            )
        finally:
            await client.close()
        await _enter(member, created.space_id, created.rooms.values(), company)
        client = await MatrixClient.login(member.homeserver, member.user_id, member.password)
        try:
            await client.send_text(created.rooms["general"], "Un message à modérer")
        finally:
            await client.close()
        return created

    created = asyncio.run(setup())
    general = created.rooms["general"]
    caplog.set_level(logging.WARNING, logger="cercle.protocol.community.schema")
    sign_in(qtbot, app_window, manager)
    open_room(qtbot, app_window, general)
    controller = app_window.community
    header, composer = controller.header, app_window.home.composer
    assert header.kind.text() == "Internal community"
    assert header.name.text() == "Communauté Qualité"
    assert not header.editorial.isVisible()  # malformed: not shown, nothing else lost
    assert "ignoring a malformed org.cercle.editorial" in caplog.text
    assert header.manage_button.isVisible()
    assert not composer.is_blocked()  # the charter's author accepted it when creating it

    # -- the role editor: member → moderator in every room --------------------------------
    dialog = controller.open_roles()
    assert isinstance(dialog, RolesDialog)
    qtbot.waitUntil(lambda: dialog.select(member.user_id), timeout=WAIT)
    dialog.role.setCurrentIndex(dialog.role.findData("moderator"))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Applied in"), timeout=WAIT)
    rooms = controller.community.all_rooms

    async def levels() -> list[int]:
        client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
        try:
            found = [await room_power_levels(client, r) for r in rooms]
        finally:
            await client.close()
        return [pl.get("users", {}).get(member.user_id, 0) for pl in found]

    assert asyncio.run(levels()) == [50] * len(rooms)
    assert dialog.status.text() == f"Applied in {len(rooms)} rooms."

    # -- the ACL editor: the company's own server cannot be removed ------------------------
    controller.open_acl()
    qtbot.waitUntil(lambda: isinstance(controller.dialog, AclDialog), timeout=WAIT)
    acl = controller.dialog
    assert acl.patterns()[0] == "localhost*"  # the company's server, locked in
    acl.list.setCurrentIndex(acl.model.index(0))
    qtbot.mouseClick(acl.remove_button, Qt.MouseButton.LeftButton)
    assert acl.error.isVisible()
    assert acl.error.text().startswith(f"{company} is your company's server: without it")
    assert acl.patterns()[0] == "localhost*"
    qtbot.mouseClick(acl.apply_button, Qt.MouseButton.LeftButton)  # the list as it stands
    qtbot.waitUntil(lambda: acl.status.text().startswith("Applied to"), timeout=WAIT)
    assert acl.status.text() == f"Applied to {len(rooms)} rooms."
    assert acl.progress.maximum() == len(rooms)  # one step per room as each answered
    assert acl.progress.value() == len(rooms)

    # -- inviting an outsider into an internal community warns first ------------------------
    invite = controller.open_invite()
    assert isinstance(invite, InviteDialog)
    qtbot.keyClicks(invite.user, outsider.user_id)
    qtbot.mouseClick(invite.invite_button, Qt.MouseButton.LeftButton)
    assert invite.warning.isVisible()
    assert "is not from your company" in invite.warning.text()
    assert invite.invite_button.text() == "Invite anyway"
    qtbot.mouseClick(invite.invite_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is invited" in invite.status.text(), timeout=WAIT)
    assert invite.status.text() == f"{outsider.user_id} is invited (external)."

    # -- browsing: the community's rooms, suggested first ------------------------------------
    browse = controller.actions.open_browse()
    assert isinstance(browse, BrowseDialog)
    qtbot.waitUntil(lambda: bool(browse.entries), timeout=WAIT)
    assert browse.entries[0].suggested
    assert browse.entries[0].room.room_id == general
    assert all(e.joined for e in browse.entries)

    # -- a member's message: banned from the whole community from its menu, then the log ------
    messages = app_window.home.messages

    def offending():
        for row in range(messages.rowCount()):
            message = messages.index(row).data(MessageRole.Message)
            if message is not None and message.body == "Un message à modérer":
                return message
        return None

    qtbot.waitUntil(lambda: offending() is not None, timeout=WAIT)
    menu = app_window.home.timeline.message_menu(offending())
    ban = next(a for a in menu.actions() if a.text().startswith("Ban "))
    assert ban.text().endswith("from the community…")
    ban.trigger()
    confirm = controller.dialog
    assert isinstance(confirm, ModerationDialog)
    confirm.reason.setText("hors charte")
    qtbot.mouseClick(confirm.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not confirm.isVisible(), timeout=WAIT)

    async def memberships() -> set[str | None]:
        client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
        try:
            found = set()
            for room_id in rooms:
                url = path("rooms", room_id, "state", "m.room.member", member.user_id)
                found.add((await request_json(client, "GET", url)).get("membership"))
            return found
        finally:
            await client.close()

    assert asyncio.run(memberships()) == {"ban"}
    log = controller.actions.open_log()
    assert isinstance(log, ModerationLogDialog)
    qtbot.waitUntil(lambda: bool(log.entries), timeout=WAIT)
    first = log.model.index(0).data()
    assert f"banned {member.user_id} from {len(rooms)} rooms" in first
    assert "hors charte" in first

    # -- the manager writes and publishes version 2 of the charter; everyone accepts again ----
    dialog = controller.open_charter()
    assert isinstance(dialog, CharterDialog)
    assert dialog.edit_button.isVisible()
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    assert dialog.editor.isVisible()
    assert dialog.edit_button.text() == "Publish version 2"
    dialog.editor.setPlainText("# Charte Qualité v2\n\n1. Des faits, des lots, des photos.\n")
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(composer.is_blocked, timeout=WAIT)
    assert "new version (2)" in composer.blocked.reason.text()


def test_a_member_of_the_space_alone_browses_and_joins_a_room(qtbot, app_window, register):
    manager, member = register("company"), register("company")
    company = manager.user_id.split(":", 1)[1]

    async def setup():
        client = await MatrixClient.login(manager.homeserver, manager.user_id, manager.password)
        try:
            created = await create_community(client, "Atelier", "practice", invite=[member.user_id])
        finally:
            await client.close()
        await _enter(member, created.space_id, [], company)  # the space only, no room
        client = await MatrixClient.login(member.homeserver, member.user_id, member.password)
        try:
            await charter.accept_charter(client, await load_community(client, created.space_id))
        finally:
            await client.close()
        return created

    created = asyncio.run(setup())
    sign_in(qtbot, app_window, member)
    home, controller = app_window.home, app_window.community
    qtbot.waitUntil(lambda: home.rooms.summary(created.space_id) is not None, timeout=WAIT)
    home.show_community(created.space_id)  # as choosing it on the rail does
    qtbot.waitUntil(lambda: controller.header.isVisible(), timeout=WAIT)
    assert controller.header.name.text() == "Atelier"
    composer = home.composer
    qtbot.waitUntil(composer.is_blocked, timeout=WAIT)
    assert composer.blocked.reason.text() == "You have not joined any room of this community yet."
    qtbot.mouseClick(composer.blocked.action, Qt.MouseButton.LeftButton)
    browse = controller.dialog
    assert isinstance(browse, BrowseDialog)
    qtbot.waitUntil(lambda: bool(browse.entries), timeout=WAIT)
    assert browse.entries[0].room.room_id == created.rooms["general"]  # suggested first
    assert browse.entries[0].suggested
    assert not any(e.joined for e in browse.entries)
    browse.list.setCurrentIndex(browse.model.index(0))
    qtbot.mouseClick(browse.enter_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browse.entries[0].joined, timeout=WAIT)  # restricted join worked
    qtbot.waitUntil(lambda: home.rooms.summary(created.rooms["general"]) is not None, timeout=WAIT)
