"""Pure media helpers: mxc parsing, size limit, content building, thumbnails, E2EE files."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cercle.protocol import media


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def test_parse_mxc_accepts_only_safe_ids():
    assert str(media.parse_mxc("mxc://example.org:8448/AbC_-1")) == "mxc://example.org:8448/AbC_-1"
    for bad in ("http://x/y", "mxc://x", "mxc://x/../etc", "mxc://x/a/b", "mxc:///id", 42):
        with pytest.raises(media.InvalidMxc):
            media.parse_mxc(bad)


def test_media_config_and_size_limit():
    assert media.parse_media_config({"m.upload.size": 1000}).max_upload_size == 1000
    for junk in ({}, {"m.upload.size": "big"}, {"m.upload.size": True}, {"m.upload.size": -1}):
        assert media.parse_media_config(junk).max_upload_size is None
    media.check_size(10**12, media.MediaConfig(None))  # no stated limit: nothing to refuse
    media.check_size(1000, media.MediaConfig(1000))
    with pytest.raises(media.TooLarge) as caught:
        media.check_size(3 * 1024 * 1024, media.MediaConfig(1024 * 1024))
    assert caught.value.errcode == "M_TOO_LARGE"
    assert "3.0 MB" in str(caught.value)
    assert "1.0 MB" in str(caught.value)


def test_msgtype_and_mimetype_guessing():
    assert media.msgtype_for("image/png") == "m.image"
    assert media.msgtype_for("video/mp4") == "m.video"
    assert media.msgtype_for("audio/ogg") == "m.audio"
    assert media.msgtype_for("application/pdf") == "m.file"
    assert media.guess_mimetype("a.pdf", b"%PDF") == "application/pdf"
    assert media.guess_mimetype("noext", _png(4, 4)) == "image/png"
    assert media.guess_mimetype("noext", b"\x00\x01") == "application/octet-stream"


def test_image_facts_and_thumbnails():
    assert media.image_facts(_png(30, 20)) == media.ImageFacts(30, 20, "image/png")
    assert media.image_facts(b"not an image") is None
    assert media.make_thumbnail(_png(300, 200)) is None  # already small enough
    thumb = media.make_thumbnail(_png(1600, 1200))
    assert (thumb.width, thumb.height, thumb.mimetype) == (800, 600, "image/jpeg")
    with Image.open(io.BytesIO(thumb.data)) as image:
        assert image.size == (800, 600)
    alpha = media.make_thumbnail(_png(1000, 100, "RGBA"))
    assert alpha.mimetype == "image/png"
    assert media.make_thumbnail(b"\x89PNG\r\n\x1a\n garbage") is None


def test_encrypted_file_round_trip_and_tamper():
    ciphertext, file = media.encrypt_file(b"secret plan")
    assert b"secret" not in ciphertext
    assert file["v"] == "v2"
    assert file["key"]["alg"] == "A256CTR"
    assert media.decrypt_file(ciphertext, file) == b"secret plan"
    with pytest.raises(media.MediaCorrupt, match="integrity"):
        media.decrypt_file(ciphertext[:-1] + bytes([ciphertext[-1] ^ 1]), file)
    with pytest.raises(media.MediaCorrupt, match="incomplete"):
        media.decrypt_file(ciphertext, {"iv": file["iv"]})
    with pytest.raises(media.MediaCorrupt, match="version"):
        media.decrypt_file(ciphertext, {**file, "v": "v9"})


def test_cache_variant_binds_decrypted_blobs_to_their_hash():
    assert media.cache_variant(None) == ""
    _, file = media.encrypt_file(b"x")
    assert media.cache_variant(file) == "e2e:" + file["hashes"]["sha256"]


def test_file_content_plain_and_encrypted():
    up = media.Uploaded("mxc://s/orig", 5000, "image/png")
    th = media.Uploaded("mxc://s/thumb", 300, "image/jpeg")
    facts = media.LocalThumbnail(b"", 80, 60, "image/jpeg")
    content = media.file_content(
        "plan.png", up, image=media.ImageFacts(800, 600, "image/png"), thumbnail=th,
        thumbnail_facts=facts,
    )  # fmt: skip
    assert content["msgtype"] == "m.image"
    assert content["url"] == "mxc://s/orig"
    assert content["filename"] == content["body"] == "plan.png"
    assert content["info"]["w"] == 800
    assert content["info"]["thumbnail_url"] == "mxc://s/thumb"
    assert content["info"]["thumbnail_info"] == {
        "mimetype": "image/jpeg",
        "size": 300,
        "w": 80,
        "h": 60,
    }

    _, file = media.encrypt_file(b"doc")
    _, thumb_file = media.encrypt_file(b"t")
    enc = media.Uploaded("mxc://s/e", 3, "application/pdf", {**file, "url": "mxc://s/e"})
    enc_th = media.Uploaded("mxc://s/et", 1, "image/jpeg", {**thumb_file, "url": "mxc://s/et"})
    content = media.file_content("devis.pdf", enc, thumbnail=enc_th, thumbnail_facts=facts)
    assert content["msgtype"] == "m.file"
    assert "url" not in content
    assert content["file"]["url"] == "mxc://s/e"
    assert content["info"]["thumbnail_file"]["url"] == "mxc://s/et"
    assert "thumbnail_url" not in content["info"]


def test_format_size():
    assert media.format_size(512) == "512 bytes"
    assert media.format_size(1536) == "1.5 KB"
    assert media.format_size(50 * 1024**2) == "50.0 MB"


def test_pasted_pixels_become_a_png_with_the_same_pixels():
    rgba = bytes([255, 0, 0, 255, 0, 0, 255, 128] * 3)  # 2×3: red opaque, blue half-transparent
    png = media.png_from_rgba(2, 3, rgba)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(png)).convert("RGBA").tobytes() == rgba
    with pytest.raises(ValueError, match="not a 3×3 RGBA picture"):
        media.png_from_rgba(3, 3, rgba)
