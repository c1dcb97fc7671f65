"""A company user and a partner user converse through Cercle's own stack, in plain and encrypted
rooms, both ways: markdown, reply, edit, reaction, thread, file, redaction."""

from __future__ import annotations

import asyncio

import pytest
from keyring.backends.fail import Keyring as NoKeyring

from cercle.protocol import media, messages
from cercle.protocol.account import Account
from cercle.protocol.profiles import KeyOptions, ProfileLocation, open_profile
from cercle.storage.keys import KdfParams

OPTIONS = KeyOptions(backend=NoKeyring(), kdf=KdfParams(memory_kib=1024, iterations=1, lanes=1))


async def _signed_in(user, folder) -> Account:
    profile = await open_profile(ProfileLocation(folder, "profile"), "conversation test", OPTIONS)
    account = await Account.sign_in(
        user.homeserver, user.user_id, user.password, lambda _: None, profile=profile
    )
    await account.start()
    return account


async def _until(read, check=bool, within=30.0):
    """Reads the store (off the loop) until `check(value)` holds; returns the value."""
    async with asyncio.timeout(within):
        while True:
            value = await asyncio.to_thread(read)
            if check(value):
                return value
            await asyncio.sleep(0.1)


async def _sent(account: Account, txn_id: str) -> str:
    """The event id the server gave a queued event."""
    entry = await _until(
        lambda: account.store.outbox.get(txn_id), lambda e: e is not None and e.event_id
    )
    return entry.event_id


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_company_and_partner_converse(register, tmp_path, encrypted):
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        company = await _signed_in(company_user, tmp_path / "company")
        partner = await _signed_in(partner_user, tmp_path / "partner")
        try:
            room_id = await company.client.create_room(
                "Salon partenaires", encrypted=encrypted, invite=[partner_user.user_id]
            )
            await _until(
                lambda: partner.store.rooms.get(room_id),
                lambda r: r is not None and r.join_state == "invite",
            )
            await partner.client.join(room_id)
            await _until(
                lambda: company.store.rooms.member(room_id, partner_user.user_id),
                lambda m: m is not None and m.membership == "join",
            )

            # Markdown, company → partner.
            hello = await _sent(company, await company.send_text(room_id, "Bonjour **partenaire**"))
            got = await _until(lambda: partner.store.timeline.get(hello))
            assert got.content["formatted_body"] == "Bonjour <strong>partenaire</strong>"
            assert got.encrypted is encrypted

            # Reply, partner → company.
            answer = messages.reply_content(messages.text_content("Merci !"), in_reply_to=hello)
            reply = await _sent(partner, await partner.send(room_id, "m.room.message", answer))
            replies = await _until(lambda: company.store.timeline.replies(hello))
            assert [e.event_id for e in replies] == [reply]

            # Edit, company; the partner sees the latest version.
            new_text = messages.text_content("Bonjour **cher** partenaire")
            edit = messages.edit_content(hello, new_text)
            await company.send(room_id, "m.room.message", edit)
            latest = await _until(lambda: partner.store.timeline.latest_edit(hello))
            assert latest.content["m.new_content"]["body"] == "Bonjour **cher** partenaire"

            # Reaction, partner → company, aggregated.
            await partner.send(room_id, "m.reaction", messages.reaction_content(hello, "👍"))
            reactions = await _until(lambda: company.store.timeline.reactions(hello))
            assert [(r.key, r.count, r.senders) for r in reactions] == [
                ("👍", 1, [partner_user.user_id])
            ]

            # Thread, company; the partner sees it under its root.
            in_thread = messages.thread_content(
                messages.text_content("Dans le fil"), root_event_id=hello, latest_event_id=hello
            )
            threaded = await _sent(
                company, await company.send(room_id, "m.room.message", in_thread)
            )
            thread = await _until(lambda: partner.store.timeline.thread(hello))
            assert [e.event_id for e in thread] == [threaded]

            # File, partner → company (an encrypted attachment in the encrypted room).
            sent = await media.send_file(
                partner.client,
                room_id,
                b"Tarifs 2027\n",
                filename="tarifs.txt",
                cache=partner.store.media,
            )
            event = await _until(lambda: company.store.timeline.get(sent.event_id))
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
            gone = await _until(
                lambda: partner.store.timeline.get(threaded),
                lambda e: e is not None and e.redacted_by,
            )
            assert gone.redacted_by
        finally:
            await asyncio.gather(company.close(), partner.close())

    asyncio.run(scenario())
