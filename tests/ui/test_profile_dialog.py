"""The profile dialog against the real servers: a new display name and picture are what another
user's client reads from the profile, and the picture went up shrunk and stripped."""

from __future__ import annotations

import asyncio
import io

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from support import sign_in_window

from cercle.desktop.dialogs.profile import ProfileDialog
from cercle.protocol import endpoints
from cercle.protocol.client import MatrixClient
from cercle.protocol.rooms import get_profile

PASSPHRASE = "correct horse battery staple"
WAIT = 20_000


def sign_in(qtbot, window, account) -> None:
    sign_in_window(qtbot, window, account, PASSPHRASE, WAIT)


def _seen_by(other, user_id: str, fetch_avatar: bool = False):
    async def look():
        client = await MatrixClient.login(other.homeserver, other.user_id, other.password)
        try:
            profile = await get_profile(client, user_id)
            data = None
            if fetch_avatar and profile.avatar_url:
                request = endpoints.media_download(profile.avatar_url)
                data = await _raw(client, request.path)
            return profile, data
        finally:
            await client.close()

    return asyncio.run(look())


async def _raw(client, path: str) -> bytes:
    from cercle.protocol import media

    return await media._fetch(client, path, None, "download")


def test_a_new_name_and_picture_are_what_others_see(qtbot, app_window, register, tmp_path):
    me, other = register("company"), register("partner")  # seen across the federation
    sign_in(qtbot, app_window, me)
    attention = app_window.attention
    assert attention.profile_menu.isEnabled()
    assert attention.profile_action.text() == "Your profile…"
    attention.profile_action.trigger()
    dialog = attention.profile
    assert isinstance(dialog, ProfileDialog)
    qtbot.waitUntil(lambda: dialog.profile is not None, timeout=WAIT)
    assert dialog.user_id.text() == me.user_id
    assert dialog.server.text() == me.user_id.split(":", 1)[1]
    assert dialog.heading.text() in (me.user_id, me.user_id[1:].split(":")[0])  # server default
    assert not dialog.save_button.isEnabled()  # nothing changed yet

    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == me.user_id

    # A new name is saved, and read back from the other server.
    dialog.name.setText("Léa Moreau")
    dialog.name.textEdited.emit("Léa Moreau")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.nameSaved, timeout=WAIT) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == ["Léa Moreau"]
    assert dialog.heading.text() == "Léa Moreau"
    assert dialog.note.text() == "Your name is now Léa Moreau."
    profile, _ = _seen_by(other, me.user_id)
    assert profile.display_name == "Léa Moreau"

    # A large photo with metadata: others get it at 512 px at most, without the metadata.
    photo = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (1600, 1200), (20, 120, 200)).save(photo, "JPEG", exif=exif.tobytes())
    with qtbot.waitSignal(dialog.avatarSaved, timeout=WAIT):
        dialog.choose_avatar(photo)
    assert dialog.note.text() == "Your picture is changed."
    profile, data = _seen_by(other, me.user_id, fetch_avatar=True)
    assert profile.avatar_url
    assert profile.avatar_url.startswith("mxc://")
    assert data is not None
    assert b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as seen:
        assert seen.size == (512, 384)

    # Not a picture: said in words, the avatar unchanged.
    bogus = tmp_path / "notes.png"
    bogus.write_bytes(b"not a picture at all")
    dialog.choose_avatar(bogus)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT)
    assert dialog.error.text().startswith("This file is not a picture Cercle can read")
    again, _ = _seen_by(other, me.user_id)
    assert again.avatar_url == profile.avatar_url
    dialog.close()

    # Opened again: the picture comes back from the server (a thumbnail, through the cache).
    qtbot.waitUntil(lambda: attention.profile is None, timeout=WAIT)
    reopened = attention.open_profile()
    assert reopened is not None
    qtbot.waitUntil(lambda: reopened.profile is not None, timeout=WAIT)
    assert reopened.profile.avatar_url == profile.avatar_url
    assert reopened.profile.avatar
    assert reopened.name.text() == "Léa Moreau"
    reopened.close()
