"""Communities across both servers: templates, charter before posting, ACL, community-wide ban."""

from __future__ import annotations

import asyncio

import nio
import pytest
from support import eventually, run_with_clients, server_of

from cercle.protocol import rooms
from cercle.protocol.client import MatrixClient, MatrixError
from cercle.protocol.community import acl, charter, moderation, roles, schema
from cercle.protocol.community.create import create_community
from cercle.protocol.community.state import load_community
from cercle.protocol.community.templates import TEMPLATES


async def _accept_invite(client: MatrixClient, room_id: str, via: str) -> None:
    async def invited():
        await client.sync_once(timeout_ms=500)
        return room_id in client.nio.invited_rooms

    await eventually(invited, f"the invite to {room_id} reaching {client.user_id}")
    await rooms.join(client, room_id, via=[via])


async def _membership(client: MatrixClient, room_id: str, user_id: str) -> str | None:
    url = rooms.path("rooms", room_id, "state", "m.room.member", user_id)
    try:
        return (await rooms.request_json(client, "GET", url)).get("membership")
    except MatrixError:
        return None


def test_partner_joins_through_the_space_and_posts_once_the_charter_is_accepted(register):
    async def scenario(company, partner, element):
        home = server_of(company.user_id)
        created = await create_community(
            company, "Réseau", "partners", invite=[partner.user_id, element.user_id]
        )
        general, announcements = created.rooms["general"], created.rooms["announcements"]
        await _accept_invite(partner, created.space_id, home)
        # restricted join: being in the space is enough, no invite to the rooms
        for room_id in (general, announcements):
            assert await rooms.join(partner, room_id, via=[home]) == room_id

        community = await load_community(partner, created.space_id)
        assert community.info
        assert community.info.kind == "partner"
        assert charter.needs_acceptance(community, partner.user_id)
        check = charter.can_post(community, partner.user_id, general)
        assert not check
        assert check.block is charter.PostBlock.CHARTER
        assert check.reason

        # only the member may write their own record: auth rules refuse a forged one
        with pytest.raises(MatrixError) as forged:
            await partner.put_state(
                created.space_id, schema.ACCEPTANCE, {"version": 1}, company.user_id
            )
        assert forged.value.status == 403
        assert await charter.accept_charter(partner, community) == 1
        community = await load_community(partner, created.space_id)
        assert charter.can_post(community, partner.user_id, general)
        blocked = charter.can_post(community, partner.user_id, announcements)
        assert blocked.block is charter.PostBlock.READ_ONLY
        with pytest.raises(MatrixError):  # the server agrees: managers only
            await partner.send_text(announcements, "not allowed")
        posted = await partner.send_text(general, "Bonjour depuis Roue Libre !")

        async def accepted_on_company_side():
            seen = await load_community(company, created.space_id, with_rooms=False)
            return seen.acceptances.get(partner.user_id) == 1 and seen

        seen = await eventually(accepted_on_company_side, "the acceptance crossing servers")
        # the manager wrote the charter and accepted it when creating the community
        assert charter.who_accepted(seen) == {1: tuple(sorted((partner.user_id, company.user_id)))}
        assert roles.role_of(seen.power_levels, partner.user_id, home) is roles.Role.PARTNER_GUEST

        # a plain client (Element's stand-in, no Cercle logic): ordinary space, rooms, messages
        await _accept_invite(element, created.space_id, home)
        await element.join(general)
        state = await element.call(element.nio.room_get_state(created.space_id))
        create = next(e for e in state.events if e["type"] == "m.room.create")
        assert create["content"].get("type") == "m.space"
        assert {e["state_key"] for e in state.events if e["type"] == "m.space.child"} >= {general}

        async def message_seen():
            chunk, _ = await element.history(general, None, 20)
            return [e for e in chunk if getattr(e, "event_id", None) == posted]

        [event] = await eventually(message_seen, "the partner's message reaching Element")
        assert event.body == "Bonjour depuis Roue Libre !"

        # a new version asks again
        assert await charter.publish_charter(company, seen, "# Charter v2\n\nBe kind.") == 2

        async def asked_again():
            again = await load_community(partner, created.space_id)
            return charter.needs_acceptance(again, partner.user_id) and again

        again = await eventually(asked_again, "charter v2 reaching the partner")
        assert "new version" in charter.can_post(again, partner.user_id, general).reason

    run_with_clients(register, scenario, "company", "partner", "company")


def test_allow_list_applies_everywhere_and_never_locks_out_our_own_server(register):
    async def scenario(company, partner):
        home = server_of(company.user_id)
        created = await create_community(company, "Projet", "project", invite=[partner.user_id])
        community = await load_community(company, created.space_id)
        with pytest.raises(acl.AclRefused) as refused:
            await acl.apply_allow_list(company, community, ["partner.example"])
        assert refused.value.server == home
        assert "your own server" in refused.value.explanation
        assert "Add localhost to the allow-list" in refused.value.explanation

        with pytest.raises(acl.AclRefused, match="add “localhost\\*”"):  # name with a port
            await acl.apply_allow_list(company, community, ["localhost", "partner.example"])
        allow = ["localhost*", "partner.example"]
        applied = await acl.apply_allow_list(company, community, allow)
        assert set(applied.rooms) == set(community.all_rooms)
        assert not applied.failed
        for room_id in community.all_rooms:
            url = rooms.path("rooms", room_id, "state", acl.SERVER_ACL, "")
            content = await rooms.request_json(company, "GET", url)
            assert content["allow"] == allow

        # Both loopback servers are named localhost:<port> and ACLs match names without ports,
        # so no allow-list can tell them apart here; an ACL denying "localhost" (which
        # apply_allow_list refuses for us) stands in for "the partner is not on the list":
        # local users are not subject to ACLs, the partner's server is.
        for room_id in community.all_rooms:
            await company.put_state(
                room_id, acl.SERVER_ACL, {"allow": ["*"], "deny": ["localhost"]}
            )
        await eventually(
            lambda: _invited(partner, created.space_id), "the invite reaching the partner"
        )
        with pytest.raises(rooms.JoinRefused):
            await rooms.join(partner, created.space_id, via=[home])

    run_with_clients(register, scenario, "company", "partner")


async def _invited(client: MatrixClient, room_id: str) -> bool:
    await client.sync_once(timeout_ms=500)
    return room_id in client.nio.invited_rooms


def test_community_ban_removes_the_user_from_every_room_and_logs_it(register):
    async def scenario(company, partner):
        home = server_of(company.user_id)
        created = await create_community(company, "Qualité", "practice", invite=[partner.user_id])
        await _accept_invite(partner, created.space_id, home)
        for room_id in created.rooms.values():
            await rooms.join(partner, room_id, via=[home])
        offending = await company.send_text(created.rooms["general"], "un message signalé")

        async def visible():
            reply = await partner.nio.room_get_event(created.rooms["general"], offending)
            return not isinstance(reply, nio.ErrorResponse)

        await eventually(visible, "the message reaching the partner's server")
        community = await load_community(partner, created.space_id)
        await moderation.report(partner, community, created.rooms["general"], offending, "test")

        async def left():  # the reporter files and leaves: no reading the moderators' room
            return await _membership(company, created.moderation_room, partner.user_id) == "leave"

        await eventually(left, "the reporter leaving the moderators' room")

        community = await load_community(company, created.space_id)
        result = await moderation.ban(company, community, partner.user_id, reason="spam")
        assert set(result.rooms) == set(community.all_rooms)
        assert not result.failed
        for room_id in (created.space_id, *created.rooms.values()):
            assert await _membership(company, room_id, partner.user_id) == "ban"

        left: set[str] = set()

        async def ban_reached_partner():  # until then the partner's server thinks they are in
            left.update((await partner.sync_once(timeout_ms=500)).rooms.leave)
            return created.rooms["general"] in left

        await eventually(ban_reached_partner, "the ban reaching the partner's server")
        with pytest.raises(rooms.JoinRefused):
            await rooms.join(partner, created.rooms["general"], via=[home])

        entries = await moderation.moderation_log(company, community)
        kinds = [(e.type, e.content.get("target") or e.content.get("reporter")) for e in entries]
        assert kinds[0] == (schema.MODERATION, partner.user_id)
        assert (schema.REPORT, partner.user_id) in kinds

    run_with_clients(register, scenario, "company", "partner")


def test_each_template_gives_its_rooms_and_power_levels(register):
    async def scenario(company):
        me = company.user_id
        made = await asyncio.gather(
            *(create_community(company, t.label, t.key) for t in TEMPLATES.values())
        )
        for created, spec in zip(made, TEMPLATES.values(), strict=True):
            assert list(created.rooms) == [r.key for r in spec.rooms]
            community = await load_community(company, created.space_id)
            assert community.info
            assert community.info.kind == spec.kind
            assert community.info.moderation_room == created.moderation_room
            assert community.charter
            assert community.charter.version == 1
            assert community.editorial
            assert community.editorial.allowed_post_types == spec.allowed_post_types
            assert set(community.rooms) == set(created.rooms.values())
            assert community.power_levels["events"][schema.ACCEPTANCE] == 0
            for room in spec.rooms:
                levels = community.room_power_levels[created.rooms[room.key]]
                role = roles.role_of(levels, me, server_of(me), community.creators)
                assert role is roles.Role.MANAGER
                assert levels["events_default"] == (100 if room.announcements else 0)
                assert levels["invite"] == (50 if spec.kind == "partner" else 0)
            state = await company.call(company.nio.room_get_state(created.rooms[spec.rooms[0].key]))
            rules = next(e for e in state.events if e["type"] == "m.room.join_rules")
            assert rules["content"]["join_rule"] == "restricted"
            assert rules["content"]["allow"][0]["room_id"] == created.space_id

    run_with_clients(register, scenario, "company")
