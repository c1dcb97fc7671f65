"""Media: uploads with progress and size limits, authenticated downloads, thumbnails, E2EE files."""

from __future__ import annotations

import asyncio
import io
import logging
import mimetypes
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cercle.protocol import endpoints
from cercle.protocol.endpoints import InvalidIdentifier, MxcUri
from cercle.protocol.errors import MatrixError
from cercle.protocol.messages import MediaInfo, media_content
from cercle.storage.media import MediaCache, thumbnail_variant

if TYPE_CHECKING:  # nio and aiohttp load with the first transfer, not at start-up
    from cercle.protocol.client import MatrixClient

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
THUMBNAIL_BOX = (800, 600)  # what Element generates: large enough for a timeline preview
MAX_IMAGE_PIXELS = 64_000_000  # refuse decompression bombs before Pillow decodes them

Progress = Callable[[int, int], None]  # on_progress(sent_or_received, total)


# -- errors ---------------------------------------------------------------------------------


class MediaError(MatrixError):
    """A media operation failed for a reason the user can act on."""


class TooLarge(MediaError):
    """The file exceeds the server's upload limit (`m.upload.size`)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"This file is {format_size(size)}; your server accepts files up to"
            f" {format_size(limit)}. Share a smaller file or a link to it.",
            errcode="M_TOO_LARGE",
            status=413,
        )
        self.size = size
        self.limit = limit


class MediaNotFound(MediaError):
    """The server (or the remote server holding the file) does not have it."""


class MediaCorrupt(MediaError):
    """An encrypted file failed its integrity check or could not be decrypted."""


class InvalidMxc(MediaError, ValueError):
    """Not an `mxc://server/media_id` URI."""


# -- typed results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaConfig:
    """The server's `/media/config`; `max_upload_size` None when it states no limit."""

    max_upload_size: int | None


@dataclass(frozen=True)
class ImageFacts:
    """What Pillow saw in an image: its size and MIME type."""

    width: int
    height: int
    mimetype: str


@dataclass(frozen=True)
class LocalThumbnail:
    data: bytes
    width: int
    height: int
    mimetype: str


@dataclass(frozen=True)
class Uploaded:
    """An uploaded blob: its mxc URI and, for an encrypted upload, the spec's `file` object."""

    content_uri: str
    size: int  # plaintext bytes
    mimetype: str
    file: Mapping[str, Any] | None = None  # EncryptedFile: url, key (JWK), iv, hashes, v


@dataclass(frozen=True)
class SentFile:
    event_id: str
    content: Mapping[str, Any] = field(default_factory=dict)
    upload: Uploaded | None = None


# -- pure helpers ----------------------------------------------------------------------------


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def parse_mxc(uri: str) -> MxcUri:
    """`mxc://server/media_id` → MxcUri (endpoints' grammar); InvalidMxc in words if not."""
    try:
        return endpoints.parse_mxc(uri)
    except InvalidIdentifier as e:
        raise InvalidMxc(f"Not a media address: {e}") from None


def parse_media_config(payload: Mapping[str, Any]) -> MediaConfig:
    size = payload.get("m.upload.size")
    valid = isinstance(size, int) and not isinstance(size, bool) and size > 0
    return MediaConfig(size if valid else None)


def check_size(size: int, config: MediaConfig) -> None:
    """Raises TooLarge before any byte is sent if `size` exceeds the server's limit."""
    if config.max_upload_size is not None and size > config.max_upload_size:
        raise TooLarge(size, config.max_upload_size)


def msgtype_for(mimetype: str) -> str:
    major = mimetype.split("/", 1)[0]
    return {"image": "m.image", "video": "m.video", "audio": "m.audio"}.get(major, "m.file")


def guess_mimetype(filename: str, data: bytes) -> str:
    """From the name, else from an image's own header, else application/octet-stream."""
    guessed, _ = mimetypes.guess_type(filename)
    if guessed:
        return guessed
    facts = image_facts(data)
    return facts.mimetype if facts else "application/octet-stream"


def png_from_rgba(width: int, height: int, rgba: bytes) -> bytes:
    """A pasted picture's pixels (RGBA, 8 bits each, rows unpadded) as a PNG file. Call it off
    the UI thread: a 2560×1440 screenshot takes ~0.2 s to compress."""
    from PIL import Image

    if width <= 0 or height <= 0 or len(rgba) != width * height * 4:
        raise ValueError(f"{len(rgba)} bytes are not a {width}×{height} RGBA picture")
    out = io.BytesIO()
    Image.frombytes("RGBA", (width, height), rgba).save(out, "PNG")
    return out.getvalue()


def _open_image(data: bytes) -> Any:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    return Image.open(io.BytesIO(data))


def image_facts(data: bytes) -> ImageFacts | None:
    """Width, height and MIME type of an image Pillow can read, else None (never raises)."""
    try:
        with _open_image(data) as image:
            from PIL import Image

            mimetype = Image.MIME.get(image.format or "", None)
            if not mimetype:
                return None
            return ImageFacts(image.width, image.height, mimetype)
    except Exception:  # any undecodable or hostile input means "not an image we can show"
        return None


def make_thumbnail(data: bytes, box: tuple[int, int] = THUMBNAIL_BOX) -> LocalThumbnail | None:
    """A JPEG (PNG when the image has transparency) fitting `box`, or None when the image
    already fits or cannot be read."""
    try:
        with _open_image(data) as image:
            if image.width <= box[0] and image.height <= box[1]:
                return None
            image.draft("RGB", box)  # JPEG: decode at a reduced scale, far cheaper
            small = image.copy()
        small.thumbnail(box)
        alpha = small.mode in ("RGBA", "LA", "PA") or "transparency" in small.info
        out = io.BytesIO()
        if alpha:
            small.convert("RGBA").save(out, "PNG", optimize=True)
            mimetype = "image/png"
        else:
            small.convert("RGB").save(out, "JPEG", quality=80)
            mimetype = "image/jpeg"
        return LocalThumbnail(out.getvalue(), small.width, small.height, mimetype)
    except Exception:  # any undecodable or hostile input: no thumbnail, the file still goes
        log.info("no thumbnail: the image could not be decoded")
        return None


def encrypt_file(data: bytes) -> tuple[bytes, dict[str, Any]]:
    """AES-CTR ciphertext and the spec's EncryptedFile (without `url`, set after upload)."""
    from nio.crypto.attachments import encrypt_attachment

    ciphertext, keys = encrypt_attachment(data)
    return ciphertext, dict(keys)


def decrypt_file(ciphertext: bytes, file: Mapping[str, Any]) -> bytes:
    """Checks the ciphertext's SHA-256 against `file` and decrypts it; MediaCorrupt if not."""
    from nio.crypto.attachments import decrypt_attachment
    from nio.exceptions import EncryptionError

    try:
        key = file["key"]["k"]
        digest = file["hashes"]["sha256"]
        iv = file["iv"]
        if file.get("v") not in ("v2", None) or file["key"].get("alg", "A256CTR") != "A256CTR":
            raise MediaCorrupt(f"Unsupported encrypted file version {file.get('v')!r}")
        return decrypt_attachment(ciphertext, key, digest, iv)
    except (KeyError, TypeError, AttributeError) as e:
        raise MediaCorrupt("This encrypted file's keys are incomplete") from e
    except EncryptionError as e:
        raise MediaCorrupt(
            "This encrypted file was altered or damaged: it failed its integrity check"
        ) from e


def cache_variant(file: Mapping[str, Any] | None) -> str:
    """The cache variant of a blob: "" for plain media; decrypted blobs are bound to the
    ciphertext hash their event claims, so another event citing the same mxc with other keys
    never gets them."""
    if not file:
        return ""
    digest = (file.get("hashes") or {}).get("sha256", "")
    return f"e2e:{digest}"


def file_content(
    filename: str,
    upload: Uploaded,
    *,
    image: ImageFacts | None = None,
    thumbnail: Uploaded | None = None,
    thumbnail_facts: LocalThumbnail | None = None,
) -> dict[str, Any]:
    """The m.room.message content for an uploaded file (m.image/m.video/m.audio/m.file)."""
    thumb_info = None
    if thumbnail and thumbnail_facts:
        thumb_info = MediaInfo(
            thumbnail.mimetype, thumbnail.size, thumbnail_facts.width, thumbnail_facts.height
        )
    info = MediaInfo(
        mimetype=upload.mimetype,
        size=upload.size,
        width=image.width if image else None,
        height=image.height if image else None,
        thumbnail_url=thumbnail.content_uri if thumbnail and not thumbnail.file else None,
        thumbnail_file=thumbnail.file if thumbnail else None,
        thumbnail_info=thumb_info,
    )
    return media_content(
        msgtype_for(upload.mimetype),
        filename,
        url=None if upload.file else upload.content_uri,
        file=upload.file,
        info=info,
    )


# -- I/O -------------------------------------------------------------------------------------


async def media_config(client: MatrixClient) -> MediaConfig:
    """The server's limits (`GET /_matrix/client/v1/media/config`)."""
    from cercle.protocol.rooms import send_request

    reply = await send_request(client, endpoints.media_config(), what="media config")
    return parse_media_config(reply)


async def _chunks(data: bytes, on_progress: Progress | None) -> AsyncIterator[bytes]:
    total = len(data)
    for start in range(0, total, CHUNK):
        chunk = data[start : start + CHUNK]
        yield chunk
        if on_progress:
            on_progress(min(start + CHUNK, total), total)


async def upload(
    client: MatrixClient,
    data: bytes,
    *,
    filename: str,
    mimetype: str | None = None,
    encrypt: bool = False,
    on_progress: Progress | None = None,
    config: MediaConfig | None = None,
) -> Uploaded:
    """Uploads `data` (encrypted first when `encrypt`); TooLarge before sending if over the limit.

    `on_progress(sent, total)` is called as chunks leave; `config` skips asking the server.
    """
    mimetype = mimetype or guess_mimetype(filename, data)
    file: dict[str, Any] | None = None
    payload = data
    if encrypt:
        payload, file = await asyncio.to_thread(encrypt_file, data)
    check_size(len(payload), config or await media_config(client))

    def provider(_got_429: int, _got_timeouts: int) -> AsyncIterator[bytes]:
        return _chunks(payload, on_progress)  # restarted from the start on a retry

    try:
        reply, _ = await client.call(
            client.nio.upload(
                provider,
                content_type="application/octet-stream" if encrypt else mimetype,
                filename=None if encrypt else filename,  # a clear name would leak from E2EE
                filesize=len(payload),
            )
        )
    except MatrixError as e:
        if e.errcode == "M_TOO_LARGE" or e.status == 413:
            limit = (config.max_upload_size if config else None) or len(payload) - 1
            raise TooLarge(len(payload), limit) from e
        raise
    if file is not None:
        file["url"] = reply.content_uri
    return Uploaded(reply.content_uri, len(data), mimetype, file)


async def _fetch(
    client: MatrixClient, url_path: str, on_progress: Progress | None, what: str
) -> bytes:
    import aiohttp

    from cercle.protocol.rooms import error_from

    headers = {"Authorization": f"Bearer {client.nio.access_token}"}
    # no total deadline for big files, but a stalled transfer fails after a minute
    timeout = aiohttp.ClientTimeout(total=None, sock_read=60)

    async def run() -> tuple[int, Any]:
        async with await client.nio.send("GET", url_path, None, headers, None, timeout) as resp:
            if resp.status != 200:
                try:
                    return resp.status, await resp.json(content_type=None)
                except ValueError:
                    return resp.status, None
            total = resp.content_length or 0
            received = bytearray()
            async for chunk in resp.content.iter_chunked(CHUNK):
                received += chunk
                if on_progress:
                    on_progress(len(received), max(total, len(received)))
            return 200, bytes(received)

    status, body = await client.call(run())
    if status == 200:
        return body
    error = error_from(status, body, what)
    if error.errcode == "M_NOT_FOUND" or status == 404:
        raise MediaNotFound(
            "This file is no longer available on its server (deleted or expired)",
            errcode=error.errcode,
            status=status,
        )
    if status in (502, 504):
        raise MediaError(
            "The server holding this file could not be reached; try again later",
            errcode=error.errcode,
            status=status,
        )
    raise error


async def download(
    client: MatrixClient,
    mxc: str,
    *,
    cache: MediaCache,
    file: Mapping[str, Any] | None = None,
    on_progress: Progress | None = None,
    mimetype: str | None = None,
) -> bytes:
    """A file's bytes via authenticated media, decrypted when `file` (EncryptedFile) is given.

    The cache is asked first; what is fetched is kept there, encrypted at rest.
    """
    if file is not None:
        mxc = file.get("url", mxc) if isinstance(file.get("url"), str) else mxc
    parsed = parse_mxc(mxc)
    variant = cache_variant(file)
    cached = await asyncio.to_thread(cache.get, mxc, variant)
    if cached is not None:
        return cached
    data = await _fetch(client, endpoints.media_download(parsed).path, on_progress, "download")
    if file is not None:
        data = await asyncio.to_thread(decrypt_file, data, file)
    await asyncio.to_thread(cache.put, mxc, data, variant=variant, mime_type=mimetype)
    return data


async def server_thumbnail(
    client: MatrixClient,
    mxc: str,
    width: int,
    height: int,
    *,
    cache: MediaCache,
    method: str = "scale",
) -> bytes:
    """A server-made thumbnail of unencrypted media (`/v1/media/thumbnail`), cached."""
    parsed = parse_mxc(mxc)
    variant = thumbnail_variant(width, height, method)
    cached = await asyncio.to_thread(cache.get, mxc, variant)
    if cached is not None:
        return cached
    request = endpoints.media_thumbnail(parsed, width, height, method=method)
    data = await _fetch(client, request.path, None, "thumbnail")
    facts = image_facts(data)
    await asyncio.to_thread(
        cache.put, mxc, data, variant=variant, mime_type=facts.mimetype if facts else None
    )
    return data


async def download_thumbnail(
    client: MatrixClient, content: Mapping[str, Any], *, cache: MediaCache
) -> bytes | None:
    """The thumbnail an m.image event names (`thumbnail_file` or `thumbnail_url`), or None."""
    raw_info = content.get("info")
    info = raw_info if isinstance(raw_info, dict) else {}
    thumb_file = info.get("thumbnail_file")
    if isinstance(thumb_file, dict) and isinstance(thumb_file.get("url"), str):
        return await download(client, thumb_file["url"], cache=cache, file=thumb_file)
    url = info.get("thumbnail_url")
    if isinstance(url, str):
        return await download(client, url, cache=cache)
    return None


async def download_content(
    client: MatrixClient,
    content: Mapping[str, Any],
    *,
    cache: MediaCache,
    on_progress: Progress | None = None,
) -> bytes:
    """The file an m.file/m.image/… event carries, decrypted if it came encrypted."""
    raw_info = content.get("info")
    info = raw_info if isinstance(raw_info, dict) else {}
    mimetype = info.get("mimetype") if isinstance(info.get("mimetype"), str) else None
    file = content.get("file")
    if isinstance(file, dict):
        url = file.get("url")
        if not isinstance(url, str):
            raise MediaCorrupt("This encrypted file names no address")
        return await download(
            client, url, cache=cache, file=file, on_progress=on_progress, mimetype=mimetype
        )
    url = content.get("url")
    if not isinstance(url, str):
        raise InvalidMxc("This message carries no file")
    return await download(client, url, cache=cache, on_progress=on_progress, mimetype=mimetype)


async def room_is_encrypted(client: MatrixClient, room_id: str) -> bool:
    """From nio's room state when it has the room, else from the server's state."""
    from cercle.protocol.rooms import path, request_json

    room = client.nio.rooms.get(room_id)
    if room is not None:
        return bool(room.encrypted)
    try:
        url = path("rooms", room_id, "state", "m.room.encryption", "")  # ends in "/": key ""
        await request_json(client, "GET", url, what="room state")
    except MatrixError as e:
        if e.status == 404:
            return False
        raise
    return True


async def prepare_file(
    client: MatrixClient,
    source: Path | bytes,
    *,
    encrypted: bool,
    cache: MediaCache | None = None,
    filename: str | None = None,
    mimetype: str | None = None,
    on_progress: Progress | None = None,
) -> tuple[dict[str, Any], Uploaded]:
    """Uploads a file (and a local thumbnail of an image) and returns the message content.

    The outbox can queue the content; `send_file` sends it at once. The plaintext goes into
    `cache` so the sender never downloads its own file again.
    """
    if isinstance(source, Path):
        data = await asyncio.to_thread(source.read_bytes)
        filename = filename or source.name
    else:
        data = bytes(source)
        filename = filename or "file"
    config = await media_config(client)
    facts = await asyncio.to_thread(image_facts, data)
    mimetype = mimetype or guess_mimetype(filename, data)
    if not mimetype.startswith("image/"):
        facts = None
    check_size(len(data), config)  # before thumbnails or encryption cost anything
    thumb = await asyncio.to_thread(make_thumbnail, data) if facts else None
    thumb_upload = None
    if thumb:
        thumb_upload = await upload(
            client,
            thumb.data,
            filename=f"thumbnail-{filename}",
            mimetype=thumb.mimetype,
            encrypt=encrypted,
            config=config,
        )
    uploaded = await upload(
        client,
        data,
        filename=filename,
        mimetype=mimetype,
        encrypt=encrypted,
        on_progress=on_progress,
        config=config,
    )
    if cache is not None:
        await asyncio.to_thread(
            cache.put, uploaded.content_uri, data, variant=cache_variant(uploaded.file),
            mime_type=mimetype,
        )  # fmt: skip
        if thumb and thumb_upload:
            await asyncio.to_thread(
                cache.put, thumb_upload.content_uri, thumb.data,
                variant=cache_variant(thumb_upload.file), mime_type=thumb.mimetype,
            )  # fmt: skip
    content = file_content(
        filename, uploaded, image=facts, thumbnail=thumb_upload, thumbnail_facts=thumb
    )
    return content, uploaded


async def send_file(
    client: MatrixClient,
    room_id: str,
    source: Path | bytes,
    *,
    encrypted: bool | None = None,
    cache: MediaCache | None = None,
    filename: str | None = None,
    mimetype: str | None = None,
    on_progress: Progress | None = None,
) -> SentFile:
    """Uploads then sends an m.file/m.image/m.video/m.audio message; `encrypted` defaults to
    the room's own setting (an encrypted room always gets an encrypted attachment)."""
    if not encrypted:  # never a clear attachment in an encrypted room, whatever was asked
        encrypted = await room_is_encrypted(client, room_id)
    content, uploaded = await prepare_file(
        client,
        source,
        encrypted=encrypted,
        cache=cache,
        filename=filename,
        mimetype=mimetype,
        on_progress=on_progress,
    )
    event_id = await client.send_message(room_id, content)
    return SentFile(event_id, content, uploaded)
