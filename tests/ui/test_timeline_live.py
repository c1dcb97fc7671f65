"""The timeline against the real servers: an image with its thumbnail, a thread, typing,
read receipts; each sent by another user's client and seen in the window."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from test_first_window import sign_in

from cercle.desktop.models.messages import MessageRole
from cercle.protocol import media, messages
from cercle.protocol.client import MatrixClient


def png(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7bd5"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def as_other(account, action):
    """Runs `action(client)` as another user, on a client of its own."""

    async def run():
        client = await MatrixClient.login(account.homeserver, account.user_id, account.password)
        try:
            return await action(client)
        finally:
            await client.close()

    return asyncio.run(run())


def rows(home):
    return [
        home.messages.index(r).data(MessageRole.Message) for r in range(home.messages.rowCount())
    ]


def open_room_with(qtbot, app_window, register):
    me, alice = register("company"), register("company")

    async def room(client):
        room_id = await client.create_room("Atelier", invite=[me.user_id])
        await client.send_text(room_id, "Bienvenue !")
        return room_id

    room_id = as_other(alice, room)

    async def join(client):
        await client.join(room_id)

    as_other(me, join)
    sign_in(qtbot, app_window, me)
    home = app_window.home
    qtbot.waitUntil(lambda: home.messages.room_id == room_id, timeout=20_000)
    qtbot.waitUntil(lambda: home.messages.rowCount() >= 1, timeout=20_000)
    return home, room_id, me, alice


def test_an_image_shows_with_its_thumbnail_and_a_thread_reply_only_in_its_panel(
    qtbot, app_window, register
):
    home, room_id, _me, alice = open_room_with(qtbot, app_window, register)

    async def send_image(client):  # an encrypted attachment: decrypted on the way to the screen
        await media.send_file(client, room_id, png(320, 200), encrypted=True, filename="plan.png")

    as_other(alice, send_image)
    qtbot.waitUntil(lambda: any(m.attachment is not None for m in rows(home)), timeout=20_000)
    image = next(m for m in rows(home) if m.attachment is not None)
    assert image.attachment.kind == "image"
    assert "file" in image.attachment.content  # encrypted at rest on the server
    home.message_list.scrollToBottom()
    thumbnails = home.timeline.delegate.thumbnails
    qtbot.waitUntil(lambda: thumbnails.get(image) is not None, timeout=20_000)
    assert thumbnails.get(image).width() == 320

    root = next(m for m in rows(home) if m.body == "Bienvenue !")

    async def reply_in_thread(client):
        content = messages.thread_content(
            messages.text_content("Réponse dans le fil"),
            root_event_id=root.event_id,
            latest_event_id=root.event_id,
        )
        await client.send_message(room_id, content)
        await client.send_text(room_id, "Et dans le salon")

    as_other(alice, reply_in_thread)
    qtbot.waitUntil(lambda: any(m.body == "Et dans le salon" for m in rows(home)), timeout=20_000)
    assert not any(m.body == "Réponse dans le fil" for m in rows(home))
    qtbot.waitUntil(
        lambda: next(m for m in rows(home) if m.event_id == root.event_id).thread_count == 1,
        timeout=20_000,
    )
    home.timeline.threadRequested.emit(room_id, root.event_id)  # as a click on "1 reply"
    panel = home.thread_panel
    qtbot.waitUntil(lambda: panel.messages.rowCount() == 2, timeout=20_000)
    assert panel.isVisible()
    assert [panel.messages.message(r).body for r in range(2)] == [
        "Bienvenue !",
        "Réponse dans le fil",
    ]
    # And the panel's composer answers in the thread.
    panel.editor.setText("Moi aussi")
    panel.send()
    qtbot.waitUntil(lambda: panel.messages.rowCount() == 3, timeout=20_000)
    qtbot.wait(500)
    assert not any(m.body == "Moi aussi" for m in rows(home))


def test_typing_and_read_receipts_of_another_user_show(qtbot, app_window, register):
    home, room_id, me, alice = open_room_with(qtbot, app_window, register)
    welcome = next(m for m in rows(home) if m.body == "Bienvenue !")

    async def my_receipt(client):  # shown at the bottom: we told the server we read it
        for _ in range(40):
            reply = await client.sync_once(500)
            room = reply.rooms.join.get(room_id)
            for event in room.ephemeral if room else ():
                for receipt in getattr(event, "receipts", ()):
                    if receipt.user_id == me.user_id and receipt.event_id == welcome.event_id:
                        return True
        return False

    assert as_other(alice, my_receipt)
    alice_name = alice.user_id[1:].split(":")[0]  # Synapse's default display name
    home.composer.set_text("")
    qtbot.keyClicks(home.composer.editor, "Qui a lu ?")
    home.composer.send()
    qtbot.waitUntil(
        lambda: any(m.body == "Qui a lu ?" and m.state == "sent" for m in rows(home)),
        timeout=20_000,
    )
    mine = next(m for m in rows(home) if m.body == "Qui a lu ?")

    async def type_then_read(client):
        await client.call(client.nio.room_typing(room_id, True, timeout=30_000))
        await client.call(client.nio.room_read_markers(room_id, mine.event_id, mine.event_id))

    as_other(alice, type_then_read)
    qtbot.waitUntil(lambda: alice_name in home.timeline.typing_line.text(), timeout=20_000)
    assert home.timeline.typing_line.text().endswith("is typing…")
    qtbot.waitUntil(lambda: alice_name in home.messages.read_by(mine.event_id), timeout=20_000)
    row = home.messages.row_of_event(mine.event_id)
    assert home.messages.index(row).data(MessageRole.ReadBy) == (alice_name,)

    async def stop(client):
        await client.call(client.nio.room_typing(room_id, False))

    as_other(alice, stop)
    qtbot.waitUntil(lambda: home.timeline.typing_line.text() == "", timeout=20_000)


def test_older_messages_page_in_from_the_server_when_the_store_runs_out(
    qtbot, app_window, register
):
    me, alice = register("company"), register("company")

    async def long_room(client):
        room_id = await client.create_room("Archives", invite=[me.user_id])
        for n in range(70):
            await client.send_text(room_id, f"archive {n}")
        return room_id

    room_id = as_other(alice, long_room)

    async def join(client):
        await client.join(room_id)

    as_other(me, join)
    sign_in(qtbot, app_window, me)
    home = app_window.home
    qtbot.waitUntil(lambda: home.messages.room_id == room_id, timeout=20_000)
    # The first sync brings the newest 20 (a limited timeline): the rest is a gap the view
    # fills from /messages as it scrolls up.
    qtbot.waitUntil(lambda: any(m.body == "archive 69" for m in rows(home)), timeout=20_000)
    bar = home.message_list.verticalScrollBar()
    for _ in range(60):
        if home.messages.at_start and any(m.body == "archive 0" for m in rows(home)):
            break
        bar.setValue(0)
        qtbot.wait(200)
    bodies = [m.body for m in rows(home) if m.body.startswith("archive ")]
    assert bodies == [f"archive {n}" for n in range(70)]
    assert home.messages.at_start
