"""The composer's protocol side against real servers: mention candidates across servers, replies
and edits composed from the store, file uploads with progress, cancel and the size limit."""

from __future__ import annotations

import asyncio

import pytest
from support import join_when_invited, sent_event_id, signed_in, until

from cercle.protocol import media
from cercle.protocol.changes import UploadProgress
from cercle.protocol.messages import pill_markdown


def test_mention_reply_edit_and_upload_across_servers(register, tmp_path):
    company_user, partner_user = register("company"), register("partner")
    published: list[object] = []

    async def scenario():
        company = await signed_in(company_user, tmp_path / "company", published.append)
        partner = await signed_in(partner_user, tmp_path / "partner")
        await asyncio.gather(company.start(), partner.start())
        try:
            room_id = await company.client.create_room(
                "Salon partenaires", encrypted=True, invite=[partner_user.user_id]
            )
            await join_when_invited(company, partner, room_id)

            # The partner, on the other server, is offered for @, marked external.
            candidates = await company.mention_candidates(room_id)
            assert [(c.user_id, c.external) for c in candidates] == [(partner_user.user_id, True)]

            # A mention: the partner gets the pill's link and m.mentions.
            text = f"Bonjour {pill_markdown(partner_user.user_id, 'Partenaire')}"
            hello = await sent_event_id(company, await company.send_text(room_id, text))
            got = await until(lambda: partner.store.timeline.get(hello))
            assert got.content["m.mentions"] == {"user_ids": [partner_user.user_id]}
            assert "https://matrix.to/#/" in got.content["formatted_body"]

            # The partner replies; the company sees m.in_reply_to and is mentioned.
            txn = await partner.send_text(room_id, "Bien reçu", reply_to=hello)
            reply = await sent_event_id(partner, txn)
            seen = await until(lambda: company.store.timeline.get(reply))
            assert seen.content["m.relates_to"] == {"m.in_reply_to": {"event_id": hello}}
            assert seen.content["m.mentions"] == {"user_ids": [company_user.user_id]}

            # The company edits its message; the partner sees the replacement, not re-mentioned.
            await company.send_text(room_id, f"Bonsoir {pill_markdown(partner_user.user_id)}",
                                    edit_of=hello)  # fmt: skip
            latest = await until(lambda: partner.store.timeline.latest_edit(hello))
            assert latest.content["m.new_content"]["body"].startswith("Bonsoir ")
            assert latest.content["m.mentions"] == {}

            # A file: progress is published up to 100 %, the partner receives it.
            data = bytes(range(256)) * 1200  # ~300 KB: several chunks
            txn = await company.send_data(room_id, data, "plan.bin", "application/octet-stream")
            file_event = await sent_event_id(company, txn)
            progress = [c for c in published if isinstance(c, UploadProgress) and c.txn_id == txn]
            assert progress[0].sent == 0
            assert progress[-1].sent == progress[-1].total == len(data)
            assert len(progress) > 2
            arrived = await until(lambda: partner.store.timeline.get(file_event))
            assert arrived.content["body"] == "plan.bin"

            # Over the server's limit: refused before anything is queued.
            limit = (await media.media_config(company.client)).max_upload_size
            assert limit is not None
            huge = tmp_path / "huge.iso"
            with huge.open("wb") as f:
                f.truncate(limit + 1)  # sparse: nothing is written, nothing read
            before = await asyncio.to_thread(company.store.outbox.unsent)
            with pytest.raises(media.TooLarge):
                await company.send_file(room_id, huge)
            assert await asyncio.to_thread(company.store.outbox.unsent) == before
        finally:
            await asyncio.gather(company.close(), partner.close())

    asyncio.run(scenario())


def test_a_cancelled_file_is_not_sent_and_its_copy_is_gone(register, tmp_path):
    user = register("company")

    async def scenario():
        account = await signed_in(user, tmp_path / "company")
        try:
            room_id = await account.client.create_room("Notes", encrypted=False)
            # Not started: the outbox holds the file until cancelled.
            txn = await account.send_data(room_id, b"brouillon", "draft.txt")
            assert await asyncio.to_thread(account.store.media.get, f"outbox:{txn}")
            assert await account.outbox.cancel(txn)
            assert await asyncio.to_thread(account.store.outbox.get, txn) is None
            assert await asyncio.to_thread(account.store.media.get, f"outbox:{txn}") is None
            assert not await account.outbox.cancel(txn)
        finally:
            await account.close()

    asyncio.run(scenario())


def test_cancel_stops_an_upload_under_way(register, tmp_path):
    user = register("company")
    seen: list[UploadProgress] = []

    async def scenario():
        cancelling: list[asyncio.Task] = []

        def publish(change) -> None:
            if isinstance(change, UploadProgress):
                seen.append(change)
                if 0 < change.sent < change.total and not cancelling:
                    cancelling.append(asyncio.ensure_future(account.outbox.cancel(change.txn_id)))

        account = await signed_in(user, tmp_path / "company", publish)
        try:
            room_id = await account.client.create_room("Notes", encrypted=False)
            await account.start()
            data = bytes(range(256)) * (30 * 4096)  # 30 MiB: many chunks to stop in between
            txn = await account.send_data(room_id, data, "video.bin")
            await until(lambda: cancelling)
            assert await cancelling[0]
            await asyncio.sleep(1.0)  # what would have followed the upload has had its chance
            assert await asyncio.to_thread(account.store.outbox.get, txn) is None
            assert await asyncio.to_thread(account.store.media.get, f"outbox:{txn}") is None
            assert seen[-1].sent < len(data)  # it never reached the end
            page = await asyncio.to_thread(account.store.timeline.page, room_id, limit=50)
            assert not any(e.content.get("body") == "video.bin" for e in page.events)
        finally:
            await account.close()

    asyncio.run(scenario())
