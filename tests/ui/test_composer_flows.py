"""The composer in the whole app against the real servers: Enter and Shift+Enter, @mention of a
partner with m.mentions, :emoji: completion, reply, Up to edit, a dropped file with progress."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtWidgets import QMenu
from test_first_window import sign_in

from cercle.desktop.models.completion import CompletionRole
from cercle.desktop.models.messages import MessageRole
from cercle.desktop.models.rooms import RoomRole
from cercle.protocol.client import MatrixClient


async def _room_with_partner(partner, employee) -> str:
    client = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
    try:
        room_id = await client.create_room("Salon partenaires", invite=[employee.user_id])
        await client.send_text(room_id, "On prépare le salon de Lyon ?")
    finally:
        await client.close()
    employee_client = await MatrixClient.login(
        employee.homeserver, employee.user_id, employee.password
    )
    try:
        await employee_client.join(room_id)
    finally:
        await employee_client.close()
    return room_id


def partner_sees(partner, room_id: str, match) -> dict:
    """The first event of `room_id` the partner receives for which `match(source)` holds."""

    async def look() -> dict:
        client = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
        try:
            for _ in range(40):
                reply = await client.sync_once(timeout_ms=500)
                room = reply.rooms.join.get(room_id)
                for event in room.timeline.events if room else ():
                    if match(event.source):
                        return event.source
            raise AssertionError("the partner did not receive it")
        finally:
            await client.close()

    return asyncio.run(look())


def bodies(home) -> list[str]:
    model = home.messages
    return [model.index(r).data(MessageRole.Message).body for r in range(model.rowCount())]


def wait_body(qtbot, home, body: str) -> None:
    qtbot.waitUntil(lambda: body in bodies(home), timeout=15_000)


def test_composer_flows_against_the_servers(qtbot, app_window, register, tmp_path):
    employee, partner = register("company"), register("partner")
    room_id = asyncio.run(_room_with_partner(partner, employee))
    sign_in(qtbot, app_window, employee)
    home = app_window.home
    composer, editor = home.composer, home.composer.editor
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is home, timeout=15_000)
    qtbot.waitUntil(lambda: home.proxy.rowCount() == 1, timeout=15_000)
    summary = home.proxy.index(0, 0).data
    qtbot.waitUntil(lambda: summary(RoomRole.Summary).external_servers != (), timeout=15_000)
    wait_body(qtbot, home, "On prépare le salon de Lyon ?")
    qtbot.waitUntil(lambda: editor.isEnabled(), timeout=15_000)

    # Enter sends, Shift+Enter starts a new line of the same message.
    qtbot.keyClicks(editor, "Ligne un")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "Ligne **deux**")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert composer.text() == ""
    partner_sees(partner, room_id, lambda e: e["content"].get("body") == "Ligne un\nLigne **deux**")

    # @ + letters: the partner, from the other server, is offered and marked external.
    localpart = partner.user_id[1:].split(":")[0]
    qtbot.keyClicks(editor, f"Merci @{localpart[:4]}")
    qtbot.waitUntil(
        lambda: composer.popup is not None and composer.popup.isVisible(), timeout=10_000
    )
    item = composer.suggestions.index(0, 0).data(CompletionRole.Item)
    assert (item.key, item.external) == (partner.user_id, True)
    assert item.server == partner.user_id.split(":", 1)[1]
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # accepts the suggestion, does not send
    assert not composer.popup.isVisible()
    assert editor.mentioned() == [partner.user_id]
    qtbot.keyClicks(editor, "pour le stand")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    mention = partner_sees(
        partner, room_id, lambda e: e["content"].get("body", "").startswith("Merci ")
    )
    assert mention["content"]["m.mentions"] == {"user_ids": [partner.user_id]}
    assert "https://matrix.to/#/" in mention["content"]["formatted_body"]

    # :thu → 👍
    qtbot.keyClicks(editor, "Parfait :thu")
    qtbot.waitUntil(lambda: composer.popup.isVisible(), timeout=5_000)
    assert composer.suggestions.index(0, 0).data(CompletionRole.Item).key == "👍"
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert composer.text() == "Parfait 👍"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_body(qtbot, home, "Parfait 👍")

    # Reply, from the message's context menu.
    question = next(
        m for r in range(home.messages.rowCount())
        if (m := home.messages.index(r).data(MessageRole.Message)).body.startswith("On prépare")
    )  # fmt: skip
    menu: QMenu = home.timeline.message_menu(question)
    reply_action = next(a for a in menu.actions() if a.text() == "Reply")
    assert not any(a.text() == "Edit" for a in menu.actions())  # not ours
    reply_action.trigger()
    assert composer.banner.isVisible()
    assert composer.banner.label.text().startswith("Replying to ")
    qtbot.keyClicks(editor, "Oui, a Lyon")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert not composer.banner.isVisible()
    reply = partner_sees(partner, room_id, lambda e: e["content"].get("body") == "Oui, a Lyon")
    assert reply["content"]["m.relates_to"] == {"m.in_reply_to": {"event_id": question.event_id}}
    wait_body(qtbot, home, "Oui, a Lyon")
    qtbot.waitUntil(
        lambda: (
            home.messages.index(home.messages.rowCount() - 1).data(MessageRole.Message).state
            == "sent"
        ),
        timeout=15_000,
    )

    # Up in the empty composer edits our last message; the partner gets the replacement.
    qtbot.keyClick(editor, Qt.Key.Key_Up)
    assert composer.mode == "edit"
    assert composer.text() == "Oui, a Lyon"
    assert composer.send_button.text() == "Save"
    editor.selectAll()
    qtbot.keyClicks(editor, "Oui, a Lyon en mars")
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    def is_edit(event: dict) -> bool:
        return event["content"].get("m.relates_to", {}).get("rel_type") == "m.replace"

    edit = partner_sees(partner, room_id, is_edit)
    assert edit["content"]["m.new_content"]["body"] == "Oui, a Lyon en mars"
    assert edit["content"]["m.relates_to"]["event_id"] != question.event_id
    wait_body(qtbot, home, "Oui, a Lyon en mars")
    assert not any(b.startswith("* ") for b in bodies(home))  # no row for the edit itself

    # Editing the mention brings its pill back; the partner is not notified again.
    mention_row = next(
        m for r in range(home.messages.rowCount())
        if (m := home.messages.index(r).data(MessageRole.Message)).body.startswith("Merci ")
    )  # fmt: skip
    edit_action = next(a for a in home.timeline.message_menu(mention_row).actions()
                       if a.text() == "Edit")  # fmt: skip
    edit_action.trigger()
    assert editor.mentioned() == [partner.user_id]
    qtbot.keyClicks(editor, " et son equipe")
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    def edits_mention(event: dict) -> bool:
        relates = event["content"].get("m.relates_to", {})
        return relates.get("event_id") == mention_row.event_id

    again = partner_sees(partner, room_id, edits_mention)
    assert again["content"]["m.new_content"]["m.mentions"] == {"user_ids": [partner.user_id]}
    assert again["content"]["m.mentions"] == {}

    # A dropped file: progress up to 100 %, then the partner receives it.
    progress = []
    app_window.session.bridge.uploadProgress.connect(progress.append)
    document = tmp_path / "plan-du-stand.pdf"
    document.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 800)
    dropped = QMimeData()
    dropped.setUrls([QUrl.fromLocalFile(str(document))])
    assert editor.canInsertFromMimeData(dropped)
    editor.insertFromMimeData(dropped)  # what a drop (and a paste) does
    assert composer.text() == ""  # the file is not pasted as text
    arrived = partner_sees(
        partner, room_id, lambda e: e["content"].get("body") == "plan-du-stand.pdf"
    )
    assert arrived["content"]["msgtype"] == "m.file"
    size = document.stat().st_size
    # The UI loop was blocked while the partner looked: the changes come through now.
    qtbot.waitUntil(lambda: bool(progress) and progress[-1].sent == size, timeout=15_000)
    assert progress[0].sent == 0
    assert progress[-1].total == size
    assert [p.sent for p in progress] == sorted(p.sent for p in progress)
    qtbot.waitUntil(lambda: not composer.uploads.rows, timeout=15_000)  # the row goes once sent

    # Over the server's limit: refused at once, said in words, the draft kept.
    qtbot.keyClicks(editor, "brouillon")
    huge = tmp_path / "salon.iso"
    with huge.open("wb") as f:
        f.truncate(60 * 1024 * 1024)  # sparse; Synapse accepts 50 MiB by default
    composer.filesChosen.emit([huge])
    qtbot.waitUntil(lambda: "refused:salon.iso" in composer.uploads.rows, timeout=15_000)
    reason = composer.uploads.rows["refused:salon.iso"].error.text()
    assert reason.startswith("Not sent: salon.iso is 60")
    assert "your server accepts files up to" in reason
    assert composer.text() == "brouillon"
