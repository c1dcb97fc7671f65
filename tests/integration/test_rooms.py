"""Rooms and spaces across the two servers: DMs, joins by link, knocks, restricted joins."""

from __future__ import annotations

import io
import json
import secrets
import time
from urllib.parse import quote

import pytest
from PIL import Image
from support import eventually, run_with_clients, server_of

from cercle.protocol import media, rooms
from cercle.protocol.client import MatrixClient


async def _wait_invite(client: MatrixClient, room_id: str) -> None:
    async def invited():
        await client.sync_once(timeout_ms=1000)
        return room_id in client.nio.invited_rooms

    await eventually(invited, f"the invite to {room_id} reaching {client.user_id}")


async def _joined(client: MatrixClient) -> set[str]:
    reply = await rooms.request_json(client, "GET", rooms.path("joined_rooms"))
    return set(reply["joined_rooms"])


async def _membership(client: MatrixClient, room_id: str, user_id: str) -> str | None:
    url = rooms.path("rooms", room_id, "state", "m.room.member", user_id)
    try:
        return (await rooms.request_json(client, "GET", url)).get("membership")
    except rooms.MatrixError:
        return None


async def _left_rooms(client: MatrixClient) -> set[str]:
    """Rooms a fresh full sync lists as left (forgotten rooms are not)."""
    # a filter never used before: Synapse answers a repeated /sync from a 2-minute cache
    unique = f"org.cercle.test.{secrets.token_hex(4)}"
    sync_filter = {"room": {"include_leave": True, "timeline": {"limit": 1, "not_types": [unique]}}}
    reply = await rooms.request_json(
        client, "GET", rooms.path("sync"), query={"filter": json.dumps(sync_filter)}
    )
    return set(reply.get("rooms", {}).get("leave", {}))


def test_direct_chat_across_servers(register):
    async def scenario(company, partner):
        started = time.monotonic()
        room_id = await rooms.create_dm(company, partner.user_id, encrypted=False)
        assert (await rooms.direct_rooms(company))[partner.user_id] == [room_id]
        invite = await rooms.request_json(
            company, "GET", rooms.path("rooms", room_id, "state", "m.room.member", partner.user_id)
        )
        assert invite["membership"] == "invite"
        assert invite["is_direct"] is True
        await _wait_invite(partner, room_id)
        assert await rooms.join(partner, room_id) == room_id
        await rooms.mark_direct(partner, room_id, company.user_id)
        assert room_id in (await rooms.direct_rooms(partner))[company.user_id]
        print(f"\nDM across servers: {time.monotonic() - started:.2f} s")

    run_with_clients(register, scenario, "company", "partner")


def test_join_by_alias_matrix_to_link_and_matrix_uri(register):
    async def scenario(company, partner):
        localpart = f"atelier-{secrets.token_hex(4)}"
        room_id = await company.create_room("Atelier", public=True, alias=localpart)
        server = server_of(company.user_id)
        alias = f"#{localpart}:{server}"
        links = [
            alias,
            f"https://matrix.to/#/{quote(alias, safe='')}?via={quote(server, safe='')}",
            f"matrix:roomid/{quote(room_id[1:], safe=':')}?via={server}&action=join",
        ]
        started = time.monotonic()
        for link in links:
            assert await rooms.join(partner, link) == room_id, link
            assert room_id in await _joined(partner)
            await rooms.leave(partner, room_id)
            assert room_id not in await _joined(partner)
        assert room_id in await _left_rooms(partner)  # left, not forgotten: still listed
        await rooms.forget(partner, room_id)
        assert room_id not in await _left_rooms(partner)  # forgotten: gone from the list
        print(f"\n3 remote joins + leaves: {time.monotonic() - started:.2f} s")

        with pytest.raises(rooms.RoomNotFound):
            await rooms.join(partner, f"#nothing-{secrets.token_hex(4)}:{server}")

    run_with_clients(register, scenario, "company", "partner")


def test_knock_and_accept(register):
    async def scenario(company, partner):
        room_id = await rooms.create_knockable_room(company, "Comité produit")
        with pytest.raises(rooms.JoinRefused):
            await rooms.join(partner, room_id, via=[server_of(company.user_id)])
        started = time.monotonic()
        knocked = await rooms.knock(
            partner, room_id, reason="Revendeur Roue Libre", via=[server_of(company.user_id)]
        )
        assert knocked == room_id

        async def knock_seen():
            return await _membership(company, room_id, partner.user_id) == "knock"

        await eventually(knock_seen, "the knock reaching the company")
        await rooms.invite(company, room_id, partner.user_id)  # accepting a knock = inviting
        await _wait_invite(partner, room_id)
        assert await rooms.join(partner, room_id) == room_id
        print(f"\nknock → accepted → joined: {time.monotonic() - started:.2f} s")

    run_with_clients(register, scenario, "company", "partner")


def test_restricted_join_via_a_space_from_the_partnerserver_of(register):
    async def scenario(company, partner, outsider):
        space_id = await rooms.create_space(company, "Réseau revendeurs", invite=[partner.user_id])
        room_id = await rooms.create_restricted_room(company, "Tarifs revendeurs", space_id)
        via = [server_of(company.user_id)]

        with pytest.raises(rooms.JoinRefused) as refused:
            await rooms.join(outsider, room_id, via=via)
        assert "space" in str(refused.value)

        await _wait_invite(partner, space_id)
        started = time.monotonic()
        await rooms.join(partner, space_id)
        # no invite to the room itself: membership of the space is enough
        assert await rooms.join(partner, room_id, via=via) == room_id
        assert room_id in await _joined(partner)
        print(f"\nrestricted join via space: {time.monotonic() - started:.2f} s")

    run_with_clients(register, scenario, "company", "partner", "partner")


def test_hierarchy_lists_children_suggested_first(register):
    async def scenario(company, partner):
        space_id = await rooms.create_space(company, "Communauté vélo", public=True)
        names = ["Annonces", "Ateliers", "Entraide"]
        children = {}
        for name in names:
            children[name] = await company.create_room(name, public=True)
            await rooms.add_child(company, space_id, children[name], suggested=name == "Entraide")

        started = time.monotonic()
        first = await rooms.hierarchy(company, space_id, limit=2)
        assert first.rooms[0].room_id == space_id
        assert first.rooms[0].is_space
        assert first.next_batch, "limit=2 over 4 rooms must paginate"
        everything = await rooms.full_hierarchy(company, space_id, page_size=2)
        assert {r.room_id for r in everything} == {space_id, *children.values()}
        space = everything[0]
        assert space.children[0].room_id == children["Entraide"]
        assert space.children[0].suggested
        assert {c.room_id for c in space.children} == set(children.values())
        names_by_id = {r.room_id: r.name for r in everything}
        assert names_by_id[children["Ateliers"]] == "Ateliers"

        suggested = await rooms.hierarchy(company, space_id, suggested_only=True)
        assert {r.room_id for r in suggested.rooms} == {space_id, children["Entraide"]}

        # a member on the partner's server walks the company's space over federation
        await rooms.join(partner, space_id, via=[server_of(company.user_id)])
        remote = await rooms.full_hierarchy(partner, space_id)
        assert {r.room_id for r in remote} == {space_id, *children.values()}
        print(f"\nhierarchy, local and federated: {time.monotonic() - started:.2f} s")

    run_with_clients(register, scenario, "company", "partner")


def test_room_directory_search_locally_and_from_the_partner(register):
    async def scenario(owner, colleague, partner):
        word = f"velodrome{secrets.token_hex(3)}"
        # the directory lists rooms anyone may join (or knock on, or read)
        room_id = await owner.create_room(
            f"Club {word}", topic="sorties du dimanche", invite=[partner.user_id]
        )
        await owner.put_state(room_id, "m.room.join_rules", {"join_rule": "public"})
        started = time.monotonic()
        assert not (await rooms.public_rooms(colleague, word)).rooms

        # a member without power may not publish the room
        await rooms.join(partner, room_id, via=[server_of(owner.user_id)])
        with pytest.raises(rooms.PublishRefused):
            await rooms.publish_room(partner, room_id)

        await rooms.publish_room(owner, room_id)

        async def listed():
            return (await rooms.public_rooms(colleague, word)).rooms

        found = await eventually(listed, "the room showing in the directory")
        assert [r.room_id for r in found] == [room_id]
        assert found[0].topic == "sorties du dimanche"

        async def listed_for_partner():  # the company's directory, browsed from the partner
            return (await rooms.public_rooms(partner, word, server=server_of(owner.user_id))).rooms

        remote = await eventually(listed_for_partner, "the directory over federation")
        assert [r.room_id for r in remote] == [room_id]
        await rooms.publish_room(owner, room_id, published=False)
        assert not (await rooms.public_rooms(colleague, word)).rooms
        print(f"\npublish, search, federated search, unpublish: {time.monotonic() - started:.2f} s")

    run_with_clients(register, scenario, "company", "company", "partner")


def test_user_directory_and_profiles_across_servers(register):
    async def scenario(company, colleague, partner):
        started = time.monotonic()
        name = f"Camille {secrets.token_hex(3)}"
        await rooms.set_display_name(company, name)

        async def user_found():
            return (await rooms.search_users(colleague, name)).results

        results = await eventually(user_found, "the user directory indexing the new name")
        assert results[0].user_id == company.user_id
        assert results[0].display_name == name
        print(f"\nuser directory: {time.monotonic() - started:.2f} s")

        # an avatar set on one server is read from the other
        image = Image.new("RGB", (64, 64), (10, 120, 60))
        buf = io.BytesIO()
        image.save(buf, "PNG")
        avatar = await media.upload(company, buf.getvalue(), filename="avatar.png")
        await rooms.set_avatar(company, avatar.content_uri)
        profile = await rooms.get_profile(partner, company.user_id)
        assert profile == rooms.Profile(company.user_id, name, avatar.content_uri)
        assert (await rooms.get_profile(company)).display_name == name

    run_with_clients(register, scenario, "company", "company", "partner")
