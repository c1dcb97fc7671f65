"""Edits, reactions and redactions from the partner server update the row already shown."""

from __future__ import annotations

import asyncio

from support import join_when_invited, sent_event_id, signed_in, until

from cercle.desktop.session import toggle_reaction
from cercle.protocol import messages
from cercle.protocol.changes import ReactionChip, TimelineReplaced


def test_partner_edit_reaction_and_redaction_replace_the_shown_row(register, tmp_path):
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        changes: list = []
        company = await signed_in(company_user, tmp_path / "company", changes.append)
        partner = await signed_in(partner_user, tmp_path / "partner")
        await asyncio.gather(company.start(), partner.start())

        def replaced(event_id: str, check, since: int = 0) -> list:
            return [
                c.message
                for c in list(changes)[since:]
                if isinstance(c, TimelineReplaced)
                and c.message.event_id == event_id
                and check(c.message)
            ]

        try:
            room_id = await company.client.create_room(
                "Salon partenaires", invite=[partner_user.user_id]
            )
            await join_when_invited(company, partner, room_id)
            txn = await partner.send_text(room_id, "Livraison jeudi")
            original = await sent_event_id(partner, txn)
            await until(lambda: company.store.timeline.get(original))

            # The partner edits: the company's row becomes the new text, marked edited.
            edit = messages.edit_content(original, messages.text_content("Livraison **vendredi**"))
            await partner.send(room_id, "m.room.message", edit)
            edited = await until(lambda: replaced(original, lambda m: m.edited))
            assert edited[-1].body == "Livraison **vendredi**"
            assert edited[-1].html == "Livraison <strong>vendredi</strong>"

            # Both react (the company through the chip's toggle): the chip counts two, ours.
            await partner.send(room_id, "m.reaction", messages.reaction_content(original, "👍"))
            await toggle_reaction(company, room_id, original, "👍")
            chips = await until(
                lambda: replaced(original, lambda m: m.reactions and m.reactions[0].count == 2)
            )
            assert chips[-1].reactions == (ReactionChip("👍", 2, mine=True),)
            assert chips[-1].edited  # the row keeps its edit

            # The partner takes its reaction back: the chip drops to one, still ours.
            mine = await until(
                lambda: [
                    r
                    for r in company.store.timeline._related(original, "m.annotation", 10)
                    if r.sender == partner_user.user_id
                ]
            )
            await partner.send(room_id, "m.room.redaction", {"redacts": mine[0].event_id})
            await until(
                lambda: replaced(original, lambda m: m.reactions == (ReactionChip("👍", 1, True),))
            )
            # The company clicks its chip again: its reaction is redacted, the chip goes.
            mark = len(changes)
            await toggle_reaction(company, room_id, original, "👍")
            await until(lambda: replaced(original, lambda m: m.reactions == (), mark))

            # The partner deletes the message: the row says so instead of vanishing.
            await partner.send(room_id, "m.room.redaction", {"redacts": original})
            gone = await until(lambda: replaced(original, lambda m: m.redacted))
            assert gone[-1].body == ""
            assert gone[-1].reactions == ()
        finally:
            await asyncio.gather(company.close(), partner.close())

    asyncio.run(scenario())
