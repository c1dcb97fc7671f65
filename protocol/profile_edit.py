"""Editing our own profile: display name, and an avatar shrunk and stripped of metadata first."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cercle.protocol import endpoints, media
from cercle.protocol.rooms import send_request

if TYPE_CHECKING:
    from cercle.protocol.client import MatrixClient
    from cercle.storage.media import MediaCache

AVATAR_BOX = 512  # no side longer: what every client shows, and a small upload
SHOWN_BOX = 96  # the dialog's preview
MAX_NAME = 256


class NotAnImage(ValueError):
    """The chosen file is not an image Pillow can read (or is too large to decode safely)."""


class BadDisplayName(ValueError):
    """An empty or over-long display name."""


@dataclass(frozen=True)
class OwnProfile:
    user_id: str
    server: str
    display_name: str | None
    avatar_url: str | None
    avatar: bytes | None  # a small thumbnail of it, for showing


@dataclass(frozen=True)
class Avatar:
    data: bytes
    mimetype: str
    width: int
    height: int


def avatar_image(data: bytes, box: int = AVATAR_BOX) -> Avatar:
    """The image turned upright, fitted in `box`×`box`, and re-encoded from its pixels alone:
    no EXIF (place, camera, date), no comments, no colour profile travel with it."""
    from PIL import ImageOps

    try:
        with media._open_image(data) as opened:
            image = ImageOps.exif_transpose(opened)  # a phone's portrait stays upright
            image.thumbnail((box, box))
    except Exception as e:  # undecodable, truncated or hostile input
        raise NotAnImage("This file is not an image Cercle can read") from e
    from PIL import Image

    alpha = image.mode in ("RGBA", "LA", "PA", "P") and (
        image.mode != "P" or "transparency" in image.info
    )
    mode = "RGBA" if alpha else "RGB"
    pixels = image.convert(mode)
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # pixels only, no info
    out = io.BytesIO()
    if alpha:
        clean.save(out, "PNG", optimize=True)
        mimetype = "image/png"
    else:
        clean.save(out, "JPEG", quality=88)
        mimetype = "image/jpeg"
    return Avatar(out.getvalue(), mimetype, clean.width, clean.height)


def check_display_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise BadDisplayName("A display name cannot be empty")
    if len(name) > MAX_NAME:
        raise BadDisplayName(f"A display name has at most {MAX_NAME} characters")
    return name


async def own_profile(client: MatrixClient, cache: MediaCache | None = None) -> OwnProfile:
    """Our display name and avatar as the server has them, with a small thumbnail to show."""
    user_id = client.user_id
    reply = await send_request(client, endpoints.profile_get(user_id), what="profile")
    name, url = reply.get("displayname"), reply.get("avatar_url")
    name = name if isinstance(name, str) else None
    url = url if isinstance(url, str) and url.startswith("mxc://") else None
    thumbnail = await _thumbnail(client, url, cache) if url else None
    return OwnProfile(user_id, endpoints.server_name_of(user_id) or "", name, url, thumbnail)


async def _thumbnail(client: MatrixClient, url: str, cache: MediaCache | None) -> bytes | None:
    try:
        if cache is not None:
            return await media.server_thumbnail(client, url, SHOWN_BOX, SHOWN_BOX, cache=cache)
        request = endpoints.media_thumbnail(media.parse_mxc(url), SHOWN_BOX, SHOWN_BOX)
        return await media._fetch(client, request.path, None, "thumbnail")
    except Exception:  # a missing picture must not hide the rest of the profile
        return None


async def set_display_name(client: MatrixClient, name: str) -> str:
    """Sets our display name everywhere (the server updates our rooms' member events)."""
    name = check_display_name(name)
    request = endpoints.profile_set_field(client.user_id, "displayname", name)
    await send_request(client, request, what="display name")
    return name


async def set_avatar_from_file(client: MatrixClient, path: Path) -> Avatar:
    """Reads, shrinks and strips the image off the caller's thread, uploads it, and makes it
    our avatar; returns what was uploaded (for showing at once)."""
    data = await asyncio.to_thread(path.read_bytes)
    avatar = await asyncio.to_thread(avatar_image, data)
    suffix = ".png" if avatar.mimetype == "image/png" else ".jpg"
    uploaded = await media.upload(
        client, avatar.data, filename="avatar" + suffix, mimetype=avatar.mimetype
    )
    request = endpoints.profile_set_field(client.user_id, "avatar_url", uploaded.content_uri)
    await send_request(client, request, what="avatar")
    return avatar
