"""The avatar a user chooses is shrunk to 512 px and re-encoded without its metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cercle.protocol.profile_edit import (
    BadDisplayName,
    NotAnImage,
    avatar_image,
    check_display_name,
)


def _jpeg_with_exif(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2026:11:23 10:00:00"  # DateTime
    exif[0x0112] = 6  # Orientation: rotated 90° clockwise
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret place")
    return out.getvalue()


def test_a_large_photo_is_fitted_turned_upright_and_stripped():
    data = _jpeg_with_exif(2000, 1000)
    assert b"PhoneMaker" in data  # the input does carry it
    avatar = avatar_image(data)
    assert avatar.mimetype == "image/jpeg"
    assert (avatar.width, avatar.height) == (256, 512)  # upright: the orientation was applied
    assert b"PhoneMaker" not in avatar.data
    assert b"secret place" not in avatar.data
    with Image.open(io.BytesIO(avatar.data)) as result:
        assert not result.getexif()
        assert "icc_profile" not in result.info
        assert "comment" not in result.info
        assert result.size == (256, 512)


def test_a_transparent_picture_stays_png_and_a_small_one_keeps_its_size():
    image = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    avatar = avatar_image(out.getvalue())
    assert (avatar.mimetype, avatar.width, avatar.height) == ("image/png", 100, 80)
    with Image.open(io.BytesIO(avatar.data)) as result:
        assert result.mode == "RGBA"


def test_not_an_image_is_said_so():
    with pytest.raises(NotAnImage):
        avatar_image(b"%PDF-1.7 not a picture")


def test_display_names_are_trimmed_and_never_empty():
    assert check_display_name("  Léa Moreau ") == "Léa Moreau"
    with pytest.raises(BadDisplayName):
        check_display_name("   ")
    with pytest.raises(BadDisplayName):
        check_display_name("x" * 257)
