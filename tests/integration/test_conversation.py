"""A company user and a partner user converse through Cercle's own stack, in plain and encrypted
rooms, both ways: markdown, reply, edit, reaction, thread, file, redaction."""

from __future__ import annotations

import asyncio

import pytest
from support import join_when_invited, sent_event_id, signed_in, until

from cercle.protocol import media, messages


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_company_and_partner_converse(register, tmp_path, encrypted):
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        company = await signed_in(company_user, tmp_path / "company")
        partner = await signed_in(partner_user, tmp_path / "partner")
        await asyncio.gather(company.start(), partner.start())
        try:
            room_id = await company.client.create_room(
                "Salon partenaires", encrypted=encrypted, invite=[partner_user.user_id]
            )
            await join_when_invited(company, partner, room_id)

            # Markdown, company → partner.
            txn = await company.send_text(room_id, "Bonjour **partenaire**")
            hello = await sent_event_id(company, txn)
            got = await until(lambda: partner.store.timeline.get(hello))
            assert got.content["formatted_body"] == "Bonjour <strong>partenaire</strong>"
            assert got.encrypted is encrypted

            # Reply, partner → company.
            answer = messages.reply_content(messages.text_content("Merci !"), in_reply_to=hello)
            txn = await partner.send(room_id, "m.room.message", answer)
            reply = await sent_event_id(partner, txn)
            replies = await until(lambda: company.store.timeline.replies(hello))
            assert [e.event_id for e in replies] == [reply]

            # Edit, company; the partner sees the latest version.
            new_text = messages.text_content("Bonjour **cher** partenaire")
            edit = messages.edit_content(hello, new_text)
            await company.send(room_id, "m.room.message", edit)
            latest = await until(lambda: partner.store.timeline.latest_edit(hello))
            assert latest.content["m.new_content"]["body"] == "Bonjour **cher** partenaire"

            # Reaction, partner → company, aggregated.
            await partner.send(room_id, "m.reaction", messages.reaction_content(hello, "👍"))
            reactions = await until(lambda: company.store.timeline.reactions(hello))
            assert [(r.key, r.count, r.senders) for r in reactions] == [
                ("👍", 1, [partner_user.user_id])
            ]

            # Thread, company; the partner sees it under its root.
            in_thread = messages.thread_content(
                messages.text_content("Dans le fil"), root_event_id=hello, latest_event_id=hello
            )
            threaded = await sent_event_id(
                company, await company.send(room_id, "m.room.message", in_thread)
            )
            thread = await until(lambda: partner.store.timeline.thread(hello))
            assert [e.event_id for e in thread] == [threaded]

            # File, partner → company (an encrypted attachment in the encrypted room), queued
            # in the outbox with its bytes kept encrypted on disk until the upload.
            document = tmp_path / "tarifs.txt"
            document.write_bytes(b"Tarifs 2027\n")
            txn_id = await partner.send_file(room_id, document)
            file_event = await sent_event_id(partner, txn_id)
            event = await until(lambda: company.store.timeline.get(file_event))
            assert event.content["body"] == "tarifs.txt"
            queued_copy = await asyncio.to_thread(partner.store.media.get, f"outbox:{txn_id}")
            assert queued_copy is None  # uploaded: the copy kept for the outbox is gone
            file_info = event.content.get("file")
            assert (file_info is not None) is encrypted
            data = await media.download(
                company.client,
                file_info["url"] if file_info else event.content["url"],
                cache=company.store.media,
                file=file_info,
            )
            assert data == b"Tarifs 2027\n"

            # Redaction, company, of its own thread message.
            await company.send(room_id, "m.room.redaction", {"redacts": threaded})
            gone = await until(
                lambda: partner.store.timeline.get(threaded),
                lambda e: e is not None and e.redacted_by,
            )
            assert gone.redacted_by
        finally:
            await asyncio.gather(company.close(), partner.close())

    asyncio.run(scenario())
