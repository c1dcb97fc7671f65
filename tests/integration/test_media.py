"""Files and images across the two servers: authenticated media, E2EE attachments, the cache."""

from __future__ import annotations

import asyncio
import io
import os
import secrets
import time

import nio
import pytest
from PIL import Image
from support import login

from cercle.protocol import media
from cercle.protocol.client import MatrixClient
from cercle.storage.db import Database
from cercle.storage.media import MediaCache

DEADLINE_S = 30.0


@pytest.fixture
def caches(tmp_path):
    """caches(name): one encrypted MediaCache per name, as a profile would hold one."""
    opened: dict[str, tuple[Database, MediaCache]] = {}

    def make(name: str) -> MediaCache:
        if name not in opened:
            db, _ = Database.open(tmp_path / f"{name}.db", os.urandom(32))
            opened[name] = db, MediaCache(db, tmp_path / f"{name}-media")
        return opened[name][1]

    yield make
    for db, _ in opened.values():
        db.close()


def _image_bytes(marker: bytes) -> bytes:
    """A 1200×900 PNG (larger than the thumbnail box) carrying `marker` in a text chunk."""
    from PIL import PngImagePlugin

    image = Image.new("RGB", (1200, 900))
    image.paste((200, 40, 90), (0, 0, 600, 900))
    image.paste((20, 140, 200), (600, 0, 1200, 900))
    meta = PngImagePlugin.PngInfo()
    meta.add_text("marker", marker.decode())
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=meta)
    return out.getvalue()


async def _shared_room(company: MatrixClient, partner: MatrixClient, *, encrypted: bool) -> str:
    room_id = await company.create_room("Fichiers", encrypted=encrypted, invite=[partner.user_id])
    deadline = time.monotonic() + DEADLINE_S
    while room_id not in partner.nio.invited_rooms:
        assert time.monotonic() < deadline, "the invite never reached the partner"
        await partner.sync_once(timeout_ms=1000)
    await partner.join(room_id)
    await company.sync_once()
    if encrypted:  # the sender must see the partner's device before sharing the room key
        while partner.user_id not in company.nio.rooms[room_id].users:
            assert time.monotonic() < deadline, "the partner's join never reached the company"
            await company.sync_once(timeout_ms=1000)
    return room_id


async def _received_contents(client: MatrixClient, room_id: str, count: int) -> list[dict]:
    """Syncs until `count` file messages arrived in `room_id`; their (decrypted) contents."""
    found: list[dict] = []
    deadline = time.monotonic() + DEADLINE_S
    while len(found) < count:
        assert time.monotonic() < deadline, f"only {len(found)} of {count} files arrived"
        reply = await client.sync_once(timeout_ms=1000)
        room = reply.rooms.join.get(room_id)
        for event in room.timeline.events if room else ():
            if isinstance(event, nio.MegolmEvent):
                event = client.nio.decrypt_event(event)
            content = event.source.get("content", {})
            if content.get("msgtype") in ("m.file", "m.image"):
                found.append(content)
    return found


def _assert_no_clear_bytes(cache: MediaCache, *needles: bytes) -> None:
    files = list(cache.directory.iterdir())
    assert files, "nothing was cached"
    for path in files:
        blob = path.read_bytes()
        for needle in needles:
            assert needle not in blob, f"{path.name} holds clear media"


async def _exchange(register, caches, tmp_path, *, encrypted: bool) -> None:
    company_user, partner_user = register("company"), register("partner")
    crypto_dir = tmp_path if encrypted else None
    company = await login(company_user, crypto_dir)
    partner = await login(partner_user, crypto_dir)
    try:
        room_id = await _shared_room(company, partner, encrypted=encrypted)
        marker = f"devis confidentiel {secrets.token_hex(8)}".encode()
        document = marker + b"\n" + os.urandom(200_000)  # several upload chunks
        image = _image_bytes(marker)
        progress: list[tuple[int, int]] = []

        started = time.monotonic()
        sent_doc = await media.send_file(
            company,
            room_id,
            document,
            filename="devis.pdf",
            cache=caches("company"),
            on_progress=lambda sent, total: progress.append((sent, total)),
        )
        sent_img = await media.send_file(
            company, room_id, image, filename="plan.png", cache=caches("company")
        )
        print(f"\nupload of 2 files ({encrypted=}): {time.monotonic() - started:.2f} s")
        assert progress
        assert progress[-1][0] == progress[-1][1]
        assert [s for s, _ in progress] == sorted(s for s, _ in progress)
        assert progress[-1][0] >= len(document)
        assert sent_doc.content["msgtype"] == "m.file"
        assert sent_img.content["msgtype"] == "m.image"
        info = sent_img.content["info"]
        assert (info["w"], info["h"], info["mimetype"]) == (1200, 900, "image/png")
        assert info["thumbnail_info"]["w"] <= 800
        if encrypted:
            assert "url" not in sent_doc.content
            assert set(sent_doc.content["file"]) >= {"url", "key", "iv", "hashes", "v"}
            assert "thumbnail_file" in info
            assert "thumbnail_url" not in info
        else:
            assert "file" not in sent_doc.content
            assert "thumbnail_url" in info

        started = time.monotonic()
        contents = await _received_contents(partner, room_id, 2)
        print(f"partner sees both messages: {time.monotonic() - started:.2f} s")
        got_doc, got_img = sorted(contents, key=lambda c: c["msgtype"])
        assert got_doc == sent_doc.content
        assert got_img == sent_img.content

        cache = caches("partner")
        started = time.monotonic()
        assert await media.download_content(partner, got_doc, cache=cache) == document
        assert await media.download_content(partner, got_img, cache=cache) == image
        thumb = await media.download_thumbnail(partner, got_img, cache=cache)
        print(f"partner fetches file, image, thumbnail: {time.monotonic() - started:.2f} s")
        with Image.open(io.BytesIO(thumb)) as t:
            assert (t.width, t.height) == (800, 600)

        if encrypted:  # what the servers hold is ciphertext
            raw_cache = caches("raw")
            raw = await media.download(partner, got_doc["file"]["url"], cache=raw_cache)
            assert marker not in raw
            assert len(raw) == len(document)
        else:  # the partner's server makes thumbnails of the company's image over federation
            server_thumb = await media.server_thumbnail(
                partner, got_img["url"], 320, 240, cache=cache
            )
            with Image.open(io.BytesIO(server_thumb)) as t:  # may be larger than asked
                assert t.width < 1200

        # from the cache, with no server at all, and never a clear byte in the cache folder
        offline = MatrixClient("http://127.0.0.1:9")
        try:
            assert await media.download_content(offline, got_doc, cache=cache) == document
            assert await media.download_thumbnail(offline, got_img, cache=cache) == thumb
        finally:
            await offline.close()
        _assert_no_clear_bytes(cache, marker, document[-64:], image[-64:])
        _assert_no_clear_bytes(caches("company"), marker)
    finally:
        await asyncio.gather(company.close(), partner.close())


def test_files_and_images_in_a_plain_room_across_servers(register, caches, tmp_path):
    asyncio.run(_exchange(register, caches, tmp_path, encrypted=False))


def test_encrypted_attachments_across_servers(register, caches, tmp_path):
    asyncio.run(_exchange(register, caches, tmp_path, encrypted=True))


def test_size_limit_from_the_server_config(register, caches):
    account = register("company")

    async def scenario():
        client = await MatrixClient.login(account.homeserver, account.user_id, account.password)
        try:
            config = await media.media_config(client)
            assert config.max_upload_size
            assert config.max_upload_size >= 1024 * 1024
            with pytest.raises(media.TooLarge) as caught:
                media.check_size(config.max_upload_size + 1, config)
            assert "your server accepts files up to" in str(caught.value)
            assert caught.value.limit == config.max_upload_size
            media.check_size(config.max_upload_size, config)  # the limit itself is allowed

            # a limit smaller than the file stops the upload before a byte is sent
            sent: list[int] = []
            with pytest.raises(media.TooLarge):
                await media.upload(
                    client,
                    b"x" * 2048,
                    filename="big.bin",
                    config=media.MediaConfig(1024),
                    on_progress=lambda n, _total: sent.append(n),
                )
            assert sent == []
        finally:
            await client.close()

    asyncio.run(scenario())


def test_missing_media_is_a_typed_error(register, caches):
    account = register("partner")

    async def scenario():
        client = await MatrixClient.login(account.homeserver, account.user_id, account.password)
        try:
            missing = f"mxc://{account.user_id.split(':', 1)[1]}/nothingHere{secrets.token_hex(4)}"
            with pytest.raises(media.MediaNotFound):
                await media.download(client, missing, cache=caches("c"))
        finally:
            await client.close()

    asyncio.run(scenario())
